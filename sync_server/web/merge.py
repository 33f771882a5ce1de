"""Merging duplicate producers in the office.

Everything of the dropped producer moves to the kept one: its products, visits, photos, plan
items and network links get the kept `producer_id` with a server clock (so phones re-file
them), fields the kept producer lacks are filled from the dropped one, the dropped producer
is tombstoned, and `producer_forwards` remembers old -> new so a phone that still holds the
old id (or syncs an edit to it later) converges. One transaction: all or nothing.

The office asks before it merges (a confirmation page) and a merge can be undone
(`undo_merge`): the merge's audit row keeps what it changed, with the clock of each write.
Undo revives the dropped producer with a new server clock (later than its tombstone, so
every phone revives it on its next pull), gives back the records the merge moved (only those
whose `producer_id` still holds the merge's own write: a record re-filed since stays where
it was put), restores fields of the kept producer that were empty values before (copied
fields the kept producer did not have at all stay: removing a field could make its record
invalid on phones), revives links between the two that the merge deleted and removes the
forward, pointing forwards that went to the dropped producer back to it. Every change is a
new server version, so phones that pulled the merge converge on the undo too. Not undone:
edits that phones sent for the dropped producer while it was merged (the push forwarded
them to the kept producer) and records they created under it meanwhile; the undo lists how
many records it left with the kept producer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from recordsync.merge import DELETED_KEY
from sync_server.audit import audit
from sync_server.auth import Principal
from sync_server.db.records import StoredRecord, get_record
from sync_server.db.tables import audit_log, producer_forwards, records
from sync_server.web.office_writes import tombstone, write_fields

__all__ = ["MergeEntry", "MergeError", "MergePreview", "MergeResult", "UndoResult", "merge_preview",
           "merge_producers", "recent_merges", "undo_merge"]

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
    merge_id: int = 0  # the audit row that records the merge (what `undo_merge` takes)


@dataclass(frozen=True)
class MergePreview:
    """What a merge would do, for the confirmation page (nothing is written)."""

    kept: StoredRecord
    dropped: StoredRecord
    moving: dict[str, int]  # record type -> how many of the dropped producer's records move
    filled: tuple[str, ...]  # fields the kept producer lacks and would get


@dataclass(frozen=True)
class UndoResult:
    kept: str
    restored: str
    moved_back: int
    left: int  # records the merge moved that were changed since and stay with `kept`
    kept_fields: tuple[str, ...]  # copied fields left on the kept producer


@dataclass(frozen=True)
class MergeEntry:
    merge_id: int
    kept: str
    dropped: str
    at: datetime
    undone: bool


def _producer(conn: Connection, district_code: str, producer_id: str, *,
              lock: bool = True) -> StoredRecord:
    record = get_record(conn, producer_id, district_code=district_code, for_update=lock)
    if record is None or record.record_type != "producer" or record.deleted:
        raise MergeError("ไม่พบผู้ผลิตที่จะรวมในอำเภอของคุณ (อาจถูกรวมไปแล้ว)",
                         "Producer not found in your district (already merged?)")
    return record


def _is_empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _filled(keep: StoredRecord, drop: StoredRecord) -> dict[str, object]:
    return {key: value for key, value in drop.data.items()
            if key not in _NOT_COPIED and not _is_empty(value)
            and _is_empty(keep.data.get(key))}


def _owned_ids(conn: Connection, district: str, drop_id: str) -> list[str]:
    owned = conn.execute(sa.select(records.c.id).where(
        records.c.district_code == district, records.c.producer_id == drop_id,
        records.c.id != drop_id)).scalars().all()
    incoming = conn.execute(sa.select(records.c.id).where(
        records.c.district_code == district, records.c.record_type == "network_link",
        records.c.data["to_producer_id"].as_string() == drop_id)).scalars().all()
    return list(dict.fromkeys([*owned, *incoming]))


def merge_preview(conn: Connection, principal: Principal, keep_id: str, drop_id: str
                  ) -> MergePreview:
    """What `merge_producers` would do; raises MergeError as it would. Reads only."""
    if keep_id == drop_id:
        raise MergeError("เลือกผู้ผลิตสองรายที่ต่างกัน", "Choose two different producers")
    district = principal.district_code
    keep = _producer(conn, district, keep_id, lock=False)
    drop = _producer(conn, district, drop_id, lock=False)
    moving: dict[str, int] = {}
    for record_id in _owned_ids(conn, district, drop_id):
        record = get_record(conn, record_id)
        if record is not None and not record.deleted:
            moving[record.record_type] = moving.get(record.record_type, 0) + 1
    return MergePreview(keep, drop, moving, tuple(sorted(_filled(keep, drop))))


def merge_producers(conn: Connection, principal: Principal, keep_id: str, drop_id: str, *,
                    now: datetime | None = None) -> MergeResult:
    now = now or datetime.now(UTC)
    if keep_id == drop_id:
        raise MergeError("เลือกผู้ผลิตสองรายที่ต่างกัน", "Choose two different producers")
    district = principal.district_code
    keep = _producer(conn, district, keep_id)
    drop = _producer(conn, district, drop_id)

    # What undo needs: each write's clock, and the kept producer's values before.
    undo: dict[str, Any] = {"moved": {}, "links": {}, "removed_links": {}, "filled": {},
                            "forwards": []}
    filled = _filled(keep, drop)
    if filled:
        _, stamp = write_fields(conn, keep, filled, now=now)
        undo["filled"] = {key: {"stamp": stamp, "had": key in keep.data,
                                "before": keep.data.get(key)} for key in filled}

    moved = 0
    for record_id in _owned_ids(conn, district, drop_id):
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
                    after = get_record(conn, record_id)
                    if after is not None:
                        undo["removed_links"][record_id] = after.clocks.get(DELETED_KEY)
                moved += 1
                continue
            _, stamp = write_fields(conn, record, changes, now=now)
            undo["links"][record_id] = {"keys": sorted(changes), "stamp": stamp}
        else:
            changes = {"producer_id": keep_id}
            _, stamp = write_fields(conn, record, changes, now=now)
            undo["moved"][record_id] = stamp
        moved += 1

    tombstone(conn, drop, now=now)
    # A producer merged away earlier and then revived by a phone's later edit has an old
    # forward: this merge replaces it.
    conn.execute(producer_forwards.delete().where(producer_forwards.c.old_id == drop_id))
    conn.execute(producer_forwards.insert().values(
        old_id=drop_id, new_id=keep_id, district_code=district, merged_by=principal.user_id,
        merged_at=now))
    # Producers merged into the dropped one earlier now forward straight to the kept one.
    undo["forwards"] = sorted(conn.execute(sa.select(producer_forwards.c.old_id).where(
        producer_forwards.c.new_id == drop_id,
        producer_forwards.c.district_code == district)).scalars())
    conn.execute(producer_forwards.update()
                 .where(producer_forwards.c.new_id == drop_id,
                        producer_forwards.c.district_code == district)
                 .values(new_id=keep_id))
    merge_id = audit(conn, principal, "producer.merge", "producer", keep_id,
                     {"dropped": drop_id, "moved": moved, "filled": sorted(filled),
                      "undo": undo}, now=now)
    audit(conn, principal, "producer.merged_away", "producer", drop_id,
          {"kept": keep_id, "merge": merge_id}, now=now)
    return MergeResult(keep_id, drop_id, moved, tuple(sorted(filled)), merge_id)


def _merge_row(conn: Connection, district: str, merge_id: int) -> sa.Row[Any]:
    row = conn.execute(sa.select(audit_log).where(
        audit_log.c.id == merge_id, audit_log.c.action == "producer.merge",
        audit_log.c.district_code == district)).first()
    if row is None:
        raise MergeError("ไม่พบการรวมผู้ผลิตนี้ในอำเภอของคุณ",
                         "This merge was not found in your district")
    return row


def _undone(conn: Connection, district: str, merge_ids: list[int]) -> set[int]:
    rows = conn.execute(sa.select(audit_log.c.detail).where(
        audit_log.c.action == "producer.unmerge", audit_log.c.district_code == district))
    done = {int((row.detail or {}).get("merge", 0)) for row in rows}
    return done & set(merge_ids)


def recent_merges(conn: Connection, district: str, limit: int = 10) -> list[MergeEntry]:
    """The district's latest merges, newest first, with whether each was undone."""
    rows = conn.execute(sa.select(audit_log).where(
        audit_log.c.action == "producer.merge", audit_log.c.district_code == district)
        .order_by(audit_log.c.id.desc()).limit(limit)).all()
    undone = _undone(conn, district, [row.id for row in rows])
    return [MergeEntry(row.id, row.target_id or "", str((row.detail or {}).get("dropped")),
                       row.at, row.id in undone) for row in rows]


def undo_merge(conn: Connection, principal: Principal, merge_id: int, *,
               now: datetime | None = None) -> UndoResult:
    """Undo one merge (see the module docstring); raises MergeError, before writing
    anything, when it cannot be undone any more."""
    now = now or datetime.now(UTC)
    district = principal.district_code
    row = _merge_row(conn, district, merge_id)
    detail = dict(row.detail or {})
    keep_id, drop_id = str(row.target_id), str(detail.get("dropped"))
    undo = detail.get("undo")
    if not isinstance(undo, dict):
        raise MergeError("การรวมนี้ทำก่อนที่ระบบจะเลิกทำได้ จึงเลิกทำไม่ได้",
                         "This merge was made before merges could be undone")
    if _undone(conn, district, [merge_id]):
        raise MergeError("การรวมนี้ถูกเลิกทำไปแล้ว", "This merge was already undone")
    keep = get_record(conn, keep_id, district_code=district, for_update=True)
    drop = get_record(conn, drop_id, district_code=district, for_update=True)
    forward = conn.execute(sa.select(producer_forwards.c.new_id).where(
        producer_forwards.c.old_id == drop_id,
        producer_forwards.c.district_code == district)).scalar()
    if keep is None or keep.deleted or drop is None or not drop.deleted or forward != keep_id:
        raise MergeError(
            "เลิกทำไม่ได้แล้ว: ผู้ผลิตที่เก็บไว้ถูกลบหรือถูกรวมต่อ หรือผู้ผลิตที่รวมออกไปถูกแก้ไขภายหลัง",
            "Cannot be undone any more: the kept producer was deleted or merged again, or "
            "the merged-away producer changed since")

    # The dropped producer comes back: one field rewritten with a clock later than its
    # tombstone (phones get the whole record on their next pull).
    revive_key = "name_th" if "name_th" in drop.data else next(iter(drop.data), "name_th")
    write_fields(conn, drop, {revive_key: drop.data.get(revive_key)}, now=now)

    moved_back = left = 0
    for record_id, stamp in dict(undo.get("moved") or {}).items():
        record = get_record(conn, record_id, for_update=True)
        if (record is not None and record.data.get("producer_id") == keep_id
                and record.clocks.get("producer_id") == stamp):
            write_fields(conn, record, {"producer_id": drop_id}, now=now)
            moved_back += 1
        else:
            left += 1
    for record_id, info in dict(undo.get("links") or {}).items():
        record = get_record(conn, record_id, for_update=True)
        keys = list(info.get("keys") or [])
        if record is not None and all(record.data.get(k) == keep_id and
                                      record.clocks.get(k) == info.get("stamp") for k in keys):
            write_fields(conn, record, dict.fromkeys(keys, drop_id), now=now)
            moved_back += 1
        else:
            left += 1
    for record_id, tomb in dict(undo.get("removed_links") or {}).items():
        record = get_record(conn, record_id, for_update=True)
        if record is not None and record.deleted and record.clocks.get(DELETED_KEY) == tomb:
            key = "from_producer_id"
            write_fields(conn, record, {key: record.data.get(key)}, now=now)
            moved_back += 1
        else:
            left += 1

    restore: dict[str, Any] = {}
    kept_fields: list[str] = []
    for key, info in dict(undo.get("filled") or {}).items():
        if info.get("had") and keep.clocks.get(key) == info.get("stamp"):
            restore[key] = info.get("before")
        else:
            kept_fields.append(key)
    if restore:
        current = get_record(conn, keep_id, for_update=True)
        if current is not None:
            write_fields(conn, current, restore, now=now)

    conn.execute(producer_forwards.delete().where(
        producer_forwards.c.old_id == drop_id, producer_forwards.c.district_code == district))
    old_ids = [str(x) for x in undo.get("forwards") or []]
    if old_ids:
        conn.execute(producer_forwards.update().where(
            producer_forwards.c.old_id.in_(old_ids), producer_forwards.c.new_id == keep_id,
            producer_forwards.c.district_code == district).values(new_id=drop_id))
    audit(conn, principal, "producer.unmerge", "producer", keep_id,
          {"merge": merge_id, "restored": drop_id, "moved_back": moved_back, "left": left,
           "kept_fields": sorted(kept_fields)}, now=now)
    return UndoResult(keep_id, drop_id, moved_back, left, tuple(sorted(kept_fields)))
