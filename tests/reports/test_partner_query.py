"""Parsing the partner API's and the exports' query strings: every bad value is a FilterError
(a 400 with Thai and English text), never an exception that becomes a 500."""

from __future__ import annotations

import pytest

from sync_server.reports.filters import FilterError, RecordFilter
from sync_server.reports.partner_api import DEFAULT_LIMIT, MAX_LIMIT, PartnerQuery


@pytest.mark.parametrize("limit", ["²", "1²", "0", str(MAX_LIMIT + 1), "-1", "1.5", " 5"])
def test_a_bad_limit_is_a_filter_error(limit: str) -> None:
    with pytest.raises(FilterError) as caught:
        PartnerQuery.parse({"limit": limit})
    assert caught.value.parameter == "limit"
    assert caught.value.message_th and caught.value.message_en


def test_limit_defaults_and_bounds() -> None:
    assert PartnerQuery.parse({}).limit == DEFAULT_LIMIT
    assert PartnerQuery.parse({"limit": "1"}).limit == 1
    assert PartnerQuery.parse({"limit": str(MAX_LIMIT)}).limit == MAX_LIMIT
    assert PartnerQuery.parse({"limit": "๑๐"}).limit == 10  # Thai digits are decimal digits


@pytest.mark.parametrize("subdistrict", ["240301\n", "๒๔๐๓๐๑", "24030", "2403011", "24O301"])
def test_a_subdistrict_that_is_not_six_ascii_digits_is_a_filter_error(subdistrict: str) -> None:
    with pytest.raises(FilterError) as caught:
        RecordFilter.parse({"subdistrict": subdistrict})
    assert caught.value.parameter == "subdistrict"


def test_a_subdistrict_code_is_kept() -> None:
    assert RecordFilter.parse({"subdistrict": "240301"}).subdistrict == "240301"
