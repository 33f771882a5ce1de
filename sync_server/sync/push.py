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

Merged producers (`producer_forwards`, see `sync_server/db/forwards.py`): a phone that was
offline during an office merge still sends the dropped producer's id. An edit of the
dropped producer is merged into the surviving one (its field clocks kept, so the normal
merge decides and records conflicts) and answered with `forwarded_to`; it is also folded
into the dropped record, which is then tombstoned again with a server clock later than the
edit, so the edit cannot revive it and the phone's copy ends deleted when it pulls. A
reference to a dropped producer in a child record (`producer_id`, a link's
`from_producer_id` / `to_producer_id`) is rewritten to the survivor with a fresh server
clock, so the phone's own copy takes the survivor's id on its next pull
(`forwarded_refs`: field -> survivor id).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from recordsync.changes import RECORD_TYPES, SERVER_OWNED_FIELDS, Change
from recordsync.hlc import ClockDriftError, HybridLogicalClock, Timestamp
from recordsync.merge import MergeResult, RecordState, is_deleted, merge_change
from schemas import cleared_unknown_fields
from sync_server.db.bulk import JsonText, execute_many
from sync_server.db.engine import json_text
from sync_server.db.forwards import resolve_forwards
from sync_server.db.ids import id_query
from sync_server.db.records import Loaded, RecordWriter, RowMeta, lock_district, row_meta
from sync_server.db.tables import change_log, conflicts

__all__ = ["ChangeResult", "ParsedPush", "PushContext", "Speculation", "Validator",
           "apply_push_batch", "apply_push_group", "parse_changes", "speculate"]

# (record_type, record with "id") -> list of {"path", "message_th", "message_en"}
Validator = Callable[[str, dict[str, Any]], list[dict[str, Any]]]

_ID_CHARS = frozenset("0123456789abcdefABCDEF-_")

# Fields that name a producer, per record type: followed through `producer_forwards`.
PRODUCER_REFERENCES: dict[str, tuple[str, ...]] = {
    "product": ("producer_id",),
    "visit": ("producer_id",),
    "photo": ("producer_id",),
    "plan_item": ("producer_id",),
    "network_link": ("from_producer_id", "to_producer_id"),
}


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
    # The producer was merged away: the change went to this surviving producer.
    forwarded_to: str | None = None
    # field -> surviving producer id, for references to merged-away producers rewritten.
    forwarded_refs: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"change_id": self.change_id, "status": self.status}
        if self.status == "rejected":
            out.update(code=self.code, reason_th=self.reason_th, reason_en=self.reason_en,
                       paths=self.paths)
        if self.conflicts:
            out["conflicts"] = self.conflicts
        if self.forwarded_to is not None:
            out["forwarded_to"] = self.forwarded_to
        if self.forwarded_refs:
            out["forwarded_refs"] = dict(self.forwarded_refs)
        return out


def _reject(change_id: str, code: str, th: str, en: str, paths: Sequence[str] = ()
            ) -> ChangeResult:
    return ChangeResult(change_id, "rejected", code, th, en, list(paths))


_MALFORMED_TH = "รูปแบบการเปลี่ยนแปลงไม่ถูกต้อง"
# Deepest nesting accepted inside `fields` (a record is a few levels deep; JSON nested
# hundreds deep would exhaust the recursion of the validator and the JSON encoder).
MAX_FIELD_DEPTH = 32
_MAX_INT = 2**31 - 1


class _Unstorable(NamedTuple):
    en: str
    th: str
    path: str  # JSON pointer into the change


def _pointer(parts: tuple[str | int, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _text_problem(value: Any, check_text: bool = True,
                  root: tuple[str, ...] = ("fields",)) -> _Unstorable | None:
    """Why `value` (a JSON value, at `root` in the change) cannot be stored, or None: too
    deeply nested, or (with `check_text`) a string or key that is not valid Unicode (a lone
    surrogate from a `\\ud800` escape) or holds a NUL character (a `\\u0000` escape;
    PostgreSQL's text and jsonb cannot hold it, and a district moved from SQLite to
    PostgreSQL must fit). Without `check_text` only containers are visited."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, root)]
    while stack:
        item, parts = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return _Unstorable("a text holds a NUL character (U+0000)",
                                   "ข้อความมีอักขระ NUL (U+0000) ซึ่งเก็บไม่ได้", _pointer(parts))
            if not item.isascii():
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    return _Unstorable("a text holds a lone surrogate (not valid Unicode)",
                                       "ข้อความเสียหาย (ไม่ใช่ Unicode ที่ถูกต้อง)", _pointer(parts))
        elif isinstance(item, dict | list):
            if len(parts) - len(root) >= MAX_FIELD_DEPTH:
                return _Unstorable(f"nested deeper than {MAX_FIELD_DEPTH} levels",
                                   f"ข้อมูลซ้อนกันลึกเกิน {MAX_FIELD_DEPTH} ชั้น", _pointer(parts))
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            if check_text:
                for key, child in pairs:
                    if isinstance(key, str):  # a key is text too: checked as one
                        stack.append((key, (*parts, key)))
                    stack.append((child, (*parts, key)))
            else:
                stack.extend((child, (*parts, key)) for key, child in pairs
                             if isinstance(child, dict | list))
    return None


def _non_finite(value: Any) -> str | None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return "NaN and Infinity are not JSON numbers"
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _malformed(cid: str, en: str, paths: Sequence[str] = ("/",)) -> ChangeResult:
    return _reject(cid, "malformed_change", _MALFORMED_TH,
                   f"The change does not have the expected shape: {en}", paths)


def _parse(raw: Any, ctx: PushContext, check_text: bool = True) -> Change | ChangeResult:
    """A well-formed `Change` of the token's device, or its rejection (no I/O, no lock)."""
    cid = raw.get("change_id") if isinstance(raw, dict) else None
    cid = cid if isinstance(cid, str) and cid.isprintable() and len(cid) <= 64 else "?"
    if not isinstance(raw, dict):
        return _malformed(cid, "a change is a JSON object.")
    try:
        change = Change.from_json(raw)
    except (TypeError, ValueError):
        return _malformed(cid, "unknown or missing keys.")
    if not (isinstance(change.fields, dict) and isinstance(change.clocks, dict)
            and isinstance(change.base_clocks, dict)):
        return _malformed(cid, "fields, clocks and base_clocks must be objects.")
    if not isinstance(change.change_id, str) or not 8 <= len(change.change_id) <= 64 \
            or cid == "?":
        return _malformed(cid, "change_id must be 8-64 printable characters.",
                          ["/change_id"])
    if not isinstance(change.record_type, str) or change.record_type not in RECORD_TYPES:
        return _reject(cid, "unknown_record_type", "ไม่รู้จักชนิดข้อมูลนี้",
                       f"Unknown record type {change.record_type!r}.", ["/record_type"])
    if (not isinstance(change.record_id, str) or not 1 <= len(change.record_id) <= 64
            or not set(change.record_id) <= _ID_CHARS):
        return _reject(cid, "bad_record_id", "รหัสข้อมูลไม่ถูกต้อง",
                       "record_id must be 1-64 hex characters.", ["/record_id"])
    if change.device_id != ctx.device_id:
        return _reject(cid, "wrong_device", "การเปลี่ยนแปลงนี้มาจากเครื่องอื่น",
                       "device_id does not match the token's device.", ["/device_id"])
    if not isinstance(change.deleted, bool):
        return _malformed(cid, "deleted must be true or false.", ["/deleted"])
    version = change.schema_version
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= _MAX_INT:
        return _malformed(cid, "schema_version must be a positive integer.",
                          ["/schema_version"])
    for name, value in change.clocks.items():
        if not isinstance(value, str) or len(value) > 128:
            return _reject(cid, "bad_clock", "เวลาของการแก้ไขไม่ถูกต้อง",
                           "Each clock must be an encoded timestamp (a string).",
                           [f"/clocks/{name}"])
    for name, base in change.base_clocks.items():
        if base is not None and (not isinstance(base, str) or len(base) > 128):
            return _reject(cid, "bad_clock", "เวลาของการแก้ไขไม่ถูกต้อง",
                           "Each base clock must be an encoded timestamp or null.",
                           [f"/base_clocks/{name}"])
    problem = _text_problem(change.fields, check_text)
    if problem is None and change.deleted:
        # NaN / Infinity (Python's json reads them) are refused by the schemas, but a
        # delete is not validated; PostgreSQL's jsonb would refuse the whole group.
        non_finite = _non_finite(change.fields)
        if non_finite is not None:
            problem = _Unstorable(non_finite, "ตัวเลข NaN หรือ Infinity เก็บไม่ได้", "/fields")
    if problem is None and check_text:
        problem = (_text_problem(change.clocks, root=("clocks",))
                   or _text_problem(change.base_clocks, root=("base_clocks",)))
    if problem is not None:
        return _reject(cid, "unstorable_value", f"ข้อมูลนี้เก็บไม่ได้: {problem.th}",
                       f"A field cannot be stored: {problem.en}.", [problem.path])
    cleared = cleared_unknown_fields(change.record_type, change.fields, version)
    if cleared:
        return _invalid(cid, [{"path": i.pointer, "message_th": i.message_th,
                               "message_en": i.message_en} for i in cleared])
    return change


def _invalid(cid: str, errors: Sequence[Mapping[str, Any]]) -> ChangeResult:
    """`validation_failed`: the record the change would make is not valid (`Validator`)."""
    return _reject(cid, "validation_failed", "ข้อมูลไม่ถูกต้อง: " + "; ".join(
                       str(e.get("message_th", "")) for e in errors),
                   "The record is not valid: " + "; ".join(
                       str(e.get("message_en", "")) for e in errors),
                   [str(e.get("path", "/")) for e in errors])


ParsedPush = list["Change | ChangeResult"]


def parse_changes(ctx: PushContext, raw_changes: Sequence[Any], *,
                  check_text: bool = True) -> ParsedPush:
    """Shape checks of a push, done before the push waits for the district's writer.

    `check_text=False` when the JSON text had no surrogate or NUL escape (see
    `sync_server.sync.routes.push_body`): no string can then hold a lone surrogate or a
    NUL (JSON text cannot carry either unescaped)."""
    return [_parse(raw, ctx, check_text) for raw in raw_changes]


@dataclass(frozen=True, slots=True)
class Speculation:
    """What can be done for a change before the district's writer takes the write lock, so
    the transaction (one at a time per district, across server processes) holds it
    shorter: its `change_log` payload encoded, and for a change that may create a record,
    the change merged into nothing (as if the record were new), validated, and the row's
    derived columns and JSON computed.

    `merged` and what follows are used only if the record is in fact new when the
    transaction reads it and the change was not rewritten (forwarded references): then the
    merge gives exactly `merged` (a pure function of the change) and so the same
    validation, columns and JSON."""

    change: Change
    payload: JsonText  # the change as `change_log` stores it
    clock_problem: ChangeResult | None  # `_check_clocks` of the change (the clock observed)
    merged: MergeResult | None = None  # None: the change cannot create a record
    errors: list[dict[str, Any]] = field(default_factory=list)
    meta: RowMeta | None = None
    encoded: tuple[JsonText, JsonText] | None = None  # merged data and clocks as JSON


Speculations = Mapping[str, Speculation]  # change_id -> its speculation


def speculate(pushes: Sequence[tuple[PushContext, ParsedPush]],
              validate: Validator | None,
              clock: HybridLogicalClock) -> dict[str, Speculation]:
    """Speculations for the changes of `pushes` (no I/O, no lock; `clock` observes their
    stamps, as the transaction would). A change whose clocks are refused is answered by the
    transaction with `clock_problem`."""
    out: dict[str, Speculation] = {}
    for _ctx, parsed in pushes:
        for item in parsed:
            if not isinstance(item, Change):
                continue
            payload = JsonText(json_text(_payload(item)))
            problem = _check_clocks(item, clock)
            merged: MergeResult | None = None
            if problem is None and not item.deleted:
                try:
                    merged = merge_change(None, item, ignore_fields=SERVER_OWNED_FIELDS.get(
                        item.record_type, ()))
                except ValueError:
                    merged = None
            if merged is None or merged.outcome != "applied" or merged.new_state.deleted:
                out[item.change_id] = Speculation(item, payload, problem)
                continue
            state = merged.new_state
            errors = [] if validate is None else validate(
                item.record_type, {**state.data, "id": item.record_id,
                                   "schema_version": item.schema_version})
            if errors:
                out[item.change_id] = Speculation(item, payload, None, merged, errors)
                continue
            out[item.change_id] = Speculation(
                item, payload, None, merged, errors,
                row_meta(item.record_type, item.record_id, state.data),
                (JsonText(json_text(state.data)), JsonText(json_text(state.clocks))))
    return out


def _check_clocks(change: Change, clock: HybridLogicalClock) -> ChangeResult | None:
    try:
        # A change's fields usually share one stamp: each distinct text decoded once, in
        # the order of the fields (so the first bad one is the one answered).
        stamps = dict.fromkeys(change.clocks.values())
        for text in stamps:
            stamp = Timestamp.decode(text)
            if stamp.node != change.device_id:
                return _reject(change.change_id, "bad_clock", "เวลาของการแก้ไขไม่ถูกต้อง",
                               "Each clock must carry the sending device's id.",
                               [f"/clocks/{n}" for n, t in change.clocks.items() if t == text][:1])
            clock.observe(stamp, check_drift=True)
        for base in dict.fromkeys(change.base_clocks.values()):
            if base is not None and base not in stamps:
                Timestamp.decode(base)
    except ClockDriftError as exc:
        return _reject(change.change_id, "clock_ahead",
                       "นาฬิกาของโทรศัพท์เดินเร็วกว่าเซิร์ฟเวอร์ กรุณาตั้งวันเวลาให้ถูกต้อง",
                       f"The phone's clock is ahead of the server: {exc}", ["/clocks"])
    except ValueError as exc:
        return _reject(change.change_id, "bad_clock", "เวลาของการแก้ไขไม่ถูกต้อง", str(exc),
                       ["/clocks"])
    if not change.clocks.keys() >= change.fields.keys() or (
            change.deleted and "_deleted" not in change.clocks):
        missing = [n for n in change.fields if n not in change.clocks]
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
    return apply_push_group(conn, [(ctx, parse_changes(ctx, raw_changes))], clock=clock,
                            validate=validate, now=now)[0]


def apply_push_group(
    conn: Connection,
    pushes: Sequence[tuple[PushContext, ParsedPush]],
    *,
    clock: HybridLogicalClock,
    validate: Validator | None = None,
    now: datetime | None = None,
    speculations: Speculations | None = None,
) -> list[list[ChangeResult]]:
    """Merge several parsed pushes of ONE district inside the caller's transaction, in
    order, as if one after another; one result list per push.

    They share one read of the records, one block of feed positions and one executemany
    per table, and commit together (the group commit of `sync_server/sync/writer.py`).
    `speculations` (from `speculate`, made before the transaction) save the merge,
    validation and derived columns of changes that create records.
    """
    now = now or datetime.now(UTC)
    if not pushes:
        return []
    district_code = pushes[0][0].district_code
    if any(ctx.district_code != district_code for ctx, _p in pushes):
        raise ValueError("a push group holds one district's pushes")
    changes = [p for _ctx, parsed in pushes for p in parsed if isinstance(p, Change)]
    if changes:
        lock_district(conn, district_code)
    seen = _already_logged(conn, [c.change_id for c in changes])
    forwards = _forwards_for(conn, district_code, changes)
    batch = RecordWriter(conn, district_code)
    batch.load([*(c.record_id for c in changes), *forwards.values()])
    answers: list[list[ChangeResult]] = []
    log_rows: list[dict[str, Any]] = []
    conflict_rows: list[dict[str, Any]] = []
    in_batch: set[str] = set()
    for ctx, parsed in pushes:
        results: list[ChangeResult] = []
        answers.append(results)
        for item in parsed:
            if isinstance(item, ChangeResult):
                results.append(item)
                continue
            change = item
            if change.change_id in seen or change.change_id in in_batch:
                results.append(ChangeResult(change.change_id, "already_had"))
                continue
            result = _merge_one(batch, ctx, change, clock, validate, now, conflict_rows,
                                forwards, speculations)
            results.append(result)
            if result.status == "rejected":
                # Not logged: a rejection is re-evaluated when the phone sends the change
                # again (an edit that arrived before its record was created applies then).
                continue
            in_batch.add(change.change_id)
            log_rows.append({
                "change_id": change.change_id, "district_code": district_code,
                "device_id": ctx.device_id, "user_id": ctx.user_id,
                "record_type": change.record_type,
                # A forwarded edit is logged under the producer it changed (its history).
                "record_id": result.forwarded_to or change.record_id,
                "payload": _logged_payload(change, speculations),
                "outcome": result.status,
                "detail": _detail(result), "received_at": now,
            })
    batch.flush(now)
    execute_many(conn, _INSERT_CHANGE, log_rows)
    execute_many(conn, _INSERT_CONFLICT, conflict_rows)
    return answers


_INSERT_CHANGE = change_log.insert()
_INSERT_CONFLICT = conflicts.insert()


def _logged_payload(change: Change, speculations: Speculations | None
                    ) -> dict[str, Any] | JsonText:
    speculation = speculations.get(change.change_id) if speculations else None
    if speculation is not None and speculation.change is change:
        return speculation.payload
    return _payload(change)


def _payload(change: Change) -> dict[str, Any]:
    # The change as the phone sent it; its dicts are shared, not copied (encoded once on
    # insert). `Change.to_json` (dataclasses.asdict) would deep-copy every field.
    return {"change_id": change.change_id, "record_type": change.record_type,
            "record_id": change.record_id, "device_id": change.device_id,
            "fields": change.fields, "clocks": change.clocks,
            "base_clocks": change.base_clocks, "deleted": change.deleted,
            "schema_version": change.schema_version}


def _detail(result: ChangeResult) -> dict[str, Any] | None:
    # The answer minus what the log row holds already: the rejection, conflicts, forwards.
    if not (result.conflicts or result.forwarded_to or result.forwarded_refs):
        return None
    detail = {k: v for k, v in result.to_json().items() if k not in ("change_id", "status")}
    return detail or None


def _forwards_for(conn: Connection, district_code: str, changes: Sequence[Change]
                  ) -> dict[str, str]:
    """old -> surviving producer id, for every producer id the batch names."""
    named: set[str] = set()
    for change in changes:
        if change.record_type == "producer":
            named.add(change.record_id)
        for name in PRODUCER_REFERENCES.get(change.record_type, ()):
            value = change.fields.get(name) if isinstance(change.fields, dict) else None
            if isinstance(value, str) and value:
                named.add(value)
    return resolve_forwards(conn, district_code, named) if named else {}


def _server_stamp(clock: HybridLogicalClock, seen: Mapping[str, str]) -> str:
    """A server clock later than every clock in `seen` (the phone's were observed already)."""
    for text in seen.values():
        clock.observe(Timestamp.decode(text))
    return clock.now().encode()


def _rewrite_references(change: Change, stored: Loaded | None, forwards: Mapping[str, str],
                        clock: HybridLogicalClock) -> tuple[Change, dict[str, str]]:
    """The change with references to merged-away producers pointing at the survivors.

    The rewritten field gets a server clock later than the phone's, so the phone's own
    copy (which still names the old id) takes the survivor's id when it pulls. Where the
    server already holds the survivor's id, the phone's base becomes the server's clock:
    the office's re-pointing and the phone's old id are the same intent, not a conflict.
    """
    rewritten: dict[str, str] = {}
    for name in PRODUCER_REFERENCES.get(change.record_type, ()):
        value = change.fields.get(name)
        if isinstance(value, str) and value in forwards:
            rewritten[name] = forwards[value]
    if not rewritten:
        return change, {}
    current_clocks = {} if stored is None else stored.state.clocks
    current_data = {} if stored is None else stored.state.data
    stamp = _server_stamp(clock, {**current_clocks, **change.clocks})
    base = dict(change.base_clocks)
    for name, target in rewritten.items():
        if current_data.get(name) == target:
            base[name] = current_clocks.get(name)
    clocks = {**change.clocks, **dict.fromkeys(rewritten, stamp)}
    deleted = change.deleted
    ends = {**current_data, **change.fields, **rewritten}
    if (change.record_type == "network_link"
            and ends.get("from_producer_id") == ends.get("to_producer_id")):
        # A link between two producers that turned out to be one would link it to itself:
        # deleted, as the office merge does (a tombstone later than every field).
        clocks["_deleted"] = clock.now().encode()
        deleted = True
    return Change(
        change_id=change.change_id, record_type=change.record_type,
        record_id=change.record_id, device_id=change.device_id,
        fields={**change.fields, **rewritten}, clocks=clocks,
        base_clocks=base, deleted=deleted, schema_version=change.schema_version,
    ), rewritten


def _already_logged(conn: Connection, ids: Sequence[str]) -> set[str]:
    return {r[0] for r in _LOGGED.rows(conn, ids)}


_LOGGED = id_query(lambda match: sa.select(change_log.c.change_id).where(match),
                   change_log.c.change_id)


def _merge_one(
    batch: RecordWriter,
    ctx: PushContext,
    change: Change,
    clock: HybridLogicalClock,
    validate: Validator | None,
    now: datetime,
    conflict_rows: list[dict[str, Any]],
    forwards: Mapping[str, str],
    speculations: Speculations | None = None,
) -> ChangeResult:
    speculation = speculations.get(change.change_id) if speculations else None
    if speculation is not None and speculation.change is change:
        problem = speculation.clock_problem
    else:
        speculation = None  # another change with this id (a resend in the same group)
        problem = _check_clocks(change, clock)
    if problem is not None:
        return problem
    target = forwards.get(change.record_id) if change.record_type == "producer" else None
    if target is not None:
        return _merge_forwarded(batch, ctx, change, target, clock, validate, now,
                                conflict_rows)
    change, rewritten = _rewrite_references(change, batch.get(change.record_id), forwards,
                                            clock)
    if speculation is not None and (speculation.change is not change
                                    or speculation.merged is None):
        speculation = None  # rewritten, or not a creation: merged below
    result = _merge_into(batch, ctx, change, validate, now, conflict_rows, speculation)
    if rewritten and result.status != "rejected":
        result.forwarded_refs = rewritten
    return result


def _merge_forwarded(
    batch: RecordWriter,
    ctx: PushContext,
    change: Change,
    target: str,
    clock: HybridLogicalClock,
    validate: Validator | None,
    now: datetime,
    conflict_rows: list[dict[str, Any]],
) -> ChangeResult:
    """An edit of a merged-away producer: into the survivor; the dropped one stays deleted.

    A delete of the dropped producer deletes nothing more (it is gone already); only its
    fields travel to the survivor, with their own clocks.
    """
    dropped = batch.get(change.record_id)
    survivor = batch.get(target)
    onward = Change(
        change_id=change.change_id, record_type="producer", record_id=target,
        device_id=change.device_id, fields=dict(change.fields),
        clocks={k: v for k, v in change.clocks.items() if k != "_deleted"},
        base_clocks=_base_on_survivor(change.base_clocks, dropped, survivor), deleted=False,
        schema_version=change.schema_version)
    if onward.fields:
        result = _merge_into(batch, ctx, onward, validate, now, conflict_rows)
    else:
        result = ChangeResult(change.change_id, "already_had")
    if result.status == "rejected":
        return result
    result.forwarded_to = target
    if dropped is not None and dropped.record_type == "producer":
        # Fold the edit into the dropped record too (the phone's copy holds it), then keep
        # the tombstone later than it: the phone's copy ends deleted and equal to ours.
        state = merge_change(dropped.state, change).new_state
        if not state.deleted:
            clocks = {**state.clocks, "_deleted": _server_stamp(clock, state.clocks)}
            state = RecordState(state.data, clocks, is_deleted(clocks))
        if state != dropped.state:
            batch.put(change.record_id, "producer", state, dropped.schema_version)
    return result


def _base_on_survivor(base: Mapping[str, str | None], dropped: Loaded | None,
                      survivor: Loaded | None) -> dict[str, str | None]:
    """The editor's base clocks (seen on the dropped producer) as seen on the survivor.

    Where the officer saw the dropped producer's current value and the survivor holds the
    same value (filled in by the merge, or the same on both duplicates), nothing concurrent
    was missed: the base becomes the survivor's clock. Everything else stays as seen, so a
    survivor value the officer never saw is still flagged by the normal merge.
    """
    out = dict(base)
    if dropped is None or survivor is None:
        return out
    for name, seen in base.items():
        if (name != "_deleted" and name in survivor.state.clocks
                and dropped.state.clocks.get(name) == seen
                and name in dropped.state.data
                and survivor.state.data.get(name) == dropped.state.data[name]):
            out[name] = survivor.state.clocks[name]
    return out


def _merge_into(
    batch: RecordWriter,
    ctx: PushContext,
    change: Change,
    validate: Validator | None,
    now: datetime,
    conflict_rows: list[dict[str, Any]],
    speculation: Speculation | None = None,
) -> ChangeResult:
    stored = batch.get(change.record_id)
    if stored is not None and (stored.district_code != ctx.district_code
                               or stored.record_type != change.record_type):
        return _reject(change.change_id, "record_elsewhere", "รหัสข้อมูลนี้เป็นของข้อมูลอื่น",
                       "This record id belongs to another record type or district.",
                       ["/record_id"])
    if stored is not None:
        speculation = None  # the record exists: merged into what is stored, below
    current = None if stored is None else stored.state
    merged: MergeResult = merge_change(
        current, change, ignore_fields=SERVER_OWNED_FIELDS.get(change.record_type, ())
    ) if speculation is None or speculation.merged is None else speculation.merged
    meta: RowMeta | None = None
    encoded: tuple[JsonText, JsonText] | None = None
    if merged.outcome == "applied":
        state = merged.new_state
        if speculation is not None:
            encoded = speculation.encoded
        if validate is not None and not state.deleted:
            if speculation is not None:
                errors, meta = speculation.errors, speculation.meta
            else:
                errors = validate(change.record_type, {**state.data, "id": change.record_id,
                                                       "schema_version": change.schema_version})
            if errors:
                return _invalid(change.change_id, errors)
        batch.put(change.record_id, change.record_type, state, change.schema_version, meta,
                  encoded)
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
