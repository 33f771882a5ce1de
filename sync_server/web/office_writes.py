"""How the office changes records: new server clocks through the one upsert path.

An edit made in the office must reach the phones like any other change. So it is written as
a new version of the record (`sync_server.db.records.upsert_record`: new feed seq) whose
changed fields carry a fresh server HLC timestamp. The clock is seeded from the largest
timestamp already in the record, so the office's write is later than every write it has
seen and wins the merge on every phone that pulls it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from recordsync.hlc import HybridLogicalClock, Timestamp
from recordsync.merge import is_deleted
from sync_server.db.records import StoredRecord, upsert_record

__all__ = ["SERVER_NODE", "create_record", "server_timestamp", "tombstone", "write_fields"]

SERVER_NODE = "server"


def server_timestamp(clocks: Mapping[str, str]) -> str:
    """A server timestamp later than every clock in `clocks` (and not behind real time)."""
    seen = [Timestamp.decode(text) for text in clocks.values() if text]
    # now() is strictly after `last` in (wall, counter), so the node id never decides.
    clock = HybridLogicalClock(SERVER_NODE, last=max(seen) if seen else None)
    return clock.now().encode()


def write_fields(
    conn: Connection,
    record: StoredRecord,
    changes: Mapping[str, Any],
    *,
    now: datetime | None = None,
) -> tuple[int, str]:
    """Set `changes` on `record` with one new server timestamp; returns (seq, timestamp)."""
    stamp = server_timestamp(record.clocks)
    data = {**record.data, **changes}
    clocks = {**record.clocks, **dict.fromkeys(changes, stamp)}
    seq = upsert_record(
        conn, district_code=record.district_code, record_type=record.record_type,
        record_id=record.id, data=data, clocks=clocks, deleted=is_deleted(clocks),
        schema_version=record.schema_version, now=now,
    )
    return seq, stamp


def create_record(
    conn: Connection,
    *,
    district_code: str,
    record_type: str,
    record_id: str,
    data: Mapping[str, Any],
    now: datetime | None = None,
) -> int:
    """A record made in the office: every field stamped with one server timestamp."""
    stamp = server_timestamp({})
    return upsert_record(
        conn, district_code=district_code, record_type=record_type, record_id=record_id,
        data=dict(data), clocks=dict.fromkeys(data, stamp), now=now,
    )


def tombstone(conn: Connection, record: StoredRecord, *, now: datetime | None = None) -> int:
    """Delete a record the way sync does: keep it, mark it deleted with a `_deleted` clock."""
    stamp = server_timestamp(record.clocks)
    return upsert_record(
        conn, district_code=record.district_code, record_type=record.record_type,
        record_id=record.id, data=record.data, clocks={**record.clocks, "_deleted": stamp},
        deleted=True, schema_version=record.schema_version, now=now,
    )
