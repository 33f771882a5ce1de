"""Dates typed and shown in forms as DD/MM/YYYY with a Buddhist Era year (25/11/2569).

Formatting for display lives in `schemas.thai_dates`; this module only adds the text-box
round trip, which the schemas do not need.
"""

from __future__ import annotations

import re
from datetime import date

from schemas.thai_dates import BE_OFFSET

__all__ = ["be_input", "parse_be_date"]

_DATE_RE = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})\s*$")


def parse_be_date(text: str) -> date:
    """`25/11/2569` (day/month/พ.ศ. year) -> date(2026, 11, 25); raises ValueError."""
    match = _DATE_RE.match(text)
    if not match:
        raise ValueError(text)
    day, month, year_be = (int(g) for g in match.groups())
    if year_be < 2400:  # a Gregorian year typed by mistake
        raise ValueError(text)
    return date(year_be - BE_OFFSET, month, day)


def be_input(stored: str) -> str:
    """`2026-11-25` -> `25/11/2569`."""
    value = date.fromisoformat(stored[:10])
    return f"{value.day:02d}/{value.month:02d}/{value.year + BE_OFFSET}"
