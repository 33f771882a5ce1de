"""The journal storage in particular: torn tails, checksums, compaction, cost per save."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.store import JournalStorage, StoreCorruptError
from fieldapp.store import journal as jr


def _producer(n: int) -> dict:
    return {"name_th": f"กลุ่มจักสานผักตบชวา หมู่ {n}", "moo": n % 12 + 1, "members": n}


def _saves(path: Path, count: int) -> list[dict]:
    """Make `count` saves; return the table after each, so tests know every acknowledged state."""
    states = []
    storage = JournalStorage(path)
    try:
        for n in range(count):
            storage.commit([["put", "producer", str(n), _producer(n)]])
            states.append(dict(storage.table("producer")))
    finally:
        storage.close()
    return states


def test_a_torn_last_entry_is_ignored_at_every_cut_and_later_saves_survive(tmp_path: Path) -> None:
    path = tmp_path / "records.journal"
    states = _saves(path, 3)
    whole = path.read_bytes()
    entries = jr.scan(whole)
    last_start = entries.good_end - len(jr.encode_entry(entries.payloads[-1]))
    for cut in range(last_start, len(whole)):
        path.write_bytes(whole[:cut])
        storage = JournalStorage(path)
        try:
            assert dict(storage.table("producer")) == states[1], cut
            assert storage.torn_bytes_dropped == cut - last_start
            storage.commit([["put", "producer", "new", _producer(99)]])
        finally:
            storage.close()
        # the torn bytes were cut off, so the save made after them is readable
        storage = JournalStorage(path)
        try:
            assert dict(storage.table("producer")) == {**states[1], "new": _producer(99)}
        finally:
            storage.close()


def test_a_flipped_bit_in_the_last_entry_fails_its_checksum(tmp_path: Path) -> None:
    path = tmp_path / "records.journal"
    states = _saves(path, 2)
    damaged = bytearray(path.read_bytes())
    damaged[-3] ^= 0x01
    path.write_bytes(bytes(damaged))
    storage = JournalStorage(path)
    try:
        assert dict(storage.table("producer")) == states[0]
        # a whole entry that fails its checksum is an acknowledged save damaged, not a torn
        # append: it is reported, never cut silently
        assert storage.damage is not None and storage.damage.entries_lost == 1
    finally:
        storage.close()


def test_scan_refuses_an_absurd_length() -> None:
    good = jr.encode_entry(b'{"o":[]}')
    data = jr.MAGIC + good + b"\xff\xff\xff\xff\x00\x00\x00\x00garbage"
    found = jr.scan(data)
    assert found.payloads == [b'{"o":[]}']
    assert found.good_end == len(jr.MAGIC) + len(good)
    assert found.torn_bytes == 15


@pytest.mark.parametrize(
    ("content", "hint"),
    [(b'{"_default": {}}', "not a Tambon Field journal"), (jr.MAGIC + b"\x00\x00", "damaged")],
)
def test_a_file_that_is_not_a_journal_is_refused(tmp_path: Path, content: bytes, hint: str) -> None:
    path = tmp_path / "records.journal"
    path.write_bytes(content)
    with pytest.raises(StoreCorruptError, match=hint) as error:
        JournalStorage(path)
    assert "ไฟล์" in error.value.message_th
    # the lock was released: after fixing the file, it opens
    path.unlink()
    JournalStorage(path).close()


def test_compaction_keeps_the_file_bounded_and_the_data_whole(tmp_path: Path) -> None:
    path = tmp_path / "records.journal"
    storage = JournalStorage(path, compact_min_bytes=4096)
    try:
        for n in range(400):
            storage.commit([["put", "producer", str(n % 50), _producer(n)]])
        assert storage.compactions >= 3
        # 50 live documents: the file never holds much more than twice their snapshot
        snapshot = len(jr.encode_payload({"s": {"producer": dict(storage.table("producer"))}}))
        assert path.stat().st_size <= 2 * max(snapshot, 4096) + 512
        expected = dict(storage.table("producer"))
    finally:
        storage.close()
    assert not path.with_name(path.name + ".tmp").exists()
    storage = JournalStorage(path)
    try:
        assert dict(storage.table("producer")) == expected
        assert expected["7"] == _producer(357)
    finally:
        storage.close()


def test_a_leftover_temp_file_from_a_crashed_compaction_is_harmless(tmp_path: Path) -> None:
    path = tmp_path / "records.journal"
    states = _saves(path, 2)
    path.with_name(path.name + ".tmp").write_bytes(b"half a snapsh")
    storage = JournalStorage(path, compact_min_bytes=0)
    try:
        assert dict(storage.table("producer")) == states[-1]
        storage.commit([["put", "producer", "x", _producer(5)]])  # compacts over the leftover
        assert storage.compactions == 1
    finally:
        storage.close()


def test_bytes_written_per_save_do_not_grow_with_the_database(tmp_path: Path) -> None:
    storage = JournalStorage(tmp_path / "records.journal", compact_min_bytes=1 << 30)
    try:
        def cost_of_one_save(doc_id: str) -> int:
            before = storage.file_size
            storage.commit([["put", "producer", doc_id, _producer(7)]])
            return storage.file_size - before

        small = cost_of_one_save("a" * 32)
        storage.commit([["put", "producer", f"{n:032d}", _producer(n)] for n in range(5000)])
        large = cost_of_one_save("b" * 32)
        assert small == large
    finally:
        storage.close()


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    saves=st.lists(
        st.lists(st.tuples(st.sampled_from(["put", "del"]), st.integers(0, 5),
                           st.text(alphabet="กขค abc", max_size=8)), min_size=1, max_size=3),
        min_size=1, max_size=8,
    ),
    cut_fraction=st.floats(0, 1),
)
def test_a_cut_anywhere_leaves_exactly_the_saves_before_it(
    tmp_path: Path, saves: list[list[tuple[str, int, str]]], cut_fraction: float
) -> None:
    """Whatever byte the file ends at, reopening gives the state after some prefix of the
    saves: never a partial save, never a save out of order."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    path = folder / "records.journal"
    storage = JournalStorage(path, compact_min_bytes=1 << 30)
    states = [dict(storage.table("product"))]
    try:
        for save in saves:
            storage.commit([["put", "product", str(key), {"name_th": text}] if kind == "put"
                            else ["del", "product", str(key)] for kind, key, text in save])
            states.append(dict(storage.table("product")))
    finally:
        storage.close()
    whole = path.read_bytes()
    snapshot_end = len(jr.MAGIC) + len(jr.encode_entry(jr.scan(whole).payloads[0]))
    cut = snapshot_end + int((len(whole) - snapshot_end) * cut_fraction)
    path.write_bytes(whole[:cut])
    storage = JournalStorage(path)
    try:
        whole_entries = len(jr.scan(whole[:cut]).payloads) - 1
        assert dict(storage.table("product")) == states[whole_entries]
    finally:
        storage.close()


def test_saves_after_a_compaction_whose_directory_fsync_failed_are_not_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The snapshot was renamed over the journal, then fsync of the directory failed (EIO):
    the compaction failed quietly (the save itself was durable), but later saves must go to
    the file now at `path`, not to the old, unlinked one, which no reopen will ever read."""
    from fieldapp.store import files

    path = tmp_path / "records.journal"
    storage = JournalStorage(path, compact_min_bytes=0)
    real_fsync_dir = files.fsync_dir
    failures = iter([OSError(5, "Input/output error")])

    def flaky_fsync_dir(directory: Path) -> None:
        failure = next(failures, None)
        if failure is not None:
            raise failure
        real_fsync_dir(directory)

    try:
        monkeypatch.setattr(files, "fsync_dir", flaky_fsync_dir)
        storage.commit([["put", "producer", "1", _producer(1)]])  # compaction fails after rename
        storage.compact_min_bytes = 1 << 30
        storage.commit([["put", "producer", "2", _producer(2)]])
        storage.commit([["put", "producer", "3", _producer(3)]])
        expected = dict(storage.table("producer"))
    finally:
        storage.close()
    assert set(expected) == {"1", "2", "3"}
    storage = JournalStorage(path)
    try:
        assert dict(storage.table("producer")) == expected
    finally:
        storage.close()
