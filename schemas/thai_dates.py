"""Buddhist Era years and Thai date formatting.

Storage is Gregorian (`YYYY-MM-DD`, UTC ISO timestamps); people read and say years in พ.ศ.
(B.E. = C.E. + 543). Thailand keeps one time zone, UTC+7, with no daylight saving, so a fixed
offset is exact and needs no tz database on the phone.
"""

from __future__ import annotations

import datetime as dt

from schemas._errors import InputError

__all__ = [
    "BE_OFFSET",
    "THAILAND_TZ",
    "be_to_ce",
    "ce_to_be",
    "current_year_be",
    "fiscal_year_be",
    "format_thai_date",
    "format_thai_datetime",
    "parse_date",
    "parse_timestamp",
    "timestamp_or_none",
]

BE_OFFSET = 543
THAILAND_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")

_MONTHS_SHORT = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
                 "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
_MONTHS_LONG = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
                "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def ce_to_be(year_ce: int) -> int:
    return year_ce + BE_OFFSET


def be_to_ce(year_be: int) -> int:
    return year_be - BE_OFFSET


def current_year_be(today: dt.date | None = None) -> int:
    """This year in พ.ศ., by the calendar in Thailand (not UTC: 1 January starts at 17:00 UTC)."""
    day = today or dt.datetime.now(THAILAND_TZ).date()
    return ce_to_be(day.year)


def fiscal_year_be(day: dt.date) -> int:
    """The government fiscal year (1 October - 30 September), named by the พ.ศ. year it ends in."""
    return ce_to_be(day.year + 1 if day.month >= 10 else day.year)


def parse_date(text: str) -> dt.date:
    """A stored date `YYYY-MM-DD` (Gregorian); InputError otherwise."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise InputError(
        "date",
        f"วันที่ {text!r} ไม่ถูกต้อง ต้องอยู่ในรูป ปปปป-ดด-วว (ค.ศ.)",
        f"The date {text!r} is not valid: it must be YYYY-MM-DD (Gregorian)",
    )


def parse_timestamp(text: str) -> dt.datetime:
    """A stored ISO 8601 timestamp with a time zone (`2026-11-25T05:00:00Z`), as UTC."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None or "T" not in text:
        raise InputError(
            "datetime",
            f"วันเวลา {text!r} ไม่ถูกต้อง ต้องเป็น ISO 8601 พร้อมเขตเวลา เช่น 2026-11-25T05:00:00Z",
            f"The timestamp {text!r} is not valid: it must be ISO 8601 with a time zone, "
            "e.g. 2026-11-25T05:00:00Z",
        )
    return value.astimezone(dt.UTC)


def timestamp_or_none(value: object) -> dt.datetime | None:
    """A timestamp as shown, leniently: a datetime, or an ISO 8601 text (`Z` or an offset;
    without one taken as UTC); None for anything else (missing, empty, not a time)."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _as_date(value: dt.date | str) -> dt.date:
    if isinstance(value, str) and "T" in value:  # a stored timestamp: its day in Thailand
        value = parse_timestamp(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(THAILAND_TZ).date() if value.tzinfo else value.date()
    if isinstance(value, dt.date):
        return value
    return parse_date(value)


def format_thai_date(value: dt.date | str, *, long: bool = False, lang: str = "th") -> str:
    """"25 พ.ย. 2569" (or "25 พฤศจิกายน 2569" with long=True; "25 Nov 2026" with lang="en").

    Takes a date, a stored `YYYY-MM-DD`, or a stored UTC timestamp (shown as its day in
    Thailand)."""
    day = _as_date(value)
    if lang == "en":
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    months = _MONTHS_LONG if long else _MONTHS_SHORT
    return f"{day.day} {months[day.month - 1]} {ce_to_be(day.year)}"


def format_thai_datetime(value: dt.datetime | str, *, lang: str = "th") -> str:
    """A UTC timestamp shown in Thai time: "25 พ.ย. 2569 12:00 น." ("25 Nov 2026 12:00")."""
    moment = parse_timestamp(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(THAILAND_TZ)
    date_part = format_thai_date(local.date(), lang=lang)
    suffix = " น." if lang == "th" else ""
    return f"{date_part} {local:%H:%M}{suffix}"
