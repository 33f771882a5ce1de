"""Issue 14's knowledge model on the phone, the pure side: which schema fields the forms now
render (a network link's producer pickers, a visit's agencies present), the list-of-text
rule, the link picker's choices (no self-link) and rows, and the schemas' warnings as the
product form and the visit's finalize step show them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from fieldapp.logic.forms import add_list_item, form_steps, shown
from fieldapp.logic.links import excluded_ids, link_rows, pickable
from fieldapp.logic.producer_list import ProducerRow, producer_rows
from fieldapp.logic.warnings import record_warning_list, visit_warnings
from schemas import field_specs, sections, validate_record
from schemas.textfold import fold

TODAY = dt.date(2026, 12, 5)


def names_shown(record_type: str) -> set[str]:
    return {
        spec.name
        for step in form_steps(field_specs(record_type), sections(record_type))
        for spec in step.fields
    }


def test_network_link_form_offers_both_producers_and_the_kind() -> None:
    assert names_shown("network_link") == {"from_producer_id", "to_producer_id", "kind", "notes"}


def test_visit_form_offers_participation_but_not_the_product_picker() -> None:
    fields = names_shown("visit")
    assert {"members_present", "agencies_present"} <= fields
    # products seen have their own step; a photo's product is set by its screen
    assert "product_ids" not in fields
    assert not any(s.name == "product_id" and shown(s) for s in field_specs("photo"))


def test_every_list_of_text_field_in_the_schemas_is_shown() -> None:
    from schemas import RECORD_TYPES

    lists = [(t, s.name) for t in RECORD_TYPES for s in field_specs(t) if s.widget == "list"]
    assert ("visit", "agencies_present") in lists
    assert all(name in names_shown(t) for t, name in lists)


def test_plan_item_form_offers_fiscal_year_and_funding_source_not_agency_id() -> None:
    fields = names_shown("plan_item")
    assert {"fiscal_year_be", "funding_source"} <= fields
    assert "agency_id" not in fields


def test_add_list_item_trims_and_refuses_with_a_reason() -> None:
    items, error = add_list_item([], "  สำนักงานเกษตร   อำเภอบางน้ำเปรี้ยว ")
    assert (items, error) == (["สำนักงานเกษตร อำเภอบางน้ำเปรี้ยว"], None)
    assert add_list_item(items, "   ") == (items, "form.err.list_empty")
    # the same agency typed without the tone mark and with other spacing is a duplicate
    assert add_list_item(["พัฒนาชุมชนอำเภอ"], "พัฒนาชุมชน  อำเภอ")[1] is None
    assert add_list_item(["ศูนย์ส่งเสริมอุตสาหกรรม"], "ศูนย์ส่งเสริมอุตสาหกรรม ")[1] == \
        "form.err.list_duplicate"
    assert add_list_item(["สาธารณสุขอำเภอ"], "สาธารณสุขอำเภอ".replace("ุ", "ุ"))[1] == \
        "form.err.list_duplicate"
    assert add_list_item([], "อบต.\x1bบางขนาก") == ([], "form.err.list_text")
    assert add_list_item(["อบต."], "x" * 201) == (["อบต."], "form.err.list_long")
    assert add_list_item(["ก", "ข"], "ค", max_items=2) == (["ก", "ข"], "form.err.list_full")


@given(st.lists(st.text(max_size=30), max_size=12))
def test_added_lists_are_valid_for_the_visit_schema(typed: list[str]) -> None:
    items: list[str] = []
    for text in typed:
        before = list(items)
        items, error = add_list_item(items, text, max_items=50)
        assert (items == before) == (error is not None)
    assert len({fold(i) for i in items}) == len(items)
    visit: dict[str, Any] = {
        "producer_id": "p" * 26, "started_at": "2026-12-05T03:00:00Z", "status": "draft"}
    if items:
        visit["agencies_present"] = items
    issues = [i for i in validate_record("visit", visit, mode="draft")
              if str(i.path).startswith("agencies_present")]
    assert issues == []


def row(pid: str, name: str) -> ProducerRow:
    return ProducerRow(pid, name, "บางขนาก", "")


def test_picker_never_offers_the_other_end() -> None:
    rows = [row("B", "กลุ่มทอผ้า"), row("A", "ไข่เค็มบ้านโพธิ์"), row("C", "ขนมไทยป้าศรี")]
    link = {"from_producer_id": "A"}
    assert excluded_ids("to_producer_id", link) == {"A"}
    assert excluded_ids("from_producer_id", link) == set()
    assert excluded_ids("from_producer_id", {**link, "to_producer_id": "C"}) == {"C"}
    offered = pickable(rows, excluded_ids("to_producer_id", link))
    assert [r.producer_id for r in offered] == ["B", "C"]
    assert pickable(rows, ()) == rows


def test_producer_rows_put_leading_vowels_in_thai_dictionary_order() -> None:
    """Issue 14 item 6 on the phone: the producer list and the picker sort as the server
    does; by code point "ไข่เค็ม…" fell after every consonant."""
    producers = [{"id": "1", "name_th": "ไข่เค็มบ้านโพธิ์"}, {"id": "2", "name_th": "แกงส้มป้าศรี"},
                 {"id": "3", "name_th": "ขนมไทยป้าศรี"}, {"id": "4", "name_th": "เทียนหอมบ้านนา"},
                 {"id": "5", "name_th": "กลุ่มทอผ้า"}]
    rows = producer_rows(producers, lambda code: code, lambda record: "")
    assert [r.name for r in rows] == [
        "กลุ่มทอผ้า", "แกงส้มป้าศรี", "ขนมไทยป้าศรี", "ไข่เค็มบ้านโพธิ์", "เทียนหอมบ้านนา"]


def test_a_picked_self_link_is_what_the_schema_refuses() -> None:
    same = {"from_producer_id": "A" * 26, "to_producer_id": "A" * 26, "kind": "co_selling"}
    assert any(i.code == "self_link" for i in validate_record("network_link", same, mode="draft"))


def test_link_rows_name_the_other_end_both_ways() -> None:
    links: list[dict[str, Any]] = [
        {"id": "L1", "from_producer_id": "A", "to_producer_id": "B", "kind": "co_selling"},
        {"id": "L2", "from_producer_id": "C", "to_producer_id": "A", "kind": "mentoring"},
        {"id": "L3", "from_producer_id": "A", "to_producer_id": "Z", "kind": None},
    ]
    names = {"B": "ขนมไทยป้าศรี", "C": "กลุ่มทอผ้า"}
    rows = link_rows(links, "A", names.get)
    assert [(r.link_id, r.other_id, r.other_name, r.outgoing) for r in rows] == [
        ("L2", "C", "กลุ่มทอผ้า", False),
        ("L1", "B", "ขนมไทยป้าศรี", True),
        ("L3", "Z", "Z", True),  # not on this phone: its id, never a blank row
    ]
    assert rows[0].kind == "mentoring"


STARRED = {"id": "P1", "name_th": "น้ำพริกเผาปลาสลิด", "opc_stars": 5}


def test_starred_product_without_standard_warns_in_both_languages() -> None:
    [warning] = record_warning_list("product", STARRED, today=TODAY)
    assert warning.code == "starred_without_standard"
    assert "5 ดาว" in warning.th and "5-star" in warning.en
    valid = {**STARRED, "certifications": [{"standard": "otop", "expires_on": "2027-09-30"}]}
    assert record_warning_list("product", valid, today=TODAY) == []
    assert record_warning_list("visit", {"status": "draft"}, today=TODAY) == []


def test_visit_warnings_name_each_product_seen() -> None:
    plain = {"id": "P2", "name_th": "ผ้าขาวม้า", "opc_stars": 3}
    legacy = {"id": "P3", "name_th": "ขนมเปี๊ยะ",
              "certifications": [{"standard": "fda", "number": "ฉ.1234/2540"}]}
    found = visit_warnings([STARRED, plain, legacy], today=TODAY)
    assert [(w.record_id, w.code) for w in found] == [
        ("P1", "starred_without_standard"), ("P3", "fda_number_legacy")]
    assert found[0].th.startswith("น้ำพริกเผาปลาสลิด: ")
    assert found[0].en.startswith("น้ำพริกเผาปลาสลิด: ")
    assert "ฉ.1234/2540" in found[1].th
