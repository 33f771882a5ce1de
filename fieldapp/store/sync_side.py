"""The sync side of the device store: outbox, acknowledgements, conflicts, pulled state,
clock resets and the safe-to-wipe check (used by fieldapp/sync)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from recordsync.changes import RECORD_TYPES, Change
from recordsync.hlc import HybridLogicalClock, Timestamp

from .core import (
    HANDED_OUT_KEY,
    HLC_KEY,
    META,
    OUTBOX,
    SKEW_KEY,
    Records,
    StoreCore,
    SyncState,
)
from .errors import InvalidRecordError, RecordNotFoundError
from .ops import Op
from .outbox import restamp
from .records import CLOCKS, CONFLICT, Record, check_fields, check_type, deep_copy, merged_doc

__all__ = ["Changes", "SyncSide"]

Changes = list[Change]


class SyncSide(StoreCore):
    """What the sync client calls; every method takes the store's lock."""

    def sync_state(self, record_type: str, record_id: str) -> SyncState:
        """conflict: the sync found a clash to resolve; draft: a draft visit, kept on the phone
        until finalized; waiting: local edits not yet confirmed by the server; sent: the
        server has everything this phone did to it."""
        with self._lock:
            doc = self._doc(record_type, record_id)
            if doc is None:
                raise RecordNotFoundError("ไม่พบข้อมูลนี้", f"no {record_type} with id {record_id!r}")
            return self._state(record_type, record_id, doc)

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
                if top > self._meta(HANDED_OUT_KEY, 0):
                    self._storage.commit([["put", META, HANDED_OUT_KEY, {"v": top}]])
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
                    _check_clock(clock, record_id)  # refuse garbage before anything is stored
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
            if server_now_ms is not None:
                # Learn how wrong the phone's clock is, so later edits are stamped with the
                # corrected time too (not only the re-stamped outbox).
                self._skew_ms = self._phone_now_ms() - server_now_ms
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
            ops.append(["put", META, HLC_KEY, {"v": clock.last.encode()}])
            ops.append(["put", META, SKEW_KEY, {"v": self._skew_ms}])
            self._storage.commit(ops)
            self.clock = clock
            self._pending = pending
            return len(entries)

    def add_wipe_check(self, name: str, check: Callable[[], str | None]) -> None:
        """Register another reason the phone may not be wiped yet: `check` returns None when
        all is safe, else a message (the photo uploader: "12 photos not uploaded")."""
        with self._lock:
            self._wipe_checks[name] = check

    def wipe_blockers(self) -> list[str]:
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


def _check_clock(clock: object, record_id: str) -> None:
    try:
        Timestamp.decode(clock)  # type: ignore[arg-type]
    except (TypeError, ValueError) as error:
        raise InvalidRecordError(
            "ข้อมูลจากเซิร์ฟเวอร์มีเวลาแก้ไขที่อ่านไม่ได้ ไม่ได้บันทึกข้อมูลชุดนี้",
            f"pulled record {record_id}: {error}; nothing of this page was stored",
        ) from error
