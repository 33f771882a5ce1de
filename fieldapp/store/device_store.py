"""The device store: the one place the screens and the background sync read and write records.

Every save is one durable step (one `commit` of the storage, one journal entry): the record
with its per-field clocks, its change in the outbox, and the clock's last reading land
together or not at all. A lock serialises every call, so the UI thread and a sync thread can
use one store at once.

The storage layout is described in `core`; the sync side's calls are in `sync_side`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from recordsync.changes import Change
from recordsync.hlc import wall_clock_ms
from recordsync.merge import DELETED_KEY, is_deleted
from schemas.cleantext import clean_strings

from .core import HANDED_OUT_KEY, OUTBOX, Records, SyncState
from .errors import DuplicateRecordError, InvalidRecordError
from .files import fsync_dir
from .finalize import FinalizeCheck, Issue, issue_dict
from .ops import Op
from .outbox import coalesce, seen_clocks
from .records import (
    CLOCKS,
    Record,
    check_fields,
    check_new_id,
    check_type,
    deep_copy,
    new_id,
    user_fields,
)
from .search import matches_text
from .storages import DurableStorage, JournalStorage
from .sync_side import SyncSide

__all__ = ["DeviceStore", "SyncState", "open_store"]

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
    AtomicJSONStorage works too). `finalize_check` defaults to schemas.missing_for_finalize.
    """
    folder = Path(path)
    if not folder.is_dir():
        folder.mkdir(parents=True)
        fsync_dir(folder.parent)  # the new folder itself must survive a power cut
    return DeviceStore(
        storage(folder / JOURNAL_FILE),
        device_id,
        now_ms,
        finalize_check=finalize_check,
    )


class DeviceStore(SyncSide):
    """Records, their clocks, the outbox and settings of one phone. Thread-safe."""

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
            if last["seq"] > self._meta(HANDED_OUT_KEY, 0):
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
        a photo's id is its SHA-256). Visits start as drafts. Every string is saved through
        `schemas.cleantext.clean_text` (NFC, newlines as LF), as in `update`."""
        check_type(record_type)
        with self._lock:
            data = clean_strings(dict(fields))
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
            data = clean_strings(dict(changes))
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
                seen_clocks(old_clocks, changed),
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
                seen_clocks(old_clocks, (DELETED_KEY,)), deleted=True,
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

    def find(self, record_type: str, condition: Callable[[Mapping[str, Any]], bool], *,
             include_deleted: bool = False) -> Records:
        """Records for which `condition(record)` is true: a TinyDB query works, e.g.
        find("product", Query().price_thb > 50). The record it sees has no "id"."""
        with self._lock:
            return self._select(record_type, {}, include_deleted,
                                where=lambda _id, doc: bool(condition(user_fields(doc))))

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
