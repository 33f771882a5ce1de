"""ValidationIssue, and schema errors turned into messages an officer can act on.

The errors come from the pure validator (schemas/_collect.py) or, in the tests that compare
the two, from jsonschema: both have the attributes `SchemaFailure` names.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from schemas import geo
from schemas._fields import field_label, find_field
from schemas._formats import FormatDetail

__all__ = ["ISSUE_CODES", "SchemaFailure", "ValidationIssue", "issue", "translate",
           "unknown_field"]


class SchemaFailure(Protocol):
    """What the translator reads from one error (jsonschema's ValidationError has it too)."""

    @property
    def absolute_path(self) -> Iterable[str | int]: ...
    @property
    def validator(self) -> object: ...
    @property
    def validator_value(self) -> Any: ...
    @property
    def instance(self) -> Any: ...
    @property
    def schema(self) -> Any: ...
    @property
    def cause(self) -> BaseException | None: ...

# Every code an issue can carry; stable, listed in docs/record-model.md (a test checks both).
ISSUE_CODES = frozenset({
    "required", "required_one_of", "type", "choice", "pattern", "minimum", "maximum",
    "max_length", "max_items", "min_items", "duplicate", "unknown_field", "id_checksum",
    "phone", "province_unknown", "district_unknown", "subdistrict_unknown",
    "postal_code_unknown", "address_mismatch", "postal_code_mismatch", "date", "datetime",
    "barcode_checksum", "year_in_future", "date_buddhist_year", "date_order", "self_link",
    "schema_version_newer",
    "schema_version_unknown", "producer_missing", "producer_mismatch", "product_missing",
    "photo_producer_mismatch", "invalid", "fda_number",
    # warnings (severity "warning"): reported by `record_warnings`, never block a record
    "fda_number_legacy", "fda_number_unknown", "starred_without_standard",
    # the clean-text rule (schemas/cleantext.py)
    "control_char", "bidi_control", "invalid_char", "combining_marks", "not_nfc",
})


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    """One problem with one field.

    `path` is dotted ("address.postal_code", "certifications.0.number"; "" for the record),
    `pointer` the JSON Pointer of the same place ("/address/postal_code"). `code` is stable
    (see docs/record-model.md). `record_type` / `record_id` are set by the cross-record
    finalize check, which reports on several records at once.
    """

    path: str
    pointer: str
    code: str
    message_th: str
    message_en: str
    record_type: str | None = None
    record_id: str | None = None
    severity: str = "error"  # "warning": shown to people, never blocks a record

    def message(self, lang: str = "th") -> str:
        return self.message_en if lang == "en" else self.message_th

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def issue(parts: Sequence[str | int], code: str, message_th: str, message_en: str,
          *, record_type: str | None = None, record_id: str | None = None,
          severity: str = "error") -> ValidationIssue:
    path = ".".join(str(p) for p in parts)
    pointer = "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return ValidationIssue(path, pointer, code, message_th, message_en, record_type, record_id,
                           severity)


# The pattern of common.json's required_text: at least one character that is neither white
# space nor an invisible zero-width one (Thai keyboards insert U+200B between words).
NOT_BLANK = "[^\\s\\u200b\\u200c\\u200d\\u2060\\ufeff]"

_TYPE_WORDS = {
    "string": ("ข้อความ", "text"),
    "integer": ("จำนวนเต็ม", "a whole number"),
    "number": ("ตัวเลข", "a number"),
    "boolean": ("ใช่/ไม่ใช่", "yes or no"),
    "array": ("รายการ", "a list"),
    "object": ("กลุ่มข้อมูล", "a group of fields"),
    "null": ("ค่าว่าง", "empty"),
}

# format -> (code, Thai message, English message); {label} is the field's label
_FORMATS = {
    "th-id-13": ("id_checksum",
                 "{label} ไม่ถูกต้อง (เลขตรวจสอบหลักสุดท้ายไม่ตรง) กรุณาตรวจทานเลข 13 หลักอีกครั้ง",
                 "{label} is not valid (its check digit does not match): check the 13 digits"),
    "th-phone": ("phone",
                 "{label} ไม่ถูกต้อง: มือถือ 10 หลักขึ้นต้นด้วย 06 08 09 หรือโทรศัพท์บ้าน 9 หลัก",
                 "{label} is not a Thai number: mobiles have 10 digits starting 06, 08 or 09, "
                 "landlines 9 digits"),
    "th-province-code": ("province_unknown", "ไม่พบจังหวัดรหัส {value}",
                         "There is no province with code {value}"),
    "th-district-code": ("district_unknown", "ไม่พบอำเภอรหัส {value}",
                         "There is no district with code {value}"),
    "th-subdistrict-code": ("subdistrict_unknown", "ไม่พบตำบลรหัส {value}",
                            "There is no subdistrict with code {value}"),
    "th-postal-code": ("postal_code_unknown", "ไม่มีรหัสไปรษณีย์ {value} ในประเทศไทย",
                       "There is no postal code {value} in Thailand"),
    "date": ("date", "{label} ต้องเป็นวันที่ที่มีอยู่จริง (ปปปป-ดด-วว ค.ศ.)",
             "{label} must be a real date (YYYY-MM-DD, Gregorian)"),
    "date-time": ("datetime",
                  "{label} ต้องเป็นวันเวลาที่มีอยู่จริง แบบ ISO 8601 พร้อมเขตเวลา "
                  "เช่น 2026-11-25T02:15:00Z",
                  "{label} must be a real date and time in ISO 8601 with a time zone, "
                  "e.g. 2026-11-25T02:15:00Z"),
    "gtin": ("barcode_checksum", "{label} ไม่ถูกต้อง (เลขตรวจสอบไม่ตรง) กรุณาตรวจทาน",
             "{label} is not valid (its check digit does not match): please check it"),
    "th-fda-number": ("fda_number",
                      "{label} ไม่ใช่เลข อย. ที่ถูกต้อง: เลขสารบบอาหารมี 13 หลัก "
                      "(เช่น 24-1-12345-2-0001) เลขจดแจ้งเครื่องสำอางมี 10 หรือ 13 หลัก",
                      "{label} is not a Thai FDA number: a food serial has 13 digits "
                      "(e.g. 24-1-12345-2-0001), a cosmetics notification 10 or 13"),
    "be-year-not-future": ("year_in_future", "{label} ({value}) ต้องไม่เกินปีปัจจุบัน",
                           "{label} ({value}) cannot be in the future"),
}


# keyword -> (code, Thai, English); {label} the field, {value} the keyword's value, {unit}
_SIMPLE = {
    "minimum": ("minimum", "{label} ต้องไม่น้อยกว่า {value}{unit}",
                "{label} must be at least {value}{unit}"),
    "maximum": ("maximum", "{label} ต้องไม่เกิน {value}{unit}",
                "{label} must be at most {value}{unit}"),
    "exclusiveMinimum": ("minimum", "{label} ต้องมากกว่า {value}{unit}",
                         "{label} must be more than {value}{unit}"),
    "exclusiveMaximum": ("maximum", "{label} ต้องน้อยกว่า {value}{unit}",
                         "{label} must be less than {value}{unit}"),
    "minLength": ("required", "กรุณากรอก {label}", "Please fill in {label}"),
    "pattern": ("pattern", "{label} มีรูปแบบไม่ถูกต้อง", "{label} is not in the expected form"),
    "maxLength": ("max_length", "{label} ยาวเกิน {value} ตัวอักษร",
                  "{label} is longer than {value} characters"),
    "maxItems": ("max_items", "{label} มีได้ไม่เกิน {value} รายการ",
                 "{label} can hold at most {value} items"),
    "minItems": ("min_items", "{label} ต้องมีอย่างน้อย {value} รายการ",
                 "{label} needs at least {value} items"),
    "uniqueItems": ("duplicate", "{label} มีรายการซ้ำกัน", "{label} lists the same item twice"),
}
_FALLBACK = ("invalid", "{label} ไม่ถูกต้อง", "{label} is not valid")


def _labels(record_type: str, parts: Sequence[str | int], schema: Mapping[str, Any]
            ) -> tuple[str, str]:
    path = ".".join(str(p) for p in parts)
    # In a list (certifications, needs, comments), say which item: "(รายการที่ 2)"
    index = next((p for p in reversed(parts) if isinstance(p, int)), None)
    th_item, en_item = ("", "") if index is None else (f" (รายการที่ {index + 1})",
                                                        f" (item {index + 1})")
    if find_field(record_type, path):
        th, en = field_label(record_type, path), field_label(record_type, path, "en")
    else:
        th = schema.get("title") or path or "ระเบียน"
        en = schema.get("x-title-en") or path or "the record"
    return f"«{th}»{th_item}", f"“{en}”{en_item}"


def _number(value: Any) -> str:
    # Group thousands in money and counts, not in years such as 2569
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 10000:
        return f"{value:,}"
    return str(value)


def _unit(record_type: str, parts: Sequence[str | int]) -> tuple[str, str]:
    spec = find_field(record_type, ".".join(str(p) for p in parts))
    if spec and spec.unit_th:
        return f" {spec.unit_th}", f" {spec.unit_en}"
    return "", ""


def _custom(error: SchemaFailure) -> tuple[str, str] | None:
    custom = error.schema.get("x-errors", {}).get(error.validator) if isinstance(
        error.schema, Mapping) else None
    if custom:
        return custom["th"], custom["en"]
    return None


def _translate_one(record_type: str, error: SchemaFailure) -> Iterator[ValidationIssue]:
    parts = list(error.absolute_path)
    keyword = str(error.validator)
    value = error.validator_value
    instance = error.instance
    schema = error.schema if isinstance(error.schema, Mapping) else {}

    if keyword == "required":
        present = instance if isinstance(instance, Mapping) else {}
        for name in value:
            if name not in present:
                th, en = _labels(record_type, [*parts, name], {})
                yield issue([*parts, name], "required", f"กรุณากรอก {th}", f"Please fill in {en}")
        return
    if keyword in ("additionalProperties", "unevaluatedProperties"):
        known = set(schema.get("properties", {}))
        for name in instance if isinstance(instance, Mapping) else ():
            if name not in known:
                yield unknown_field([*parts, name])
        return
    if keyword == "format" and value == "th-address":
        # the checker stops at the first problem; list them all
        for problem in geo.address_problems(instance):
            yield issue([*parts, problem.field], problem.code, problem.message_th,
                        problem.message_en)
        return

    th_label, en_label = _labels(record_type, parts, schema)
    custom = _custom(error)
    if custom:
        code = _FORMATS[value][0] if keyword == "format" and value in _FORMATS else keyword
        yield issue(parts, code, *custom)
        return
    if keyword == "format" and isinstance(error.cause, FormatDetail):
        detail = error.cause
        yield issue([*parts, detail.field] if detail.field else parts, detail.code,
                    detail.message_th.format(label=th_label),
                    detail.message_en.format(label=en_label))
        return
    if keyword == "format" and value in _FORMATS:
        code, th, en = _FORMATS[value]
        shown = _number(instance)
        yield issue(parts, code, th.format(label=th_label, value=shown),
                    en.format(label=en_label, value=shown))
        return
    if keyword == "type":
        expected = value if isinstance(value, str) else value[0]
        th_word, en_word = _TYPE_WORDS.get(expected, (expected, expected))
        yield issue(parts, "type", f"{th_label} ต้องเป็น{th_word}", f"{en_label} must be {en_word}")
        return
    if keyword in ("oneOf", "const", "enum"):
        yield issue(parts, "choice", f"{th_label} ต้องเลือกจากรายการที่กำหนด",
                    f"Choose {en_label} from the list")
        return
    if keyword == "pattern" and value == NOT_BLANK:  # text of only spaces is no text
        keyword = "minLength"
    code, th, en = _SIMPLE.get(keyword, _FALLBACK)
    unit_th, unit_en = _unit(record_type, parts)
    shown = _number(value)
    yield issue(parts, code, th.format(label=th_label, value=shown, unit=unit_th),
                en.format(label=en_label, value=shown, unit=unit_en))


def unknown_field(parts: Sequence[str | int]) -> ValidationIssue:
    """A field the record type does not have (its name is the last part)."""
    name = parts[-1]
    return issue(parts, "unknown_field",
                 f"ไม่รู้จักช่องข้อมูล {name!r} (แอปอาจเก่าเกินไป หรือข้อมูลผิดรูปแบบ)",
                 f"Unknown field {name!r} (the app may be out of date, or the data "
                 "is malformed)")


def translate(record_type: str, errors: Iterable[SchemaFailure]) -> list[ValidationIssue]:
    """Every error as issues, once each, in document order of the paths."""
    seen: set[tuple[str, str]] = set()
    issues: list[ValidationIssue] = []
    for error in errors:
        for item in _translate_one(record_type, error):
            key = (item.pointer, item.code)
            if key not in seen:
                seen.add(key)
                issues.append(item)
    return issues
