"""The pure-Python error collector says exactly what jsonschema says.

validate_record collects a failing record's errors with schemas/_collect.py (the phone has
no jsonschema: docs/android-packages.md). Here, on valid records with one field (top-level or
nested) replaced by an arbitrary JSON value, in full and partial mode, the collector's errors
are compared with jsonschema's Draft 2020-12 validator on the same compiled schema, error for
error and in order (path, keyword, keyword value, instance, format detail), and the issues
translated from both are compared message for message.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas import RECORD_TYPES, find_field, validate_record
from schemas._collect import Failure, collect_errors, equal, unique
from schemas._formats import FormatDetail
from schemas._issues import translate
from schemas._loader import collector, compiled_validator

from .strategies import VALID
from .test_compiled_schema import json_values, paths, set_path, values_for

odd_numbers = st.sampled_from([math.nan, math.inf, -math.inf, True, False, 1.0, 0, -0.0])
odd_values = st.one_of(
    odd_numbers,
    st.lists(odd_numbers | st.sampled_from(["a", "a", 1, 1.0]), max_size=4),
    st.lists(st.dictionaries(st.sampled_from(["standard", "number"]),
                             st.sampled_from(["fda", "x", 1]), max_size=2), max_size=3),
)


def _key(error: Any) -> tuple[Any, ...]:
    cause = error.cause
    detail = ((cause.field, cause.code, cause.message_en)
              if isinstance(cause, FormatDetail) else type(cause).__name__)
    return (tuple(error.absolute_path), str(error.validator), repr(error.validator_value),
            repr(error.instance), detail)


def check_same(record_type: str, record: Any, partial: bool) -> None:
    expected = list(compiled_validator(record_type, partial).iter_errors(record))
    got = list(collect_errors(collector(record_type, partial), record))
    assert [_key(e) for e in got] == [_key(e) for e in expected]
    assert translate(record_type, got) == translate(record_type, expected)


@pytest.mark.parametrize("record_type", RECORD_TYPES)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), partial=st.booleans())
def test_collector_gives_jsonschemas_errors_in_its_order(record_type: str, partial: bool,
                                                         data: st.DataObject) -> None:
    record = copy.deepcopy(data.draw(VALID[record_type]))
    check_same(record_type, record, partial)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths(record_type)))
        spec = find_field(record_type, path)
        assert spec is not None
        set_path(record, path, data.draw(st.one_of(values_for(spec.value_type), odd_values)))
    check_same(record_type, record, partial)


@pytest.mark.parametrize("record_type", RECORD_TYPES)
@settings(max_examples=40, deadline=None)
@given(value=json_values | odd_values)
def test_collector_agrees_on_any_json_value_as_the_record(record_type: str, value: Any) -> None:
    check_same(record_type, value, False)


def test_errors_carry_what_the_translator_reads() -> None:
    errors = list(collect_errors(collector("producer"), {
        "name_th": "ก", "phone": "12", "address": {"postal_code": "99999"}, "extra": 1}))
    assert all(isinstance(e, Failure) for e in errors)
    by_keyword = {(e.validator, tuple(e.absolute_path)) for e in errors}
    assert ("additionalProperties", ()) in by_keyword
    assert ("format", ("phone",)) in by_keyword


@pytest.mark.parametrize(("one", "two", "same"), [
    (1, True, False), (0, False, False), (1, 1.0, True), ([1, [True]], [1, [1]], False),
    ({"a": [0]}, {"a": [False]}, False), ({"a": 1}, {"a": 1.0}, True), ("1", 1, False)])
def test_equality_is_jsons_not_pythons(one: Any, two: Any, same: bool) -> None:
    assert equal(one, two) is same
    assert unique([one, two]) is not same


def test_a_nan_price_gets_the_same_issue_as_before() -> None:
    issues = validate_record("product", {"price_thb": math.nan}, mode="partial")
    assert [(i.path, i.code) for i in issues] == [("price_thb", "type")]
