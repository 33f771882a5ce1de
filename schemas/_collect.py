"""Every error of a record under its compiled schema, in pure Python (no jsonschema).

The phone validates with this: jsonschema pulls in `referencing` and the Rust extension
`rpds-py`, which Android builds do not have (docs/android-packages.md). It walks the compiled
schema (schemas/_compile.py) the way jsonschema's Draft 2020-12 validator does, keyword by
keyword in the schema's order, and yields one `Failure` per error with the attributes of
jsonschema's ValidationError that the issue translator reads (`absolute_path`, `validator`,
`validator_value`, `instance`, `schema`, `cause`), in the same order, so `translate` gives the
same issues, messages and order. tests/schemas/test_pure_validator.py compares both, error
for error, on generated records.

Like the fast check it knows exactly the keywords our documents use and refuses to compile
any other, so a new keyword is never skipped silently; "number" means a finite number, as in
the server's validator since the NaN fix.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from schemas._formats import FormatChecker, FormatFailure

__all__ = ["Failure", "collect_errors", "compile_collector"]

Path = tuple[str | int, ...]
Collector = Callable[[Any, Path], Iterator["Failure"]]


@dataclass(frozen=True, slots=True)
class Failure:
    """One error, shaped like jsonschema's ValidationError for `schemas._issues.translate`."""

    absolute_path: Path
    validator: str
    validator_value: Any
    instance: Any
    schema: Mapping[str, Any]
    cause: BaseException | None = None


def _is_integer(x: Any) -> bool:
    if isinstance(x, bool):
        return False
    return isinstance(x, int) or (isinstance(x, float) and x.is_integer())


def _is_number(x: Any) -> bool:  # finite, as RecordValidator's redefined "number"
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


IS_TYPE: dict[str, Callable[[Any], bool]] = {
    "string": lambda x: isinstance(x, str),
    "integer": _is_integer,
    "number": _is_number,
    "boolean": lambda x: isinstance(x, bool),
    "object": lambda x: isinstance(x, dict),
    "array": lambda x: isinstance(x, list),
    "null": lambda x: x is None,
}


def _unbool(x: Any, true: object = object(), false: object = object()) -> Any:
    if x is True:
        return true
    if x is False:
        return false
    return x


def equal(one: Any, two: Any) -> bool:
    """JSON equality: True is not 1, recursing into lists and objects (jsonschema's rule)."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(equal(a, b) for a, b in zip(one, two, strict=True))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return len(one) == len(two) and all(k in two and equal(v, two[k])
                                            for k, v in one.items())
    return bool(_unbool(one) == _unbool(two))


def unique(items: list[Any]) -> bool:
    """No two items equal (jsonschema's `uniq`: sort when possible, else compare pairs)."""
    try:
        ordered = sorted(_unbool(i) for i in items)
        return not any(equal(a, b) for a, b in itertools.pairwise(ordered))
    except (NotImplementedError, TypeError):
        seen: list[Any] = []
        for item in items:
            item = _unbool(item)
            if any(equal(s, item) for s in seen):
                return False
            seen.append(item)
    return True


_IGNORED = {"$schema", "x-errors", "then", "else"}  # then/else are evaluated with "if"


def compile_collector(schema: Mapping[str, Any], formats: FormatChecker) -> Collector:
    """The error collector of one (sub)schema: call it with (instance, path)."""
    steps = [_keyword(k, v, schema, formats) for k, v in schema.items() if k not in _IGNORED]

    def collect(x: Any, path: Path) -> Iterator[Failure]:
        for step in steps:
            yield from step(x, path)

    return collect


def _fail(keyword: str, value: Any, schema: Mapping[str, Any]
          ) -> Callable[[Any, Path], Failure]:
    return lambda x, path: Failure(path, keyword, value, x, schema)


def _keyword(keyword: str, value: Any, schema: Mapping[str, Any], formats: FormatChecker
             ) -> Collector:
    fail = _fail(keyword, value, schema)
    test: Callable[[Any], bool]  # True: the instance breaks the keyword
    if keyword == "type":
        kinds = tuple(IS_TYPE[t] for t in ([value] if isinstance(value, str) else value))
        if len(kinds) == 1:
            only = kinds[0]
            test = lambda x: not only(x)  # noqa: E731
        else:
            test = lambda x: not any(k(x) for k in kinds)  # noqa: E731
    elif keyword == "enum" and all(isinstance(v, str) for v in value):
        strings = frozenset(value)  # JSON equality with a string is string equality
        test = lambda x: not (isinstance(x, str) and x in strings)  # noqa: E731
    elif keyword == "enum":
        test = lambda x: all(not equal(v, x) for v in value)  # noqa: E731
    elif keyword == "const":
        test = lambda x: not equal(x, value)  # noqa: E731
    elif keyword == "pattern":
        search = re.compile(value).search
        test = lambda x: isinstance(x, str) and search(x) is None  # noqa: E731
    elif keyword == "minLength":
        test = lambda x: isinstance(x, str) and len(x) < value  # noqa: E731
    elif keyword == "maxLength":
        test = lambda x: isinstance(x, str) and len(x) > value  # noqa: E731
    elif keyword == "minimum":
        test = lambda x: _is_number(x) and x < value  # noqa: E731
    elif keyword == "maximum":
        test = lambda x: _is_number(x) and x > value  # noqa: E731
    elif keyword == "minItems":
        test = lambda x: isinstance(x, list) and len(x) < value  # noqa: E731
    elif keyword == "maxItems":
        test = lambda x: isinstance(x, list) and len(x) > value  # noqa: E731
    elif keyword == "uniqueItems":
        test = lambda x: bool(value) and isinstance(x, list) and not unique(x)  # noqa: E731
    elif keyword == "additionalProperties":
        if value is not False or "patternProperties" in schema:
            raise NotImplementedError("only additionalProperties: false is supported")
        known = frozenset(schema.get("properties", {}))
        test = lambda x: isinstance(x, dict) and not known.issuperset(x)  # noqa: E731
    elif keyword == "format":
        return _format(value, schema, formats)
    elif keyword == "required":
        return _required(value, schema)
    elif keyword == "properties":
        return _properties(value, formats)
    elif keyword == "items":
        return _items(value, formats)
    elif keyword == "if":
        return _if(value, schema, formats)
    else:
        raise NotImplementedError(f"the pure validator does not know the keyword {keyword!r}")

    def collect(x: Any, path: Path) -> Iterator[Failure]:
        if test(x):
            yield fail(x, path)

    return collect


def _format(name: str, schema: Mapping[str, Any], formats: FormatChecker) -> Collector:
    def collect(x: Any, path: Path) -> Iterator[Failure]:
        try:
            formats.check(x, name)
        except FormatFailure as failure:
            yield Failure(path, "format", name, x, schema, failure.cause)

    return collect


def _required(names: list[str], schema: Mapping[str, Any]) -> Collector:
    def collect(x: Any, path: Path) -> Iterator[Failure]:
        if isinstance(x, dict):
            for name in names:  # one error per missing name, as jsonschema
                if name not in x:
                    yield Failure(path, "required", names, x, schema)

    return collect


def _properties(properties: Mapping[str, Any], formats: FormatChecker) -> Collector:
    children = [(name, compile_collector(sub, formats)) for name, sub in properties.items()]

    def collect(x: Any, path: Path) -> Iterator[Failure]:
        if isinstance(x, dict):
            for name, child in children:  # the schema's order, not the record's
                if name in x:
                    yield from child(x[name], (*path, name))

    return collect


def _items(item_schema: Mapping[str, Any], formats: FormatChecker) -> Collector:
    child = compile_collector(item_schema, formats)

    def collect(x: Any, path: Path) -> Iterator[Failure]:
        if isinstance(x, list):
            for index, item in enumerate(x):
                yield from child(item, (*path, index))

    return collect


def _if(condition: Mapping[str, Any], schema: Mapping[str, Any], formats: FormatChecker
        ) -> Collector:
    test = compile_collector(condition, formats)
    then = compile_collector(schema["then"], formats) if "then" in schema else None
    otherwise = compile_collector(schema["else"], formats) if "else" in schema else None

    def collect(x: Any, path: Path) -> Iterator[Failure]:
        branch = then if next(test(x, path), None) is None else otherwise
        if branch is not None:
            yield from branch(x, path)

    return collect


def collect_errors(collector: Collector, record: Any) -> Iterator[Failure]:
    """Every error of `record` (the whole record is at the empty path)."""
    return collector(record, ())
