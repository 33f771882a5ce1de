"""Valid records of every type, made by hypothesis, pass in draft and final mode; one
mutated field makes them fail with that field's path and the right code."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas import (
    ISSUE_CODES,
    RECORD_TYPES,
    SCHEMA_VERSION,
    cleared_unknown_fields,
    find_field,
    load_schema,
    validate_record,
)

from .strategies import VALID
from .test_compiled_schema import paths, set_path, values_for

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def test_every_record_type_has_a_strategy() -> None:
    assert set(VALID) == set(RECORD_TYPES)


@pytest.mark.parametrize("record_type", RECORD_TYPES)
@SETTINGS
@given(data=st.data())
def test_valid_records_pass_in_draft_and_final(record_type: str, data: st.DataObject) -> None:
    record = data.draw(VALID[record_type])
    assert validate_record(record_type, record, "draft") == []
    assert validate_record(record_type, record, "final") == []
    assert validate_record(record_type, record, "partial") == []


@pytest.mark.parametrize("record_type", RECORD_TYPES)
@SETTINGS
@given(data=st.data())
def test_validation_never_changes_the_record(record_type: str, data: st.DataObject) -> None:
    record = data.draw(VALID[record_type])
    before = copy.deepcopy(record)
    validate_record(record_type, record, "final")
    assert record == before


@pytest.mark.parametrize("record_type", RECORD_TYPES)
@SETTINGS
@given(data=st.data())
def test_an_unknown_field_is_refused_with_its_path(record_type: str, data: st.DataObject
                                                   ) -> None:
    record = data.draw(VALID[record_type])
    record["nickname"] = "พี่ใหญ่"
    issues = validate_record(record_type, record)
    assert [(i.path, i.code) for i in issues] == [("nickname", "unknown_field")]


@pytest.mark.parametrize("record_type", RECORD_TYPES)
@SETTINGS
@given(data=st.data(), names=st.lists(st.text(min_size=1, max_size=12), max_size=4),
       values=st.lists(st.none() | st.integers() | st.text(max_size=3), max_size=4))
def test_clearing_an_unknown_field_is_refused(record_type: str, data: st.DataObject,
                                             names: list[str], values: list[Any]) -> None:
    """A change's fields: each one set to None that the type lacks is `unknown_field`, in
    order; known ones, and unknown ones with a value (validate_record's), are not."""
    fields = {**data.draw(VALID[record_type]), **dict(zip(names, values, strict=False))}
    known = set(load_schema(record_type)["properties"])
    issues = cleared_unknown_fields(record_type, fields)
    assert [(i.pointer, i.code) for i in issues] == [
        ("/" + name.replace("~", "~0").replace("/", "~1"), "unknown_field")
        for name, value in fields.items() if value is None and name not in known]
    assert cleared_unknown_fields(record_type, fields, SCHEMA_VERSION + 1) == []


# (record type, field, a wrong value, expected path, expected code)
MUTATIONS: list[tuple[str, str, Any, str, str]] = [
    ("producer", "name_th", 42, "name_th", "type"),
    ("producer", "name_th", "   ", "name_th", "required"),
    ("producer", "name_th", "\u200b \u200b", "name_th", "required"),
    ("producer", "producer_type", "cooperative", "producer_type", "choice"),
    ("producer", "id_number", "1103702071812", "id_number", "id_checksum"),
    ("producer", "id_number", "1-1037-02071-81-1", "id_number", "pattern"),
    ("producer", "phone", "0112345678", "phone", "phone"),
    ("producer", "phone", "+66812345678", "phone", "phone"),
    ("producer", "year_founded_be", 2026, "year_founded_be", "minimum"),
    ("producer", "members_count", -1, "members_count", "minimum"),
    ("producer", "members_count", 3.5, "members_count", "type"),
    ("producer", "members_count", True, "members_count", "type"),
    ("producer", "community_link", ["production", "production"], "community_link", "duplicate"),
    ("producer", "group_strength", {"fund": 4}, "group_strength.fund", "choice"),
    ("producer", "address", {"subdistrict_code": "999999"}, "address.subdistrict_code",
     "subdistrict_unknown"),
    ("producer", "address", {"subdistrict_code": "240302", "postal_code": "24000"},
     "address.postal_code", "postal_code_mismatch"),
    ("producer", "address", {"subdistrict_code": "240302", "postal_code": "2415"},
     "address.postal_code", "pattern"),
    ("producer", "address", {"subdistrict_code": "240302", "postal_code": "00000"},
     "address.postal_code", "postal_code_unknown"),
    ("producer", "address", {"subdistrict_code": "240302", "district_code": "2401"},
     "address.subdistrict_code", "address_mismatch"),
    ("producer", "address", {"district_code": "2403", "province_code": "10"},
     "address.district_code", "address_mismatch"),
    ("producer", "address", {"province_code": "99"}, "address.province_code",
     "province_unknown"),
    ("producer", "address", {"moo": 100}, "address.moo", "maximum"),
    ("producer", "gps", {"lat": 0.0, "lon": 0.0}, "gps.lat", "minimum"),
    ("producer", "gps", {"lat": 13.8}, "gps.lon", "required"),
    ("product", "price_thb", -5, "price_thb", "minimum"),
    ("product", "price_thb", "120", "price_thb", "type"),
    ("product", "local_material_pct", 100.5, "local_material_pct", "maximum"),
    ("product", "opc_stars", 6, "opc_stars", "maximum"),
    ("product", "opc_stars", 0, "opc_stars", "minimum"),
    ("product", "category", "toys", "category", "choice"),
    ("product", "sales_channels", ["online", "market"], "sales_channels.1", "choice"),
    ("product", "certifications", [{"standard": "fda", "number": "12345"}],
     "certifications.0.number", "fda_number"),
    ("product", "certifications", [{"number": "มผช. 1/2546"}], "certifications.0.standard",
     "required"),
    ("product", "certifications", [{"standard": "gmp", "issued_on": "2025-02-30"}],
     "certifications.0.issued_on", "date"),
    ("product", "certifications",
     [{"standard": "gmp", "issued_on": "2025-02-01", "expires_on": "2024-02-01"}],
     "certifications.0.expires_on", "date_order"),
    ("product", "packaging", {"barcode": "8850999320015"}, "packaging.barcode",
     "barcode_checksum"),
    ("product", "producer_id", "not-an-id", "producer_id", "pattern"),
    ("visit", "started_at", "2026-11-25 10:00", "started_at", "datetime"),
    ("visit", "started_at", "2026-11-25T10:00:00", "started_at", "datetime"),
    ("visit", "needs", ["budget", "luck"], "needs.1", "choice"),
    ("visit", "next_visit_on", "25/11/2569", "next_visit_on", "date"),
    ("visit", "next_visit_on", "2569-11-25", "next_visit_on", "date_buddhist_year"),
    ("visit", "started_at", "2569-11-25T02:00:00Z", "started_at", "date_buddhist_year"),
    ("visit", "review_status", "maybe", "review_status", "choice"),
    ("visit", "review_comments", [{"by": "หัวหน้า"}], "review_comments.0.text", "required"),
    ("photo", "subject", "id_card", "subject", "choice"),
    ("photo", "id", "abc", "id", "pattern"),
    ("photo", "mime", "image/png", "mime", "choice"),
    ("photo", "width", 0, "width", "minimum"),
    ("plan_item", "need", "luck", "need", "choice"),
    ("plan_item", "budget_thb", -1, "budget_thb", "minimum"),
    ("plan_item", "status", "finished", "status", "choice"),
    ("network_link", "kind", "friends", "kind", "choice"),
]


@pytest.mark.parametrize(("record_type", "field", "value", "path", "code"), MUTATIONS,
                         ids=[f"{m[0]}.{m[1]}={m[2]!r}" for m in MUTATIONS])
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_one_broken_field_fails_with_its_path_and_code(
    record_type: str, field: str, value: Any, path: str, code: str, data: st.DataObject
) -> None:
    record = data.draw(VALID[record_type])
    record[field] = value
    issues = validate_record(record_type, record, "draft")
    assert (path, code) in [(i.path, i.code) for i in issues], issues
    for item in issues:
        assert item.code in ISSUE_CODES
        assert item.message_th and item.message_en
        assert item.message_th != item.message_en
        assert item.pointer == "/" + item.path.replace(".", "/")
        assert "is not valid under" not in item.message_en  # no jsonschema internals


@pytest.mark.parametrize("record_type", RECORD_TYPES)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_every_broken_field_is_reported_not_only_the_first(record_type: str,
                                                            data: st.DataObject) -> None:
    record = data.draw(VALID[record_type])
    record["id"] = "XYZ"
    record["schema_version"] = "one"
    paths = {i.path for i in validate_record(record_type, record)}
    assert {"id", "schema_version"} <= paths


def test_a_year_in_the_future_is_refused_this_year_is_fine() -> None:
    from .strategies import THIS_YEAR_BE

    base = {"name_th": "กลุ่มแม่บ้านบางขนาก"}
    assert validate_record("producer", {**base, "year_founded_be": THIS_YEAR_BE}) == []
    issues = validate_record("producer", {**base, "year_founded_be": THIS_YEAR_BE + 1})
    assert [(i.path, i.code) for i in issues] == [("year_founded_be", "year_in_future")]
    assert str(THIS_YEAR_BE + 1) in issues[0].message_th


def test_none_means_empty() -> None:
    record = {"name_th": "กลุ่มทอผ้าดอนฉิมพลี", "phone": None, "address": {"moo": None}}
    assert validate_record("producer", record) == []
    final = validate_record("producer", record, "final")
    assert {i.path for i in final} == {"producer_type", "phone", "address.subdistrict_code"}


def test_partial_mode_checks_only_the_fields_present() -> None:
    assert validate_record("product", {"price_thb": 120}, "partial") == []
    assert validate_record("product", {"price_thb": 120}, "draft") != []
    issues = validate_record("product", {"price_thb": -1}, "partial")
    assert [(i.path, i.code) for i in issues] == [("price_thb", "minimum")]


def test_not_an_object_and_unknown_type() -> None:
    from schemas import UnknownRecordType

    assert [i.code for i in validate_record("producer", ["กลุ่ม"])] == ["type"]
    with pytest.raises(UnknownRecordType):
        validate_record("household", {})
    with pytest.raises(ValueError, match="mode"):
        validate_record("producer", {}, "strict")  # type: ignore[arg-type]


def test_messages_name_the_field_in_both_languages() -> None:
    [item] = validate_record("product", {"producer_id": "0" * 32, "name_th": "น้ำพริกปลาสลิด",
                                         "price_thb": -1})
    assert "ราคาขายต่อหน่วย" in item.message_th and "บาท" in item.message_th
    assert "Price per unit" in item.message_en and "THB" in item.message_en


def test_none_inside_repeated_objects_means_empty_too() -> None:
    record: dict[str, Any] = {"producer_id": "0" * 32, "name_th": "น้ำพริกเผา",
                              "certifications": [{"standard": "mpc", "number": None,
                                                  "expires_on": None}]}
    assert validate_record("product", record) == []
    record["certifications"] = [None]
    assert [i.code for i in validate_record("product", record)] == ["type"]


def test_issue_as_json_and_in_either_language() -> None:
    [item] = validate_record("producer", {"name_th": "กลุ่มทอผ้า", "phone": "12"})
    assert item.message("th") == item.message_th and item.message("en") == item.message_en
    assert item.to_json() == {"path": "phone", "pointer": "/phone", "code": "phone",
                              "message_th": item.message_th, "message_en": item.message_en,
                              "record_type": None, "record_id": None, "severity": "error"}


def test_a_buddhist_year_in_a_date_is_explained() -> None:
    [item] = validate_record("visit", {"producer_id": "0" * 32, "next_visit_on": "2569-12-01"})
    assert item.code == "date_buddhist_year"
    assert "นัดเยี่ยมครั้งถัดไป" in item.message_th and "2569" in item.message_th
    assert "543" in item.message_th and "Buddhist Era" in item.message_en


def test_messages_say_which_item_of_a_list() -> None:
    record = {"producer_id": "0" * 32, "name_th": "ผ้าไหม",
              "certifications": [{"standard": "mpc"}, {"standard": "fda", "number": "123"}]}
    [item] = validate_record("product", record)
    assert item.path == "certifications.1.number"
    assert "เลข อย." in item.message_th  # the field's own message (x-errors)
    [item] = validate_record("visit", {"producer_id": "0" * 32, "needs": ["budget", "luck"]})
    assert "«ปัญหาและความต้องการ» (รายการที่ 2)" in item.message_th
    assert "“Problems and needs” (item 2)" in item.message_en


def _paths_in(value: Any, prefix: str = "") -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, child in value.items():
            found.add(prefix + key)
            found |= _paths_in(child, f"{prefix}{key}.")
    elif isinstance(value, list):
        for child in value:
            found |= _paths_in(child, prefix)
    return found


@pytest.mark.parametrize("record_type", RECORD_TYPES)
def test_the_strategies_fill_every_field_of_the_schema(record_type: str) -> None:
    """So a field added to a schema cannot go untested: the strategy must learn it too."""
    from schemas import field_specs

    expected: set[str] = set()

    def collect(specs: Any) -> None:
        for spec in specs:
            expected.add(spec.path)
            collect(spec.children)

    collect(field_specs(record_type))
    seen: set[str] = set()

    @settings(max_examples=150, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(VALID[record_type])
    def gather(record: dict[str, Any]) -> None:
        seen.update(_paths_in(record))

    gather()
    assert expected - seen == set()


def _with_nones(record: Any, data: st.DataObject, names: list[str]) -> Any:
    """`record` with some absent fields (and fields of nested objects) set to None."""
    if isinstance(record, list):
        return [_with_nones(item, data, names) for item in record]
    if not isinstance(record, dict):
        return record
    out = {k: _with_nones(v, data, names) for k, v in record.items()}
    for name in data.draw(st.lists(st.sampled_from(names), max_size=3)):
        out.setdefault(name, None)
    return out


@pytest.mark.parametrize("record_type", RECORD_TYPES)
@SETTINGS
@given(data=st.data())
def test_a_field_set_to_none_is_a_field_never_filled_in(record_type: str,
                                                       data: st.DataObject) -> None:
    """None means cleared at any depth: records are checked as they are when they hold no
    None, and through a copy without the Nones otherwise; both give the same issues."""
    record = copy.deepcopy(data.draw(VALID[record_type]))
    if data.draw(st.booleans()):  # and a broken one
        path = data.draw(st.sampled_from(paths(record_type)))
        spec = find_field(record_type, path)
        assert spec is not None
        set_path(record, path, data.draw(values_for(spec.value_type)))
    names = sorted({p.rsplit(".", 1)[-1] for p in paths(record_type)})
    sprinkled = _with_nones(record, data, names)
    for mode in ("draft", "final", "partial"):
        assert validate_record(record_type, sprinkled, mode) == validate_record(
            record_type, record, mode)
