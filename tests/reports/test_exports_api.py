"""Exports through a real server, read back with openpyxl, csv, json and zipfile and
checked cell by cell against what the database holds."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime
from typing import Any

import httpx
import sqlalchemy as sa
from openpyxl import load_workbook

from sync_server.db.tables import audit_log
from sync_server.reports.fiscal import parse_iso_date

from .conftest import Seeded

PERSONAL_HEADERS = ("เลขประจำตัว 13 หลัก", "โทรศัพท์", "บ้านเลขที่", "ผู้ติดต่อ")


def _get(seeded: Seeded, path: str, role: str = "supervisor") -> httpx.Response:
    return httpx.get(seeded.url + path, headers=seeded.actors[role].headers, timeout=60)


def _sheet(wb: Any, title: str) -> list[dict[str, Any]]:
    rows = list(wb[title].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _day(iso: str | None) -> datetime | None:
    """What openpyxl reads from a date cell: midnight of the record's date."""
    day = parse_iso_date(iso)
    return None if day is None else datetime(day.year, day.month, day.day)


def _be(iso: str) -> str:
    y, m, d = iso[:10].split("-")
    return f"{d}/{m}/{int(y) + 543}"


def test_xlsx_matches_the_database_cell_by_cell(seeded: Seeded) -> None:
    response = _get(seeded, "/api/v1/exports/producers.xlsx")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    assert wb.sheetnames == ["ผู้ผลิต", "ผลิตภัณฑ์", "การเยี่ยม", "แผนพัฒนา", "เครือข่าย"]

    producers = seeded.records("producer")
    sheet = _sheet(wb, "ผู้ผลิต")
    assert {r["รหัสผู้ผลิต"] for r in sheet} == set(producers)
    for row in sheet:
        p = producers[row["รหัสผู้ผลิต"]]
        assert row["ชื่อผู้ผลิต"] == p["name_th"]
        assert row["เลขประจำตัว 13 หลัก"] == p["id_number"]
        assert row["โทรศัพท์"] == p["phone"]
        assert row["บ้านเลขที่"] == p["address"]["house_no"]
        assert row["หมู่ที่"] == p["address"]["moo"]
        assert row["รหัสตำบล"] == p["address"]["subdistrict_code"]
        assert row["ปีที่ก่อตั้ง (พ.ศ.)"] == p["year_founded_be"]
        assert row["หมายเหตุ"] == p["notes"]  # "=สูตรพิเศษ" stays text, never a formula
        assert row["ละติจูด"] == (p["gps"]["lat"] if "gps" in p else None)
    assert any(r["ตำบล"] == "บางน้ำเปรี้ยว" for r in sheet)

    products = seeded.records("product")
    sheet = _sheet(wb, "ผลิตภัณฑ์")
    assert {r["รหัสผลิตภัณฑ์"] for r in sheet} == set(products)
    labels = {"food": "อาหาร", "beverage": "เครื่องดื่ม", "textile": "ผ้า เครื่องแต่งกาย",
              "household": "ของใช้ ของตกแต่ง ของที่ระลึก", "herbal": "สมุนไพรที่ไม่ใช่อาหาร"}
    for row in sheet:
        pr = products[row["รหัสผลิตภัณฑ์"]]
        assert row["ชื่อผลิตภัณฑ์"] == pr["name_th"]
        assert row["ชื่อผู้ผลิต"] == producers[pr["producer_id"]]["name_th"]
        assert row["ประเภทผลิตภัณฑ์"] == labels[pr["category"]]
        assert row["ราคา (บาท)"] == pr["price_thb"]
        assert row["ระดับดาว OPC"] == pr["opc_stars"]
        fda = [c["number"] for c in pr["certifications"] if c["standard"] == "fda"]
        assert row["เลข อย."] == (fda[0] if fda else None)
        for cert in pr["certifications"]:
            assert _be(cert["expires_on"]) in row["มาตรฐาน"]

    visits = seeded.records("visit")
    for row in _sheet(wb, "การเยี่ยม"):
        v = visits[row["รหัสการเยี่ยม"]]
        assert row["วันที่เยี่ยม"] == _day(v["started_at"])  # a date cell, not text
        assert row["ปัญหา"] == v["problems"]
        assert row["เจ้าหน้าที่"] == v["officer_name"]
    plans = seeded.records("plan_item")
    sheet = _sheet(wb, "แผนพัฒนา")
    assert {r["รหัสแผน"] for r in sheet} == set(plans)
    for row in sheet:
        item = plans[row["รหัสแผน"]]
        assert row["งบประมาณ (บาท)"] == item["budget_thb"]
        assert row["หน่วยงานรับผิดชอบ"] == (item["agency"] or None)
        assert row["กำหนดเสร็จ"] == _day(item["due_on"])
    wb.close()


def test_officers_get_no_personal_columns_and_partners_no_exports(seeded: Seeded) -> None:
    response = _get(seeded, "/api/v1/exports/producers.xlsx", role="officer")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    headers = next(wb["ผู้ผลิต"].iter_rows(values_only=True))
    assert not set(PERSONAL_HEADERS) & set(headers)
    text = json.dumps([list(ws.iter_rows(values_only=True)) for ws in wb], ensure_ascii=False,
                      default=str)
    for p in seeded.records("producer").values():
        assert p["id_number"] not in text and p["phone"] not in text
    forbidden = _get(seeded, "/api/v1/exports/producers.xlsx", role="partner")
    assert forbidden.status_code == 403
    assert forbidden.json()["title_th"]
    assert httpx.get(seeded.url + "/api/v1/exports/producers.csv").status_code == 401


def test_filter_by_subdistrict_and_category(seeded: Seeded) -> None:
    response = _get(seeded, "/api/v1/exports/producers.xlsx?subdistrict=240301&category=food")
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    producers = seeded.records("producer")
    products = seeded.records("product")
    food_owners = {p["producer_id"] for p in products.values() if p["category"] == "food"}
    expected = {pid for pid, p in producers.items()
                if p["address"]["subdistrict_code"] == "240301" and pid in food_owners}
    assert expected, "the test data should have food producers in 240301"
    assert {r["รหัสผู้ผลิต"] for r in _sheet(wb, "ผู้ผลิต")} == expected
    rows = _sheet(wb, "ผลิตภัณฑ์")
    assert rows and all(r["ประเภทผลิตภัณฑ์"] == "อาหาร" for r in rows)
    assert {products[r["รหัสผลิตภัณฑ์"]]["producer_id"] for r in rows} == expected
    bad = _get(seeded, "/api/v1/exports/producers.xlsx?category=อาหาร")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_filter" and "ไม่รู้จัก" in bad.json()["detail_th"]


def test_csv_files_have_a_bom_and_match_the_database(seeded: Seeded) -> None:
    response = _get(seeded, "/api/v1/exports/products.csv")
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    products = seeded.records("product")
    assert {r["รหัสผลิตภัณฑ์"] for r in rows} == set(products)
    for row in rows:
        pr = products[row["รหัสผลิตภัณฑ์"]]
        assert row["ชื่อผลิตภัณฑ์"] == pr["name_th"]
        assert float(row["ราคา (บาท)"]) == pr["price_thb"]

    archive = zipfile.ZipFile(io.BytesIO(_get(seeded, "/api/v1/exports/csv.zip").content))
    assert archive.namelist() == ["producers.csv", "products.csv", "visits.csv",
                                  "plan_items.csv", "network_links.csv"]
    producers_csv = archive.read("producers.csv").decode("utf-8-sig")
    names = [r["ชื่อผู้ผลิต"] for r in csv.DictReader(io.StringIO(producers_csv))]
    assert sorted(names) == sorted(p["name_th"] for p in seeded.records("producer").values())


def test_geojson_has_a_point_per_producer_with_gps(seeded: Seeded) -> None:
    doc = _get(seeded, "/api/v1/exports/producers.geojson?subdistrict=240302").json()
    producers = {pid: p for pid, p in seeded.records("producer").items()
                 if p["address"]["subdistrict_code"] == "240302" and "gps" in p}
    assert {f["id"] for f in doc["features"]} == set(producers)
    for f in doc["features"]:
        p = producers[f["id"]]
        assert f["geometry"] == {"type": "Point",
                                 "coordinates": [p["gps"]["lon"], p["gps"]["lat"]]}
        assert f["properties"]["subdistrict_th"] == "บางขนาก"


def test_photos_zip_streams_every_photo_under_its_producer(seeded: Seeded) -> None:
    response = _get(seeded, "/api/v1/exports/photos.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    photos = seeded.records("photo")
    producers = seeded.records("producer")
    products = seeded.records("product")
    assert len(archive.namelist()) == len(photos)
    by_sha = {name.rsplit("-", 1)[1][:8]: name for name in archive.namelist()}
    for sha, photo in photos.items():
        name = by_sha[sha[:8]]
        folder, file_name = name.split("/")
        assert folder.startswith(producers[photo["producer_id"]]["name_th"])
        assert file_name.startswith(products[photo["product_id"]]["name_th"] + "-ผลิตภัณฑ์-")
        data = archive.read(name)
        assert data == (seeded.server.data_dir / "photos" / sha[:2] / f"{sha}.jpg").read_bytes()
        assert not set(name) & set('<>:"\\|?*')


def test_every_export_is_audited(seeded: Seeded) -> None:
    supervisor = seeded.actors["supervisor"]
    before = _audit_count(seeded, supervisor.user_id, "export.producers.geojson")
    _get(seeded, "/api/v1/exports/producers.geojson?category=herbal")
    assert _audit_count(seeded, supervisor.user_id, "export.producers.geojson") == before + 1
    assert _get(seeded, "/api/v1/exports/secrets.txt").status_code == 404


def _audit_count(seeded: Seeded, user_id: str, action: str) -> int:
    with seeded.server.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(audit_log).where(
            audit_log.c.user_id == user_id, audit_log.c.action == action)).scalar_one())


def test_photos_zip_follows_the_product_filter(seeded: Seeded) -> None:
    response = _get(seeded, "/api/v1/exports/photos.zip?category=herbal")
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    products = seeded.records("product")
    expected = [sha for sha, photo in seeded.records("photo").items()
                if products[photo["product_id"]]["category"] == "herbal"]
    assert expected and sorted(n.rsplit("-", 1)[1][:8] for n in names) == sorted(
        sha[:8] for sha in expected)
