"""The columns of every export, shared by XLSX and CSV so both always agree.

A column reads one value from a record (the merged `data` dict with its `id`) and the
record's producer. Columns marked `personal` (national ID, phone, house number, contact
person) are written only for supervisors: PDPA s.22 asks for the minimum, and officers do
their work on the phone app, not from spreadsheets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import schemas

from . import strength
from .fiscal import be_date, parse_iso_date, plan_fiscal_year
from .labels import code_label, subdistrict_name
from .textmask import mask_digits

__all__ = [
    "LINKS",
    "SHEETS",
    "Cell",
    "Column",
    "ProducerInfo",
    "Sheet",
    "Table",
    "export_tables",
    "producer_info",
    "visible",
]

Record = Mapping[str, Any]
# A date is a `datetime.date`: the XLSX writes it as a real date cell shown in พ.ศ., the
# CSV as text "05/03/2569" (sync_server/reports/export_csv.py).
Cell = str | int | float | date | None


@dataclass(frozen=True, slots=True)
class ProducerInfo:
    """What other sheets show of a record's producer (kept small: 80,000 fit in memory)."""

    name_th: str
    subdistrict_code: str


def producer_info(producer: Record) -> ProducerInfo:
    address = producer.get("address") or {}
    return ProducerInfo(str(producer.get("name_th") or ""),
                        str(address.get("subdistrict_code") or ""))


Getter = Callable[[Record, ProducerInfo | None], Cell]


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header_th: str
    header_en: str
    get: Getter
    personal: bool = False
    free_text: bool = False  # typed by people: may hold a phone number whatever the form says


@dataclass(frozen=True, slots=True)
class Sheet:
    record_type: str
    title_th: str  # the worksheet's name (≤ 31 characters)
    file_stem: str  # CSV file name
    columns: tuple[Column, ...]


def _field(name: str) -> Getter:
    def get(r: Record, _p: ProducerInfo | None) -> Cell:
        value = r.get(name)
        return value if isinstance(value, str | int | float) and not isinstance(
            value, bool) else None
    return get


def _nested(outer: str, name: str) -> Getter:
    def get(r: Record, _p: ProducerInfo | None) -> Cell:
        value = (r.get(outer) or {}).get(name)
        return value if isinstance(value, str | int | float) and not isinstance(
            value, bool) else None
    return get


def _label(field_name: str, key: str | None = None) -> Getter:
    def get(r: Record, _p: ProducerInfo | None) -> Cell:
        value = r.get(key or field_name)
        return code_label(field_name, value) if value else None
    return get


def _labels(field_name: str, key: str) -> Getter:
    def get(r: Record, _p: ProducerInfo | None) -> Cell:
        values = r.get(key) or []
        return ", ".join(code_label(field_name, v) for v in values) or None
    return get


def _date(name: str) -> Getter:
    def get(r: Record, _p: ProducerInfo | None) -> Cell:
        return parse_iso_date(r.get(name))
    return get


def _yes_no(outer: str, name: str) -> Getter:
    def get(r: Record, _p: ProducerInfo | None) -> Cell:
        value = (r.get(outer) or {}).get(name)
        return None if value is None else ("ใช่" if value else "ไม่ใช่")
    return get


def _id(r: Record, _p: ProducerInfo | None) -> Cell:
    return str(r.get("id") or "")


def _producer_name(_r: Record, p: ProducerInfo | None) -> Cell:
    return p.name_th if p else None


def _producer_subdistrict(_r: Record, p: ProducerInfo | None) -> Cell:
    return subdistrict_name(p.subdistrict_code) if p and p.subdistrict_code else None


def _own_subdistrict(r: Record, _p: ProducerInfo | None) -> Cell:
    code = (r.get("address") or {}).get("subdistrict_code")
    return subdistrict_name(str(code)) if code else None


def _certificates(r: Record, _p: ProducerInfo | None) -> Cell:
    parts = []
    for cert in r.get("certifications") or []:
        text = code_label("standard", cert.get("standard"))
        if cert.get("number"):
            text += f" {cert['number']}"
        if cert.get("expires_on"):
            text += f" หมดอายุ {be_date(cert.get('expires_on'))}"
        parts.append(text)
    return "; ".join(parts) or None


def _fda_number(r: Record, _p: ProducerInfo | None) -> Cell:
    for cert in r.get("certifications") or []:
        if cert.get("standard") == "fda" and cert.get("number"):
            return str(cert["number"])
    return None


def _strength(item: str) -> Getter:
    def get(r: Record, _p: ProducerInfo | None) -> Cell:
        return strength.scores(r).get(item)
    return get


def _strength_total(r: Record, _p: ProducerInfo | None) -> Cell:
    return strength.total(r)


def _list_text(name: str) -> Getter:
    def get(r: Record, _p: ProducerInfo | None) -> Cell:
        values = r.get(name)
        items = [str(v) for v in values if isinstance(v, str)] if isinstance(values, list) else []
        return ", ".join(items) or None
    return get


def _quadrant(r: Record, _p: ProducerInfo | None) -> Cell:
    value = r.get("quadrant")
    return code_label("quadrant", value) if value else None


def _plan_fiscal_year(r: Record, _p: ProducerInfo | None) -> Cell:
    return plan_fiscal_year(r)


def _strength_columns() -> tuple[Column, ...]:
    return (*(Column(f"strength_{item}",
                     f"5 ก: {schemas.field_label('producer', f'group_strength.{item}')}",
                     f"5 Kor: {schemas.field_label('producer', f'group_strength.{item}', 'en')}",
                     _strength(item)) for item in strength.ITEMS),
            Column("strength_total", f"5 ก: คะแนนรวม (เต็ม {strength.MAX_TOTAL})",
                   f"5 Kor: total (of {strength.MAX_TOTAL})", _strength_total))


_COMMON_PRODUCER = (
    Column("producer_id", "รหัสผู้ผลิต", "Producer ID", _field("producer_id")),
    Column("producer_name", "ชื่อผู้ผลิต", "Producer", _producer_name),
    Column("producer_subdistrict", "ตำบล", "Subdistrict", _producer_subdistrict),
)

PRODUCERS = Sheet("producer", "ผู้ผลิต", "producers", (
    Column("id", "รหัสผู้ผลิต", "Producer ID", _id),
    Column("name_th", "ชื่อผู้ผลิต", "Name (Thai)", _field("name_th")),
    Column("name_en", "ชื่อภาษาอังกฤษ", "Name (English)", _field("name_en")),
    Column("producer_type", "ประเภทผู้ผลิต", "Producer type", _label("producer_type")),
    Column("contact_person", "ผู้ติดต่อ", "Contact person", _field("contact_person"),
           personal=True),
    Column("id_kind", "ประเภทเลขประจำตัว", "ID kind", _label("id_kind"), personal=True),
    Column("id_number", "เลขประจำตัว 13 หลัก", "ID number", _field("id_number"), personal=True),
    Column("phone", "โทรศัพท์", "Phone", _field("phone"), personal=True),
    Column("house_no", "บ้านเลขที่", "House no.", _nested("address", "house_no"), personal=True),
    Column("moo", "หมู่ที่", "Moo", _nested("address", "moo")),
    Column("village", "หมู่บ้าน", "Village", _nested("address", "village")),
    Column("subdistrict", "ตำบล", "Subdistrict", _own_subdistrict),
    Column("subdistrict_code", "รหัสตำบล", "Subdistrict code",
           _nested("address", "subdistrict_code")),
    Column("postal_code", "รหัสไปรษณีย์", "Postal code", _nested("address", "postal_code")),
    Column("lat", "ละติจูด", "Latitude", _nested("gps", "lat")),
    Column("lon", "ลองจิจูด", "Longitude", _nested("gps", "lon")),
    Column("members_count", "จำนวนสมาชิก", "Members", _field("members_count")),
    Column("year_founded_be", "ปีที่ก่อตั้ง (พ.ศ.)", "Year founded (BE)",
           _field("year_founded_be")),
    Column("registration_year_be", "ปีที่ขึ้นทะเบียน (พ.ศ.)", "Registration year (BE)",
           _field("registration_year_be")),
    Column("community_link", "ความเชื่อมโยงกับชุมชน", "Link to the community",
           _labels("community_link", "community_link")),
    *_strength_columns(),
    Column("networks", "เครือข่าย", "Networks", _field("networks"), free_text=True),
    Column("notes", "หมายเหตุ", "Notes", _field("notes"), free_text=True),
))

PRODUCTS = Sheet("product", "ผลิตภัณฑ์", "products", (
    Column("id", "รหัสผลิตภัณฑ์", "Product ID", _id),
    *_COMMON_PRODUCER,
    Column("name_th", "ชื่อผลิตภัณฑ์", "Product", _field("name_th")),
    Column("brand", "ตราสินค้า", "Brand", _field("brand")),
    Column("category", "ประเภทผลิตภัณฑ์", "Category", _label("category")),
    Column("price_thb", "ราคา (บาท)", "Price (THB)", _field("price_thb")),
    Column("unit", "หน่วย", "Unit", _field("unit")),
    Column("monthly_capacity", "กำลังผลิตต่อเดือน", "Monthly capacity",
           _field("monthly_capacity")),
    Column("sales_last_year_thb", "ยอดขายปีที่แล้ว (บาท)", "Sales last year (THB)",
           _field("sales_last_year_thb")),
    Column("sales_channels", "ช่องทางจำหน่าย", "Sales channels",
           _labels("sales_channel", "sales_channels")),
    Column("local_material_pct", "วัตถุดิบในท้องถิ่น (%)", "Local material (%)",
           _field("local_material_pct")),
    Column("opc_stars", "ระดับดาว OPC", "OPC stars", _field("opc_stars")),
    Column("opc_year_be", "ปีที่คัดสรร (พ.ศ.)", "OPC year (BE)", _field("opc_year_be")),
    Column("quadrant", "กลุ่ม (Quadrant)", "Quadrant", _quadrant),
    Column("certifications", "มาตรฐาน", "Standards", _certificates),
    Column("fda_number", "เลข อย.", "FDA number", _fda_number),
    Column("packaging_material", "วัสดุบรรจุภัณฑ์", "Packaging material",
           _nested("packaging", "material")),
    Column("has_label", "มีฉลาก", "Has a label", _yes_no("packaging", "has_label")),
    Column("barcode", "บาร์โค้ด", "Barcode", _nested("packaging", "barcode")),
    Column("fda_number_shown", "แสดงเลข อย. บนฉลาก", "FDA number on the label",
           _yes_no("packaging", "fda_number_shown")),
    Column("needs_redesign", "ต้องปรับบรรจุภัณฑ์", "Packaging needs redesign",
           _yes_no("packaging", "needs_redesign")),
    Column("packaging_notes", "หมายเหตุบรรจุภัณฑ์", "Packaging notes",
           _nested("packaging", "notes"), free_text=True),
    Column("story", "เรื่องราว", "Story", _field("story"), free_text=True),
))

VISITS = Sheet("visit", "การเยี่ยม", "visits", (
    Column("id", "รหัสการเยี่ยม", "Visit ID", _id),
    *_COMMON_PRODUCER,
    Column("officer_name", "เจ้าหน้าที่", "Officer", _field("officer_name")),
    Column("started_at", "วันที่เยี่ยม", "Visited on", _date("started_at")),
    Column("finalized_at", "วันที่ส่ง", "Sent on", _date("finalized_at")),
    Column("status", "สถานะ", "Status", _label("visit_status", "status")),
    Column("purpose", "วัตถุประสงค์", "Purpose", _label("visit_purpose", "purpose")),
    Column("members_present", "สมาชิกที่ร่วมให้ข้อมูล (คน)", "Members present",
           _field("members_present")),
    Column("agencies_present", "หน่วยงานภาคีที่ร่วมเยี่ยม", "Agencies present",
           _list_text("agencies_present"), free_text=True),
    Column("needs", "ความต้องการ", "Needs", _labels("need", "needs")),
    Column("problems", "ปัญหา", "Problems", _field("problems"), free_text=True),
    Column("follow_up", "การติดตาม", "Follow-up", _field("follow_up"), free_text=True),
    Column("next_visit_on", "นัดครั้งต่อไป", "Next visit", _date("next_visit_on")),
    Column("review_status", "ผลการตรวจ", "Review", _label("review_status")),
))

PLAN_ITEMS = Sheet("plan_item", "แผนพัฒนา", "plan_items", (
    Column("id", "รหัสแผน", "Plan item ID", _id),
    *_COMMON_PRODUCER,
    Column("need", "ความต้องการ", "Need", _label("need")),
    Column("action", "กิจกรรม", "Action", _field("action"), free_text=True),
    Column("agency", "หน่วยงานรับผิดชอบ", "Agency", _field("agency")),
    Column("budget_thb", "งบประมาณ (บาท)", "Budget (THB)", _field("budget_thb")),
    Column("fiscal_year_be", "ปีงบประมาณ (พ.ศ.)", "Fiscal year (BE)", _plan_fiscal_year),
    Column("funding_source", "แหล่งงบประมาณ", "Funding source", _label("funding_source")),
    Column("due_on", "กำหนดเสร็จ", "Due", _date("due_on")),
    Column("status", "สถานะ", "Status", _label("plan_status", "status")),
    Column("follow_up_notes", "บันทึกการติดตาม", "Follow-up notes", _field("follow_up_notes"),
           free_text=True),
))

def _link_end(key: str) -> Getter:
    def get(r: Record, _p: ProducerInfo | None) -> Cell:
        return str(r.get(key) or "") or None
    return get


# The producers' names at both ends are filled in by `export_tables` (`_from_name`,
# `_to_name` in the record it passes), which knows the exported producers.
LINKS = Sheet("network_link", "เครือข่าย", "network_links", (
    Column("id", "รหัสเครือข่าย", "Link ID", _id),
    Column("from_producer_id", "รหัสผู้ผลิตต้นทาง", "From producer ID",
           _field("from_producer_id")),
    Column("from_name", "ผู้ผลิตต้นทาง", "From producer", _link_end("_from_name")),
    Column("kind", "ลักษณะความเชื่อมโยง", "Kind of link", _label("link_kind", "kind")),
    Column("to_producer_id", "รหัสผู้ผลิตปลายทาง", "To producer ID", _field("to_producer_id")),
    Column("to_name", "ผู้ผลิตปลายทาง", "To producer", _link_end("_to_name")),
    Column("notes", "หมายเหตุ", "Notes", _field("notes"), free_text=True),
))

SHEETS: tuple[Sheet, ...] = (PRODUCERS, PRODUCTS, VISITS, PLAN_ITEMS, LINKS)


def visible(columns: Sequence[Column], include_personal: bool) -> tuple[Column, ...]:
    return tuple(c for c in columns if include_personal or not c.personal)


@dataclass(slots=True)
class Table:
    """One sheet or CSV file: headers and a lazy iterator of rows."""

    title: str
    file_stem: str
    headers: list[str]
    rows: Iterator[list[Cell]]


def export_tables(
    *,
    producers: Iterable[Record],
    products: Iterable[Record],
    visits: Iterable[Record],
    plan_items: Iterable[Record],
    include_personal: bool,
    known_producers: dict[str, ProducerInfo] | None = None,
    links: Iterable[Record] = (),
    agency_name: Callable[[Record], str | None] | None = None,
) -> list[Table]:
    """The five tables, rows made lazily, in sheet order.

    A network link is exported when both its producers are (its names filled in);
    `agency_name(plan_item)` gives a plan item's agency as the district's list names it.

    Rows of products, visits and plan items show their producer's name, so the producers
    must be known first: either `known_producers` is given, or it fills while the producers
    table is read (then read the tables in order, as a workbook writer does). Records whose
    producer is not among the exported producers are left out, which is how a filter on
    producers carries over to the other tables.
    """
    info: dict[str, ProducerInfo] = {} if known_producers is None else known_producers
    fill = known_producers is None

    def cells(columns: Sequence[Column], record: Record, owner: ProducerInfo | None
              ) -> list[Cell]:
        # Without the personal columns, phone numbers typed into notes go too.
        return [mask_digits(c.get(record, owner)) if c.free_text and not include_personal
                else c.get(record, owner) for c in columns]

    def producer_rows() -> Iterator[list[Cell]]:
        columns = visible(PRODUCERS.columns, include_personal)
        for record in producers:
            if fill:
                info[str(record.get("id"))] = producer_info(record)
            yield cells(columns, record, None)

    def child_rows(sheet: Sheet, records: Iterable[Record]) -> Iterator[list[Cell]]:
        columns = visible(sheet.columns, include_personal)
        for record in records:
            owner = info.get(str(record.get("producer_id")))
            if owner is None:
                continue
            yield cells(columns, record, owner)

    def plan_records() -> Iterator[Record]:
        for item in plan_items:
            name = agency_name(item) if agency_name else None
            yield {**item, "agency": name} if name else item

    def link_rows() -> Iterator[list[Cell]]:
        columns = visible(LINKS.columns, include_personal)
        for record in links:
            ends = info.get(str(record.get("from_producer_id"))), info.get(
                str(record.get("to_producer_id")))
            if ends[0] is None or ends[1] is None:
                continue
            named = {**record, "_from_name": ends[0].name_th, "_to_name": ends[1].name_th}
            yield cells(columns, named, ends[0])

    def table(sheet: Sheet, rows: Iterator[list[Cell]]) -> Table:
        headers = [c.header_th for c in visible(sheet.columns, include_personal)]
        return Table(sheet.title_th, sheet.file_stem, headers, rows)

    return [
        table(PRODUCERS, producer_rows()),
        table(PRODUCTS, child_rows(PRODUCTS, products)),
        table(VISITS, child_rows(VISITS, visits)),
        table(PLAN_ITEMS, child_rows(PLAN_ITEMS, plan_records())),
        table(LINKS, link_rows()),
    ]
