"""The export writers without a server: read back with openpyxl, csv, json and zipfile."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from sync_server.reports.columns import PRODUCERS, PRODUCTS, Table, export_tables, visible
from sync_server.reports.export_csv import BOM, csv_chunks
from sync_server.reports.export_geojson import geojson_chunks
from sync_server.reports.export_photos import photo_names, safe_filename
from sync_server.reports.export_xlsx import (
    BE_DATE_FORMAT,
    column_letter,
    sheet_title,
    write_xlsx,
)
from sync_server.reports.zipstream import Member, zip_chunks

from .thai_data import make_dataset


def _tables(include_personal: bool):  # type: ignore[no-untyped-def,unused-ignore]
    ds = make_dataset(20)
    return ds, export_tables(producers=ds.producers, products=ds.products, visits=ds.visits,
                             plan_items=ds.plan_items, include_personal=include_personal)


def test_xlsx_has_five_thai_sheets_matching_the_records(tmp_path: Path) -> None:
    ds, tables = _tables(include_personal=True)
    target = tmp_path / "export.xlsx"
    write_xlsx(str(target), tables)
    wb = load_workbook(target, read_only=True)
    assert wb.sheetnames == ["ผู้ผลิต", "ผลิตภัณฑ์", "การเยี่ยม", "แผนพัฒนา", "เครือข่าย"]
    rows = list(wb["ผู้ผลิต"].iter_rows(values_only=True))
    headers = rows[0]
    assert headers[:3] == ("รหัสผู้ผลิต", "ชื่อผู้ผลิต", "ชื่อภาษาอังกฤษ")
    assert len(rows) == 1 + len(ds.producers)
    for producer, row in zip(ds.producers, rows[1:], strict=True):
        cells = dict(zip(headers, row, strict=True))
        assert cells["รหัสผู้ผลิต"] == producer["id"]
        assert cells["ชื่อผู้ผลิต"] == producer["name_th"]
        assert cells["เลขประจำตัว 13 หลัก"] == producer["id_number"]
        assert cells["โทรศัพท์"] == producer["phone"]
        assert cells["หมายเหตุ"] == producer["notes"]  # "=สูตรพิเศษ" stays text, no formula
    products = list(wb["ผลิตภัณฑ์"].iter_rows(values_only=True))
    assert len(products) == 1 + len(ds.products)
    first = dict(zip(products[0], products[1], strict=True))
    assert first["ชื่อผลิตภัณฑ์"] == ds.products[0]["name_th"]
    assert first["ราคา (บาท)"] == ds.products[0]["price_thb"]
    assert first["ชื่อผู้ผลิต"] == ds.producers[0]["name_th"]
    visits = list(wb["การเยี่ยม"].iter_rows(values_only=True))
    # A real date (sorts and filters as a date), shown in พ.ศ. by its number format.
    assert dict(zip(visits[0], visits[1], strict=True))["วันที่เยี่ยม"] == datetime(2026, 2, 1)
    wb.close()


def test_xlsx_dates_are_date_cells_shown_in_buddhist_era(tmp_path: Path) -> None:
    target = tmp_path / "dates.xlsx"
    table = Table("วันที่", "dates", ["วัน", "ข้อความ"], iter([
        [date(2026, 3, 5), "05/03/2569"], [date(1999, 12, 31), "x"], [date(2030, 10, 1), None],
    ]))
    write_xlsx(str(target), [table])
    wb = load_workbook(target)  # not read-only: styles are read per cell
    ws = wb["วันที่"]
    cells = [ws.cell(row=n, column=1) for n in (2, 3, 4)]
    assert [c.value for c in cells] == [datetime(2026, 3, 5), datetime(1999, 12, 31),
                                        datetime(2030, 10, 1)]
    assert all(c.is_date for c in cells)
    assert all(c.number_format == BE_DATE_FORMAT for c in cells)
    assert ",107" in BE_DATE_FORMAT or "-107" in BE_DATE_FORMAT  # calendar 07: Thai Buddhist
    assert ws.cell(row=2, column=2).value == "05/03/2569"  # text stays text
    # sorted as dates, not as text ("31/12/2542" would sort after "05/03/2569" as text)
    assert sorted(c.value for c in cells) == [datetime(1999, 12, 31), datetime(2026, 3, 5),
                                              datetime(2030, 10, 1)]
    wb.close()


@given(st.dates(min_value=date(1900, 3, 1), max_value=date(2200, 12, 31)))
def test_any_date_reads_back_the_same(day: date) -> None:
    buffer = io.BytesIO()
    write_xlsx(buffer, [Table("d", "d", ["d"], iter([[day]]))])
    buffer.seek(0)
    wb = load_workbook(buffer)
    assert wb["d"].cell(row=2, column=1).value == datetime(day.year, day.month, day.day)
    wb.close()


def test_csv_writes_dates_in_buddhist_era() -> None:
    data = b"".join(csv_chunks(Table("d", "d", ["วัน"], iter([[date(2026, 3, 5)]]))))
    assert data.decode("utf-8-sig").splitlines()[1] == "05/03/2569"


def test_officer_exports_leave_out_personal_columns() -> None:
    ds, tables = _tables(include_personal=False)
    assert "เลขประจำตัว 13 หลัก" not in tables[0].headers
    assert "โทรศัพท์" not in tables[0].headers and "บ้านเลขที่" not in tables[0].headers
    flat = json.dumps([list(t.rows) for t in tables], ensure_ascii=False, default=str)
    assert not any(p["id_number"] in flat for p in ds.producers)
    assert len(visible(PRODUCERS.columns, False)) < len(PRODUCERS.columns)


def test_csv_has_a_bom_thai_headers_and_neutralised_formulas() -> None:
    ds, tables = _tables(include_personal=True)
    data = b"".join(csv_chunks(tables[0], rows_per_chunk=3))
    assert data.startswith(BOM)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][1] == "ชื่อผู้ผลิต"
    assert [r[0] for r in rows[1:]] == [p["id"] for p in ds.producers]
    notes = [r[rows[0].index("หมายเหตุ")] for r in rows[1:]]
    assert "'=สูตรพิเศษ" in notes
    products = list(csv.reader(io.StringIO(b"".join(csv_chunks(tables[1])).decode("utf-8-sig"))))
    assert len(products) == 1 + len(ds.products)
    assert products[0] == [c.header_th for c in PRODUCTS.columns]


def test_geojson_points_are_lon_lat_and_skip_producers_without_gps() -> None:
    ds = make_dataset(20)
    doc = json.loads(b"".join(geojson_chunks(ds.producers, include_personal=False,
                                             features_per_chunk=4)))
    with_gps = [p for p in ds.producers if "gps" in p]
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == len(with_gps)
    for f, p in zip(doc["features"], with_gps, strict=True):
        assert f["geometry"]["coordinates"] == [p["gps"]["lon"], p["gps"]["lat"]]
        assert f["properties"]["name_th"] == p["name_th"]
        assert "phone" not in f["properties"] and "id_number" not in f["properties"]


def test_streamed_zip_reads_back_with_thai_names() -> None:
    members = [Member("ผู้ผลิต.csv", [b"a" * 10_000, b"b" * 5]),
               Member("กลุ่มแม่บ้าน/ปลาสลิด-สินค้า-0123abcd.jpg", [b"\xff\xd8" + b"x" * 70_000],
                      compress=False)]
    chunks = list(zip_chunks(members))
    assert len(chunks) > 2  # streamed, not one blob
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.testzip() is None
    assert archive.namelist() == ["ผู้ผลิต.csv", "กลุ่มแม่บ้าน/ปลาสลิด-สินค้า-0123abcd.jpg"]
    assert archive.read("ผู้ผลิต.csv") == b"a" * 10_000 + b"bbbbb"
    info = archive.getinfo("กลุ่มแม่บ้าน/ปลาสลิด-สินค้า-0123abcd.jpg")
    assert info.flag_bits & 0x800  # names marked UTF-8, so Windows shows Thai
    assert info.compress_type == zipfile.ZIP_STORED


WINDOWS_BAD = set('<>:"/\\|?*') | {chr(c) for c in range(32)}


@given(st.text(max_size=120))
def test_safe_filename_is_always_usable_on_windows(text: str) -> None:
    name = safe_filename(text)
    assert name and len(name) <= 61
    assert not (set(name) & WINDOWS_BAD)
    assert not name.endswith((".", " "))
    assert name.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}


def test_photo_names_by_producer_and_product_and_unique_folders() -> None:
    sha = "ab" * 32
    photos: list[dict[str, str | None]] = [
        {"id": sha, "producer_id": "p1", "product_id": "x1", "subject": "label"},
              {"id": "cd" * 32, "producer_id": "p2", "product_id": None,
               "subject": "production_site"},
              {"id": "ef" * 32, "producer_id": "elsewhere", "subject": "product"},
              {"id": "01" * 32, "producer_id": "p1", "product_id": "filtered_out",
               "subject": "product"}]
    producers = {"p1": "กลุ่มแม่บ้าน: บางขนาก", "p2": "กลุ่มแม่บ้าน: บางขนาก"}
    names = dict(photo_names(photos, producers, {"x1": "น้ำพริก/เผา"}))
    assert names == {
        "กลุ่มแม่บ้าน_ บางขนาก-p1/น้ำพริก_เผา-ฉลาก-abababab.jpg": sha,
        "กลุ่มแม่บ้าน_ บางขนาก-p2/สถานที่ผลิต-cdcdcdcd.jpg": "cd" * 32,
    }


def test_xlsx_keeps_text_as_text_drops_illegal_characters_and_bolds_the_header(
        tmp_path: Path) -> None:
    table = Table("ชีต/ทดสอบ:ยาว" * 5, "t", ["ชื่อ", "จำนวน"], iter([
        ["  เว้นวรรคหน้า", 1],
        ["=HYPERLINK(\"http://x\")", 2.5],
        ["ควบคุม\x01\x0bตัวอักษร & <แท็ก>", None],
        [None, 7],
        [True, float("nan")],
    ]))
    target = tmp_path / "t.xlsx"
    write_xlsx(str(target), [table])
    wb = load_workbook(target)
    ws = wb.worksheets[0]
    assert ws.title == sheet_title("ชีต/ทดสอบ:ยาว" * 5) and len(ws.title) == 31
    assert [list(r) for r in ws.iter_rows(values_only=True)] == [
        ["ชื่อ", "จำนวน"], ["  เว้นวรรคหน้า", 1], ["=HYPERLINK(\"http://x\")", 2.5],
        ["ควบคุมตัวอักษร & <แท็ก>", None], [None, 7], ["True", "nan"]]
    assert ws["A3"].data_type == "s"  # not a formula
    assert ws["A1"].font.b and not ws["A2"].font.b
    assert ws.freeze_panes == "A2"
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
