"""validate_record: the one validator the app, the server and the exports share."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, Literal

from schemas._collect import collect_errors
from schemas._errors import SchemaError, UnknownRecordType
from schemas._fields import field_label, required_final_groups, required_final_paths
from schemas._issues import NOT_BLANK, ValidationIssue, issue, translate, unknown_field
from schemas._loader import RECORD_TYPES, collector, fast_check, top_level_fields
from schemas._versions import SCHEMA_VERSION, Upgrade, upgrade_record
from schemas.cleantext import text_issues

__all__ = ["Mode", "cleared_unknown_fields", "is_empty", "validate_record"]

Mode = Literal["draft", "final", "partial"]
_NOT_BLANK = re.compile(NOT_BLANK)
_MODES = ("draft", "final", "partial")


def is_empty(value: object) -> bool:
    """Empty as a form sees it: absent, None, blank text, an empty list or object."""
    if value is None:
        return True
    if isinstance(value, str):
        return _NOT_BLANK.search(value) is None
    if isinstance(value, list | dict | tuple):
        return len(value) == 0
    return False


_PLAIN = frozenset({str, int, float, bool})


def _has_no_none(record: dict[str, Any]) -> bool:
    """True when `_drop_none` would give an equal record: only plain JSON values, no None,
    every object a dict (most records: then they are checked as they are, without a copy).
    Anything else (a None, a tuple, another kind of mapping) answers False."""
    return _values_have_no_none(record.values())


def _values_have_no_none(values: Iterable[Any]) -> bool:
    for value in values:
        kind = type(value)
        if kind in _PLAIN:
            continue
        if kind is dict:
            if not _values_have_no_none(value.values()):
                return False
        elif kind is not list or not _values_have_no_none(value):
            return False
    return True


def _drop_none(record: Mapping[str, Any]) -> dict[str, Any]:
    # null means "cleared": the same as a field never filled in, for records and for the
    # objects inside them (address, gps, each certification); a null list item stays an error
    return {k: _without_none(v) for k, v in record.items() if v is not None}


def _without_none(value: Any) -> Any:
    if isinstance(value, Mapping):
        return _drop_none(value)
    if isinstance(value, list) and any(isinstance(v, Mapping) for v in value):
        return [_without_none(v) for v in value]
    return value


def _value_at(record: Mapping[str, Any], parts: tuple[str, ...]) -> object:
    current: object = record
    for part in parts:
        if not isinstance(current, Mapping):
            return None
        current = current.get(part)
    return current


@cache
def _final_fields(record_type: str) -> tuple[tuple[str, tuple[str, ...], str], ...]:
    """(path, its parts, its JSON pointer) of each field a finalized record needs."""
    return tuple((path, tuple(path.split(".")), "/" + path.replace(".", "/"))
                 for path in required_final_paths(record_type))


def _final_issues(record_type: str, record: Mapping[str, Any], reported: set[str]
                  ) -> list[ValidationIssue]:
    issues: list[ValidationIssue] = []
    for path, parts, pointer in _final_fields(record_type):
        if pointer in reported or not is_empty(_value_at(record, parts)):
            continue
        th, en = field_label(record_type, path), field_label(record_type, path, "en")
        issues.append(issue(parts, "required",
                            f"ต้องกรอก «{th}» ก่อนยืนยันแบบสำรวจ",
                            f"Fill in “{en}” before finalizing"))
    for group in required_final_groups(record_type):
        if all(is_empty(record.get(name)) for name in group):
            th = " หรือ ".join(f"«{field_label(record_type, n)}»" for n in group)
            en = " or ".join(f"“{field_label(record_type, n, 'en')}”" for n in group)
            issues.append(issue([group[0]], "required_one_of",
                                f"ต้องกรอกอย่างน้อยหนึ่งอย่าง: {th} ก่อนยืนยันแบบสำรวจ",
                                f"Fill in at least one of {en} before finalizing"))
    return issues


def _parse_date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _rule_issues(record_type: str, record: Mapping[str, Any]) -> list[ValidationIssue]:
    """Checks across fields of one record that JSON Schema cannot say well."""
    issues: list[ValidationIssue] = []
    if record_type == "product":
        certifications = record.get("certifications")
        for index, cert in enumerate(certifications if isinstance(certifications, list) else []):
            if not isinstance(cert, Mapping):
                continue
            issued, expires = _parse_date(cert.get("issued_on")), _parse_date(
                cert.get("expires_on"))
            if issued and expires and expires < issued:
                issues.append(issue(
                    ["certifications", index, "expires_on"], "date_order",
                    "วันหมดอายุของการรับรองต้องไม่ก่อนวันที่ออก",
                    "A certification cannot expire before it was issued"))
    elif record_type == "network_link":
        source, target = record.get("from_producer_id"), record.get("to_producer_id")
        if source is not None and source == target:
            issues.append(issue(["to_producer_id"], "self_link",
                                "ผู้ผลิตต้นทางและปลายทางต้องเป็นคนละราย",
                                "A network link needs two different producers"))
    return issues


def validate_record(record_type: str, record: object, mode: Mode = "draft", *,
                    upgrades: Mapping[int, Upgrade] | None = None,
                    current_version: int = SCHEMA_VERSION) -> list[ValidationIssue]:
    """Every problem of one record, each with its field path and a Thai and English message.

    mode "draft": the shape and values of every field present; only the fields a draft needs
      (e.g. a producer's `name_th`) must be there.
    mode "final": also every field a finalized record needs (`x-required-final`).
    mode "partial": only the fields present are checked (a change that sets a few fields).
    Fields set to None count as empty. An older record is upgraded first (on a copy); a
    record from a newer model gets one issue, code "schema_version_newer".
    """
    if record_type not in RECORD_TYPES:
        raise UnknownRecordType(record_type)
    if mode not in _MODES:
        raise ValueError(f"mode must be one of {_MODES}, got {mode!r}")
    if type(record) is not dict and not isinstance(record, Mapping):
        return [issue([], "type", "ข้อมูลระเบียนต้องเป็นกลุ่มข้อมูล (JSON object)",
                      "A record must be a JSON object")]
    try:
        upgraded = upgrade_record(record_type, record, upgrades=upgrades,
                                  current=current_version)
    except SchemaError as refused:  # newer than this app, or no upgrade path
        return [issue(["schema_version"], refused.code, refused.message_th, refused.message_en)]
    # `upgraded` is already a copy; nested values are only read from here on
    cleaned = upgraded if _has_no_none(upgraded) else _drop_none(upgraded)
    partial = mode == "partial"
    if fast_check(record_type, partial)(cleaned):
        issues: list[ValidationIssue] = []  # the common case: no need to collect errors
    else:
        issues = translate(record_type, collect_errors(collector(record_type, partial),
                                                       cleaned))
    issues.extend(_rule_issues(record_type, cleaned))
    issues.extend(text_issues(record_type, cleaned))  # the clean-text rule: every string
    if mode == "final":
        issues.extend(_final_issues(record_type, cleaned, {i.pointer for i in issues}))
    return issues


def cleared_unknown_fields(record_type: str, fields: Mapping[str, Any],
                           schema_version: object = SCHEMA_VERSION) -> list[ValidationIssue]:
    """`unknown_field` for each field a change clears (sets to None) that the record type
    does not have. `validate_record` reads None as empty, so the merged record would pass
    and keep the field's clock for good; a value for such a field is `unknown_field`, and
    so is clearing it. Only for a change at this model's version: an older one's fields
    are renamed by the upgrades before validation."""
    known = top_level_fields(record_type)
    if known is None or schema_version != SCHEMA_VERSION:
        return []
    return [unknown_field([name]) for name, value in fields.items()
            if value is None and name not in known]
