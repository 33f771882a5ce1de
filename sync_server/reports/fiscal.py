"""The Thai government fiscal year and Buddhist-Era dates.

The fiscal year runs 1 October to 30 September and is named by the พ.ศ. year it ends in:
1 Oct 2025 – 30 Sep 2026 is ปีงบประมาณ 2569. พ.ศ. = ค.ศ. + 543. `fiscal_year_be` is the
record model's (re-exported here); the bounds and the numeric พ.ศ. date of the exports
(`05/03/2569`, what Thai spreadsheets use) are the reports' own.
"""

from __future__ import annotations

from datetime import date, datetime

from schemas import fiscal_year_be
from schemas.thai_dates import THAILAND_TZ

__all__ = [
    "BE_OFFSET",
    "THAILAND_TZ",
    "be_date",
    "fiscal_year_be",
    "fiscal_year_bounds",
    "parse_iso_date",
    "plan_fiscal_year",
]

BE_OFFSET = 543


def fiscal_year_bounds(year_be: int) -> tuple[date, date]:
    """First and last day (both inclusive) of fiscal year `year_be`."""
    ends_in = year_be - BE_OFFSET
    return date(ends_in - 1, 10, 1), date(ends_in, 9, 30)


def parse_iso_date(value: object) -> date | None:
    """A stored `YYYY-MM-DD` date or UTC ISO timestamp as a date; None when absent or bad.

    Reports read what phones sent; one malformed date must not break a whole page, so it
    counts as "no date" (the record's validation is the merge's job, not the report's).
    """
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def be_date(value: object) -> str:
    """`2026-03-05` → `05/03/2569` (day/month/พ.ศ. year); empty when there is no date."""
    day = parse_iso_date(value)
    if day is None:
        return ""
    return f"{day.day:02d}/{day.month:02d}/{day.year + BE_OFFSET}"


def plan_fiscal_year(item: object) -> int | None:
    """A plan item's fiscal year: its `fiscal_year_be`, else the one its `due_on` falls in."""
    if not hasattr(item, "get"):
        return None
    year = item.get("fiscal_year_be")
    if isinstance(year, int) and not isinstance(year, bool):
        return year
    due = parse_iso_date(item.get("due_on"))
    return fiscal_year_be(due) if due else None
