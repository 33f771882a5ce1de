"""The device store: the one place the screens and the background sync read and write records.

Every save is one durable step (one `commit` of the storage, one journal entry): the record
with its per-field clocks, its change in the outbox, and the clock's last reading land
together or not at all. A lock serialises every call, so the UI thread and a sync thread can
use one store at once.

Layout inside the storage (TinyDB tables):
- one table per record type; document id = record id; the document is the record's own
  fields plus `_clocks` (field -> encoded HLC, "_deleted" for a tombstone) and, when the
  sync found a clash, `_conflict`. Field names may not start with "_".
- `_outbox`: document id = change id; {"seq": order of creation, "change": Change JSON}.
- `_meta`: document id = key; {"v": value}. Holds the device id, the clock's last reading,
  the outbox watermark, and whatever the app and the sync client keep (cursor, server, ...).
"""

from __future__ import annotations

import builtins
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from recordsync.changes import RECORD_TYPES, Change
from recordsync.hlc import HybridLogicalClock, Timestamp, wall_clock_ms
from recordsync.merge import DELETED_KEY, is_deleted

from .errors import DuplicateRecordError, InvalidRecordError, RecordNotFoundError
from .finalize import FinalizeCheck, Issue, default_finalize_check, issue_dict
from .ops import Op
from .outbox import coalesce, restamp
from .records import (
    CLOCKS,
    CONFLICT,
    Record,
    check_fields,
    check_new_id,
    check_type,
    deep_copy,
    merged_doc,
    new_id,
    user_fields,
)
from .search import matches_text
from .storages import DurableStorage, JournalStorage

__all__ = ["DeviceStore", "SyncState", "open_store"]

SyncState = Literal["draft", "waiting", "sent", "conflict"]
Records = list[Record]
Changes = list[Change]

OUTBOX = "_outbox"
META = "_meta"
_HLC_KEY = "hlc_last"
_DEVICE_KEY = "device_id"
_HANDED_OUT_KEY = "outbox_handed_out_seq"
JOURNAL_FILE = "records.journal"


def open_store(
    path: Path,
    device_id: str,
    now_ms: Callable[[], int] = wall_clock_ms,
    *,
    storage: Callable[[Path], DurableStorage] = JournalStorage,
    finalize_check: FinalizeCheck | None = None,
) -> DeviceStore:
    """Open (or create) the store in the folder `path`.

    `storage` makes the durable storage from the file path (JournalStorage by default;
    AtomicJSONStorage works too). `finalize_check` defaults to schemas.missing_for_finalize
    when that exists.
    """
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    return DeviceStore(
        storage(folder / JOURNAL_FILE),
        device_id,
        now_ms,
        finalize_check=finalize_check or default_finalize_check(),
    )


class DeviceStore:
    """Records, their clocks, the outbox and settings of one phone. Thread-safe."""

    def __init__(
        self,
        storage: DurableStorage,
        device_id: str,
        now_ms: Callable[[], int] = wall_clock_ms,
        *,
        finalize_check: FinalizeCheck | None = None,
    ) -> None:
        self._storage = storage
        self._lock = threading.RLock()
        self._now_ms = now_ms
        self._finalize_check = finalize_check or default_finalize_check()
        self._wipe_checks: dict[str, Callable[[], str | None]] = {}
        try:
            self.clock = self._restore_clock(device_id)
        except BaseException:
            storage.close()
            raise
        self.device_id = device_id
        # record id -> change ids in the outbox (oldest first); rebuilt from the outbox
        self._pending: dict[str, list[str]] = {}
        self._next_seq = 1
        for change_id, entry in sorted(self._table(OUTBOX).items(), key=lambda i: i[1]["seq"]):
            self._pending.setdefault(entry["change"]["record_id"], []).append(change_id)
            self._next_seq = entry["seq"] + 1
        self._adopt_device_id(device_id)

    # -- opening ----------------------------------------------------------------------------
    def _restore_clock(self, device_id: str) -> HybridLogicalClock:
        last_text = self._meta(_HLC_KEY)
        last = None
        if last_text:
            # The persisted reading keeps the clock monotonic across restarts and across the
            # phone's clock going backwards while the app was closed.
            old = Timestamp.decode(last_text)
            last = Timestamp(old.wall_ms, old.counter, device_id)
        try:
            return HybridLogicalClock(device_id, self._now_ms, last=last)
        except ValueError as error:
            raise InvalidRecordError(
                f"รหัสเครื่อง {device_id!r} ใช้ไม่ได้ (ตัวอักษร ตัวเลข _ . : ไม่เกิน 64 ตัว)",
                str(error),
            ) from error

    def _adopt_device_id(self, device_id: str) -> None:
        """The server may name the device at enrolment, after records were made offline: the
        unsent changes travel under the new id (their clocks keep the old node name)."""
        known = self._meta(_DEVICE_KEY)
        if known == device_id:
            return
        ops: list[Op] = [["put", META, _DEVICE_KEY, {"v": device_id}]]
        for change_id, entry in self._table(OUTBOX).items():
            change = dict(entry["change"], device_id=device_id)
            ops.append(["put", OUTBOX, change_id, {"seq": entry["seq"], "change": change}])
        self._storage.commit(ops)

    def close(self) -> None:
        with self._lock:
            self._storage.close()

    def __enter__(self) -> DeviceStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- small readers ------------------------------------------------------------------------
    def _table(self, name: str) -> Mapping[str, Any]:
        return self._storage.table(name)

    def _meta(self, key: str, default: Any = None) -> Any:
        entry = self._table(META).get(key)
        return default if entry is None else entry["v"]

    def _doc(self, record_type: str, record_id: str) -> Mapping[str, Any] | None:
        check_type(record_type)
        doc: Mapping[str, Any] | None = self._table(record_type).get(record_id)
        return doc

    def _live_doc(self, record_type: str, record_id: str) -> Mapping[str, Any]:
        doc = self._doc(record_type, record_id)
        if doc is None or is_deleted(doc[CLOCKS]):
            raise RecordNotFoundError(
                "ไม่พบข้อมูลนี้ (อาจถูกลบไปแล้ว)",
                f"no {record_type} with id {record_id!r} (it may have been deleted)",
            )
        return doc

    def _find_type(self, record_id: str) -> str:
        for record_type in RECORD_TYPES:
            if record_id in self._table(record_type):
                return record_type
        raise RecordNotFoundError("ไม่พบข้อมูลนี้", f"no record with id {record_id!r}")

    @staticmethod
    def _to_record(record_id: str, doc: Mapping[str, Any]) -> Record:
        # The storage's documents are live: hand out copies (the pickle-free way: the
        # store's values are JSON, so a JSON-shaped copy is a deep copy).
        return {"id": record_id, **deep_copy(user_fields(doc))}

    # -- writing ----------------------------------------------------------------------------
    def _stamp(self) -> str:
        return self.clock.now().encode()

    def _clock_op(self) -> Op:
        return ["put", META, _HLC_KEY, {"v": self.clock.last.encode()}]

    def _save(self, record_type: str, record_id: str, doc: Record, change: Change) -> None:
        """The one durable step of a local edit: record, outbox entry, clock reading."""
        ops: list[Op] = [["put", record_type, record_id, doc]]
        queued_id, entry = self._queue(change)
        ops.append(["put", OUTBOX, queued_id, entry])
        ops.append(self._clock_op())
        self._storage.commit(ops)
        pending = self._pending.setdefault(record_id, [])
        if queued_id not in pending:
            pending.append(queued_id)
            self._next_seq = entry["seq"] + 1

    def _queue(self, change: Change) -> tuple[str, dict[str, Any]]:
        """The outbox entry for `change`: folded into the record's last change when the sync
        client has never been handed that one, else a new entry."""
        pending = self._pending.get(change.record_id)
        if pending:
            last_id = pending[-1]
            last = self._table(OUTBOX)[last_id]
            if last["seq"] > self._meta(_HANDED_OUT_KEY, 0):
                merged = coalesce(Change.from_json(deep_copy(last["change"])), change)
                return last_id, {"seq": last["seq"], "change": merged.to_json()}
        return change.change_id, {"seq": self._next_seq, "change": change.to_json()}

    def _change(
        self,
        record_type: str,
        record_id: str,
        fields: Mapping[str, Any],
        clocks: dict[str, str],
        base_clocks: dict[str, str | None],
        *,
        deleted: bool = False,
        schema_version: int = 1,
    ) -> Change:
        return Change(
            change_id=new_id(),
            record_type=record_type,
            record_id=record_id,
            device_id=self.device_id,
            fields=deep_copy(dict(fields)),
            clocks=clocks,
            base_clocks=base_clocks,
            deleted=deleted,
            schema_version=schema_version,
        )

    def create(self, record_type: str, fields: Mapping[str, Any]) -> Record:
        """Store a new record; returns it with its "id" (made here unless `fields` has one:
        a photo's id is its SHA-256). Visits start as drafts."""
        check_type(record_type)
        with self._lock:
            data = dict(fields)
            record_id = check_new_id(record_type, data.pop("id", None) or new_id())
            check_fields(data)
            if record_id in self._table(record_type):
                raise DuplicateRecordError(
                    "มีข้อมูลนี้อยู่แล้ว", f"a {record_type} with id {record_id} already exists"
                )
            data.setdefault("schema_version", 1)
            if record_type == "visit":
                data.setdefault("status", "draft")
            stamp = self._stamp()
            clocks = dict.fromkeys(data, stamp)
            change = self._change(record_type, record_id, data, dict(clocks),
                                  dict.fromkeys(data), schema_version=data["schema_version"])
            doc = {**deep_copy(data), CLOCKS: clocks}
            self._save(record_type, record_id, doc, change)
            return self._to_record(record_id, self._table(record_type)[record_id])

    def update(self, record_type: str, record_id: str, changes: Mapping[str, Any]) -> Record:
        """Set the given fields. Only fields whose value really changes are stamped and sent:
        a form saved again unchanged must not look like a concurrent edit to the server."""
        with self._lock:
            doc = self._live_doc(record_type, record_id)
            data = dict(changes)
            if data.pop("id", record_id) != record_id:
                raise InvalidRecordError("เปลี่ยนรหัสข้อมูลไม่ได้", "a record's id cannot change")
            check_fields(data)
            changed = {k: v for k, v in data.items() if k not in doc or doc[k] != v}
            if not changed:
                return self._to_record(record_id, doc)
            stamp = self._stamp()
            old_clocks: dict[str, str] = doc[CLOCKS]
            stamps = dict.fromkeys(changed, stamp)
            change = self._change(
                record_type, record_id, changed, dict(stamps),
                {k: old_clocks.get(k) for k in changed},
                schema_version=int(doc.get("schema_version", 1)),
            )
            new_doc = {**doc, **deep_copy(changed), CLOCKS: {**old_clocks, **stamps}}
            self._save(record_type, record_id, new_doc, change)
            return self._to_record(record_id, self._table(record_type)[record_id])

    def delete(self, record_type: str, record_id: str) -> None:
        """Leave a tombstone: a "_deleted" clock later than every field, sent like an edit."""
        with self._lock:
            doc = self._live_doc(record_type, record_id)
            stamp = self._stamp()
            old_clocks: dict[str, str] = doc[CLOCKS]
            change = self._change(
                record_type, record_id, {}, {DELETED_KEY: stamp},
                {DELETED_KEY: old_clocks.get(DELETED_KEY)}, deleted=True,
                schema_version=int(doc.get("schema_version", 1)),
            )
            new_doc = {**doc, CLOCKS: {**old_clocks, DELETED_KEY: stamp}}
            self._save(record_type, record_id, new_doc, change)

    def finalize_visit(self, visit_id: str) -> list[Issue]:
        """Check the visit (and its producer and products) and, when nothing is missing, set
        status "final" and `finalized_at`. Returns the issues; empty means finalized."""
        with self._lock:
            visit = self._to_record(visit_id, self._live_doc("visit", visit_id))
            producer = self.get("producer", str(visit.get("producer_id") or ""))
            products = [
                product
                for product_id in visit.get("product_ids") or []
                if (product := self.get("product", str(product_id))) is not None
            ]
            photos = self._select("photo", {"visit_id": visit_id})
            issues = [issue_dict(i)
                      for i in self._finalize_check(visit, producer, products, photos)]
            if issues:
                return issues
            if visit.get("status") != "final":
                finalized_at = datetime.fromtimestamp(self._now_ms() / 1000, UTC)
                self.update("visit", visit_id, {
                    "status": "final",
                    "finalized_at": finalized_at.isoformat(timespec="seconds").replace(
                        "+00:00", "Z"),
                })
            return []

    # -- reading ----------------------------------------------------------------------------
    def get(self, record_type: str, record_id: str, *, include_deleted: bool = False
            ) -> Record | None:
        """The record with its "id", or None. A tombstoned record is None unless
        `include_deleted`, then it carries "_deleted": True."""
        with self._lock:
            doc = self._doc(record_type, record_id)
            if doc is None:
                return None
            deleted = is_deleted(doc[CLOCKS])
            if deleted and not include_deleted:
                return None
            record = self._to_record(record_id, doc)
            if deleted:
                record["_deleted"] = True
            return record

    def clocks(self, record_type: str, record_id: str) -> dict[str, str]:
        """The per-field clocks of a record ({} when there is none)."""
        with self._lock:
            doc = self._doc(record_type, record_id)
            return {} if doc is None else dict(doc[CLOCKS])

    def list(self, record_type: str, *, include_deleted: bool = False, **filters: Any
             ) -> Records:
        """Records of one type whose fields equal every filter, e.g.
        list("product", producer_id=pid). Oldest first."""
        with self._lock:
            return self._select(record_type, filters, include_deleted)

    def _select(self, record_type: str, filters: Mapping[str, Any], include_deleted: bool = False,
                where: Callable[[str, Mapping[str, Any]], bool] | None = None) -> Records:
        check_type(record_type)
        found = []
        for record_id, doc in self._table(record_type).items():
            if any(doc.get(k) != v for k, v in filters.items()):
                continue
            if not include_deleted and is_deleted(doc[CLOCKS]):
                continue
            if where is not None and not where(record_id, doc):
                continue
            found.append(self._to_record(record_id, doc))
        return found

    def search_producers(
        self,
        text: str = "",
        subdistrict_code: str | None = None,
        category: str | None = None,
        sync_state: str | None = None,
    ) -> Records:
        """Producers whose Thai or English name (or contact person) contains `text` (Latin
        case-insensitive), in a subdistrict, making a product of `category`, in a sync state."""
        with self._lock:
            makers: set[str] | None = None
            if category is not None:
                makers = {
                    doc.get("producer_id")
                    for doc in self._table("product").values()
                    if doc.get("category") == category and not is_deleted(doc[CLOCKS])
                }

            def wanted(record_id: str, doc: Mapping[str, Any]) -> bool:
                if makers is not None and record_id not in makers:
                    return False
                if subdistrict_code is not None:
                    address = doc.get("address")
                    code = address.get("subdistrict_code") if isinstance(address, dict) else None
                    if code != subdistrict_code:
                        return False
                if sync_state is not None and self._state("producer", record_id, doc) != sync_state:
                    return False
                return matches_text(doc, text)

            return self._select("producer", {}, where=wanted)

    def products_of(self, producer_id: str) -> Records:
        return self.list("product", producer_id=producer_id)

    def visits_of(self, producer_id: str) -> Records:
        return self.list("visit", producer_id=producer_id)

    def plan_items_of(self, producer_id: str) -> Records:
        return self.list("plan_item", producer_id=producer_id)

    def photos_of(self, producer_id: str) -> Records:
        return self.list("photo", producer_id=producer_id)

    def links_of(self, producer_id: str) -> Records:
        """Network links from or to the producer."""
        with self._lock:
            return self._select(
                "network_link", {},
                where=lambda _id, doc: producer_id in (doc.get("from_producer_id"),
                                                       doc.get("to_producer_id")),
            )

    # -- sync state -------------------------------------------------------------------------
    def sync_state(self, record_type: str, record_id: str) -> SyncState:
        """conflict: the sync found a clash to resolve; draft: a draft visit, kept on the phone
        until finalized; waiting: local edits not yet confirmed by the server; sent: the
        server has everything this phone did to it."""
        with self._lock:
            doc = self._doc(record_type, record_id)
            if doc is None:
                raise RecordNotFoundError("ไม่พบข้อมูลนี้", f"no {record_type} with id {record_id!r}")
            return self._state(record_type, record_id, doc)

    def _state(self, record_type: str, record_id: str, doc: Mapping[str, Any]) -> SyncState:
        if doc.get(CONFLICT) is not None:
            return "conflict"
        if self._pending.get(record_id):
            return "draft" if self._held_back(record_type, doc) else "waiting"
        return "sent"

    @staticmethod
    def _held_back(record_type: str, doc: Mapping[str, Any]) -> bool:
        # ODK's rule: a draft stays on the phone until finalized. A deleted draft is sent, so
        # the server drops anything it might have had.
        return (record_type == "visit" and doc.get("status", "draft") == "draft"
                and not is_deleted(doc[CLOCKS]))

    def mark_conflict(self, record_id: str, detail: Any) -> None:
        """Flag a record for the officer: `detail` (JSON) says what clashed."""
        with self._lock:
            record_type = self._find_type(record_id)
            doc = {**self._table(record_type)[record_id], CONFLICT: detail}
            self._storage.commit([["put", record_type, record_id, doc]])

    def clear_conflict(self, record_id: str) -> None:
        """The officer resolved the clash (usually after an `update` with the chosen values)."""
        with self._lock:
            record_type = self._find_type(record_id)
            doc = dict(self._table(record_type)[record_id])
            if doc.pop(CONFLICT, None) is not None:
                self._storage.commit([["put", record_type, record_id, doc]])

    def conflicts(self) -> Records:
        """Every flagged record: {"record_type", "id", "detail"}."""
        with self._lock:
            return [
                {"record_type": record_type, "id": record_id,
                 "detail": deep_copy(doc[CONFLICT])}
                for record_type in RECORD_TYPES
                for record_id, doc in self._table(record_type).items()
                if doc.get(CONFLICT) is not None
            ]

    # -- the sync side ----------------------------------------------------------------------
    def pending_changes(self, limit: int = 500) -> Changes:
        """Outbox changes to push, oldest first (draft visits held back until finalized).

        From this call on, the changes returned are never folded into again: they may reach
        the server under their ids even if the push seems to fail."""
        with self._lock:
            entries = sorted(self._table(OUTBOX).values(), key=lambda e: e["seq"])
            picked: Records = []
            for entry in entries:
                if len(picked) >= limit:
                    break
                change = entry["change"]
                doc = self._table(change["record_type"]).get(change["record_id"], {})
                if doc and self._held_back(change["record_type"], doc):
                    continue
                picked.append(entry)
            if picked:
                top = picked[-1]["seq"]
                if top > self._meta(_HANDED_OUT_KEY, 0):
                    self._storage.commit([["put", META, _HANDED_OUT_KEY, {"v": top}]])
            return [Change.from_json(deep_copy(e["change"])) for e in picked]

    def pending_count(self) -> int:
        """How many changes wait in the outbox (draft visits included)."""
        with self._lock:
            return len(self._table(OUTBOX))

    def acknowledge(self, change_ids: Iterable[str]) -> None:
        """The server stored these changes: drop them from the outbox (unknown ids are
        ignored, so acknowledging twice is harmless)."""
        with self._lock:
            outbox = self._table(OUTBOX)
            known = [cid for cid in dict.fromkeys(change_ids) if cid in outbox]
            if not known:
                return
            records = {cid: outbox[cid]["change"]["record_id"] for cid in known}
            self._storage.commit([["del", OUTBOX, cid] for cid in known])
            for change_id, record_id in records.items():
                pending = self._pending.get(record_id, [])
                if change_id in pending:
                    pending.remove(change_id)
                if not pending:
                    self._pending.pop(record_id, None)

    def apply_remote(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Merge pulled server state, all in one durable step.

        Each record is {"record_type", "id", "data", "clocks", "deleted"}. Per field the later
        clock wins (recordsync.merge), so local unsent edits that are newer stay, and they are
        still pushed. Office-owned fields sent without a clock are taken as the server has them.
        The clock observes the newest remote timestamp, so later local edits order after it."""
        with self._lock:
            ops: list[Op] = []
            newest: str | None = None
            staged: dict[tuple[str, str], Mapping[str, Any]] = {}
            for remote in records:
                record_type, record_id = remote.get("record_type"), remote.get("id")
                check_type(str(record_type))
                if not isinstance(record_id, str) or not record_id:
                    raise InvalidRecordError("ข้อมูลจากเซิร์ฟเวอร์ไม่มีรหัส",
                                             f"a pulled {record_type} has no id")
                data = {k: v for k, v in (remote.get("data") or {}).items() if k != "id"}
                check_fields(data)
                clocks = dict(remote.get("clocks") or {})
                for clock in clocks.values():
                    Timestamp.decode(clock)  # refuse garbage before anything is stored
                    newest = clock if newest is None or clock > newest else newest
                key = (str(record_type), record_id)
                local = staged.get(key) or self._table(key[0]).get(record_id)
                doc = merged_doc(key[0], local, data, clocks)
                staged[key] = doc
                ops.append(["put", key[0], record_id, doc])
            if not ops:
                return
            if newest is not None:
                self.clock.observe(Timestamp.decode(newest))
            ops.append(self._clock_op())
            self._storage.commit(ops)

    def reset_clock(self, server_now_ms: int | None = None) -> int:
        """Start the clock again from the phone's (corrected) time, or from the server's time,
        and re-stamp every change still in the outbox; returns how many were re-stamped.

        For when the server refused this phone's clock as too far ahead (the phone's date
        was wrong when the edits were made). Re-stamped changes get new ids: the server
        refused the old ones, and a change id must never carry two contents."""
        with self._lock:
            clock = HybridLogicalClock(self.device_id, self._now_ms)
            if server_now_ms is not None:
                clock.observe(Timestamp(server_now_ms, 0, "server"))
            ops: list[Op] = []
            docs: dict[tuple[str, str], Record] = {}
            pending: dict[str, list[str]] = {}
            entries = sorted(self._table(OUTBOX).items(), key=lambda i: i[1]["seq"])
            for old_id, entry in entries:
                change = Change.from_json(deep_copy(entry["change"]))
                key = (change.record_type, change.record_id)
                doc = docs.setdefault(key, deep_copy(dict(self._table(key[0]).get(key[1], {}))))
                change = restamp(change, clock.now().encode(), doc.get(CLOCKS, {}))
                ops.append(["del", OUTBOX, old_id])
                ops.append(["put", OUTBOX, change.change_id,
                            {"seq": entry["seq"], "change": change.to_json()}])
                pending.setdefault(change.record_id, []).append(change.change_id)
            ops.extend(["put", t, rid, doc] for (t, rid), doc in docs.items() if doc)
            ops.append(["put", META, _HLC_KEY, {"v": clock.last.encode()}])
            self._storage.commit(ops)
            self.clock = clock
            self._pending = pending
            return len(entries)

    # -- settings and wiping ----------------------------------------------------------------
    def get_meta(self, key: str, default: Any = None) -> Any:
        with self._lock:
            return deep_copy(self._meta(key, default))

    def set_meta(self, key: str, value: Any) -> None:
        """Keep a setting (sync cursor, server URL, token...) durably; value must be JSON."""
        with self._lock:
            self._storage.commit([["put", META, key, {"v": value}]])

    def add_wipe_check(self, name: str, check: Callable[[], str | None]) -> None:
        """Register another reason the phone may not be wiped yet: `check` returns None when
        all is safe, else a message (the photo uploader: "12 photos not uploaded")."""
        with self._lock:
            self._wipe_checks[name] = check

    def wipe_blockers(self) -> builtins.list[str]:
        """Why the phone is not safe to wipe (empty: safe), each reason Thai / English."""
        with self._lock:
            reasons = []
            count = len(self._table(OUTBOX))
            if count:
                reasons.append(f"มีการแก้ไข {count} รายการยังไม่ได้ส่ง / "
                               f"{count} changes not yet confirmed by the server")
            for check in self._wipe_checks.values():
                reason = check()
                if reason:
                    reasons.append(reason)
            return reasons

    def is_safe_to_wipe(self) -> bool:
        """True when the server has confirmed everything this phone holds."""
        return not self.wipe_blockers()

