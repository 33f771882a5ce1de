"""Crash-safe TinyDB storages.

Both keep the whole database in memory (a phone holds one district: hundreds of producers,
thousands of records) and differ in how they make a save durable:

- `JournalStorage` appends one small checksummed entry per save and fsyncs it, so a save
  costs the size of the change, whatever the size of the database. Replay on open cuts a
  torn tail silently and reads past damage (see `journal`): what was damaged is reported
  in `damage`, the damaged file is kept aside and what could be read is rewritten. Now and
  then it compacts the journal into a snapshot (temp file, fsync, rename, fsync of the
  directory); a failed compaction removes its temp file.
- `AtomicJSONStorage` rewrites the whole file per save through a temp file and a rename:
  simple and crash-safe, but each save costs O(database). Its file is plain TinyDB JSON.

Both implement TinyDB's two-method `Storage` interface (`read`/`write`), so TinyDB's query
API runs on top, plus a direct path the device store uses: `commit(ops)` for a save and
`table(name)` for reading without copying.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
from abc import abstractmethod
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from . import journal
from .damage import DamageReport, report_from_scan
from .errors import InvalidRecordError, StoreCorruptError, StoreError
from .files import StoreLock, atomic_write, keep_aside, temp_path, write_all
from .ops import Op, Tables, apply_ops, diff_tables, inverse_ops

__all__ = ["AtomicJSONStorage", "DurableStorage", "JournalStorage"]

_EMPTY: Mapping[str, Any] = {}


def _is_file_at(fd: int, path: Path) -> bool:
    """Whether the open descriptor `fd` is the file that `path` names (not one renamed over)."""
    try:
        named = os.stat(path)
    except OSError:
        return True  # nothing else there to write to
    opened = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _snapshot_end(found: journal.Scan) -> int:
    """Where the snapshot's entries end (compaction weighs what came after against it)."""
    end = len(journal.MAGIC)
    for entry in found.entries:
        if "o" in entry.value:
            break
        end = entry.end
    return end


def _not_json(error: Exception) -> InvalidRecordError:
    return InvalidRecordError(
        f"บันทึกไม่ได้: ข้อมูลมีค่าที่เก็บเป็น JSON ไม่ได้ ({error})",
        f"cannot save: a value cannot be stored as JSON ({error})",
    )


class DurableStorage(Storage):
    """The in-memory tables and the TinyDB interface; subclasses make saves durable."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = StoreLock(self.path)
        self._tables: Tables = {}
        self._closed = False
        # Set on opening when part of the file could not be read (see `damage`).
        self.damage: DamageReport | None = None
        try:
            self._load()
        except BaseException:
            self._lock.release()
            raise

    # -- TinyDB's interface -------------------------------------------------------------
    def read(self) -> dict[str, dict[str, Any]] | None:
        # TinyDB mutates what it reads (documents are updated in place before `write`), so
        # it gets its own copy; the pickle round trip is the fastest deep copy in CPython.
        if not self._tables:
            return None
        copy: dict[str, dict[str, Any]] = pickle.loads(pickle.dumps(self._tables, -1))
        return copy

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        ops = diff_tables(self._tables, data)
        if ops:
            self.commit(ops)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._close_files()
            self._lock.release()

    # -- the direct path ----------------------------------------------------------------
    def table(self, name: str) -> Mapping[str, Any]:
        """The live documents of one table. Read only: copy a document before changing it."""
        return self._tables.get(name, _EMPTY)

    def table_names(self) -> list[str]:
        return list(self._tables)

    def commit(self, ops: list[Op]) -> None:
        """Make `ops` durable as one step, then apply them: after a crash at any instant,
        reopening shows all of them or none. Raises InvalidRecordError (nothing stored) for
        values JSON cannot hold."""
        if self._closed:
            raise StoreError("ฐานข้อมูลถูกปิดแล้ว", "the store is closed")
        try:
            payload = journal.encode_payload({"o": ops})
        except (TypeError, ValueError) as error:
            raise _not_json(error) from error
        # Apply what the disk holds (decoded back), so memory always equals what a replay
        # after a restart would build: tuples become lists, keys become strings.
        decoded = journal.decode_payload(payload)["o"]
        self._persist(payload, decoded)

    @abstractmethod
    def _load(self) -> None: ...

    @abstractmethod
    def _persist(self, payload: bytes, ops: list[Op]) -> None:
        """Make the encoded step durable and apply `ops` to `self._tables`."""

    def _close_files(self) -> None:
        return None


class JournalStorage(DurableStorage):
    """Append-only journal with periodic snapshots; a save costs O(change)."""

    def __init__(self, path: str | os.PathLike[str], compact_min_bytes: int = 1 << 20, *,
                 now: Callable[[], datetime] = _utc_now) -> None:
        # Compact once the entries since the snapshot outweigh the snapshot (and at least
        # `compact_min_bytes`): replay stays at most twice the snapshot, and compaction's
        # O(database) cost is spread over as many saves as the database is large.
        self.compact_min_bytes = compact_min_bytes
        self._now = now
        self._fd = -1
        self._size = 0
        self._snapshot_bytes = 0
        self._next_number = 1
        self._broken: BaseException | None = None
        self.torn_bytes_dropped = 0
        self.compactions = 0
        super().__init__(path)

    def _load(self) -> None:
        # A compaction that failed (disk full) or was killed left its temp file: it is
        # never read, and it holds space the next compaction needs.
        temp_path(self.path).unlink(missing_ok=True)
        if not self.path.exists():
            self._write_snapshot()
            return
        data = self.path.read_bytes()
        found = journal.scan(data)
        if not found.entries:
            if found.header_damaged:
                raise StoreCorruptError(
                    f"ไฟล์ {self.path.name} ไม่ใช่ฐานข้อมูลของแอปนี้ หรือเสียหายทั้งไฟล์",
                    f"{self.path} is not a Tambon Field journal (wrong or damaged header, "
                    "no readable entry)",
                )
            raise StoreCorruptError(
                f"ไฟล์ {self.path.name} เสียหาย: ไม่พบข้อมูลที่อ่านได้เลย",
                f"{self.path} is damaged: not one entry in it can be read",
            )
        self._tables = journal.replay(found.entries, found.version)
        if found.damaged:
            self._salvage(found, data)
            return
        if found.version == 1:
            self._write_snapshot()  # numbered entries from now on
            return
        if found.torn_bytes:
            # A save that was never acknowledged: cut it off, or the next appends would sit
            # behind garbage and be read as damage at the next replay.
            os.truncate(self.path, found.good_end)
            self.torn_bytes_dropped = found.torn_bytes
        self._snapshot_bytes = _snapshot_end(found)
        self._next_number = (found.entries[-1].number or 0) + 1
        self._open_append(found.good_end)
        if found.torn_bytes:
            os.fsync(self._fd)

    def _salvage(self, found: journal.Scan, data: bytes) -> None:
        """Damage in the file: keep what was read, keep the damaged file aside, rewrite."""
        kept: Path | None = None
        # no room for the copy: do not rewrite the only one either (see below)
        with contextlib.suppress(OSError):
            kept = keep_aside(self.path, data, self._now())
        self.damage = report_from_scan(found, data, self.path.name,
                                       kept.name if kept else None, self._now())
        if kept is not None:
            try:
                self._write_snapshot()
                return
            except OSError:
                if self._fd >= 0:
                    return  # renamed, only the folder's fsync failed: appending to it already
        # The damaged file stays as it is and saves are appended after it: the scan reads
        # past the damage, so they are found at the next opening (which reports it again).
        self.torn_bytes_dropped = found.torn_bytes
        if found.torn_bytes:
            os.truncate(self.path, found.good_end)
        last = found.entries[-1].number
        self._next_number = (last + 1) if last is not None else 1
        self._snapshot_bytes = _snapshot_end(found)
        self._open_append(found.good_end)

    def _open_append(self, size: int) -> None:
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        self._size = size

    def _persist(self, payload: bytes, ops: list[Op]) -> None:
        if self._broken is not None:
            raise StoreError(
                "บันทึกไม่ได้: ไฟล์ฐานข้อมูลมีปัญหา ปิดแล้วเปิดแอปใหม่",
                f"cannot save: an earlier write failed ({self._broken}); reopen the store",
            )
        entry = journal.encode_entry(journal.numbered(payload, self._next_number))
        try:
            write_all(self._fd, entry)
            os.fsync(self._fd)
        except OSError as error:
            self._undo_partial_append(error)
            raise StoreError(
                "บันทึกไม่ได้ (พื้นที่เครื่องเต็มหรือไฟล์มีปัญหา) ข้อมูลเดิมยังอยู่ครบ",
                f"cannot save ({error}); nothing of this save was stored",
            ) from error
        self._size += len(entry)
        self._next_number += 1
        apply_ops(self._tables, ops)
        if self._size - self._snapshot_bytes > max(self.compact_min_bytes, self._snapshot_bytes):
            # The save itself is durable; if compaction fails, the next save tries again.
            with contextlib.suppress(OSError):
                self.compact()

    def _undo_partial_append(self, error: OSError) -> None:
        try:
            os.ftruncate(self._fd, self._size)
            os.fsync(self._fd)
        except OSError:
            self._broken = error

    def compact(self) -> None:
        """Rewrite the journal as one snapshot of the current state (atomically)."""
        self._write_snapshot()
        self.compactions += 1

    def _write_snapshot(self) -> None:
        snapshot, next_number = journal.encode_snapshot(self._tables)
        # Until the rename, the old file (and our descriptor to it) stays valid.
        try:
            atomic_write(self.path, journal.MAGIC + snapshot)
        except OSError:
            # If the rename happened and only the directory's fsync failed, the snapshot is
            # the file at `path` now: later saves appended to the old, unlinked file would be
            # acknowledged and then never read again. Append to the snapshot instead.
            if self._fd >= 0 and not _is_file_at(self._fd, self.path):
                self._append_after_snapshot(len(snapshot), next_number)
            raise
        self._append_after_snapshot(len(snapshot), next_number)

    def _append_after_snapshot(self, snapshot_bytes: int, next_number: int) -> None:
        self._close_files()
        self._snapshot_bytes = len(journal.MAGIC) + snapshot_bytes
        self._next_number = next_number
        self._open_append(self._snapshot_bytes)

    def _close_files(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    @property
    def file_size(self) -> int:
        return self._size


class AtomicJSONStorage(DurableStorage):
    """The whole database as TinyDB JSON, replaced atomically on every save (O(database))."""

    def _load(self) -> None:
        temp_path(self.path).unlink(missing_ok=True)
        if not self.path.exists():
            atomic_write(self.path, b"{}")
            return
        try:
            self._tables = json.loads(self.path.read_bytes() or b"{}")
        except ValueError as error:
            raise StoreCorruptError(
                f"ไฟล์ {self.path.name} เสียหาย อ่านไม่ได้",
                f"{self.path} is damaged and cannot be read ({error})",
            ) from error

    def _persist(self, payload: bytes, ops: list[Op]) -> None:
        undo = inverse_ops(self._tables, ops)
        apply_ops(self._tables, ops)
        try:
            atomic_write(self.path, journal.encode_payload(self._tables))
        except OSError as error:
            apply_ops(self._tables, undo)
            raise StoreError(
                "บันทึกไม่ได้ (พื้นที่เครื่องเต็มหรือไฟล์มีปัญหา) ข้อมูลเดิมยังอยู่ครบ",
                f"cannot save ({error}); nothing of this save was stored",
            ) from error

