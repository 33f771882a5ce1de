"""The fast paths give the same answers as the plain documents.

validate_record runs on a compiled copy of each document ($refs inlined, labelled choices as
enums) and first asks a yes/no check compiled to Python. Here both are compared with
jsonschema running the documents as written, on valid records and on records with one field
(top-level or nested) replaced by an arbitrary JSON value.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas import RECORD_TYPES, field_specs, find_field
from schemas._issues import translate
from schemas._loader import compiled_validator, fast_check, reference_validator

from .strategies import VALID

# Values that sit on the edges the documents draw: wrong lengths, unknown codes, codes from
# another province, impossible dates, bad check digits, years in the future, bounds.
TRICKY_STRINGS = ["", " ", "food", "fda", "mpc", "budget", "0812345678", "0212345678",
                  "081234567", "240302", "240399", "240305", "2403", "2401", "24", "10", "99",
                  "24150", "24170", "24000", "00000", "2415", "2026-11-25", "2026-02-30",
                  "2026-11-25T02:00:00Z", "2026-11-25T02:00:00", "x" * 201, "ก" * 4001,
                  "1103702071811", "1103702071812", "0" * 32, "ab" * 32, "AB" * 16,
                  "8850999320014", "8850999320015", "24-1-12345-2-0001", "12345",
                  "image/jpeg", "image/png", "received"]
scalars = (st.none() | st.booleans() | st.integers(-10, 3000) | st.floats(allow_nan=False)
           | st.sampled_from([0, 1, 3, 4, 5, 6, 99, 100, 100.5, 2400, 2569, 2570, 2700, 2701,
                              5.0, 13.8, 21.5, 97.0, 101.05, 106.5, -0.5]))
json_values = st.recursive(
    scalars | st.sampled_from(TRICKY_STRINGS),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["lat", "lon", "standard", "number", "text", "subdistrict_code",
                         "district_code", "province_code", "postal_code", "fund", "moo",
                         "issued_on", "expires_on", "barcode", "unknown"]), children,
        max_size=4),
    max_leaves=8,
)


numbers = st.sampled_from([0, 1, 3, 4, 5, 6, 99, 100, 100.5, 2400, 2569, 2570, 2700, 2701,
                           5.0, 13.8, 21.5, 97.0, 101.05, 106.5, -0.5, -1, 10**13])
strings = st.sampled_from(TRICKY_STRINGS)


def values_for(value_type: str) -> st.SearchStrategy[Any]:
    """Mostly a value of the right JSON type (so bounds, patterns and formats get hit)."""
    typed = {
        "string": strings,
        "integer": numbers,
        "number": numbers,
        "boolean": st.booleans(),
        "array": st.lists(strings, max_size=3),
        "object": st.dictionaries(st.sampled_from(
            ["lat", "lon", "subdistrict_code", "district_code", "province_code",
             "postal_code", "fund", "moo", "barcode", "unknown"]), numbers | strings,
            max_size=4),
    }[value_type]
    return st.one_of(typed, typed, typed, json_values)


def paths(record_type: str) -> list[str]:
    found: list[str] = []

    def visit(specs: Any) -> None:
        for spec in specs:
            found.append(spec.path)
            visit(spec.children)

    visit(field_specs(record_type))
    return found


def set_path(record: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node: Any = record
    for part in parents:
        child = node.get(part)
        if isinstance(child, list):  # a repeat: put the value into a fresh first item
            child = child[0] if child and isinstance(child[0], dict) else {}
            node[part] = [child]
        elif not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[last] = value


def issues(validator: Any, record_type: str, record: dict[str, Any]) -> set[tuple[str, str]]:
    return {(i.path, i.code) for i in translate(record_type, validator.iter_errors(record))}


def check_same(record_type: str, record: dict[str, Any]) -> None:
    expected = issues(reference_validator(record_type), record_type, record)
    assert issues(compiled_validator(record_type), record_type, record) == expected
    assert fast_check(record_type)(record) == (not expected)


@pytest.mark.parametrize("record_type", RECORD_TYPES)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_compiled_and_fast_checks_agree_with_the_documents(record_type: str,
                                                           data: st.DataObject) -> None:
    record = copy.deepcopy(data.draw(VALID[record_type]))
    check_same(record_type, record)
    path = data.draw(st.sampled_from(paths(record_type)))
    spec = find_field(record_type, path)
    assert spec is not None
    set_path(record, path, data.draw(values_for(spec.value_type)))
    check_same(record_type, record)


@pytest.mark.parametrize("record_type", RECORD_TYPES)
def test_partial_fast_check_ignores_only_top_level_required(record_type: str) -> None:
    assert fast_check(record_type, True)({})
    assert not fast_check(record_type, True)({"schema_version": "1"})


@pytest.mark.parametrize("record_type", RECORD_TYPES)
def test_keywords_next_to_a_ref_only_narrow_it(record_type: str) -> None:
    """The compiled schema lets a keyword next to `$ref` replace the target's; that equals
    JSON Schema's "both apply" only while the sibling is the stricter one."""
    from schemas import load_schema
    from schemas._loader import resolve

    def walk(node: Any, document: str) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child, document)
            return
        if not isinstance(node, dict):
            return
        if "$ref" in node:
            target, _ = resolve({"$ref": node["$ref"]}, document)
            for keyword, mine in node.items():
                theirs = target.get(keyword)
                if theirs is None or keyword.startswith("x-") or keyword in (
                        "$ref", "title", "description"):
                    continue
                if keyword in ("maxLength", "maximum", "maxItems"):
                    assert mine <= theirs, (node, keyword)
                elif keyword in ("minLength", "minimum", "minItems"):
                    assert mine >= theirs, (node, keyword)
                else:
                    assert mine == theirs, (node, keyword)
        for child in node.values():
            walk(child, document)

    walk(load_schema(record_type), record_type)
    walk(load_schema("common"), "common")
