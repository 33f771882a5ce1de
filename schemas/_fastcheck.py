"""A fast yes/no check compiled from a record type's compiled schema into Python closures.

Collecting errors costs a walk that builds error objects and paths; nearly every record the
server sees is valid, so `validate_record` first asks this check; only a record it does not
pass goes through the error collector (schemas/_collect.py) for the full list of errors.

The contract: a record this check passes is valid under the schema (tests/schemas compares
the two on generated valid and broken records). It may fail a record that is valid
(then the slow path gives the answer), never the other way round. It knows exactly the
keywords our documents use and refuses to compile any other, so a new keyword cannot be
skipped silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from schemas._collect import IS_TYPE
from schemas._formats import FormatChecker

__all__ = ["Check", "compile_check"]

Check = Callable[[Any], bool]

_IGNORED = {"$schema", "x-errors"}


def _is_number(x: Any) -> bool:  # any number, for bounds (NaN fails them: the slow path says why)
    return isinstance(x, int | float) and not isinstance(x, bool)


_TYPES: dict[str, Check] = IS_TYPE  # JSON types as the error collector reads them


def _enum(values: list[Any]) -> Check:
    if all(isinstance(v, str) for v in values):
        strings = frozenset(values)
        return lambda x: isinstance(x, str) and x in strings
    if all(_is_number(v) for v in values):
        numbers = frozenset(values)
        return lambda x: _is_number(x) and x in numbers
    return lambda x: False  # unusual enum: leave it to the error collector


def _unique(x: Any) -> bool:
    if not all(isinstance(v, str | int | float) for v in x):
        return False  # unhashable or mixed: leave it to the error collector
    keys = [(isinstance(v, bool), v) for v in x]
    return len(set(keys)) == len(keys)


# Keywords whose check above is exact both ways. An `if` may only use these: a condition
# wrongly judged false would skip its `then` and let an invalid record through.
_EXACT = {"type", "const", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum",
          "required", "properties"}


def _require_exact(schema: dict[str, Any]) -> None:
    for keyword, value in schema.items():
        if keyword not in _EXACT:
            raise NotImplementedError(f"the fast check cannot use {keyword!r} inside an if")
        if keyword == "properties":
            for sub in value.values():
                _require_exact(sub)


def compile_check(schema: dict[str, Any], formats: FormatChecker) -> Check:
    checks: list[Check] = []
    for keyword, value in schema.items():
        if keyword in _IGNORED:
            continue
        checks.append(_keyword(keyword, value, schema, formats))
    if not checks:
        return lambda x: True
    if len(checks) == 1:
        return checks[0]
    frozen = tuple(checks)
    return lambda x: all(c(x) for c in frozen)


def _keyword(keyword: str, value: Any, schema: dict[str, Any], formats: FormatChecker
             ) -> Check:
    if keyword == "type":
        if isinstance(value, str):
            return _TYPES[value]
        options = tuple(_TYPES[t] for t in value)
        return lambda x: any(t(x) for t in options)
    if keyword == "enum":
        return _enum(value)
    if keyword == "const":
        return _enum([value])
    if keyword == "pattern":
        search = re.compile(value).search
        return lambda x: not isinstance(x, str) or search(x) is not None
    if keyword == "minLength":
        return lambda x: not isinstance(x, str) or len(x) >= value
    if keyword == "maxLength":
        return lambda x: not isinstance(x, str) or len(x) <= value
    if keyword == "minimum":
        return lambda x: not _is_number(x) or x >= value
    if keyword == "maximum":
        return lambda x: not _is_number(x) or x <= value
    if keyword == "minItems":
        return lambda x: not isinstance(x, list) or len(x) >= value
    if keyword == "maxItems":
        return lambda x: not isinstance(x, list) or len(x) <= value
    if keyword == "uniqueItems":
        return (lambda x: not isinstance(x, list) or _unique(x)) if value else (lambda x: True)
    if keyword == "format":
        conforms = formats.conforms
        return lambda x: conforms(x, value)
    if keyword == "required":
        names = tuple(value)
        return lambda x: not isinstance(x, dict) or all(n in x for n in names)
    if keyword == "properties":
        props = {name: compile_check(sub, formats) for name, sub in value.items()}
        return lambda x: not isinstance(x, dict) or all(
            props[k](v) for k, v in x.items() if k in props)
    if keyword == "additionalProperties":
        if value is not False or "patternProperties" in schema:
            raise NotImplementedError("only additionalProperties: false is supported")
        known = frozenset(schema.get("properties", {}))
        return lambda x: not isinstance(x, dict) or known.issuperset(x)
    if keyword == "items":
        item = compile_check(value, formats)
        return lambda x: not isinstance(x, list) or all(item(v) for v in x)
    if keyword == "if":
        _require_exact(value)
        condition = compile_check(value, formats)
        then = compile_check(schema.get("then", {}), formats)
        otherwise = compile_check(schema.get("else", {}), formats)
        return lambda x: then(x) if condition(x) else otherwise(x)
    if keyword in ("then", "else"):
        return lambda x: True  # evaluated with "if"
    raise NotImplementedError(f"the fast check does not know the keyword {keyword!r}")
