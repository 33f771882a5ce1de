"""Resumable photo uploads on disk and in the `uploads`/`photos` tables (no HTTP here).

Durability order, so a crash at any point loses at most the bytes not yet acknowledged:
1. bytes are appended to `upload_dir/<id>.part` and fsynced;
2. only then is `uploads.offset` advanced (its own short transaction);
3. when the last byte is in, the file's SHA-256 is checked, the file is renamed into the
   content-addressed `photo_dir/ab/<sha>.jpg` (and the directory fsynced), and the `photos`
   row is inserted; the `uploads` row goes in the same transaction.
A part file longer than the recorded offset (a crash between 1 and 2) is cut back to the
offset before the next append, so the stored file never holds bytes the client was not told
about.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from sync_server.db.tables import photos, records, uploads

__all__ = [
    "SHA256_RE",
    "BlobStore",
    "UploadBusy",
    "UploadState",
]

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class UploadBusy(Exception):
    """Another request is appending to the same upload right now."""


@dataclass(frozen=True, slots=True)
class UploadState:
    upload_id: str
    sha256: str
    length: int
    offset: int

    @property
    def complete(self) -> bool:
        return self.offset >= self.length


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class BlobStore:
    """Upload parts and verified photos of one server (a data dir and a database)."""

    def __init__(self, engine: Engine, upload_dir: Path, photo_dir: Path) -> None:
        self.engine = engine
        self.upload_dir = upload_dir
        self.photo_dir = photo_dir

    # --- paths ---------------------------------------------------------------------------
    def part_path(self, upload_id: str) -> Path:
        return self.upload_dir / f"{upload_id}.part"

    def photo_path(self, sha256: str) -> Path:
        return self.photo_dir / sha256[:2] / f"{sha256}.jpg"

    # --- state ---------------------------------------------------------------------------
    def state(self, upload_id: str) -> UploadState | None:
        """Where an upload stands; a photo already stored counts as a complete upload."""
        with self.engine.connect() as conn:
            return self._state(conn, upload_id)

    def _state(self, conn: Connection, upload_id: str) -> UploadState | None:
        size = conn.execute(sa.select(photos.c.size).where(photos.c.sha256 == upload_id)).scalar()
        if size is not None:
            return UploadState(upload_id, upload_id, int(size), int(size))
        row = conn.execute(sa.select(uploads.c.sha256, uploads.c.length, uploads.c.offset)
                           .where(uploads.c.id == upload_id)).first()
        if row is None:
            return None
        return UploadState(upload_id, row.sha256, int(row.length), int(row.offset))

    def create(self, sha256: str, length: int, *, district_code: str, device_id: str | None,
               metadata: dict[str, Any]) -> tuple[UploadState, bool]:
        """Start (or find) the upload of a photo; returns (state, created).

        The id IS the sha256, so the same photo from any device meets the same upload.
        Raises ValueError when the same photo is announced with a different length.
        """
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            existing = self._state(conn, sha256)
            if existing is not None:
                if existing.length != length:
                    raise ValueError(
                        f"this photo is {existing.length} bytes, not {length}")
                return existing, False
            try:
                with conn.begin_nested():
                    conn.execute(uploads.insert().values(
                        id=sha256, sha256=sha256, length=length, offset=0,
                        district_code=district_code, device_id=device_id, metadata=metadata,
                        created_at=now, updated_at=now))
            except IntegrityError:
                state = self._state(conn, sha256)
                assert state is not None
                return state, False
        self.upload_dir.mkdir(parents=True, exist_ok=True)
        return UploadState(sha256, sha256, length, 0), True

    # --- appending -----------------------------------------------------------------------
    @contextlib.contextmanager
    def appending(self, upload_id: str, offset: int) -> Iterator[BinaryIO]:
        """Lock the part file, cut it back to `offset` and hand it out positioned there."""
        self.upload_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.part_path(upload_id), os.O_RDWR | os.O_CREAT, 0o600)
        handle = os.fdopen(fd, "r+b")
        try:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise UploadBusy(upload_id) from exc
            handle.truncate(offset)
            handle.seek(offset)
            yield handle
        finally:
            handle.close()  # also releases the lock

    def commit_bytes(self, handle: BinaryIO, upload_id: str, old_offset: int) -> int:
        """Make the appended bytes durable, then record the new offset. Returns it."""
        handle.flush()
        os.fsync(handle.fileno())
        new_offset = handle.tell()
        if new_offset == old_offset:
            return old_offset
        with self.engine.begin() as conn:
            conn.execute(uploads.update()
                         .where(uploads.c.id == upload_id, uploads.c.offset == old_offset)
                         .values(offset=new_offset, updated_at=datetime.now(UTC)))
        return new_offset

    def finish(self, state: UploadState, *, district_code: str, device_id: str | None) -> bool:
        """Verify a complete upload. True: stored as a photo; False: hash mismatch, discarded."""
        part = self.part_path(state.upload_id)
        digest = hashlib.sha256()
        with part.open("rb") as handle:
            for block in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(block)
        if digest.hexdigest() != state.sha256:
            with self.engine.begin() as conn:
                conn.execute(uploads.delete().where(uploads.c.id == state.upload_id))
            part.unlink(missing_ok=True)
            return False
        target = self.photo_path(state.sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(part, target)
        _fsync_dir(target.parent)
        with self.engine.begin() as conn:
            exists = conn.execute(sa.select(photos.c.sha256)
                                  .where(photos.c.sha256 == state.sha256)).first()
            if exists is None:
                conn.execute(photos.insert().values(
                    sha256=state.sha256, size=state.length, mime="image/jpeg",
                    district_code=district_code, uploaded_by_device=device_id,
                    created_at=datetime.now(UTC)))
            conn.execute(uploads.delete().where(uploads.c.id == state.upload_id))
        return True

    # --- serving -------------------------------------------------------------------------
    def servable(self, sha256: str, district_code: str, *, thumb: bool) -> Path | None:
        """The file to serve to a user of `district_code`, or None (absent or not theirs)."""
        with self.engine.connect() as conn:
            target = sha256
            photo_record = conn.execute(
                sa.select(records.c.data).where(records.c.id == sha256,
                                                records.c.record_type == "photo",
                                                records.c.district_code == district_code)
            ).first()
            if thumb and photo_record is not None:
                thumb_sha = (photo_record.data or {}).get("thumb_sha256")
                if not (isinstance(thumb_sha, str) and SHA256_RE.match(thumb_sha)):
                    return None
                target = thumb_sha
            row = conn.execute(sa.select(photos.c.district_code)
                               .where(photos.c.sha256 == target)).first()
            if row is None:
                return None
            if row.district_code != district_code and photo_record is None:
                return None
        path = self.photo_path(target)
        return path if path.exists() else None
