"""PhotoStore: content-addressed, atomic, idempotent, and honest about failures."""

from __future__ import annotations

import errno
import hashlib
import os
import time
from pathlib import Path

import pytest

from fieldapp.photos import PhotoError, PhotoStore, ProcessedPhoto, process_photo
from tests.photos import photogen


@pytest.fixture(scope="module")
def processed() -> ProcessedPhoto:
    scene = photogen.upright((2000, 1500), seed=21)
    return process_photo(photogen.jpeg(scene, photogen.exif_block(orientation=6)))


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_put_lays_out_blobs_by_hash(tmp_path: Path, processed: ProcessedPhoto) -> None:
    store = PhotoStore(tmp_path / "photos")
    sha = store.put(processed)
    assert sha == processed.sha256 == hashlib.sha256(processed.jpeg).hexdigest()
    full = tmp_path / "photos" / sha[:2] / f"{sha}.jpg"
    thumb = tmp_path / "photos" / processed.thumb_sha256[:2] / f"{processed.thumb_sha256}.jpg"
    assert store.path(sha) == full
    assert _files(tmp_path / "photos") == sorted([full, thumb])
    assert full.read_bytes() == processed.jpeg
    assert thumb.read_bytes() == processed.thumb
    assert store.has(sha) and store.has(processed.thumb_sha256)
    assert store.size(sha) == len(processed.jpeg)
    assert store.read(processed.thumb_sha256) == processed.thumb
    with store.open(sha) as blob:
        blob.seek(100)
        assert blob.read(10) == processed.jpeg[100:110]  # resumable uploads read from offsets
    assert sorted(store) == sorted([sha, processed.thumb_sha256])
    assert store.verify(sha)


def test_put_is_idempotent(tmp_path: Path, processed: ProcessedPhoto) -> None:
    store = PhotoStore(tmp_path / "photos")
    store.put(processed)
    before = {p: p.stat().st_mtime_ns for p in _files(store.root)}
    time.sleep(0.01)
    assert store.put(processed) == processed.sha256
    assert PhotoStore(store.root).put(processed) == processed.sha256  # and after a restart
    assert {p: p.stat().st_mtime_ns for p in _files(store.root)} == before


def test_a_damaged_copy_is_replaced_on_the_next_put(
    tmp_path: Path, processed: ProcessedPhoto
) -> None:
    store = PhotoStore(tmp_path / "photos")
    store.path(processed.sha256).parent.mkdir(parents=True)
    store.path(processed.sha256).write_bytes(processed.jpeg[:1000])  # e.g. a copied-in stub
    assert not store.verify(processed.sha256)
    store.put(processed)
    assert store.verify(processed.sha256)


def test_put_blob_checks_the_digest(tmp_path: Path, processed: ProcessedPhoto) -> None:
    store = PhotoStore(tmp_path / "photos")
    with pytest.raises(PhotoError) as caught:
        store.put_blob(processed.jpeg[:-10], processed.sha256)  # a download cut short
    assert caught.value.code == "digest_mismatch"
    assert _files(store.root) == []
    assert store.put_blob(processed.jpeg, processed.sha256) == processed.sha256


@pytest.mark.parametrize("bad", ["../../etc/passwd", "ABCDEF" * 10 + "ABCD", "a" * 63, ""])
def test_bad_ids_are_refused(tmp_path: Path, bad: str) -> None:
    store = PhotoStore(tmp_path / "photos")
    for call in (store.path, store.has, store.size, store.open, store.delete):
        with pytest.raises(PhotoError) as caught:
            call(bad)
        assert caught.value.code == "bad_id"


def test_missing_photo(tmp_path: Path) -> None:
    store = PhotoStore(tmp_path / "photos")
    missing = "0" * 64
    assert not store.has(missing)
    assert not store.verify(missing)
    assert store.delete(missing) is False
    for call in (store.size, store.open, store.read):
        with pytest.raises(PhotoError) as caught:
            call(missing)
        assert caught.value.code == "not_found"
        assert "ไม่พบรูป" in caught.value.message_th


def test_delete(tmp_path: Path, processed: ProcessedPhoto) -> None:
    store = PhotoStore(tmp_path / "photos")
    store.put(processed)
    assert store.delete(processed.sha256) is True
    assert not store.has(processed.sha256)
    assert store.has(processed.thumb_sha256)  # thumbnails are deleted by their own id
    assert list(store) == [processed.thumb_sha256]


def test_a_failing_disk_leaves_no_partial_file(tmp_path: Path, processed: ProcessedPhoto) -> None:
    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    store = PhotoStore(tmp_path / "photos", fsync=full_disk)
    with pytest.raises(PhotoError) as caught:
        store.put(processed)
    assert caught.value.code == "store_failed"
    assert "No space left" in caught.value.message_en
    assert _files(store.root) == []  # the temp file is gone and no final file appeared
    assert not store.has(processed.sha256) and not store.has(processed.thumb_sha256)


def test_a_failing_rename_leaves_no_temp_file(tmp_path: Path, processed: ProcessedPhoto) -> None:
    """A real failure, no injection: something already sits where the blob should go."""
    store = PhotoStore(tmp_path / "photos")
    store.path(processed.sha256).mkdir(parents=True)
    with pytest.raises(PhotoError) as caught:
        store.put(processed)
    assert caught.value.code == "store_failed"
    leftovers = [p.name for p in _files(store.root)]
    assert leftovers == [f"{processed.thumb_sha256}.jpg"]  # thumbnail first, whole
    assert store.verify(processed.thumb_sha256)


def test_the_full_photo_is_written_after_its_thumbnail(
    tmp_path: Path, processed: ProcessedPhoto
) -> None:
    """If the app dies between the two writes, `has(photo)` must not be true alone."""
    calls: list[int] = []

    def fail_on_second_file(fd: int) -> None:
        calls.append(fd)
        if len(calls) > 3:  # the thumbnail takes three: root (new folder), file, folder
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        os.fsync(fd)

    store = PhotoStore(tmp_path / "photos", fsync=fail_on_second_file)
    with pytest.raises(PhotoError):
        store.put(processed)
    assert not store.has(processed.sha256)
    assert store.has(processed.thumb_sha256) and store.verify(processed.thumb_sha256)


def test_stale_temp_files_are_swept_on_open(tmp_path: Path, processed: ProcessedPhoto) -> None:
    root = tmp_path / "photos"
    store = PhotoStore(root)
    store.put(processed)
    folder = store.path(processed.sha256).parent
    stale = folder / f".{processed.sha256}.dead.tmp"
    stale.write_bytes(processed.jpeg[:500])
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    fresh = folder / f".{processed.sha256}.live.tmp"  # another writer, still busy
    fresh.write_bytes(b"\xff\xd8")
    PhotoStore(root)
    assert not stale.exists() and fresh.exists()
    assert sorted(store) == sorted([processed.sha256, processed.thumb_sha256])
    assert store.sweep_temp() == 1 and not fresh.exists()


_WRITER = """
import os, sys
from pathlib import Path
from fieldapp.photos import PhotoStore
store = PhotoStore(Path(sys.argv[1]))
print("ready", flush=True)
while True:
    store.put_blob(os.urandom(300_000))
"""


def test_a_writer_killed_mid_write_leaves_only_whole_blobs(tmp_path: Path) -> None:
    """SIGKILL a process that writes blobs non-stop: every file under a final name must
    hash to that name; leftovers are temp files, and sweeping removes them."""
    import signal
    import subprocess
    import sys

    root = tmp_path / "photos"
    repo = Path(__file__).resolve().parents[2]
    for _ in range(3):
        writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(root)], cwd=repo,
                                  stdout=subprocess.PIPE, text=True)
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        time.sleep(0.4)
        writer.send_signal(signal.SIGKILL)
        writer.wait(10)
        writer.stdout.close()
    store = PhotoStore(root)
    blobs = list(store)
    assert blobs, "the writer stored nothing before it was killed"
    for sha in blobs:
        assert store.verify(sha), sha
        assert store.size(sha) == 300_000
    store.sweep_temp()
    assert sorted(p.name for p in _files(root)) == sorted(f"{sha}.jpg" for sha in blobs)
