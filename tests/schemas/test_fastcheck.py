"""The generated yes/no check (schemas/_fastcheck.py) on schemas beyond our documents.

tests/schemas/test_compiled_schema.py compares it with jsonschema on the record types. Here
it meets generated schemas made of every keyword it knows, with and without a `type` (so
each keyword's guard for values of other types is used) and nested through `properties`,
`items` and `if`, against the pure error collector on the same schema: a value the check
passes has no error, and on values where the check is exact (no NaN, no unhashable list
items) it passes exactly the values without errors.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas._collect import collect_errors, compile_collector
from schemas._fastcheck import check_source, compile_check
from schemas._formats import FORMAT_CHECKER
from schemas._loader import RECORD_TYPES, _compiled, fast_check

NAMES = ["a", "b", "c"]
strings = st.sampled_from(["", "a", "ab", "0812345678", "12", "x y", "2026-11-25",
                           "2026-02-30", "ก", "1103702071811"])
# the bounds below and the values on and next to them
numbers = st.sampled_from([-2, -1, 0, 1, 2, 3, 0.5, 2.0, 2.5, -0.5, 10**20, 2569, 2999])
scalars = st.none() | st.booleans() | numbers | strings
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(NAMES), inner,
                                                                max_size=3),
    max_leaves=8)

TYPES = ["string", "integer", "number", "boolean", "object", "array", "null"]
FORMATS = ["th-phone", "date", "th-id-13", "be-year-not-future", "no-such-format"]


def keyword_values(schemas: st.SearchStrategy[dict[str, Any]]
                   ) -> dict[str, st.SearchStrategy[Any]]:
    return {
        "type": st.sampled_from(TYPES) | st.lists(st.sampled_from(TYPES), min_size=1,
                                                  max_size=2, unique=True),
        "enum": st.lists(strings, min_size=1, max_size=3)
        | st.lists(st.integers(-2, 2), min_size=1, max_size=3),
        "const": strings | st.integers(-2, 2),
        "pattern": st.sampled_from(["^[0-9]{2}$", "a", "[^\\s]"]),
        "minLength": st.integers(0, 2), "maxLength": st.integers(0, 2),
        "minimum": st.integers(-1, 2) | st.just(0.5),
        "maximum": st.integers(-1, 2) | st.just(2.5),
        "minItems": st.integers(0, 2), "maxItems": st.integers(0, 2),
        "uniqueItems": st.booleans(),
        "format": st.sampled_from(FORMATS),
        "required": st.lists(st.sampled_from(NAMES), max_size=2, unique=True),
        "properties": st.dictionaries(st.sampled_from(NAMES), schemas, max_size=2),
        "items": schemas,
    }


def schema_of(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        options = keyword_values(children)
        chosen = draw(st.lists(st.sampled_from(sorted(options)), min_size=1, max_size=3,
                               unique=True))
        schema = {k: draw(options[k]) for k in chosen}
        if "properties" in schema and draw(st.booleans()):
            schema["additionalProperties"] = False
        return schema

    return build()


def _conditional(children: st.SearchStrategy[dict[str, Any]]
                 ) -> st.SearchStrategy[dict[str, Any]]:
    exact = st.fixed_dictionaries({}, optional={
        "type": st.sampled_from(["string", "integer", "object"]),
        "minLength": st.integers(0, 2), "const": strings,
        "required": st.lists(st.sampled_from(NAMES), max_size=2, unique=True)})
    return st.fixed_dictionaries({"if": exact, "then": children},
                                 optional={"else": children})


schemas = st.recursive(schema_of(st.just({})),
                       lambda inner: st.one_of(schema_of(inner), schema_of(inner),
                                               _conditional(inner)), max_leaves=4)


def _exact_for(value: Any) -> bool:
    """The check is exact here: no NaN or infinity, no list with an unhashable item."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_exact_for(v) for v in value.values())
    if isinstance(value, list):
        return all(_exact_for(v) and not isinstance(v, list | dict) for v in value)
    return True


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=schemas, values=st.lists(scalars | json_values, min_size=1, max_size=8))
def test_generated_check_agrees_with_the_error_collector(schema: dict[str, Any],
                                                         values: list[Any]) -> None:
    check = compile_check(schema, FORMAT_CHECKER)
    collect = compile_collector(schema, FORMAT_CHECKER)
    for value in values:
        passed = check(value)
        assert passed is True or passed is False, check_source(schema, FORMAT_CHECKER)
        errors = list(collect_errors(collect, value))
        if passed:
            assert errors == [], (value, check_source(schema, FORMAT_CHECKER))
        elif _exact_for(value) and not _inexact_schema(schema):
            assert errors, (value, check_source(schema, FORMAT_CHECKER))


def _inexact_schema(schema: Any) -> bool:
    """uniqueItems over mixed items is left to the collector (the check says no)."""
    if isinstance(schema, dict):
        return "uniqueItems" in schema or any(_inexact_schema(v) for v in schema.values())
    if isinstance(schema, list):
        return any(_inexact_schema(v) for v in schema)
    return False


@pytest.mark.parametrize("schema", [
    {"contains": {}}, {"type": "object", "patternProperties": {}},
    {"additionalProperties": {"type": "string"}}, {"if": {"format": "date"}, "then": {}},
])
def test_a_keyword_it_does_not_know_is_refused_not_skipped(schema: dict[str, Any]) -> None:
    with pytest.raises(NotImplementedError):
        compile_check(schema, FORMAT_CHECKER)


@pytest.mark.parametrize("record_type", RECORD_TYPES)
def test_the_generated_source_is_one_function_and_shows_in_tracebacks(record_type: str) -> None:
    import inspect

    source = check_source(_compiled(record_type, False), FORMAT_CHECKER)
    assert source.startswith("def f0(x):")
    # linecache holds the source, so tracebacks and profilers can show the line
    assert inspect.getsource(fast_check(record_type)).startswith("def f0(x):")
