"""Capture time and GPS position from EXIF values, without Pillow.

The imaging module reads the raw tag values into plain dicts (tag number -> str, float or
tuple of floats); this module turns them into what a photo record stores. Keeping it pure
lets it be tested with hand-made values and reused by a non-Pillow fallback on Android.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

__all__ = [
    "ASSUMED_UTC_OFFSET",
    "EXIF_DATETIME_ORIGINAL",
    "EXIF_OFFSET_TIME",
    "EXIF_OFFSET_TIME_ORIGINAL",
    "GPS_DATE_STAMP",
    "GPS_H_POSITIONING_ERROR",
    "GPS_LATITUDE",
    "GPS_LATITUDE_REF",
    "GPS_LONGITUDE",
    "GPS_LONGITUDE_REF",
    "GPS_TIME_STAMP",
    "captured_at_utc",
    "gps_position",
]

# Tag numbers (EXIF 2.32). Exif IFD:
EXIF_DATETIME_ORIGINAL = 0x9003
EXIF_OFFSET_TIME = 0x9010
EXIF_OFFSET_TIME_ORIGINAL = 0x9011
# GPS IFD:
GPS_LATITUDE_REF = 1
GPS_LATITUDE = 2
GPS_LONGITUDE_REF = 3
GPS_LONGITUDE = 4
GPS_TIME_STAMP = 7
GPS_DATE_STAMP = 29
GPS_H_POSITIONING_ERROR = 31

# A camera that writes no offset wrote local time. Officers work in Thailand, which has one
# time zone and no daylight saving, so +07:00 is the right guess there; callers may pass
# another offset.
ASSUMED_UTC_OFFSET = timedelta(hours=7)

_EXIF_DATETIME = re.compile(r"^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")
_EARLIEST_YEAR = 1990  # an unset camera clock says 1970, 1980 or 2000-01-01; 1990+ is plausible
_LATEST_YEAR = 2200


def _utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_offset(value: Any) -> timedelta | None:
    if not isinstance(value, str):
        return None
    match = _OFFSET.match(value.strip())
    if not match:
        return None
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta > timedelta(hours=14):
        return None
    return -delta if sign == "-" else delta


def _parse_local(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    match = _EXIF_DATETIME.match(value.strip())
    if not match:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        moment = datetime(year, month, day, hour, minute, second)  # local, zone unknown yet
    except ValueError:  # "0000:00:00 00:00:00" from cameras with no clock set
        return None
    if not _EARLIEST_YEAR <= moment.year <= _LATEST_YEAR:
        return None
    return moment


def _gps_utc(gps: Mapping[int, Any]) -> datetime | None:
    date_text, hms = gps.get(GPS_DATE_STAMP), gps.get(GPS_TIME_STAMP)
    if not isinstance(date_text, str) or not isinstance(hms, Sequence) or len(hms) != 3:
        return None
    try:
        day = datetime.strptime(date_text.strip(), "%Y:%m:%d").replace(tzinfo=UTC)
        hours, minutes, seconds = (float(part) for part in hms)
    except (TypeError, ValueError):
        return None
    if not all(math.isfinite(x) for x in (hours, minutes, seconds)):
        return None
    if not (0 <= hours < 24 and 0 <= minutes < 60 and 0 <= seconds < 61):
        return None
    if not _EARLIEST_YEAR <= day.year <= _LATEST_YEAR:
        return None
    return day + timedelta(hours=hours, minutes=minutes, seconds=int(seconds))


def captured_at_utc(
    exif: Mapping[int, Any],
    gps: Mapping[int, Any],
    assumed_offset: timedelta = ASSUMED_UTC_OFFSET,
) -> str | None:
    """When the photo was taken, as UTC ISO 8601 (`2026-11-25T05:00:00Z`), or None.

    DateTimeOriginal is local time; its offset comes from OffsetTimeOriginal (or OffsetTime).
    Without an offset, the GPS date and time (always UTC) are used when present, and only
    then the assumed offset (Thailand, +07:00).
    """
    local = _parse_local(exif.get(EXIF_DATETIME_ORIGINAL))
    if local is None:
        return None
    offset = _parse_offset(exif.get(EXIF_OFFSET_TIME_ORIGINAL))
    if offset is None:
        offset = _parse_offset(exif.get(EXIF_OFFSET_TIME))
    if offset is not None:
        return _utc_iso(local.replace(tzinfo=timezone(offset)))
    from_gps = _gps_utc(gps)
    if from_gps is not None:
        return _utc_iso(from_gps)
    return _utc_iso(local.replace(tzinfo=timezone(assumed_offset)))


def _degrees(value: Any, ref: Any, negative_ref: str) -> float | None:
    if not isinstance(value, Sequence) or isinstance(value, str) or not 1 <= len(value) <= 3:
        return None
    try:
        parts = [float(part) for part in value]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not all(math.isfinite(part) and part >= 0 for part in parts):
        return None
    degrees = sum(part / 60**i for i, part in enumerate(parts))
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    if isinstance(ref, str) and ref.strip().upper().startswith(negative_ref):
        degrees = -degrees
    return degrees


def gps_position(gps: Mapping[int, Any]) -> dict[str, float] | None:
    """{"lat", "lon"} in decimal degrees (7 places, about 1 cm), plus "accuracy_m" when the
    camera wrote GPSHPositioningError; None when absent, incomplete or impossible."""
    lat = _degrees(gps.get(GPS_LATITUDE), gps.get(GPS_LATITUDE_REF), "S")
    lon = _degrees(gps.get(GPS_LONGITUDE), gps.get(GPS_LONGITUDE_REF), "W")
    if lat is None or lon is None or abs(lat) > 90 or abs(lon) > 180:
        return None
    if lat == 0 and lon == 0:  # "null island": a phone that had no fix yet
        return None
    position = {"lat": round(lat, 7), "lon": round(lon, 7)}
    try:
        accuracy = float(gps.get(GPS_H_POSITIONING_ERROR))  # type: ignore[arg-type]
    except (TypeError, ValueError, ZeroDivisionError):
        return position
    if math.isfinite(accuracy) and accuracy >= 0:
        position["accuracy_m"] = round(accuracy, 1)
    return position
