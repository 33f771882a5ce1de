"""What the home screen lists: today's visits and the recent ones, newest first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from schemas.thai_dates import timestamp_or_none

__all__ = ["THAI_TZ", "VisitRow", "split_visits"]

# Officers live in Thai time: "today" starts at midnight in Bangkok, not UTC.
THAI_TZ = timezone(timedelta(hours=7))


@dataclass(frozen=True)
class VisitRow:
    visit_id: str
    producer_id: str
    producer_name: str
    started_at: datetime | None
    status: str


def split_visits(
    visits: Iterable[Mapping[str, Any]],
    producer_names: Mapping[str, str],
    now: datetime,
    recent_limit: int = 10,
) -> tuple[list[VisitRow], list[VisitRow]]:
    """(today's visits, earlier recent visits), each newest first; undated visits go last."""
    today = now.astimezone(THAI_TZ).date()
    rows = [
        VisitRow(
            visit_id=str(v["id"]),
            producer_id=str(v.get("producer_id", "")),
            producer_name=producer_names.get(str(v.get("producer_id", "")), "?"),
            started_at=timestamp_or_none(v.get("started_at")),
            status=str(v.get("status") or "draft"),
        )
        for v in visits
    ]
    oldest = datetime.min.replace(tzinfo=UTC)
    rows.sort(key=lambda r: r.started_at or oldest, reverse=True)
    todays = [r for r in rows if r.started_at and r.started_at.astimezone(THAI_TZ).date() == today]
    recent = [r for r in rows if r not in todays][:recent_limit]
    return todays, recent
