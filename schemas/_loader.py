"""The checks of each record type, compiled once from its document (schemas/_documents.py).

Validation (`collector`, `fast_check`) is pure Python: the phone imports this module, and
jsonschema (with `referencing` and the Rust extension rpds-py, which Android builds lack)
must not be imported there. The jsonschema validators below (`compiled_validator`,
`reference_validator`) import it only when called: tests and benchmarks use them as the
yardstick the pure validator is compared with.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from schemas._collect import IS_TYPE, compile_collector
from schemas._compile import compile_schema
from schemas._documents import BASE_URI, DOCUMENTS, RECORD_TYPES, load_schema, raw_document, resolve
from schemas._errors import UnknownRecordType
from schemas._fastcheck import compile_check
from schemas._formats import FORMAT_CHECKER

if TYPE_CHECKING:
    from jsonschema import FormatChecker as JsonschemaFormatChecker
    from jsonschema.protocols import Validator
    from referencing import Registry

    from schemas._collect import Collector

__all__ = ["BASE_URI", "RECORD_TYPES", "collector", "compiled_validator", "fast_check",
           "jsonschema_format_checker", "load_schema", "record_validator_class",
           "reference_validator", "registry", "resolve", "top_level_fields", "warm_up"]


def _finite_number(checker: object, instance: object) -> bool:
    # Python's json (and so FastAPI's request.json()) reads NaN and Infinity; JSON Schema's
    # "number" accepts them and every minimum/maximum comparison with NaN is false, so a
    # NaN price would be stored (and break PostgreSQL's jsonb and every JSON answer).
    return IS_TYPE["number"](instance)


@cache
def record_validator_class() -> type[Validator]:
    """jsonschema's Draft 2020-12 with "number" meaning a finite number ("integer" already
    excludes NaN/inf): the rules the pure validator follows, for the tests to compare."""
    from jsonschema import Draft202012Validator, validators

    extended: type[Validator] = validators.extend(
        Draft202012Validator,
        type_checker=Draft202012Validator.TYPE_CHECKER.redefine("number", _finite_number),
    )
    return extended


@cache
def jsonschema_format_checker() -> JsonschemaFormatChecker:
    """The same format checks (FORMAT_CHECKER's table) on a jsonschema FormatChecker."""
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    checker.checkers = dict(FORMAT_CHECKER.checkers)
    return checker


@cache
def registry() -> Registry[Any]:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources = [
        (f"{BASE_URI}{name}.json", Resource.from_contents(raw_document(name), DRAFT202012))
        for name in DOCUMENTS
    ]
    return Registry().with_resources(resources)


def _compiled(record_type: str, partial: bool) -> dict[str, Any]:
    """The compiled schema; `partial` drops the record's top-level `required` list: for
    checking only the fields a change sets. Nested objects (address, gps) merge as a whole,
    so they keep theirs."""
    if record_type not in RECORD_TYPES:
        raise UnknownRecordType(record_type)
    schema = compile_schema(record_type)
    if partial:
        schema.pop("required", None)
    return schema


@cache
def top_level_fields(record_type: str) -> frozenset[str] | None:
    """The fields a record of this type may have, or None when its schema allows others."""
    schema = _compiled(record_type, False)
    if schema.get("additionalProperties", True) is not False:
        return None
    return frozenset(schema.get("properties", {}))


@cache
def collector(record_type: str, partial: bool = False) -> Collector:
    """The pure-Python error collector of a record type (what validate_record uses)."""
    return compile_collector(_compiled(record_type, partial), FORMAT_CHECKER)


@cache
def compiled_validator(record_type: str, partial: bool = False) -> Validator:
    """jsonschema's validator on the compiled schema (tests and benchmarks only)."""
    return record_validator_class()(_compiled(record_type, partial),
                                    format_checker=jsonschema_format_checker())


@cache
def fast_check(record_type: str, partial: bool = False) -> Callable[[Any], bool]:
    """The yes/no check compiled from the same schema as `collector`."""
    return compile_check(_compiled(record_type, partial), FORMAT_CHECKER)


@cache
def reference_validator(record_type: str) -> Validator:
    """The plain document with `$ref`s resolved at run time: slow, the yardstick the compiled
    validator is tested against."""
    if record_type not in RECORD_TYPES:
        raise UnknownRecordType(record_type)
    return record_validator_class()(raw_document(record_type), registry=registry(),
                                    format_checker=jsonschema_format_checker())


def warm_up() -> None:
    """Compile every check now (a server calls this at start-up, so the first push does
    not pay for it)."""
    for record_type in RECORD_TYPES:
        for partial in (False, True):
            collector(record_type, partial)
            fast_check(record_type, partial)
