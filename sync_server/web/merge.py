"""Merging duplicate producers in the office.

Everything of the dropped producer moves to the kept one: its products, visits, photos, plan
items and network links get the kept `producer_id` with a server clock (so phones re-file
them), fields the kept producer lacks are filled from the dropped one, the dropped producer
is tombstoned, and `producer_forwards` remembers old -> new so a phone that still holds the
old id (or syncs an edit to it later) converges. One transaction: all or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync_server.audit import audit
from sync_server.auth import Principal
from sync_server.db.records import StoredRecord, get_record
from sync_server.db.tables import producer_forwards, records
from sync_server.web.office_writes import tombstone, write_fields

__all__ = ["MergeError", "MergeResult", "merge_producers"]

# Fields that are the producer's identity in the sync model, never copied across.
_NOT_COPIED = frozenset({"id", "schema_version"})


class MergeError(ValueError):
    def __init__(self, message_th: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_th = message_th
        self.message_en = message_en


@dataclass(frozen=True)
class MergeResult:
    kept: str
    dropped: str
    moved: int  # records re-pointed
    filled: tuple[str, ...]  # producer fields copied into the kept producer


def _producer(conn: Connection, district_code: str, producer_id: str) -> StoredRecord:
    record = get_record(conn, producer_id, district_code=district_code, for_update=True)
    if record is None or record.record_type != "producer" or record.deleted:
        raise MergeError("ไม่พบผู้ผลิตที่จะรวมในอำเภอของคุณ (อาจถูกรวมไปแล้ว)",
                         "Producer not found in your district (already merged?)")
    return record


def _is_empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


def merge_producers(conn: Connection, principal: Principal, keep_id: str, drop_id: str, *,
                    now: datetime | None = None) -> MergeResult:
    now = now or datetime.now(UTC)
    if keep_id == drop_id:
        raise MergeError("เลือกผู้ผลิตสองรายที่ต่างกัน", "Choose two different producers")
    district = principal.district_code
    keep = _producer(conn, district, keep_id)
    drop = _producer(conn, district, drop_id)

    filled = {key: value for key, value in drop.data.items()
              if key not in _NOT_COPIED and not _is_empty(value)
              and _is_empty(keep.data.get(key))}
    if filled:
        write_fields(conn, keep, filled, now=now)

    moved = 0
    owned = conn.execute(sa.select(records.c.id).where(
        records.c.district_code == district, records.c.producer_id == drop_id,
        records.c.id != drop_id)).scalars().all()
    incoming = conn.execute(sa.select(records.c.id).where(
        records.c.district_code == district, records.c.record_type == "network_link",
        records.c.data["to_producer_id"].as_string() == drop_id)).scalars().all()
    for record_id in dict.fromkeys([*owned, *incoming]):
        record = get_record(conn, record_id, for_update=True)
        if record is None:
            continue
        if record.record_type == "network_link":
            changes = {key: keep_id for key in ("from_producer_id", "to_producer_id")
                       if record.data.get(key) == drop_id}
            ends = {**record.data, **changes}
            if ends.get("from_producer_id") == ends.get("to_producer_id"):
                # A link between the two duplicates would link the producer to itself.
                if not record.deleted:
                    tombstone(conn, record, now=now)
                moved += 1
                continue
        else:
            changes = {"producer_id": keep_id}
        write_fields(conn, record, changes, now=now)
        moved += 1

    tombstone(conn, drop, now=now)
    # A producer merged away earlier and then revived by a phone's later edit has an old
    # forward: this merge replaces it.
    conn.execute(producer_forwards.delete().where(producer_forwards.c.old_id == drop_id))
    conn.execute(producer_forwards.insert().values(
        old_id=drop_id, new_id=keep_id, district_code=district, merged_by=principal.user_id,
        merged_at=now))
    # Producers merged into the dropped one earlier now forward straight to the kept one.
    conn.execute(producer_forwards.update()
                 .where(producer_forwards.c.new_id == drop_id,
                        producer_forwards.c.district_code == district)
                 .values(new_id=keep_id))
    audit(conn, principal, "producer.merge", "producer", keep_id,
          {"dropped": drop_id, "moved": moved, "filled": sorted(filled)}, now=now)
    audit(conn, principal, "producer.merged_away", "producer", drop_id,
          {"kept": keep_id}, now=now)
    return MergeResult(keep_id, drop_id, moved, tuple(sorted(filled)))
