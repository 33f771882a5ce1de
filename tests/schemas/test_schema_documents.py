"""Walk the JSON documents: every field and choice has Thai and English labels, the
documents are valid 2020-12 schemas, and the form specs and label lookups agree with them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from recordsync.changes import RECORD_TYPES as SYNC_RECORD_TYPES
from recordsync.changes import SERVER_OWNED_FIELDS
from schemas import (
    ISSUE_CODES,
    RECORD_TYPES,
    field_specs,
    find_field,
    label,
    load_schema,
    required_final_paths,
    sections,
    validate_record,
)
from schemas._loader import resolve

DOCUMENTS = ("common", *RECORD_TYPES)
THAI = re.compile(r"[\u0E00-\u0E7F]")


def walk(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{where}/{index}")


def test_record_types_match_the_sync_model() -> None:
    assert RECORD_TYPES == SYNC_RECORD_TYPES


@pytest.mark.parametrize("name", DOCUMENTS)
def test_documents_are_valid_2020_12_schemas(name: str) -> None:
    document = load_schema(name)
    Draft202012Validator.check_schema(document)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def labelled(title: object, english: object) -> bool:
    """A Thai title (or one that needs no translation, such as "HACCP") and an English one."""
    return bool(title and english and (THAI.search(str(title)) or title == english))


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_field_and_choice_has_thai_and_english_labels(name: str) -> None:
    unlabeled = []
    for where, node in walk(load_schema(name)):
        if "/if" in where or "/then" in where:
            continue  # constraint overlays, not fields
        for prop, sub in node.get("properties", {}).items():
            merged, _ = resolve(sub, name)  # a bare $ref takes the target's labels
            if not labelled(merged.get("title"), merged.get("x-title-en")):
                unlabeled.append(f"{where}/properties/{prop}")
        for index, choice in enumerate(node.get("oneOf", [])):
            if not labelled(choice.get("title"), choice.get("x-title-en")):
                unlabeled.append(f"{where}/oneOf/{index}")
        for section in node.get("x-sections", []):
            if not labelled(section.get("title"), section.get("x-title-en")):
                unlabeled.append(f"{where}/x-sections/{section.get('id')}")
    assert unlabeled == []


def test_the_label_walk_notices_a_missing_label() -> None:
    assert not labelled("ชื่อ", None)
    assert not labelled("Name", "Name in English")
    assert labelled("HACCP", "HACCP")


@pytest.mark.parametrize("name", DOCUMENTS)
def test_help_texts_come_in_pairs(name: str) -> None:
    for where, node in walk(load_schema(name)):
        assert ("description" in node) == ("x-description-en" in node), where
        for unit in [node["x-unit"]] if "x-unit" in node else []:
            assert set(unit) == {"th", "en"}, where
        for message in node.get("x-errors", {}).values():
            assert set(message) == {"th", "en"}, where


@pytest.mark.parametrize("record_type", RECORD_TYPES)
def test_every_object_refuses_unknown_fields(record_type: str) -> None:
    for where, node in walk(load_schema(record_type)):
        if node.get("type") == "object":
            assert node.get("additionalProperties") is False, where


@pytest.mark.parametrize("record_type", RECORD_TYPES)
def test_field_specs_cover_every_property_in_order(record_type: str) -> None:
    document = load_schema(record_type)
    specs = field_specs(record_type)
    assert [s.name for s in specs] == list(document["properties"])
    section_ids = {s.id for s in sections(record_type)}
    for spec in specs:
        assert spec.title_th and spec.title_en and spec.widget
        assert spec.section is None or spec.section in section_ids, spec.path
        for choice in spec.choices:
            assert choice.title_th and choice.title_en


@pytest.mark.parametrize("record_type", RECORD_TYPES)
def test_required_final_fields_exist(record_type: str) -> None:
    for path in required_final_paths(record_type):
        spec = find_field(record_type, path)
        assert spec is not None and spec.required_final, path


@pytest.mark.parametrize(("record_type", "fields"), sorted(SERVER_OWNED_FIELDS.items()))
def test_server_owned_fields_are_in_the_schema(record_type: str, fields: tuple[str, ...]
                                               ) -> None:
    for name in fields:
        spec = find_field(record_type, name)
        assert spec is not None and spec.server_owned, name
    record = {"producer_id": "0" * 32, "review_status": "has_issues",
              "review_comments": [{"by": "หัวหน้าสำนักงาน", "at": "2026-11-25T09:00:00Z",
                                   "text": "กรุณาถ่ายรูปฉลากเพิ่ม", "status": "has_issues"}]}
    assert validate_record(record_type, record) == []


def test_producer_form_spec_for_the_renderer() -> None:
    specs = {s.path: s for s in field_specs("producer")}
    name = specs["name_th"]
    assert (name.required, name.required_final, name.widget) == (True, True, "text")
    phone = specs["phone"]
    assert (phone.required, phone.required_final, phone.widget) == (False, True, "phone")
    assert phone.help_th and phone.help_en and phone.personal
    address = specs["address"]
    assert [c.name for c in address.children] == [
        "house_no", "moo", "village", "province_code", "district_code", "subdistrict_code",
        "postal_code"]
    assert find_field("producer", "address.subdistrict_code").required_final  # type: ignore[union-attr]
    kinds = specs["producer_type"]
    assert [c.code for c in kinds.choices] == ["community_group", "community_enterprise",
                                               "single_owner", "sme"]
    assert specs["community_link"].multiple
    price = find_field("product", "price_thb")
    assert price and (price.unit_th, price.unit_en, price.minimum) == ("บาท", "THB", 0)
    assert find_field("visit", "review_status").server_owned  # type: ignore[union-attr]


def test_label_lookup() -> None:
    assert label("product", "category", "food") == "อาหาร"
    assert label("product", "category", "food", "en") == "Food"
    assert label("visit", "needs", "marketing_channels", "en") == "Marketing and sales channels"
    assert label("plan_item", "need", "budget") == "งบประมาณ / เงินทุน"
    assert label("product", "certifications.standard", "mpc").startswith("มผช.")
    assert label("producer", "group_strength.fund", 3, "en") == "3 strong"
    assert label("product", "category", "retired_code") == "retired_code"
    assert label("product", "category", None) == ""


def test_the_record_model_page_lists_every_issue_code() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "record-model.md").read_text(
        encoding="utf-8")
    missing = sorted(code for code in ISSUE_CODES if f"`{code}`" not in page)
    assert missing == []


def test_the_not_blank_rule_is_the_one_the_translator_knows() -> None:
    from schemas._issues import NOT_BLANK

    assert load_schema("common")["$defs"]["required_text"]["pattern"] == NOT_BLANK
