"""Whatever JSON arrives (a buggy or hostile client), the validator answers with issues and
never raises; and importing the package pulls in neither FastAPI nor SQLAlchemy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas import (
    ISSUE_CODES,
    RECORD_TYPES,
    Mode,
    field_specs,
    missing_for_finalize,
    validate_record,
)

from .test_compiled_schema import TRICKY_STRINGS

ROOT = Path(__file__).resolve().parents[2]

FIELD_NAMES = sorted({s.name for t in RECORD_TYPES for s in field_specs(t)}
                     | {"subdistrict_code", "postal_code", "lat", "lon", "standard", "text"})
leaves = (st.none() | st.booleans() | st.integers() | st.floats()
          | st.sampled_from(TRICKY_STRINGS) | st.text(max_size=8))
json_any = st.recursive(
    leaves,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=5), children, max_size=5),
    max_leaves=15,
)
records = st.dictionaries(st.sampled_from(FIELD_NAMES), json_any, max_size=10)


@pytest.mark.parametrize("record_type", RECORD_TYPES)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=records | json_any)
def test_any_json_gets_issues_not_exceptions(record_type: str, record: Any) -> None:
    modes: tuple[Mode, ...] = ("draft", "final", "partial")
    for mode in modes:
        for item in validate_record(record_type, record, mode):
            assert item.code in ISSUE_CODES and item.message_th and item.message_en
            assert item.pointer.startswith("/") or item.pointer == ""


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(visit=records, producer=st.none() | records, products=st.lists(records, max_size=3),
       photos=st.lists(records, max_size=3))
def test_finalize_check_survives_any_json(visit: dict[str, Any], producer: dict[str, Any] | None,
                                         products: list[dict[str, Any]],
                                         photos: list[dict[str, Any]]) -> None:
    for item in missing_for_finalize(visit, producer, products, photos):
        assert item.record_type in RECORD_TYPES and item.code in ISSUE_CODES
        assert item.message_th and item.message_en


def test_importing_schemas_needs_no_server_libraries() -> None:
    code = ("import sys, schemas; schemas.validate_record('producer', {'name_th': 'ก'}); "
            "bad = {'fastapi', 'sqlalchemy', 'flet'} & set(sys.modules); "
            "sys.exit(f'imported {bad}' if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr + result.stdout


def test_warm_up_compiles_everything() -> None:
    from schemas import warm_up
    from schemas._loader import collector, fast_check

    warm_up()
    assert collector.cache_info().currsize >= 2 * len(RECORD_TYPES)
    assert fast_check.cache_info().currsize >= 2 * len(RECORD_TYPES)


@pytest.mark.parametrize("barcode", ["1234567²", "²" * 13, "๘๘๕๐๙๙๙๓๒๐๐๑๔"])
def test_barcode_with_non_ascii_digits_is_an_issue_not_an_exception(barcode: str) -> None:
    # str.isdigit() is true for '²' and Thai digits, which int() cannot (or should not) read.
    record = {"packaging": {"barcode": barcode}}
    modes: tuple[Mode, ...] = ("draft", "final", "partial")
    for mode in modes:
        issues = validate_record("product", record, mode)
        assert any(i.pointer == "/packaging/barcode" for i in issues)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
@pytest.mark.parametrize(("record_type", "record", "pointer"), [
    ("product", {"price_thb": None}, "/price_thb"),
    ("plan_item", {"budget_thb": None}, "/budget_thb"),
    ("producer", {"gps": {"lat": None, "lon": 100.5}}, "/gps/lat"),
])
def test_nan_and_infinity_are_not_numbers(record_type: str, record: dict[str, Any],
                                          pointer: str, bad: float) -> None:
    """Python's json reads NaN and Infinity (a server's request body too); every comparison
    with NaN is false, so minimum/maximum alone let it through to the database."""
    parts = pointer.strip("/").split("/")
    target = record
    for part in parts[:-1]:
        target = target[part]
    target[parts[-1]] = bad
    modes: tuple[Mode, ...] = ("draft", "final", "partial")
    for mode in modes:
        issues = validate_record(record_type, record, mode)
        assert any(i.pointer == pointer and i.code == "type" for i in issues), (mode, issues)


@given(st.text(alphabet="0123456789", min_size=7, max_size=13))
def test_a_barcode_passes_exactly_when_its_gs1_check_digit_matches(body: str) -> None:
    """GS1: weights 3, 1, 3, ... from the digit next to the check digit, digit by digit."""
    from schemas._formats import FORMAT_CHECKER

    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    right = (10 - total % 10) % 10
    gtin = FORMAT_CHECKER.checkers["gtin"][0]
    for check in range(10):
        barcode = body + str(check)
        expected = check == right or len(barcode) not in (8, 12, 13, 14)
        assert gtin(barcode) is expected
