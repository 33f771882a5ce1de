"""Loading the JSON documents and compiling the checks of each record type, once.

Validation (`collector`, `fast_check`) is pure Python: the phone imports this module, and
jsonschema (with `referencing` and the Rust extension rpds-py, which Android builds lack)
must not be imported there. The jsonschema validators below (`compiled_validator`,
`reference_validator`) import it only when called: tests and benchmarks use them as the
yardstick the pure validator is compared with.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from recordsync.changes import RECORD_TYPES  # the one list, shared with sync
from schemas._collect import IS_TYPE
from schemas._errors import UnknownRecordType
from schemas._formats import FORMAT_CHECKER

if TYPE_CHECKING:
    from jsonschema import FormatChecker as JsonschemaFormatChecker
    from jsonschema.protocols import Validator
    from referencing import Registry

    from schemas._collect import Collector

__all__ = ["BASE_URI", "RECORD_TYPES", "collector", "compiled_validator", "fast_check",
           "jsonschema_format_checker", "load_schema", "record_validator_class",
           "reference_validator", "registry", "resolve", "warm_up"]


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


BASE_URI = "https://tambon-field.invalid/schemas/"
_DOCUMENTS = ("common", *RECORD_TYPES)


@cache
def _raw(name: str) -> dict[str, Any]:
    text = files("schemas").joinpath(f"{name}.json").read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def load_schema(record_type: str) -> dict[str, Any]:
    """The JSON Schema document of a record type (or "common"), as a fresh deep copy."""
    if record_type not in _DOCUMENTS:
        raise UnknownRecordType(record_type)
    return copy.deepcopy(_raw(record_type))


@cache
def registry() -> Registry[Any]:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources = [
        (f"{BASE_URI}{name}.json", Resource.from_contents(_raw(name), DRAFT202012))
        for name in _DOCUMENTS
    ]
    return Registry().with_resources(resources)


def resolve(schema: dict[str, Any], document: str) -> tuple[dict[str, Any], str]:
    """Follow `$ref` chains; returns the merged schema (keywords next to a `$ref` win over
    the target's) and the name of the document the last target lives in.

    Our documents only use refs of the forms "#/$defs/x" and "common.json#/$defs/x".
    Used by the form-field walker and the message translator, not by validation.
    """
    merged: dict[str, Any] = {}
    current, current_doc = schema, document
    for _ in range(16):
        for key, value in current.items():
            merged.setdefault(key, value)
        ref = current.get("$ref")
        if not isinstance(ref, str):
            break
        doc_part, _, pointer = ref.partition("#")
        if doc_part:
            current_doc = doc_part.removesuffix(".json")
        target: Any = _raw(current_doc)
        for token in filter(None, pointer.split("/")):
            target = target[token.replace("~1", "/").replace("~0", "~")]
        current = target
    merged.pop("$ref", None)
    return merged, current_doc


def _compiled(record_type: str, partial: bool) -> dict[str, Any]:
    """The compiled schema; `partial` drops the record's top-level `required` list: for
    checking only the fields a change sets. Nested objects (address, gps) merge as a whole,
    so they keep theirs."""
    from schemas._compile import compile_schema

    if record_type not in RECORD_TYPES:
        raise UnknownRecordType(record_type)
    schema = compile_schema(record_type)
    if partial:
        schema.pop("required", None)
    return schema


@cache
def collector(record_type: str, partial: bool = False) -> Collector:
    """The pure-Python error collector of a record type (what validate_record uses)."""
    from schemas._collect import compile_collector

    return compile_collector(_compiled(record_type, partial), FORMAT_CHECKER)


@cache
def compiled_validator(record_type: str, partial: bool = False) -> Validator:
    """jsonschema's validator on the compiled schema (tests and benchmarks only)."""
    return record_validator_class()(_compiled(record_type, partial),
                                    format_checker=jsonschema_format_checker())


@cache
def fast_check(record_type: str, partial: bool = False) -> Callable[[Any], bool]:
    """The yes/no check compiled from the same schema as `collector`."""
    from schemas._fastcheck import compile_check

    return compile_check(_compiled(record_type, partial), FORMAT_CHECKER)


@cache
def reference_validator(record_type: str) -> Validator:
    """The plain document with `$ref`s resolved at run time: slow, the yardstick the compiled
    validator is tested against."""
    if record_type not in RECORD_TYPES:
        raise UnknownRecordType(record_type)
    return record_validator_class()(_raw(record_type), registry=registry(),
                                    format_checker=jsonschema_format_checker())


def warm_up() -> None:
    """Compile every check now (a server calls this at start-up, so the first push does
    not pay for it)."""
    for record_type in RECORD_TYPES:
        for partial in (False, True):
            collector(record_type, partial)
            fast_check(record_type, partial)
