"""Hypothesis strategies that make VALID records of every type, with real Thai data:
IDs that pass the checksum, real geothai codes with matching postal codes, Thai text."""

from __future__ import annotations

import datetime as dt
from typing import Any

import geothai
from hypothesis import strategies as st

from schemas import check_digit, find_field

TODAY = dt.date.today()
THIS_YEAR_BE = TODAY.year + 543

record_ids = st.uuids(version=4).map(lambda u: u.hex)
sha256s = st.binary(min_size=32, max_size=32).map(bytes.hex)

_THAI_WORDS = ["กลุ่มแม่บ้าน", "บางขนาก", "ข้าวหอม", "ปลาสลิด", "ผ้าทอ", "น้ำพริก", "สมุนไพร",
               "ตะกร้าสาน", "ดอนฉิมพลี", "วิสาหกิจชุมชน", "เกษตรอินทรีย์", "ศาลาแดง"]
thai_text = st.lists(st.sampled_from(_THAI_WORDS), min_size=1, max_size=4).map(" ".join)


@st.composite
def thai_ids(draw: st.DrawFn, first: str | None = None) -> str:
    head = first or str(draw(st.integers(1, 8)))
    body = "".join(str(draw(st.integers(0, 9))) for _ in range(11))
    twelve = head + body
    return twelve + str(check_digit(twelve))


@st.composite
def phones(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        prefix = draw(st.sampled_from(["06", "08", "09"]))
        return prefix + "".join(str(draw(st.integers(0, 9))) for _ in range(8))
    prefix = draw(st.sampled_from(["02", "038", "053", "074", "043", "034"]))
    return prefix + "".join(str(draw(st.integers(0, 9))) for _ in range(9 - len(prefix)))


_SUBDISTRICTS = [s for p in geothai.provinces() for d in geothai.districts(p.code)
                 for s in geothai.subdistricts(d.code)]


@st.composite
def addresses(draw: st.DrawFn) -> dict[str, Any]:
    sub = draw(st.sampled_from(_SUBDISTRICTS))
    address: dict[str, Any] = {
        "house_no": draw(st.sampled_from(["12", "45/3", "199 ม.ค."])),
        "moo": draw(st.integers(1, 99)),
        "village": draw(thai_text),
        "subdistrict_code": sub.code,
        "district_code": sub.district_code,
        "province_code": sub.province_code,
        "postal_code": draw(st.sampled_from(sub.postal_codes)),
    }
    # any subset of the address is valid in itself (codes that are present agree)
    keep = draw(st.sets(st.sampled_from(sorted(address))))
    return {k: v for k, v in address.items() if k in keep or k == "subdistrict_code"}


def timestamps() -> st.SearchStrategy[str]:
    return st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1),
                        timezones=st.just(dt.UTC)).map(
        lambda d: d.isoformat(timespec="seconds").replace("+00:00", "Z"))


dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2035, 12, 31)).map(
    dt.date.isoformat)


@st.composite
def gps(draw: st.DrawFn) -> dict[str, Any]:
    point: dict[str, Any] = {
        "lat": draw(st.floats(5.6, 20.4)),
        "lon": draw(st.floats(97.4, 105.6)),
    }
    if draw(st.booleans()):
        point["accuracy_m"] = draw(st.floats(0, 500))
    if draw(st.booleans()):
        point["captured_at"] = draw(timestamps())
    return point


def codes(record_type: str, path: str) -> st.SearchStrategy[Any]:
    spec = find_field(record_type, path)
    assert spec and spec.choices, path
    return st.sampled_from([c.code for c in spec.choices])


def code_lists(record_type: str, path: str) -> st.SearchStrategy[list[Any]]:
    spec = find_field(record_type, path)
    assert spec and spec.choices, path
    return st.lists(st.sampled_from([c.code for c in spec.choices]), unique=True, min_size=1)


past_years_be = st.integers(2400, THIS_YEAR_BE)
money = st.one_of(st.integers(0, 10_000_000), st.floats(0, 1e7, allow_nan=False))


def _optional(required: dict[str, Any], optional: dict[str, st.SearchStrategy[Any]]
              ) -> st.SearchStrategy[dict[str, Any]]:
    """A record with every `required` field and any subset of the optional ones."""
    return st.fixed_dictionaries(
        {k: v if isinstance(v, st.SearchStrategy) else st.just(v) for k, v in required.items()},
        optional=optional,
    )


def producers() -> st.SearchStrategy[dict[str, Any]]:
    group_strength = st.fixed_dictionaries({}, optional={
        k: st.integers(0, 3) for k in ("members", "committee", "rules", "fund", "activities")})
    return _optional(
        {"id": record_ids, "schema_version": 1, "name_th": thai_text,
         "producer_type": codes("producer", "producer_type"), "phone": phones(),
         "address": addresses()},
        {
            "name_en": st.sampled_from(["Bang Khanak Housewives Group", "Sala Daeng Weavers"]),
            "contact_person": st.sampled_from(["นางสมศรี ใจดี", "นายประเสริฐ ทองคำ"]),
            "id_kind": codes("producer", "id_kind"),
            "id_number": thai_ids(),
            "gps": gps(),
            "community_link": code_lists("producer", "community_link"),
            "members_count": st.integers(0, 500),
            "year_founded_be": past_years_be,
            "registration_year_be": past_years_be,
            "group_strength": group_strength,
            "networks": thai_text,
            "notes": thai_text,
        },
    )


def certifications() -> st.SearchStrategy[dict[str, Any]]:
    standard = codes("product", "certifications.standard").filter(lambda s: s != "fda")
    plain = _optional({"standard": standard},
                      {"number": st.sampled_from(["มผช. 107/2546", "GMP-24-0012"]),
                       "issued_on": st.just("2024-03-01"), "expires_on": st.just("2027-02-28")})
    fda = _optional({"standard": "fda", "number": st.sampled_from(
        ["24-1-12345-2-0001", "2411234520001", "10-1-00000-1-0000"])}, {})
    return st.one_of(plain, fda)


def products(producer_id: str | None = None) -> st.SearchStrategy[dict[str, Any]]:
    packaging = st.fixed_dictionaries({}, optional={
        "material": st.sampled_from(["ขวดแก้ว", "ถุงซิปล็อก"]), "has_label": st.booleans(),
        "barcode": st.sampled_from(["8850999320014", "8851234567898", "4006381333931", "96385074"]),
        "fda_number_shown": st.booleans(), "needs_redesign": st.booleans(),
        "notes": thai_text})
    return _optional(
        {"id": record_ids, "schema_version": 1, "producer_id": producer_id or record_ids,
         "name_th": thai_text, "category": codes("product", "category"), "price_thb": money},
        {
            "brand": thai_text, "unit": st.sampled_from(["ขวด", "ชิ้น", "กิโลกรัม"]),
            "monthly_capacity": st.integers(0, 100000),
            "sales_last_year_thb": money,
            "sales_channels": code_lists("product", "sales_channels"),
            "local_material_pct": st.floats(0, 100),
            "story": thai_text,
            "opc_stars": st.integers(1, 5),
            "opc_year_be": st.integers(2544, THIS_YEAR_BE),
            "quadrant": codes("product", "quadrant"),
            "certifications": st.lists(certifications(), max_size=3),
            "packaging": packaging,
        },
    )


def visits(producer_id: str | None = None, product_ids: list[str] | None = None
           ) -> st.SearchStrategy[dict[str, Any]]:
    comment = _optional({"text": thai_text}, {
        "by": st.just("หัวหน้าสำนักงาน"), "at": timestamps(),
        "status": codes("visit", "review_comments.status")})
    return _optional(
        {"id": record_ids, "schema_version": 1, "producer_id": producer_id or record_ids,
         "purpose": codes("visit", "purpose"), "started_at": timestamps(), "gps": gps(),
         "needs": code_lists("visit", "needs"),
         "product_ids": st.just(product_ids) if product_ids is not None else st.lists(
             record_ids, unique=True, max_size=3)},
        {
            "officer_id": st.uuids().map(str), "officer_name": st.just("นางสาวพิมพ์ใจ รักงาน"),
            "device_id": st.uuids().map(str), "finalized_at": timestamps(),
            "status": codes("visit", "status"),
            "problems": thai_text, "follow_up": thai_text, "next_visit_on": dates,
            "members_present": st.integers(0, 300),
            "agencies_present": st.lists(st.sampled_from(
                ["พาณิชย์จังหวัดฉะเชิงเทรา", "อบต.บางขนาก", "มหาวิทยาลัยราชภัฏราชนครินทร์"]),
                unique=True, max_size=3),
            "review_status": codes("visit", "review_status"),
            "review_comments": st.lists(comment, max_size=2),
        },
    )


def photos(producer_id: str | None = None) -> st.SearchStrategy[dict[str, Any]]:
    return _optional(
        {"id": sha256s, "schema_version": 1, "producer_id": producer_id or record_ids,
         "subject": codes("photo", "subject"), "captured_at": timestamps(),
         "mime": "image/jpeg"},
        {"thumb_sha256": sha256s, "product_id": record_ids, "visit_id": record_ids,
         "gps": gps(), "width": st.integers(1, 4000), "height": st.integers(1, 4000),
         "bytes": st.integers(1, 10_000_000)},
    )


def plan_items() -> st.SearchStrategy[dict[str, Any]]:
    return _optional(
        {"id": record_ids, "schema_version": 1, "producer_id": record_ids,
         "need": codes("plan_item", "need"), "action": thai_text,
         "agency": st.sampled_from(["พาณิชย์จังหวัดฉะเชิงเทรา", "มหาวิทยาลัยราชภัฏราชนครินทร์"]),
         "status": codes("plan_item", "status")},
        {"visit_id": record_ids, "budget_thb": money, "due_on": dates,
         "follow_up_notes": thai_text, "agency_id": record_ids,
         "fiscal_year_be": st.integers(2560, 2580),
         "funding_source": codes("plan_item", "funding_source")},
    )


def network_links() -> st.SearchStrategy[dict[str, Any]]:
    pair = st.lists(record_ids, min_size=2, max_size=2, unique=True)
    return st.builds(
        lambda link_id, ends, kind, notes: {
            "id": link_id, "schema_version": 1, "from_producer_id": ends[0],
            "to_producer_id": ends[1], "kind": kind, **({"notes": notes} if notes else {})},
        record_ids, pair, codes("network_link", "kind"), st.one_of(st.none(), thai_text))


VALID: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "producer": producers(),
    "product": products(),
    "visit": visits(),
    "photo": photos(),
    "plan_item": plan_items(),
    "network_link": network_links(),
}
