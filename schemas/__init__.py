"""The record model: JSON Schema documents and the one validator every part uses.

    from schemas import validate_record, ValidationIssue, load_schema, field_specs
    issues = validate_record("producer", record, mode="draft")   # or "final" / "partial"

Importable without FastAPI or SQLAlchemy (the phone app uses it); needs only geothai.
Validation is pure Python: jsonschema is never imported here (its `referencing` needs the
Rust extension rpds-py, which Android builds lack); the tests use it to check the pure
validator. The map of the model is docs/record-model.md.
"""

from __future__ import annotations

from schemas import geo
from schemas._errors import (
    InputError,
    NewerSchemaError,
    SchemaError,
    UnknownRecordType,
    UnknownSchemaVersion,
)
from schemas._fields import (
    Choice,
    FieldSpec,
    Section,
    field_label,
    field_specs,
    find_field,
    label,
    required_final_groups,
    required_final_paths,
    sections,
)
from schemas._finalize import missing_for_finalize
from schemas._formats import FORMAT_CHECKER, make_format_checker
from schemas._issues import ISSUE_CODES, ValidationIssue
from schemas._loader import RECORD_TYPES, load_schema, warm_up
from schemas._validate import Mode, cleared_unknown_fields, is_empty, validate_record
from schemas._versions import SCHEMA_VERSION, UPGRADES, register_upgrade, upgrade_record
from schemas._warnings import has_valid_standard, record_warnings
from schemas.codes import KIND_FIELDS, code_label, codes
from schemas.geo import Area, describe_address
from schemas.phone import format_phone, is_valid_phone, normalize_phone
from schemas.thai_dates import (
    be_to_ce,
    ce_to_be,
    current_year_be,
    fiscal_year_be,
    format_thai_date,
    format_thai_datetime,
    parse_date,
    parse_timestamp,
)
from schemas.thai_id import check_digit, is_valid_thai_id, mask_thai_id, normalize_thai_id

__all__ = [
    "FORMAT_CHECKER",
    "ISSUE_CODES",
    "KIND_FIELDS",
    "RECORD_TYPES",
    "SCHEMA_VERSION",
    "UPGRADES",
    "Area",
    "Choice",
    "FieldSpec",
    "InputError",
    "Mode",
    "NewerSchemaError",
    "SchemaError",
    "Section",
    "UnknownRecordType",
    "UnknownSchemaVersion",
    "ValidationIssue",
    "be_to_ce",
    "ce_to_be",
    "check_digit",
    "cleared_unknown_fields",
    "code_label",
    "codes",
    "current_year_be",
    "describe_address",
    "field_label",
    "field_specs",
    "find_field",
    "fiscal_year_be",
    "format_phone",
    "format_thai_date",
    "format_thai_datetime",
    "geo",
    "has_valid_standard",
    "is_empty",
    "is_valid_phone",
    "is_valid_thai_id",
    "label",
    "load_schema",
    "make_format_checker",
    "mask_thai_id",
    "missing_for_finalize",
    "normalize_phone",
    "normalize_thai_id",
    "parse_date",
    "parse_timestamp",
    "record_warnings",
    "register_upgrade",
    "required_final_groups",
    "required_final_paths",
    "sections",
    "upgrade_record",
    "validate_record",
    "warm_up",
]
