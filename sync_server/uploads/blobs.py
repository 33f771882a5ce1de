"""Resumable photo uploads on disk and in the `uploads`/`photos`/`blob_possession` tables
(no HTTP here).

Possession is proven per district. Bytes are stored once by content (`photo_dir/ab/<sha>.jpg`,
a `photos` row), but a district may read a blob only when one of its own devices has sent
those bytes and the server verified them (a `blob_possession` row). An upload of bytes the
server already holds for another district therefore transfers and verifies every byte; only
the district's own proven blobs may be skipped. Nothing here answers differently for "another
district has it" and "nobody has it".

Uploads belong to a district. Their url id is either the photo's SHA-256 (the project's
client, `by_hash`: its devices meet one upload, resume each other's bytes, and skip blobs
the district holds) or `<sha256>-<random>` (a standard tus client: a fresh upload at offset 0
for every creation, as tus 1.0 expects).

Durability order, so a crash at any point loses at most the bytes not yet acknowledged:
1. bytes are appended to `upload_dir/<district>-<url id>.part` and fsynced;
2. only then is `uploads.offset` advanced (its own short transaction);
3. when the last byte is in, the file's SHA-256 is checked, then that it is a photo
   (`imagecheck`); it is renamed into `photo_dir/ab/<sha>.jpg` (and the directory fsynced)
   unless those bytes are already stored, and the `photos` row, the district's
   `blob_possession` row and the removal of the `uploads` row commit in one transaction.
A part file longer than the recorded offset (a crash between 1 and 2) is cut back to the
offset before the next append, so the stored file never holds bytes the client was not told
about. A refused upload (wrong hash, not a photo) leaves nothing: row and part file go.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from sync_server.db.tables import blob_possession, photos, records, uploads
from sync_server.uploads.imagecheck import ImageRefused, check_photo_file

__all__ = [
    "SHA256_RE",
    "STALE_UPLOAD_AFTER",
    "UPLOAD_ID_RE",
    "BlobStore",
    "HashMismatch",
    "ImageRefused",
    "UploadBusy",
    "UploadState",
    "possessed",
]

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
UPLOAD_ID_RE = re.compile(r"^[0-9a-f]{64}(-[0-9a-f]{10})?$")
# An upload nobody has appended to for this long is dropped (a standard client that gave up
# leaves its fresh upload behind; it would otherwise stay on disk forever).
STALE_UPLOAD_AFTER = timedelta(days=7)


class UploadBusy(Exception):
    """Another request is appending to the same upload right now."""


class HashMismatch(Exception):
    """The complete upload does not hash to the SHA-256 it was announced as; discarded."""


@dataclass(frozen=True, slots=True)
class UploadState:
    district_code: str
    url_id: str  # the id in the upload's URL
    sha256: str
    length: int
    offset: int

    @property
    def row_id(self) -> str:
        return f"{self.district_code}-{self.url_id}"

    @property
    def complete(self) -> bool:
        return self.offset >= self.length


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def possessed(conn: Connection, district_code: str, shas: Iterable[str]) -> dict[str, str]:
    """{sha256: mime} of the given blobs that the district has proven it holds."""
    wanted = sorted({sha for sha in shas if SHA256_RE.match(sha)})
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        rows = conn.execute(
            sa.select(photos.c.sha256, photos.c.mime)
            .join(blob_possession, blob_possession.c.sha256 == photos.c.sha256)
            .where(blob_possession.c.district_code == district_code,
                   photos.c.sha256.in_(wanted[start:start + 500])))
        found.update({row.sha256: row.mime for row in rows})
    return found


class BlobStore:
    """Upload parts and verified photos of one server (a data dir and a database)."""

    def __init__(self, engine: Engine, upload_dir: Path, photo_dir: Path, *,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.engine = engine
        self.upload_dir = upload_dir
        self.photo_dir = photo_dir
        self.now = now

    # --- paths ---------------------------------------------------------------------------
    def part_path(self, state: UploadState) -> Path:
        return self.upload_dir / f"{state.row_id}.part"

    def photo_path(self, sha256: str) -> Path:
        return self.photo_dir / sha256[:2] / f"{sha256}.jpg"

    # --- state ---------------------------------------------------------------------------
    def state(self, district_code: str, url_id: str) -> UploadState | None:
        """Where the district's upload stands; None when it has no such upload. A blob the
        district has proven it holds counts as a complete upload (under either url id)."""
        if not UPLOAD_ID_RE.match(url_id):
            return None
        with self.engine.connect() as conn:
            return self._state(conn, district_code, url_id)

    def _held_size(self, conn: Connection, district_code: str, sha256: str) -> int | None:
        size = conn.execute(
            sa.select(photos.c.size)
            .join(blob_possession, blob_possession.c.sha256 == photos.c.sha256)
            .where(blob_possession.c.district_code == district_code,
                   photos.c.sha256 == sha256)).scalar()
        return None if size is None else int(size)

    def _state(self, conn: Connection, district_code: str, url_id: str) -> UploadState | None:
        row = conn.execute(sa.select(uploads.c.sha256, uploads.c.length, uploads.c.offset)
                           .where(uploads.c.id == f"{district_code}-{url_id}",
                                  uploads.c.district_code == district_code)).first()
        if row is not None:
            return UploadState(district_code, url_id, row.sha256, int(row.length),
                               int(row.offset))
        sha = url_id[:64]
        size = self._held_size(conn, district_code, sha)
        if size is None:
            return None
        return UploadState(district_code, url_id, sha, size, size)

    def create(self, sha256: str, length: int, *, district_code: str, device_id: str | None,
               metadata: dict[str, Any], by_hash: bool) -> UploadState:
        """Start an upload of a photo for the district.

        `by_hash` (the project's client): a blob the district holds is answered complete,
        and the district's upload of this photo in progress is met (its url id is the
        sha256). Otherwise (a standard tus client): a fresh upload at offset 0.
        Raises ValueError when the district holds (or is uploading) this photo with
        another length. Another district's blobs and uploads are never looked at.
        """
        now = self.now()
        self.upload_dir.mkdir(parents=True, exist_ok=True)
        with self.engine.begin() as conn:
            self._sweep_stale(conn, district_code, now)
            held = self._held_size(conn, district_code, sha256)
            if held is not None and held != length:
                raise ValueError(f"this photo is {held} bytes, not {length}")
            if by_hash:
                existing = self._state(conn, district_code, sha256)
                if existing is not None:
                    if existing.length != length:
                        raise ValueError(
                            f"this photo is {existing.length} bytes, not {length}")
                    return existing
                url_id = sha256
            else:
                url_id = f"{sha256}-{secrets.token_hex(5)}"
            state = UploadState(district_code, url_id, sha256, length, 0)
            try:
                with conn.begin_nested():
                    conn.execute(uploads.insert().values(
                        id=state.row_id, sha256=sha256, length=length, offset=0,
                        district_code=district_code, device_id=device_id, metadata=metadata,
                        created_at=now, updated_at=now))
            except IntegrityError:  # another device of the district created it just now
                again = self._state(conn, district_code, url_id)
                assert again is not None
                return again
        return state

    def _sweep_stale(self, conn: Connection, district_code: str, now: datetime) -> None:
        stale = conn.execute(
            sa.select(uploads.c.id)
            .where(uploads.c.district_code == district_code,
                   uploads.c.updated_at < now - STALE_UPLOAD_AFTER)
            .limit(100)).scalars().all()
        for row_id in stale:
            conn.execute(uploads.delete().where(uploads.c.id == row_id))
            (self.upload_dir / f"{row_id}.part").unlink(missing_ok=True)

    # --- appending -----------------------------------------------------------------------
    @contextlib.contextmanager
    def appending(self, state: UploadState) -> Iterator[BinaryIO]:
        """Lock the part file, cut it back to the offset and hand it out positioned there."""
        self.upload_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.part_path(state), os.O_RDWR | os.O_CREAT, 0o600)
        handle = os.fdopen(fd, "r+b")
        try:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise UploadBusy(state.url_id) from exc
            handle.truncate(state.offset)
            handle.seek(state.offset)
            yield handle
        finally:
            handle.close()  # also releases the lock

    def commit_bytes(self, handle: BinaryIO, state: UploadState) -> int:
        """Make the appended bytes durable, then record the new offset. Returns it."""
        handle.flush()
        os.fsync(handle.fileno())
        new_offset = handle.tell()
        if new_offset == state.offset:
            return state.offset
        with self.engine.begin() as conn:
            conn.execute(uploads.update()
                         .where(uploads.c.id == state.row_id, uploads.c.offset == state.offset)
                         .values(offset=new_offset, updated_at=self.now()))
        return new_offset

    def discard(self, state: UploadState) -> None:
        """Drop an upload: its row and its part file."""
        with self.engine.begin() as conn:
            conn.execute(uploads.delete().where(uploads.c.id == state.row_id))
        self.part_path(state).unlink(missing_ok=True)

    def finish(self, state: UploadState, *, device_id: str | None) -> None:
        """Verify a complete upload and record the district's possession of the blob.

        Raises HashMismatch or ImageRefused (the upload is then discarded)."""
        part = self.part_path(state)
        digest = hashlib.sha256()
        with part.open("rb") as handle:
            for block in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(block)
        if digest.hexdigest() != state.sha256:
            self.discard(state)
            raise HashMismatch(state.sha256)
        try:
            checked = check_photo_file(part)
        except ImageRefused:
            self.discard(state)
            raise
        target = self.photo_path(state.sha256)
        with self.engine.connect() as conn:
            stored = conn.execute(sa.select(photos.c.sha256)
                                  .where(photos.c.sha256 == state.sha256)).first() is not None
        if stored and target.is_file():
            part.unlink()  # the same bytes are stored already: proven, not stored twice
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(part, target)
            _fsync_dir(target.parent)
        now = self.now()
        with self.engine.begin() as conn:
            if not stored:
                with contextlib.suppress(IntegrityError), conn.begin_nested():
                    conn.execute(photos.insert().values(
                        sha256=state.sha256, size=state.length, mime=checked.mime,
                        district_code=state.district_code, uploaded_by_device=device_id,
                        created_at=now))
            if self._held_size(conn, state.district_code, state.sha256) is None:
                with contextlib.suppress(IntegrityError), conn.begin_nested():
                    conn.execute(blob_possession.insert().values(
                        district_code=state.district_code, sha256=state.sha256,
                        proof="upload", device_id=device_id, proven_at=now))
            conn.execute(uploads.delete().where(uploads.c.id == state.row_id))

    # --- reading -------------------------------------------------------------------------
    def readable(self, sha256: str, district_code: str, *,
                 thumb: bool) -> tuple[Path, str] | None:
        """(file, media type) to serve to a user of `district_code`, or None: not arrived,
        not proven by the district, or another district's. With `thumb`, the thumbnail that
        the district's photo record `sha256` names (or the blob itself when no photo record
        has that id): the district must hold the thumbnail's bytes too."""
        if not SHA256_RE.match(sha256):
            return None
        with self.engine.connect() as conn:
            target = sha256
            if thumb:
                photo_record = conn.execute(
                    sa.select(records.c.data).where(records.c.id == sha256,
                                                    records.c.record_type == "photo",
                                                    records.c.district_code == district_code)
                ).first()
                if photo_record is not None:
                    thumb_sha = (photo_record.data or {}).get("thumb_sha256")
                    if not (isinstance(thumb_sha, str) and SHA256_RE.match(thumb_sha)):
                        return None
                    target = thumb_sha
            mime = possessed(conn, district_code, [target]).get(target)
        if mime is None:
            return None
        path = self.photo_path(target)
        return (path, mime) if path.is_file() else None

    def reader(self, district_code: str) -> Callable[[str], Path | None]:
        """`sha256 -> stored file or None` for one district's bulk reads (the photo ZIP):
        the district's proven blobs are listed once, on the first call."""
        held: set[str] | None = None

        def path_of(sha256: str) -> Path | None:
            nonlocal held
            if held is None:
                with self.engine.connect() as conn:
                    held = set(conn.execute(
                        sa.select(blob_possession.c.sha256)
                        .where(blob_possession.c.district_code == district_code)).scalars())
            if sha256 not in held:
                return None
            path = self.photo_path(sha256)
            return path if path.is_file() else None

        return path_of
