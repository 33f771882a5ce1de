"""Small durable-file helpers shared by the storages (the only place that calls fsync)."""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

try:  # Linux and Android have flock; elsewhere a second process is not guarded against
    import fcntl
except ImportError:  # pragma: no cover - not on the phone or CI
    fcntl = None  # type: ignore[assignment]

from .errors import StoreLockedError

__all__ = ["StoreLock", "atomic_write", "fsync_dir", "keep_aside", "temp_path", "write_all"]


def fsync_dir(directory: Path) -> None:
    """Make a rename or a new file in `directory` survive a power cut."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so a reader sees the old file or the new one, never a mix:
    write a temp file beside it, fsync it, rename it over, fsync the directory."""
    tmp = temp_path(path)
    _write_durably(tmp, os.O_TRUNC, data)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def _write_durably(path: Path, create_flag: int, data: bytes) -> None:
    """Create `path` (with `create_flag`: O_TRUNC or O_EXCL), write `data` and fsync it. On
    failure the partial file is removed: a disk that filled up mid-write would otherwise
    hold on to the very space the next attempt needs."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | create_flag, 0o600)
    try:
        write_all(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    os.close(fd)


def temp_path(path: Path) -> Path:
    """Where `atomic_write` builds the new content of `path`."""
    return path.with_name(path.name + ".tmp")


def keep_aside(path: Path, data: bytes, when: datetime) -> Path:
    """Write `data` (the damaged content of `path`) to a new file beside it, never over an
    existing one: `<name>.damaged-<UTC time>[-N]`. Durable before it returns."""
    stamp = when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    for n in range(1, 1000):
        suffix = f".damaged-{stamp}" + (f"-{n}" if n > 1 else "")
        copy = path.with_name(path.name + suffix)
        try:
            _write_durably(copy, os.O_EXCL, data)
        except FileExistsError:
            continue
        fsync_dir(path.parent)
        return copy
    raise FileExistsError(f"too many damaged copies of {path}")


class StoreLock:
    """An exclusive lock on `<store>.lock`: two processes writing one store would each keep
    their own copy in memory and overwrite the other's saves."""

    def __init__(self, store_path: Path) -> None:
        self.path = store_path.with_name(store_path.name + ".lock")
        self._file: IO[bytes] | None = open(self.path, "ab")  # noqa: SIM115 - held until release
        if fcntl is None:  # pragma: no cover
            return
        try:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.close()
            self._file = None
            raise StoreLockedError(
                f"ฐานข้อมูล {store_path.name} ถูกเปิดใช้งานอยู่แล้ว ปิดแอปอีกตัวแล้วลองใหม่",
                f"the store {store_path} is already open in another process or object; "
                "close it first",
            ) from None

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing drops the flock
            self._file = None
