"""Capture time and position from EXIF values: pure functions, tested without images."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldapp.photos.exifdata import (
    EXIF_DATETIME_ORIGINAL as TAKEN,
)
from fieldapp.photos.exifdata import (
    EXIF_OFFSET_TIME as OFFSET,
)
from fieldapp.photos.exifdata import (
    EXIF_OFFSET_TIME_ORIGINAL as OFFSET_ORIGINAL,
)
from fieldapp.photos.exifdata import (
    captured_at_utc,
    gps_position,
)

LAT_REF, LAT, LON_REF, LON, GPS_TIME, GPS_DATE, ACCURACY = 1, 2, 3, 4, 7, 29, 31


@pytest.mark.parametrize(
    ("exif", "gps", "expected"),
    [
        ({TAKEN: "2026:11:20 10:15:30", OFFSET_ORIGINAL: "+07:00"}, {}, "2026-11-20T03:15:30Z"),
        ({TAKEN: "2026:11:20 01:00:00", OFFSET_ORIGINAL: "+07:00"}, {}, "2026-11-19T18:00:00Z"),
        ({TAKEN: "2026:11:20 10:15:30", OFFSET_ORIGINAL: "-05:30"}, {}, "2026-11-20T15:45:30Z"),
        ({TAKEN: "2026:11:20 10:15:30", OFFSET: "+09:00"}, {}, "2026-11-20T01:15:30Z"),
        # No offset: the GPS clock is UTC and wins over a guess.
        ({TAKEN: "2026:11:20 10:15:30"}, {GPS_DATE: "2026:11:20", GPS_TIME: (3.0, 15.0, 29.0)},
         "2026-11-20T03:15:29Z"),
        # No offset and no GPS time: Thailand's +07:00 is assumed.
        ({TAKEN: "2026:11:20 10:15:30"}, {}, "2026-11-20T03:15:30Z"),
        ({TAKEN: "2026:11:20 10:15:30\x00"}, {}, "2026-11-20T03:15:30Z"),
        # Unset or broken camera clocks.
        ({TAKEN: "0000:00:00 00:00:00"}, {}, None),
        ({TAKEN: "1970:01:01 07:00:00", OFFSET_ORIGINAL: "+07:00"}, {}, None),
        ({TAKEN: "2026:13:45 10:15:30"}, {}, None),
        ({TAKEN: "yesterday"}, {}, None),
        ({TAKEN: 20261120}, {}, None),
        ({}, {GPS_DATE: "2026:11:20", GPS_TIME: (3.0, 15.0, 29.0)}, None),
        # A nonsense offset is ignored, not trusted.
        ({TAKEN: "2026:11:20 10:15:30", OFFSET_ORIGINAL: "+25:00"}, {}, "2026-11-20T03:15:30Z"),
    ],
)
def test_captured_at(exif: dict, gps: dict, expected: str | None) -> None:
    assert captured_at_utc(exif, gps) == expected


def test_assumed_offset_can_be_changed() -> None:
    exif = {TAKEN: "2026:11:20 10:15:30"}
    assert captured_at_utc(exif, {}, timedelta(0)) == "2026-11-20T10:15:30Z"


def test_gps_position_with_accuracy() -> None:
    gps = {LAT_REF: "N", LAT: (13.0, 50.0, 24.36), LON_REF: "E", LON: (101.0, 3.0, 20.52),
           ACCURACY: 4.75}
    assert gps_position(gps) == {"lat": 13.8401, "lon": 101.0557, "accuracy_m": 4.8}


@pytest.mark.parametrize(
    "gps",
    [
        {},
        {LAT_REF: "N", LAT: (13.0, 50.0, 24.0)},  # no longitude
        {LAT_REF: "N", LAT: (0.0, 0.0, 0.0), LON_REF: "E", LON: (0.0, 0.0, 0.0)},  # no fix
        {LAT_REF: "N", LAT: (95.0, 0.0, 0.0), LON_REF: "E", LON: (100.0, 0.0, 0.0)},
        {LAT_REF: "N", LAT: (float("nan"), 0.0, 0.0), LON_REF: "E", LON: (100.0, 0.0, 0.0)},
        {LAT_REF: "N", LAT: "13.84", LON_REF: "E", LON: (100.0, 0.0, 0.0)},
        {LAT_REF: "N", LAT: (13.0, -5.0, 0.0), LON_REF: "E", LON: (100.0, 0.0, 0.0)},
    ],
)
def test_gps_position_refuses_what_is_not_a_fix(gps: dict) -> None:
    assert gps_position(gps) is None


def test_gps_without_accuracy_or_with_broken_accuracy() -> None:
    base = {LAT_REF: "N", LAT: (13.0, 50.0, 24.36), LON_REF: "E", LON: (101.0, 3.0, 20.52)}
    assert gps_position(base) == {"lat": 13.8401, "lon": 101.0557}
    assert gps_position({**base, ACCURACY: float("inf")}) == {"lat": 13.8401, "lon": 101.0557}


@given(
    lat=st.floats(min_value=-90, max_value=90, allow_nan=False),
    lon=st.floats(min_value=-180, max_value=180, allow_nan=False),
)
def test_degrees_minutes_seconds_round_trip(lat: float, lon: float) -> None:
    def dms(value: float) -> tuple[float, float, float]:
        value = abs(value)
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        return float(degrees), float(minutes), (value - degrees - minutes / 60) * 3600

    gps = {LAT_REF: "N" if lat >= 0 else "S", LAT: dms(lat),
           LON_REF: "E" if lon >= 0 else "W", LON: dms(lon)}
    position = gps_position(gps)
    if round(lat, 7) == 0 and round(lon, 7) == 0:
        return  # "null island" is treated as no fix
    assert position is not None
    assert position["lat"] == pytest.approx(lat, abs=1e-6)
    assert position["lon"] == pytest.approx(lon, abs=1e-6)
