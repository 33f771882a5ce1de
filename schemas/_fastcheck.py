"""A fast yes/no check compiled from a record type's compiled schema into one Python function.

Collecting errors costs a walk that builds error objects and paths; nearly every record the
server sees is valid, so `validate_record` first asks this check; only a record it does not
pass goes through the error collector (schemas/_collect.py) for the full list of errors.

The contract: a record this check passes is valid under the schema (tests/schemas compares
the two on generated valid and broken records). It may fail a record that is valid
(then the slow path gives the answer), never the other way round. It knows exactly the
keywords our documents use and refuses to compile any other, so a new keyword cannot be
skipped silently.

How: the schema is written out as the source of one function (`def check(x): ...`, one
`if not (...): return False` per group of keywords, nested objects and list items inline)
and compiled once. The server checks every pushed record with it under the GIL, and a
closure per keyword cost a Python call per keyword and value; this costs one call per record.
A (sub)schema with one `type` tests the type first and then only the keywords that can
fail a value of that type (a string's length bounds as one comparison, a number's bounds as
one chained comparison, `required` and `additionalProperties` as one set comparison each);
formats call their function from the checker's table directly. `check_source` shows the
generated source, which tracebacks and profilers show too.
"""

from __future__ import annotations

import itertools
import linecache
import math
import re
from collections.abc import Callable
from typing import Any

from schemas._collect import IS_TYPE
from schemas._formats import FormatChecker

__all__ = ["Check", "check_source", "compile_check"]

Check = Callable[[Any], bool]

_IGNORED = {"$schema", "x-errors"}
_MISSING = object()  # a property the object does not have (None is a value to check)


def _is_number(x: Any) -> bool:  # any number, for bounds (NaN fails them: the slow path says why)
    return isinstance(x, int | float) and not isinstance(x, bool)


def _unique(x: Any) -> bool:
    if not all(isinstance(v, str | int | float) for v in x):
        return False  # unhashable or mixed: leave it to the error collector
    keys = [(isinstance(v, bool), v) for v in x]
    return len(set(keys)) == len(keys)


# Keywords whose check is exact both ways. An `if` may only use these: a condition
# wrongly judged false would skip its `then` and let an invalid record through.
_EXACT = {"type", "const", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum",
          "required", "properties"}

# The type a keyword constrains: on a value of any other type it passes.
_APPLIES_TO = {
    "minLength": "string", "maxLength": "string", "pattern": "string",
    "minimum": "number", "maximum": "number",
    "minItems": "array", "maxItems": "array", "uniqueItems": "array", "items": "array",
    "required": "object", "properties": "object", "additionalProperties": "object",
}
_NUMERIC = {"integer", "number"}

# The JSON types as the error collector reads them (IS_TYPE), written inline; each `or`
# before the exact function is a shortcut for the common exact type, which implies it.
# Bound keywords: the generated comparison for value `v` and the bound's bound name.
_BOUNDS = {
    "minLength": "len({v}) >= {bound}", "maxLength": "len({v}) <= {bound}",
    "minimum": "{v} >= {bound}", "maximum": "{v} <= {bound}",
    "minItems": "len({v}) >= {bound}", "maxItems": "len({v}) <= {bound}",
}
_TYPE_TESTS = {
    "string": "isinstance({v}, str)",
    "object": "isinstance({v}, dict)",
    "array": "isinstance({v}, list)",
    "boolean": "isinstance({v}, bool)",
    "null": "{v} is None",
    "integer": "(type({v}) is int or is_integer({v}))",
    "number": "(type({v}) is int or (type({v}) is float and isfinite({v})) or is_number({v}))",
}
# What a keyword-guard asks (the value has the type the keyword constrains), for keywords
# met in a schema without a single `type`.
_GUARDS = {
    "string": "isinstance({v}, str)",
    "number": "any_number({v})",
    "array": "isinstance({v}, list)",
    "object": "isinstance({v}, dict)",
}


def _require_exact(schema: dict[str, Any]) -> None:
    for keyword, value in schema.items():
        if keyword not in _EXACT:
            raise NotImplementedError(f"the fast check cannot use {keyword!r} inside an if")
        if keyword == "properties":
            for sub in value.values():
                _require_exact(sub)


class _Writer:
    """The source of the check functions of one schema and the names they use."""

    def __init__(self, formats: FormatChecker) -> None:
        self.formats = formats
        self.names: dict[str, Any] = {
            "MISSING": _MISSING, "is_integer": IS_TYPE["integer"],
            "is_number": IS_TYPE["number"], "isfinite": math.isfinite,
            "any_number": _is_number, "unique": _unique,
        }
        self.functions: list[list[str]] = []
        self._count = itertools.count()

    def bind(self, value: Any, prefix: str = "c") -> str:
        """A name for `value` in the generated code (a literal for ints and strings)."""
        if type(value) in (int, str):
            return repr(value)
        name = f"{prefix}{next(self._count)}"
        self.names[name] = value
        return name

    def variable(self) -> str:
        return f"v{next(self._count)}"

    def function(self, schema: dict[str, Any]) -> str:
        """Write `def fN(x): ...` for `schema`; returns its name."""
        name = f"f{next(self._count)}"
        lines: list[str] = []
        self.functions.append(lines)  # before the body: nested functions come after
        body: list[str] = []
        self.node(schema, "x", body, 1)
        lines.append(f"def {name}(x):")
        lines.extend(body)
        lines.append("    return True")
        return name

    # -----------------------------------------------------------------------------------

    def node(self, schema: dict[str, Any], v: str, out: list[str], depth: int) -> None:
        """Statements that `return False` when the value in variable `v` fails `schema`."""
        pad = "    " * depth
        keywords = {k: val for k, val in schema.items() if k not in _IGNORED}
        declared = keywords.get("type")
        kind = declared if isinstance(declared, str) else None
        terms: list[str] = []

        def flush() -> None:
            if terms:
                out.append(f"{pad}if not ({' and '.join(terms)}):")
                out.append(f"{pad}    return False")
                terms.clear()

        if kind is not None:
            terms.append(_TYPE_TESTS[kind].format(v=v))
            del keywords["type"]
            # a string's length bounds and a number's bounds: one comparison each
            low_key, high_key = (("minLength", "maxLength") if kind == "string" else
                                 ("minimum", "maximum") if kind in _NUMERIC else (None, None))
            if low_key is not None and high_key is not None:
                low, high = keywords.pop(low_key, None), keywords.pop(high_key, None)
                measured = f"len({v})" if kind == "string" else v
                if low is not None or high is not None:
                    terms.append(" <= ".join(
                        [*([self.bind(low)] if low is not None else []), measured,
                         *([self.bind(high)] if high is not None else [])]))
        for keyword, value in keywords.items():
            applies = _APPLIES_TO.get(keyword)
            if kind is not None and applies is not None and not (
                    applies == kind or (applies == "number" and kind in _NUMERIC)):
                continue  # the keyword constrains another type: every value of this passes
            guard = None if kind is not None else (
                _GUARDS[applies].format(v=v) if applies else None)
            if keyword == "properties":
                flush()
                inner = self._properties(value, v, depth + (guard is not None))
                if inner:
                    if guard:
                        out.append(f"{pad}if {guard}:")
                    out.extend(inner)
            elif keyword == "items":
                flush()
                item = self.variable()
                inner = []
                self.node(value, item, inner, depth + 1 + (guard is not None))
                if inner:
                    if guard:
                        out.append(f"{pad}if {guard}:")
                    out.append(f"{pad}{'    ' if guard else ''}for {item} in {v}:")
                    out.extend(inner)
            elif keyword == "format":
                entry = self.formats.checkers.get(value)
                if entry is None:
                    continue  # an unknown format passes, as in JSON Schema
                func, raises = entry
                call = f"{self.bind(func, 'format')}({v})"
                if not raises:
                    terms.append(call)
                else:
                    flush()  # a failure the checker raises is a failure of the format
                    out.extend([f"{pad}try:", f"{pad}    if not {call}:",
                                 f"{pad}        return False",
                                 f"{pad}except {self.bind(raises, 'raises')}:",
                                 f"{pad}    return False"])
            else:
                term = self._term(keyword, value, schema, v, kind)
                if term is not None:
                    terms.append(term if guard is None else f"(not {guard} or {term})")
        flush()

    def _properties(self, properties: dict[str, Any], v: str, depth: int) -> list[str]:
        pad = "    " * depth
        out: list[str] = []
        for name, sub in properties.items():
            inner: list[str] = []
            value = self.variable()
            self.node(sub, value, inner, depth + 1)
            if inner:
                out.append(f"{pad}{value} = {v}.get({name!r}, MISSING)")
                out.append(f"{pad}if {value} is not MISSING:")
                out.extend(inner)
        return out

    def _term(self, keyword: str, value: Any, schema: dict[str, Any], v: str,
              kind: str | None) -> str | None:
        """One keyword as an expression, assuming `v` has the type the keyword constrains
        (the caller guards it otherwise); None: it passes every value."""
        if keyword == "type":
            if isinstance(value, str):
                return _TYPE_TESTS[value].format(v=v)
            return "(" + " or ".join(_TYPE_TESTS[t].format(v=v) for t in value) + ")"
        if keyword in ("enum", "const"):
            return self._enum(value if keyword == "enum" else [value], v, kind)
        if keyword == "pattern":
            return f"{self.bind(re.compile(value).search, 'search')}({v}) is not None"
        if keyword in _BOUNDS:
            return _BOUNDS[keyword].format(v=v, bound=self.bind(value))
        if keyword == "uniqueItems":
            return f"unique({v})" if value else None
        if keyword == "required":
            return f"{v}.keys() >= {self.bind(frozenset(value), 'required')}"
        if keyword == "additionalProperties":
            if value is not False or "patternProperties" in schema:
                raise NotImplementedError("only additionalProperties: false is supported")
            known = frozenset(schema.get("properties", {}))
            return f"{self.bind(known, 'known')}.issuperset({v})"
        if keyword == "if":
            _require_exact(value)
            condition = self.function(value)
            then = self.function(schema.get("then", {}))
            otherwise = self.function(schema.get("else", {}))
            return f"({then}({v}) if {condition}({v}) else {otherwise}({v}))"
        if keyword in ("then", "else"):
            return None  # evaluated with "if"
        raise NotImplementedError(f"the fast check does not know the keyword {keyword!r}")

    def _enum(self, values: list[Any], v: str, kind: str | None) -> str:
        if all(isinstance(x, str) for x in values):
            strings = self.bind(frozenset(values), "enum")
            return f"{v} in {strings}" if kind == "string" else (
                f"(isinstance({v}, str) and {v} in {strings})")
        if all(_is_number(x) for x in values):
            numbers = self.bind(frozenset(values), "enum")
            return f"{v} in {numbers}" if kind in _NUMERIC else (
                f"(any_number({v}) and {v} in {numbers})")
        return "False"  # unusual enum: leave it to the error collector


_generated = itertools.count()


def check_source(schema: dict[str, Any], formats: FormatChecker) -> str:
    """The Python source `compile_check` compiles for `schema` (to read or debug it)."""
    return _write(schema, formats)[0]


def _write(schema: dict[str, Any], formats: FormatChecker) -> tuple[str, str, dict[str, Any]]:
    writer = _Writer(formats)
    entry = writer.function(schema)
    source = "\n".join(line for lines in writer.functions for line in lines) + "\n"
    return source, entry, writer.names


def compile_check(schema: dict[str, Any], formats: FormatChecker) -> Check:
    """The yes/no check of `schema`. The formats are looked up in `formats` now: its table
    is complete when the schemas are compiled (FORMAT_CHECKER is built at import)."""
    source, entry, names = _write(schema, formats)
    filename = f"<schemas fast check {next(_generated)}>"
    exec(compile(source, filename, "exec"), names)  # our own generated source, no input
    # so that tracebacks and profilers show the generated lines
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    check: Check = names[entry]
    return check
