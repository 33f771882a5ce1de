from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas import (
    InputError,
    be_to_ce,
    ce_to_be,
    current_year_be,
    fiscal_year_be,
    format_thai_date,
    format_thai_datetime,
    parse_date,
    parse_timestamp,
)


def test_buddhist_era_is_543_years_ahead() -> None:
    assert ce_to_be(2026) == 2569
    assert be_to_ce(2562) == 2019  # the PDPA's year


@given(st.integers(1, 9999))
def test_conversion_round_trips(year: int) -> None:
    assert be_to_ce(ce_to_be(year)) == year


def test_thai_date_formats() -> None:
    assert format_thai_date("2026-11-25") == "25 พ.ย. 2569"
    assert format_thai_date(dt.date(2026, 11, 25), long=True) == "25 พฤศจิกายน 2569"
    assert format_thai_date("2026-01-01", lang="en") == "1 Jan 2026"
    # a timestamp is shown as its day in Thailand: 18:00 UTC is already the next day
    assert format_thai_date("2026-11-24T18:00:00Z") == "25 พ.ย. 2569"


def test_timestamps_are_shown_in_thai_time() -> None:
    # 17:30 UTC on 31 December is already 1 January in Thailand (UTC+7)
    assert format_thai_datetime("2026-12-31T17:30:00Z") == "1 ม.ค. 2570 00:30 น."
    assert format_thai_datetime("2026-11-25T05:00:00+00:00", lang="en") == "25 Nov 2026 12:00"


def test_current_year_follows_the_thai_calendar() -> None:
    assert current_year_be(dt.date(2026, 12, 31)) == 2569


@pytest.mark.parametrize(("day", "fiscal"), [
    (dt.date(2026, 9, 30), 2569), (dt.date(2026, 10, 1), 2570), (dt.date(2027, 1, 15), 2570),
])
def test_fiscal_year_ends_30_september(day: dt.date, fiscal: int) -> None:
    assert fiscal_year_be(day) == fiscal


@pytest.mark.parametrize("text", ["25/11/2569", "2026-02-30", "2026-1-5", "", "2569-11-25x"])
def test_bad_dates_are_refused(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_date(text)
    assert caught.value.code == "date"
    assert "ปปปป-ดด-วว" in caught.value.message_th


def test_timestamps_need_a_time_zone() -> None:
    assert parse_timestamp("2026-11-25T12:00:00+07:00") == dt.datetime(2026, 11, 25, 5,
                                                                        tzinfo=dt.UTC)
    for text in ("2026-11-25T12:00:00", "2026-11-25", "yesterday"):
        with pytest.raises(InputError):
            parse_timestamp(text)
