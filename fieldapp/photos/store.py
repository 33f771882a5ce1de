"""A content-addressed folder of JPEG blobs: `root/ab/abcdef….jpg`, named by SHA-256.

Photos never go into the record database (no base64): records hold the id, this folder
holds the bytes. A blob appears all at once or not at all: it is written to a temp file
beside its final place, fsynced, renamed over, and the folder fsynced, so a crash or a full
disk leaves either the whole file or nothing under the final name. Leftover temp files from
a crash are swept when a store is opened.

Writing the same bytes again is a no-op, so retries and two phones sending one photo are
harmless. The store itself uses no Pillow and never decodes: the sync client and the server
can use it for any blob they received.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from .errors import PhotoError

if TYPE_CHECKING:  # the store itself never decodes an image
    from .pipeline import ProcessedPhoto

__all__ = ["PhotoStore"]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SUFFIX = ".jpg"
_TEMP_SUFFIX = ".tmp"
_STALE_TEMP_SECONDS = 3600  # older temp files belong to a writer that died


class PhotoStore:
    def __init__(self, root: Path, *, fsync: Callable[[int], None] = os.fsync) -> None:
        """`fsync` is passed in so tests can make the disk fail at the worst moment."""
        self.root = Path(root)
        self._fsync = fsync
        self.root.mkdir(parents=True, exist_ok=True)
        self.sweep_temp(older_than_s=_STALE_TEMP_SECONDS)

    # ----- writing -----------------------------------------------------------------------

    def put(self, processed: ProcessedPhoto) -> str:
        """Store the photo and its thumbnail; return the photo's id. Idempotent.

        The thumbnail goes first, so `has(photo id)` implies the thumbnail is there too.
        """
        self.put_blob(processed.thumb, processed.thumb_sha256)
        return self.put_blob(processed.jpeg, processed.sha256)

    def put_blob(self, data: bytes, sha256: str | None = None) -> str:
        """Store bytes under their SHA-256 (checked against `sha256` when given, e.g. a
        download from the server). Returns the id."""
        actual = hashlib.sha256(data).hexdigest()
        if sha256 is not None:
            self._check_id(sha256)
            if sha256 != actual:
                raise PhotoError(
                    "digest_mismatch",
                    "ข้อมูลรูปไม่ตรงกับรหัส (ไฟล์อาจเสียระหว่างส่ง) ไม่ได้บันทึก ลองใหม่",
                    f"The photo bytes do not match their id {sha256[:12]}… (damaged in "
                    "transfer?); nothing was stored. Try again.",
                )
        final = self.path(actual)
        if self._complete(final, len(data)):
            return actual
        self._write_atomically(final, data)
        return actual

    def _complete(self, final: Path, size: int) -> bool:
        try:
            return final.stat().st_size == size
        except FileNotFoundError:
            return False

    def _write_atomically(self, final: Path, data: bytes) -> None:
        folder = final.parent
        temp = folder / f".{final.stem}.{secrets.token_hex(4)}{_TEMP_SUFFIX}"
        try:
            new_folder = not folder.exists()
            folder.mkdir(exist_ok=True)
            if new_folder:
                self._fsync_dir(self.root)
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                self._fsync(fd)
            finally:
                os.close(fd)
            os.replace(temp, final)
            self._fsync_dir(folder)
        except OSError as exc:
            temp.unlink(missing_ok=True)
            raise PhotoError(
                "store_failed",
                "บันทึกรูปลงเครื่องไม่ได้ (พื้นที่เต็มหรือเขียนไม่ได้) ไม่ได้บันทึกอะไรไว้ "
                "ลบไฟล์ที่ไม่ใช้แล้วลองใหม่",
                f"Could not save the photo on this phone ({exc.strerror or exc}); nothing "
                "was kept. Free some space and try again.",
            ) from exc

    def _fsync_dir(self, folder: Path) -> None:
        fd = os.open(folder, os.O_RDONLY)
        try:
            self._fsync(fd)
        finally:
            os.close(fd)

    # ----- reading -----------------------------------------------------------------------

    def _check_id(self, sha256: str) -> None:
        if not isinstance(sha256, str) or not _SHA256.match(sha256):
            raise PhotoError(
                "bad_id",
                f"รหัสรูป {sha256!r} ไม่ถูกต้อง (ต้องเป็นเลขฐานสิบหก 64 ตัว)",
                f"Invalid photo id {sha256!r}: expected a SHA-256 of 64 lowercase hex digits.",
            )

    def _not_found(self, sha256: str) -> PhotoError:
        return PhotoError("not_found", f"ไม่พบรูป {sha256[:12]}… ในเครื่อง",
                          f"Photo {sha256[:12]}… is not on this phone.")

    def path(self, sha256: str) -> Path:
        """Where the blob lives (whether or not it is there yet)."""
        self._check_id(sha256)
        return self.root / sha256[:2] / f"{sha256}{_SUFFIX}"

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def size(self, sha256: str) -> int:
        try:
            return self.path(sha256).stat().st_size
        except FileNotFoundError:
            raise self._not_found(sha256) from None

    def open(self, sha256: str) -> BinaryIO:
        """A binary file to read (e.g. to stream an upload from an offset); close it."""
        try:
            return self.path(sha256).open("rb")
        except FileNotFoundError:
            raise self._not_found(sha256) from None

    def read(self, sha256: str) -> bytes:
        with self.open(sha256) as blob:
            return blob.read()

    def verify(self, sha256: str) -> bool:
        """Whether the stored bytes still hash to their name (False when missing)."""
        digest = hashlib.sha256()
        try:
            with self.open(sha256) as blob:
                while chunk := blob.read(1 << 20):
                    digest.update(chunk)
        except PhotoError:
            return False
        return digest.hexdigest() == sha256

    def __iter__(self) -> Iterator[str]:
        """Every stored id (photos and thumbnails alike)."""
        for folder in sorted(self.root.iterdir()):
            if not folder.is_dir() or len(folder.name) != 2:
                continue
            for blob in sorted(folder.iterdir()):
                name = blob.name
                if name.endswith(_SUFFIX) and _SHA256.match(name[: -len(_SUFFIX)]):
                    yield name[: -len(_SUFFIX)]

    # ----- removing ----------------------------------------------------------------------

    def delete(self, sha256: str) -> bool:
        """Remove one blob; True if it was there. Deleting a photo does not delete its
        thumbnail (another photo record may share it): delete both ids."""
        try:
            self.path(sha256).unlink()
        except FileNotFoundError:
            return False
        self._fsync_dir(self.path(sha256).parent)
        return True

    def sweep_temp(self, older_than_s: float = 0) -> int:
        """Remove temp files left by writers that died; return how many."""
        cutoff = time.time() - older_than_s
        removed = 0
        for temp in self.root.glob(f"??/.*{_TEMP_SUFFIX}"):
            try:
                if temp.stat().st_mtime <= cutoff:
                    temp.unlink()
                    removed += 1
            except FileNotFoundError:
                pass
        return removed
