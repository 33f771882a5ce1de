"""Dates as Thai officers read them: Buddhist Era years, Thai month names, Bangkok time.

Storage keeps Gregorian `YYYY-MM-DD` dates and UTC timestamps; these functions only format
and parse what the screens show.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

__all__ = ["BE_OFFSET", "be_date", "be_datetime", "parse_be_date"]

BE_OFFSET = 543
THAI_TZ = timezone(timedelta(hours=7))
MONTHS_TH = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def be_date(value: date | str | None, lang: str = "th") -> str:
    """`2026-11-25` -> `25 พ.ย. 2569` (English: `25 Nov 2569 BE`)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if lang == "en":
        return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year + BE_OFFSET} BE"
    return f"{value.day} {MONTHS_TH[value.month - 1]} {value.year + BE_OFFSET}"


def be_datetime(value: datetime | None, lang: str = "th") -> str:
    if value is None:
        return "—"
    local = value.astimezone(THAI_TZ)
    return f"{be_date(local.date(), lang)} {local:%H:%M}"


_DATE_RE = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})\s*$")


def parse_be_date(text: str) -> date:
    """`25/11/2569` (day/month/พ.ศ. year) -> date(2026, 11, 25); raises ValueError."""
    match = _DATE_RE.match(text)
    if not match:
        raise ValueError(text)
    day, month, year_be = (int(g) for g in match.groups())
    if year_be < 2400:
        raise ValueError(text)
    return date(year_be - BE_OFFSET, month, day)
