"""The store's state and the small readers every part of it shares.

`StoreCore` owns the storage, the lock, the clock and the in-memory outbox index; the record
API (`DeviceStore`) and the sync side (`SyncSide`) build on it. Layout inside the storage
(TinyDB tables):
- one table per record type; document id = record id; see `records` for the document.
- `_outbox`: document id = change id; {"seq": order of creation, "change": Change JSON}.
- `_meta`: document id = key; {"v": value}. Holds the device id, the clock's last reading,
  the outbox watermark, and whatever the app and the sync client keep (cursor, server, ...).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, Self

from recordsync.changes import RECORD_TYPES
from recordsync.hlc import HybridLogicalClock, Timestamp, wall_clock_ms
from recordsync.merge import is_deleted

from .damage import DamageReport
from .errors import InvalidRecordError, RecordNotFoundError
from .finalize import FinalizeCheck, default_finalize_check
from .ops import Op
from .records import CLOCKS, CONFLICT, Record, check_type, deep_copy, user_fields
from .storages import DurableStorage

__all__ = ["META", "OUTBOX", "Records", "StoreCore", "SyncState"]

SyncState = Literal["draft", "waiting", "sent", "conflict"]
Records = list[Record]

OUTBOX = "_outbox"
META = "_meta"
HLC_KEY = "hlc_last"
# How far the phone's clock runs ahead of the server (ms), learnt by reset_clock.
SKEW_KEY = "clock_skew_ms"
DEVICE_KEY = "device_id"
HANDED_OUT_KEY = "outbox_handed_out_seq"
# Damage reports (DamageReport.to_json() + "sent"), kept until the server has them.
DAMAGE_KEY = "store_damage_reports"


class StoreCore:
    """Storage, lock, clock and outbox index of one phone's store."""

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
        self._phone_now_ms = now_ms
        # Readings are corrected by the skew learnt from the server (reset_clock), so a phone
        # whose date is wrong keeps stamping sane times after one correction.
        self._skew_ms = 0
        self._now_ms = self._corrected_now_ms
        self._finalize_check = finalize_check or default_finalize_check()
        self._wipe_checks: dict[str, Callable[[], str | None]] = {}
        try:
            self._skew_ms = int(self._meta(SKEW_KEY, 0) or 0)
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
        self._keep_damage_report()

    def _keep_damage_report(self) -> None:
        """Record the storage's damage report (if this opening found damage) durably, so the
        sync client can send it and the screens can show it after a restart too."""
        report = self.damage_report
        if report is None:
            return
        kept = list(self._meta(DAMAGE_KEY, []) or [])
        if any(r.get("report_id") == report.report_id for r in kept):
            return  # the same damage seen again (the file could not be rewritten)
        kept.append({**report.to_json(), "sent": False})
        self._storage.commit([["put", META, DAMAGE_KEY, {"v": kept}]])

    @property
    def damage_report(self) -> DamageReport | None:
        """What this opening found damaged in the store's file (None: nothing). Show its
        `message_th` / `message_en` to the officer."""
        return self._storage.damage

    def damage_reports(self, *, unsent_only: bool = False) -> list[dict[str, Any]]:
        """Every damage report this store has kept (oldest first), as JSON with `message_th`,
        `message_en` and `sent` (whether the server has it)."""
        with self._lock:
            kept = deep_copy(self._meta(DAMAGE_KEY, []) or [])
            return [r for r in kept if not (unsent_only and r.get("sent"))]

    def mark_damage_sent(self, report_ids: Iterable[str]) -> None:
        """The server acknowledged these reports (the sync client calls this)."""
        with self._lock:
            ids = set(report_ids)
            kept = deep_copy(self._meta(DAMAGE_KEY, []) or [])
            changed = False
            for report in kept:
                if report.get("report_id") in ids and not report.get("sent"):
                    report["sent"] = True
                    changed = True
            if changed:
                self._storage.commit([["put", META, DAMAGE_KEY, {"v": kept}]])

    def _corrected_now_ms(self) -> int:
        return self._phone_now_ms() - self._skew_ms

    def _restore_clock(self, device_id: str) -> HybridLogicalClock:
        last_text = self._meta(HLC_KEY)
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
        known = self._meta(DEVICE_KEY)
        if known == device_id:
            return
        ops: list[Op] = [["put", META, DEVICE_KEY, {"v": device_id}]]
        for change_id, entry in self._table(OUTBOX).items():
            change = dict(entry["change"], device_id=device_id)
            ops.append(["put", OUTBOX, change_id, {"seq": entry["seq"], "change": change}])
        self._storage.commit(ops)

    def close(self) -> None:
        with self._lock:
            self._storage.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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

    def _stamp(self) -> str:
        return self.clock.now().encode()

    def _clock_op(self) -> Op:
        return ["put", META, HLC_KEY, {"v": self.clock.last.encode()}]

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

    def get_meta(self, key: str, default: Any = None) -> Any:
        with self._lock:
            return deep_copy(self._meta(key, default))

    def set_meta(self, key: str, value: Any) -> None:
        """Keep a setting (sync cursor, server URL, token...) durably; value must be JSON."""
        with self._lock:
            self._storage.commit([["put", META, key, {"v": value}]])
