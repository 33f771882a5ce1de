from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas import ISSUE_CODES, missing_for_finalize

from .strategies import photos, producers, products, visits

PRODUCER_ID = "3f0c6f1e9d2b4a7c8e5f1a2b3c4d5e6f"
PRODUCT_ID = "a1b2c3d4e5f60718293a4b5c6d7e8f90"


def producer(**changes: Any) -> dict[str, Any]:
    return {"id": PRODUCER_ID, "schema_version": 1, "name_th": "กลุ่มแม่บ้านเกษตรกรบางขนาก",
            "producer_type": "community_group", "phone": "0812345678",
            "address": {"moo": 4, "subdistrict_code": "240302", "district_code": "2403",
                        "province_code": "24", "postal_code": "24150"}, **changes}


def product(**changes: Any) -> dict[str, Any]:
    return {"id": PRODUCT_ID, "schema_version": 1, "producer_id": PRODUCER_ID,
            "name_th": "ปลาสลิดแดดเดียว", "category": "food", "price_thb": 250, **changes}


def visit(**changes: Any) -> dict[str, Any]:
    return {"id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "schema_version": 1,
            "producer_id": PRODUCER_ID, "status": "draft", "purpose": "registration",
            "started_at": "2026-11-25T02:15:00Z", "gps": {"lat": 13.84, "lon": 101.06},
            "needs": ["packaging"], "product_ids": [PRODUCT_ID], **changes}


def where(issues: list[Any]) -> set[tuple[str | None, str, str]]:
    assert all(i.code in ISSUE_CODES for i in issues)
    return {(i.record_type, i.path, i.code) for i in issues}


def test_a_complete_visit_can_be_finalized() -> None:
    assert missing_for_finalize(visit(), producer(), [product()], []) == []


def test_a_draft_visit_lists_everything_missing_across_records() -> None:
    bare_visit = {"id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "producer_id": PRODUCER_ID,
                  "product_ids": [PRODUCT_ID]}
    bare_producer = {"id": PRODUCER_ID, "name_th": "กลุ่มทอผ้า"}
    bare_product = {"id": PRODUCT_ID, "producer_id": PRODUCER_ID, "name_th": "ผ้าขาวม้า"}
    issues = missing_for_finalize(bare_visit, bare_producer, [bare_product], [])
    assert where(issues) == {
        ("visit", "purpose", "required"),
        ("visit", "started_at", "required"),
        ("visit", "gps", "required"),
        ("visit", "needs", "required_one_of"),
        ("producer", "producer_type", "required"),
        ("producer", "phone", "required"),
        ("producer", "address.subdistrict_code", "required"),
        ("product", "category", "required"),
        ("product", "price_thb", "required"),
    }
    by_type = {i.record_type: i.record_id for i in issues}
    assert by_type == {"visit": bare_visit["id"], "producer": PRODUCER_ID,
                       "product": PRODUCT_ID}
    assert all(i.message_th and i.message_en for i in issues)


def test_problems_text_is_enough_without_ticked_needs() -> None:
    assert missing_for_finalize(visit(needs=[], problems="บรรจุภัณฑ์ไม่ดึงดูด"), producer(),
                                [product()]) == []
    assert where(missing_for_finalize(visit(needs=[], problems=" \u200b "), producer(),
                                      [product()])) == {("visit", "needs", "required_one_of")}


def test_invalid_values_also_block_finalizing() -> None:
    issues = missing_for_finalize(visit(), producer(phone="12345"), [product(price_thb=-1)])
    assert where(issues) == {("producer", "phone", "phone"), ("product", "price_thb", "minimum")}


def test_missing_records_are_named() -> None:
    issues = missing_for_finalize(visit(), None, [])
    assert where(issues) == {("visit", "producer_id", "producer_missing"),
                             ("visit", "product_ids.0", "product_missing")}
    other = producer(id="ffffffffffffffffffffffffffffffff")
    assert ("visit", "producer_id", "producer_mismatch") in where(
        missing_for_finalize(visit(), other, [product()]))


def test_photos_of_another_producer_are_flagged() -> None:
    photo = {"id": "ab" * 32, "producer_id": "ffffffffffffffffffffffffffffffff",
             "subject": "label", "captured_at": "2026-11-25T02:20:00Z", "mime": "image/jpeg"}
    assert where(missing_for_finalize(visit(), producer(), [product()], [photo])) == {
        ("photo", "producer_id", "photo_producer_mismatch")}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_complete_visits_pass(data: st.DataObject) -> None:
    the_producer = data.draw(producers())
    the_products = data.draw(st.lists(products(the_producer["id"]), max_size=3,
                                      unique_by=lambda p: p["id"]))
    the_visit = data.draw(visits(the_producer["id"], [p["id"] for p in the_products]))
    the_photos = data.draw(st.lists(photos(the_producer["id"]), max_size=3))
    assert missing_for_finalize(the_visit, the_producer, the_products, the_photos) == []
