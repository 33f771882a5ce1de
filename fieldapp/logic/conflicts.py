"""A conflict, shown as both values side by side with who wrote each and when.

The store keeps what the sync flagged (`DeviceStore.conflicts()`: {"record_type", "id",
"detail"}); the detail is a list of recordsync `MergeConflict.to_json()` (or a dict holding
one under "conflicts"). Pure: tested without a store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from recordsync.hlc import Timestamp
from schemas.thai_dates import timestamp_or_none

__all__ = [
    "ConflictItem",
    "ConflictRow",
    "Reconciled",
    "conflict_rows",
    "reconcile",
    "server_items",
]


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


# --- the conflicts the server keeps (GET /api/v1/sync/conflicts) ------------------------------


@dataclass(frozen=True)
class ConflictItem:
    """One conflicting field as the officer sees it: both values, who and when, its state."""

    record_type: str
    record_id: str
    title: str
    field: str
    mine: Any
    theirs: Any
    their_who: str | None
    their_time: datetime | None
    state: str  # "waiting": for the office to settle; "resolved"; "flagged": no detail yet
    outcome: Any = None  # the value the office kept
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    message_th: str | None = None  # for a flag the server has not detailed (a rejection)
    message_en: str | None = None

    @property
    def open(self) -> bool:
        return self.state != "resolved"


def _time(clock: Any) -> datetime | None:
    stamp = _decode(clock)
    return datetime.fromtimestamp(stamp.wall_ms / 1000, UTC) if stamp else None


def server_items(feed: Sequence[Mapping[str, Any]], my_device_id: str) -> list[ConflictItem]:
    """The server's conflicts this phone took part in, "mine" being the value it wrote."""
    items = []
    for c in feed:
        i_won = c.get("winning_device_id") == my_device_id
        side, other = ("winning", "losing") if i_won else ("losing", "winning")
        items.append(ConflictItem(
            record_type=str(c.get("record_type", "")),
            record_id=str(c.get("record_id", "")),
            title=str(c.get("title") or ""),
            field=str(c.get("field", "")),
            mine=c.get(f"{side}_value"),
            theirs=c.get(f"{other}_value"),
            their_who=c.get(f"{other}_who") or c.get(f"{other}_device_id"),
            their_time=_time(c.get(f"{other}_clock")),
            state="resolved" if c.get("status") == "resolved" else "waiting",
            outcome=c.get("resolved_value"),
            resolved_by=c.get("resolved_by"),
            resolved_at=timestamp_or_none(c.get("resolved_at")),
        ))
    return items


@dataclass(frozen=True)
class Reconciled:
    items: list[ConflictItem]  # what the sync screen lists (open first)
    to_flag: dict[str, list[str]]  # record id -> fields the office has still to settle
    to_clear: list[str]  # record ids whose server conflicts are all settled


def reconcile(
    local_flags: Sequence[Mapping[str, Any]],
    feed: Sequence[Mapping[str, Any]] | None,
    my_device_id: str,
    titles: Mapping[str, str],
) -> Reconciled:
    """One view of the conflicts for home, the sync screen and the producer list.

    `feed` is the server's list (None: never fetched). A record with an open conflict on
    the server is flagged on this phone too (the phone whose edit lost included); a flag
    from a push whose conflicts the office has settled is cleared. A flag the server does
    not know as a conflict (a rejected change) stays, with its own message."""
    items = server_items(list(feed or []), my_device_id)
    open_by_record: dict[str, list[str]] = {}
    on_server: set[str] = set()
    for item in items:
        on_server.add(item.record_id)
        if item.open:
            open_by_record.setdefault(item.record_id, []).append(item.field)
    flagged = {str(f.get("id")): f for f in local_flags}
    to_clear = []
    for record_id, flag in flagged.items():
        detail = flag.get("detail")
        kind = detail.get("kind") if isinstance(detail, Mapping) else None
        if feed is not None and kind == "server_conflict" and record_id not in open_by_record:
            to_clear.append(record_id)
        elif kind is None and record_id not in on_server:
            # a flag holding the merge's own conflicts: both values, who and when
            for row in conflict_rows(flag, my_device_id):
                items.append(ConflictItem(
                    record_type=row.record_type, record_id=row.record_id,
                    title=titles.get(record_id, ""), field=row.field, mine=row.mine,
                    theirs=row.theirs, their_who=row.their_device, their_time=row.their_time,
                    state="waiting",
                ))
        elif record_id not in on_server or (kind == "rejected"):
            message = detail if isinstance(detail, Mapping) else {}
            fields = message.get("paths") or message.get("fields") or [""]
            items.append(ConflictItem(
                record_type=str(flag.get("record_type", "")),
                record_id=record_id,
                title=titles.get(record_id, ""),
                field=str(fields[0]) if fields else "",
                mine=None, theirs=None, their_who=None, their_time=None,
                state="flagged",
                message_th=message.get("message_th"),
                message_en=message.get("message_en"),
            ))
    to_flag = {rid: fields for rid, fields in open_by_record.items() if rid not in flagged}
    items.sort(key=lambda i: (not i.open, -(i.their_time.timestamp() if i.their_time else 0)))
    return Reconciled(items=items, to_flag=to_flag, to_clear=to_clear)
