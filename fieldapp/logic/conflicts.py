"""A conflict, shown as both values side by side with who wrote each and when.

The store keeps what the sync flagged (`DeviceStore.conflicts()`: {"record_type", "id",
"detail"}); the detail is a list of recordsync `MergeConflict.to_json()` (or a dict holding
one under "conflicts"). Pure: tested without a store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from recordsync.hlc import Timestamp

__all__ = ["ConflictRow", "conflict_rows"]


@dataclass(frozen=True)
class ConflictRow:
    record_type: str
    record_id: str
    field: str
    mine: Any
    theirs: Any
    their_device: str | None
    their_time: datetime | None


def _decode(clock: Any) -> Timestamp | None:
    if not isinstance(clock, str):
        return None
    try:
        return Timestamp.decode(clock)
    except ValueError:
        return None


def conflict_rows(entry: Mapping[str, Any], my_device_id: str) -> list[ConflictRow]:
    detail = entry.get("detail")
    if isinstance(detail, Mapping):
        detail = detail.get("conflicts", [detail])
    rows: list[ConflictRow] = []
    for item in detail if isinstance(detail, list) else []:
        if not isinstance(item, Mapping) or "field" not in item:
            continue
        win, lose = _decode(item.get("winning_clock")), _decode(item.get("losing_clock"))
        # "Mine" is the side this phone wrote; when neither (or both) did, the losing side
        # is the one the officer is asked about.
        if win is not None and win.node == my_device_id:
            mine, theirs, other = item.get("winning_value"), item.get("losing_value"), lose
        else:
            mine, theirs, other = item.get("losing_value"), item.get("winning_value"), win
        rows.append(
            ConflictRow(
                record_type=str(entry.get("record_type", "")),
                record_id=str(entry.get("id", "")),
                field=str(item["field"]),
                mine=mine,
                theirs=theirs,
                their_device=other.node if other else None,
                their_time=datetime.fromtimestamp(other.wall_ms / 1000, UTC) if other else None,
            )
        )
    return rows
