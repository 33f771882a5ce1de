"""Merging a batch of pushed changes into the district database (no HTTP here).

One batch is one transaction: every change in it is merged, logged in `change_log` and its
record given a new feed position together, so a crash anywhere before the commit leaves no
trace and the phone's retry applies the batch whole; a crash after the commit is answered
from `change_log` on the retry ("already_had"). Either way nothing is lost or doubled.

Per change the answer is one of:
- `applied`: at least one field took the change's value;
- `already_had`: the change id was received before (or every field already held it);
- `superseded`: every field already holds a later write (kept as conflicts for review);
- `rejected`: refused, with a reason in Thai and English and the field paths. Rejections are
  not logged: the phone keeps the change and sends it again (re-stamped if its clock was
  ahead), and an edit that arrived before its record's creation applies once that is in.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from recordsync.changes import RECORD_TYPES, SERVER_OWNED_FIELDS, Change
from recordsync.hlc import ClockDriftError, HybridLogicalClock, Timestamp
from recordsync.merge import MergeResult, merge_change
from sync_server.db.tables import change_log, conflicts, feed_counters
from sync_server.sync.batch_store import BatchRecords

__all__ = ["ChangeResult", "PushContext", "Validator", "apply_push_batch"]

# (record_type, record with "id") -> list of {"path", "message_th", "message_en"}
Validator = Callable[[str, dict[str, Any]], list[dict[str, Any]]]

_ID_CHARS = frozenset("0123456789abcdefABCDEF-_")


@dataclass(frozen=True, slots=True)
class PushContext:
    district_code: str
    device_id: str
    user_id: str | None


@dataclass(slots=True)
class ChangeResult:
    change_id: str
    status: str  # applied | already_had | superseded | rejected
    code: str | None = None  # for rejected: stable reason code
    reason_th: str | None = None
    reason_en: str | None = None
    paths: list[str] = field(default_factory=list)
    conflicts: int = 0

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"change_id": self.change_id, "status": self.status}
        if self.status == "rejected":
            out.update(code=self.code, reason_th=self.reason_th, reason_en=self.reason_en,
                       paths=self.paths)
        if self.conflicts:
            out["conflicts"] = self.conflicts
        return out


def _reject(change_id: str, code: str, th: str, en: str, paths: Sequence[str] = ()
            ) -> ChangeResult:
    return ChangeResult(change_id, "rejected", code, th, en, list(paths))


def _parse(raw: Any, ctx: PushContext) -> Change | ChangeResult:
    cid = raw.get("change_id") if isinstance(raw, Mapping) else None
    cid = cid if isinstance(cid, str) else "?"
    try:
        change = Change.from_json(dict(raw))
    except (TypeError, ValueError):
        return _reject(cid, "malformed_change", "รูปแบบการเปลี่ยนแปลงไม่ถูกต้อง",
                       "The change does not have the expected shape.", ["/"])
    bad_types = not (isinstance(change.fields, dict) and isinstance(change.clocks, dict)
                     and isinstance(change.base_clocks, dict))
    if bad_types or not isinstance(change.change_id, str) or not 8 <= len(change.change_id) <= 64:
        return _reject(cid, "malformed_change", "รูปแบบการเปลี่ยนแปลงไม่ถูกต้อง",
                       "The change does not have the expected shape (change_id 8-64 chars,"
                       " fields/clocks/base_clocks objects).", ["/"])
    if change.record_type not in RECORD_TYPES:
        return _reject(cid, "unknown_record_type", "ไม่รู้จักชนิดข้อมูลนี้",
                       f"Unknown record type {change.record_type!r}.", ["/record_type"])
    if (not isinstance(change.record_id, str) or not 1 <= len(change.record_id) <= 64
            or not set(change.record_id) <= _ID_CHARS):
        return _reject(cid, "bad_record_id", "รหัสข้อมูลไม่ถูกต้อง",
                       "record_id must be 1-64 hex characters.", ["/record_id"])
    if change.device_id != ctx.device_id:
        return _reject(cid, "wrong_device", "การเปลี่ยนแปลงนี้มาจากเครื่องอื่น",
                       "device_id does not match the token's device.", ["/device_id"])
    return change


def _check_clocks(change: Change, clock: HybridLogicalClock) -> ChangeResult | None:
    try:
        for name, text in change.clocks.items():
            stamp = Timestamp.decode(text)
            if stamp.node != change.device_id:
                return _reject(change.change_id, "bad_clock", "เวลาของการแก้ไขไม่ถูกต้อง",
                               "Each clock must carry the sending device's id.",
                               [f"/clocks/{name}"])
            clock.observe(stamp, check_drift=True)
        for base in change.base_clocks.values():
            if base is not None:
                Timestamp.decode(base)
    except ClockDriftError as exc:
        return _reject(change.change_id, "clock_ahead",
                       "นาฬิกาของโทรศัพท์เดินเร็วกว่าเซิร์ฟเวอร์ กรุณาตั้งวันเวลาให้ถูกต้อง",
                       f"The phone's clock is ahead of the server: {exc}", ["/clocks"])
    except ValueError as exc:
        return _reject(change.change_id, "bad_clock", "เวลาของการแก้ไขไม่ถูกต้อง", str(exc),
                       ["/clocks"])
    missing = [n for n in change.fields if n not in change.clocks]
    if missing or (change.deleted and "_deleted" not in change.clocks):
        return _reject(change.change_id, "bad_clock", "บางช่องไม่มีเวลาของการแก้ไข",
                       "Every field set (and a delete) needs its clock.",
                       [f"/clocks/{n}" for n in missing] or ["/clocks/_deleted"])
    return None


def apply_push_batch(
    conn: Connection,
    ctx: PushContext,
    raw_changes: Sequence[Any],
    *,
    clock: HybridLogicalClock,
    validate: Validator | None = None,
    now: datetime | None = None,
) -> list[ChangeResult]:
    """Merge `raw_changes` (JSON dicts) inside the caller's transaction; one result each."""
    now = now or datetime.now(UTC)
    parsed = [_parse(raw, ctx) for raw in raw_changes]
    if any(isinstance(p, Change) for p in parsed):
        _lock_district(conn, ctx.district_code)
    ids = [p.change_id for p in parsed if isinstance(p, Change)]
    seen = _already_logged(conn, ids)
    batch = BatchRecords(conn, ctx.district_code)
    batch.load(p.record_id for p in parsed if isinstance(p, Change))
    results: list[ChangeResult] = []
    log_rows: list[dict[str, Any]] = []
    conflict_rows: list[dict[str, Any]] = []
    in_batch: set[str] = set()
    for item in parsed:
        if isinstance(item, ChangeResult):
            results.append(item)
            continue
        change = item
        if change.change_id in seen or change.change_id in in_batch:
            results.append(ChangeResult(change.change_id, "already_had"))
            continue
        result = _merge_one(batch, ctx, change, clock, validate, now, conflict_rows)
        results.append(result)
        if result.status == "rejected":
            # Not logged: a rejection is re-evaluated when the phone sends the change again
            # (an edit that arrived before its record was created applies once it has).
            continue
        in_batch.add(change.change_id)
        log_rows.append({
            "change_id": change.change_id, "district_code": ctx.district_code,
            "device_id": ctx.device_id, "user_id": ctx.user_id,
            "record_type": change.record_type, "record_id": change.record_id,
            "payload": change.to_json(),
            "outcome": result.status,
            "detail": _detail(result), "received_at": now,
        })
    batch.flush(now)
    if log_rows:
        conn.execute(change_log.insert(), log_rows)
    if conflict_rows:
        conn.execute(conflicts.insert(), conflict_rows)
    return results


def _lock_district(conn: Connection, district_code: str) -> None:
    """Take the district's feed counter row lock for the whole batch (PostgreSQL; SQLite's
    BEGIN IMMEDIATE already serialises writers).

    Without it, two phones creating the same record at once would both find no row to lock
    and both insert it. Holding the lock from the first read to the commit makes every
    district batch a critical section, which also keeps feed positions in commit order.
    """
    conn.execute(sa.select(feed_counters.c.last_seq)
                 .where(feed_counters.c.district_code == district_code)
                 .with_for_update())


def _detail(result: ChangeResult) -> dict[str, Any] | None:
    if result.status == "rejected":
        return {"code": result.code, "reason_th": result.reason_th,
                "reason_en": result.reason_en, "paths": result.paths}
    return {"conflicts": result.conflicts} if result.conflicts else None


def _already_logged(conn: Connection, ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        found.update(r[0] for r in conn.execute(
            sa.select(change_log.c.change_id).where(change_log.c.change_id.in_(chunk))))
    return found


def _merge_one(
    batch: BatchRecords,
    ctx: PushContext,
    change: Change,
    clock: HybridLogicalClock,
    validate: Validator | None,
    now: datetime,
    conflict_rows: list[dict[str, Any]],
) -> ChangeResult:
    problem = _check_clocks(change, clock)
    if problem is not None:
        return problem
    stored = batch.get(change.record_id)
    if stored is not None and (stored.district_code != ctx.district_code
                               or stored.record_type != change.record_type):
        return _reject(change.change_id, "record_elsewhere", "รหัสข้อมูลนี้เป็นของข้อมูลอื่น",
                       "This record id belongs to another record type or district.",
                       ["/record_id"])
    current = None if stored is None else stored.state
    merged: MergeResult = merge_change(
        current, change, ignore_fields=SERVER_OWNED_FIELDS.get(change.record_type, ()))
    if merged.outcome == "applied":
        state = merged.new_state
        if validate is not None and not state.deleted:
            errors = validate(change.record_type, {**state.data, "id": change.record_id,
                                                   "schema_version": change.schema_version})
            if errors:
                return _reject(
                    change.change_id, "validation_failed", "ข้อมูลไม่ถูกต้อง: " + "; ".join(
                        str(e.get("message_th", "")) for e in errors),
                    "The record is not valid: " + "; ".join(
                        str(e.get("message_en", "")) for e in errors),
                    [str(e.get("path", "/")) for e in errors])
        batch.put(change.record_id, change.record_type, state, change.schema_version)
    for conflict in merged.conflicts:
        conflict_rows.append({
            "id": uuid.uuid4().hex, "district_code": ctx.district_code,
            "record_type": change.record_type, "record_id": change.record_id,
            "field": conflict.field, "kind": conflict.kind,
            "winning_value": conflict.winning_value, "winning_clock": conflict.winning_clock,
            "winning_device_id": conflict.winning_device_id,
            "losing_value": conflict.losing_value, "losing_clock": conflict.losing_clock,
            "losing_device_id": conflict.losing_device_id,
            "change_id": change.change_id, "status": "open", "created_at": now,
        })
    return ChangeResult(change.change_id, merged.outcome, conflicts=len(merged.conflicts))
