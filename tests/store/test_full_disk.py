"""A really full disk: a failed compaction leaves no partial temp file, and damage found on a
full disk loses nothing more (issue 11 items 11 and 3).

The disk is a small tmpfs mounted for the test (the kernel answers ENOSPC). Where mounting is
not allowed (not root), the same scenario runs in a forked child whose file size is capped
with RLIMIT_FSIZE (the kernel answers EFBIG), which fails writes the same way.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fieldapp.store import JournalStorage, StoreError
from fieldapp.store import journal as jr

DISK_BYTES = 160 * 1024


@contextlib.contextmanager
def _small_disk(folder: Path) -> Iterator[bool]:
    """Mount a DISK_BYTES tmpfs on `folder`; yields False when mounting is not possible."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_BYTES},mode=0700", "tmpfs", str(folder)],
        capture_output=True, check=False).returncode == 0
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], check=True)


def _run_on_a_full_disk(tmp_path: Path, scenario: Callable[[Path, bool], None]) -> None:
    """Run `scenario(folder, on_tmpfs)` on a DISK_BYTES tmpfs, or else in a forked child
    whose files cannot grow past DISK_BYTES."""
    disk = tmp_path / "disk"
    with _small_disk(disk) as mounted:
        if mounted:
            scenario(disk, True)
            return
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(read_fd)
        code = 0
        try:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (DISK_BYTES, resource.RLIM_INFINITY))
            scenario(disk, False)
        except BaseException:
            os.write(write_fd, traceback.format_exc().encode())
            code = 1
        os._exit(code)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        failure = pipe.read().decode()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, failure


def _fill(storage: JournalStorage, prefix: str, size: int) -> list[str]:
    """Save documents of `size` bytes until the disk refuses one; the ids acknowledged."""
    saved: list[str] = []
    for n in range(10_000):
        try:
            storage.commit([["put", "producer", f"{prefix}{n}", {"text": "ก" * size, "n": n}]])
        except StoreError:
            return saved
        saved.append(f"{prefix}{n}")
    raise AssertionError("the disk never filled up")


def _compaction_on_a_full_disk(disk: Path, on_tmpfs: bool) -> None:
    path = disk / "records.journal"
    tmp = path.with_name(path.name + ".tmp")
    storage = JournalStorage(path, compact_min_bytes=1 << 40)
    try:
        saved = _fill(storage, "p", 900)
        assert len(saved) > 20
        # the explicit compaction fails for want of room, and removes what it wrote
        with pytest.raises(OSError):
            storage.compact()
        assert not tmp.exists(), "a failed compaction left a partial temp file"
        # small saves still fit; each one tries to compact (and fails) quietly
        storage.compact_min_bytes = 0
        more = _fill(storage, "q", 10)
        assert not tmp.exists(), "a failed compaction left a partial temp file"
        expected = dict(storage.table("producer"))
    finally:
        storage.close()
    assert set(saved) | set(more) == set(expected)
    storage = JournalStorage(path)
    try:
        assert dict(storage.table("producer")) == expected
        assert storage.damage is None
    finally:
        storage.close()


def test_a_failed_compaction_on_a_full_disk_leaves_no_temp_file(tmp_path: Path) -> None:
    _run_on_a_full_disk(tmp_path, _compaction_on_a_full_disk)


def test_opening_removes_a_stale_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "records.journal"
    JournalStorage(path).close()
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(b"half a snapsh" * 1000)
    JournalStorage(path).close()
    assert not tmp.exists()


def _damage_on_a_full_disk(disk: Path, on_tmpfs: bool) -> None:
    """Damage found when there is no room for the kept copy: nothing is rewritten (the file
    is the only copy), the report says no copy was kept, and saves made afterwards are read
    past the damage at the next opening, which recognises the same report."""
    path = disk / "records.journal"
    storage = JournalStorage(path, compact_min_bytes=1 << 40)
    try:
        for n in range(60):
            storage.commit([["put", "producer", str(n), {"text": "ข" * 200, "n": n}]])
    finally:
        storage.close()
    data = bytearray(path.read_bytes())
    target = jr.scan(bytes(data)).entries[30]
    data[target.offset + 40] ^= 0x10
    path.write_bytes(bytes(data))
    filler = disk / "filler"
    if on_tmpfs:
        with contextlib.suppress(OSError), open(filler, "wb") as out:
            while True:  # take every byte that is left (then the copy cannot be written)
                out.write(b"\0" * 4096)
                out.flush()
    else:  # no file may grow to the journal's size: the copy cannot be written
        resource.setrlimit(resource.RLIMIT_FSIZE, (len(data) - 1, resource.RLIM_INFINITY))
    storage = JournalStorage(path)
    try:
        report = storage.damage
        assert report is not None and report.entries_lost == 1 and report.kept_copy is None
        assert "เก็บสำเนาไฟล์ที่เสียหายไม่ได้" in report.message_th
        assert not [p for p in os.listdir(disk) if ".damaged-" in p], "a partial copy was left"
        assert path.read_bytes() == bytes(data), "the only copy of the damaged file was changed"
        if on_tmpfs:
            filler.unlink()
        else:
            resource.setrlimit(resource.RLIMIT_FSIZE, (DISK_BYTES, resource.RLIM_INFINITY))
        storage.commit([["put", "producer", "after", {"n": 99}]])
        expected = dict(storage.table("producer"))
    finally:
        storage.close()
    assert len(expected) == 60  # 59 + "after"
    storage = JournalStorage(path)
    try:
        assert dict(storage.table("producer")) == expected
        assert storage.damage is not None and storage.damage.report_id == report.report_id
        # there was room this time: the copy is kept and the file rewritten
        assert storage.damage.kept_copy is not None
    finally:
        storage.close()


def test_damage_found_on_a_full_disk_loses_nothing_more(tmp_path: Path) -> None:
    _run_on_a_full_disk(tmp_path, _damage_on_a_full_disk)


def test_the_fallback_really_limits_file_size() -> None:
    """The RLIMIT_FSIZE fallback is real: a write past the cap fails with EFBIG."""
    with tempfile.TemporaryDirectory() as folder:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
            try:
                Path(folder, "big").write_bytes(b"x" * 8192)
            except OSError as error:
                os._exit(0 if error.errno == 27 else 2)  # EFBIG
            os._exit(1)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
