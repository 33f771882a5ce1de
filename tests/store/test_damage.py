"""Damage in the middle of the journal: only the damaged entries are lost, and never silently.

Issue 11 item 3: one flipped bit or a zeroed 4 KiB page in a journal of 2,000 acknowledged
saves used to drop every entry after it, truncate the file and say nothing; damage inside the
snapshot made the whole store unreadable.
"""

from __future__ import annotations

import os
import random
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.store import JournalStorage, StoreCorruptError, open_store
from fieldapp.store import journal as jr

from .conftest import DEVICE

PAGE = 4096


def _doc(n: int) -> dict[str, Any]:
    # sizes vary, so entries do not line up with pages
    return {"name_th": f"กลุ่มจักสานผักตบชวา หมู่ {n % 12 + 1}" + "ก่" * (n % 37), "n": n}


@dataclass(frozen=True)
class Written:
    """A journal made by the real storage, and which documents each of its entries holds."""

    data: bytes
    # per entry: (offset, end, {table: {id: doc}} it sets)
    entries: list[tuple[int, int, dict[str, dict[str, Any]]]]

    def __repr__(self) -> str:
        return f"Written({len(self.data)} bytes, {len(self.entries)} entries)"


def _write(folder: Path, snapshot_docs: int, saves: int) -> Written:
    """`snapshot_docs` documents compacted into the snapshot, then `saves` saves, each of a
    document with its own id (so every document belongs to exactly one entry)."""
    path = folder / "records.journal"
    storage = JournalStorage(path, compact_min_bytes=1 << 40)
    try:
        if snapshot_docs:
            storage.commit([["put", "producer", f"s{n}", _doc(n)] for n in range(snapshot_docs)])
            storage.compact()
        for n in range(saves):
            storage.commit([["put", "product", f"p{n}", _doc(n)],
                            ["put", "_meta", f"m{n}", {"v": n}]])
    finally:
        storage.close()
    data = path.read_bytes()
    entries = []
    for entry in jr.scan(data).entries:
        sets: dict[str, dict[str, Any]] = {}
        if "d" in entry.value:
            name, doc_id, doc = entry.value["d"]
            sets[name] = {doc_id: doc}
        for op in entry.value.get("o", []):
            sets.setdefault(op[1], {})[op[2]] = op[3]
        entries.append((entry.offset, entry.end, sets))
    return Written(data, entries)


@pytest.fixture(scope="module")
def small() -> Iterator[Written]:
    with tempfile.TemporaryDirectory() as folder:
        yield _write(Path(folder), snapshot_docs=40, saves=120)


@pytest.fixture(scope="module")
def big() -> Iterator[Written]:
    """The finding's journal: 2,000 acknowledged saves."""
    with tempfile.TemporaryDirectory() as folder:
        yield _write(Path(folder), snapshot_docs=0, saves=2000)


def _open_damaged(folder: Path, damaged: bytes) -> JournalStorage:
    path = folder / "records.journal"
    path.write_bytes(damaged)
    return JournalStorage(path)


def _check(written: Written, damaged: bytes, touched: range, folder: Path,
           *, torn: bool = False) -> None:
    """Open `damaged` (the journal with the bytes in `touched` damaged) and check the promise:
    every document of an entry outside `touched` is there and right; nothing else is; every
    entry lost is counted in the damage report (none is, for a torn tail)."""
    hit = [not (end <= touched.start or offset >= touched.stop)
           for offset, end, _ in written.entries]
    if all(hit):
        with pytest.raises(StoreCorruptError):
            _open_damaged(folder, damaged)
        return
    storage = _open_damaged(folder, damaged)
    try:
        tables = {name: dict(storage.table(name)) for name in storage.table_names()}
        report = storage.damage
    finally:
        storage.close()
    lost = 0
    for (_, _, sets), was_hit in zip(written.entries, hit, strict=True):
        # (the snapshot's header sets no document: it counts as lost when damaged)
        present = bool(sets) and all(tables.get(name, {}).get(i) == doc
                                     for name, docs in sets.items() for i, doc in docs.items())
        present = present or (not sets and not was_hit)
        assert present or was_hit, "an undamaged entry was lost"
        lost += not present
    expected = {(name, i): doc for _, _, sets in written.entries
                for name, docs in sets.items() for i, doc in docs.items()}
    for name, docs in tables.items():
        for i, doc in docs.items():
            assert expected.get((name, i)) == doc, "a document that was never saved appeared"
    if torn:
        assert report is None
        return
    if lost:
        assert report is not None, f"{lost} entries lost silently"
        if report.count_exact:
            assert report.entries_lost == lost
        else:
            assert 1 <= report.entries_lost <= lost
        assert f"{report.entries_lost:,}" in report.message_th
        assert f"{report.entries_lost:,}" in report.message_en
    if report is not None:
        assert report.kept_copy is not None
        assert (folder / report.kept_copy).read_bytes() == damaged
    # the file was rewritten: it opens again with the same content and no new report
    again = JournalStorage(folder / "records.journal")
    try:
        assert {n: dict(again.table(n)) for n in again.table_names() if again.table(n)} == {
            n: t for n, t in tables.items() if t}
        assert again.damage is None
    finally:
        again.close()


def _flip(data: bytes, position: int, bit: int) -> bytes:
    damaged = bytearray(data)
    damaged[position] ^= 1 << bit
    return bytes(damaged)


def _zero(data: bytes, start: int, length: int = PAGE) -> bytes:
    end = min(start + length, len(data))
    return data[:start] + bytes(end - start) + data[end:]


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(kind=st.sampled_from(["flip", "flip", "page", "span", "cut"]),
       where=st.floats(0, 1, exclude_max=True), bit=st.integers(0, 7),
       length=st.integers(1, 3 * PAGE))
def test_random_damage_never_loses_more_than_the_damaged_entries_and_never_silently(
    tmp_path: Path, small: Written, kind: str, where: float, bit: int, length: int
) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    data = small.data
    position = int(len(data) * where)
    if kind == "flip":
        _check(small, _flip(data, position, bit), range(position, position + 1), folder)
    elif kind == "page":  # a whole page of the file reads back as zeros
        start = position // PAGE * PAGE
        _check(small, _zero(data, start), range(start, min(start + PAGE, len(data))), folder)
    elif kind == "span":
        _check(small, _zero(data, position, length),
               range(position, min(position + length, len(data))), folder)
    else:  # cut anywhere, inside the file header too (then nothing is left to open)
        _check(small, data[:position], range(position, len(data)), folder, torn=True)


def test_one_flipped_bit_among_2000_saves_loses_exactly_that_save(
    tmp_path: Path, big: Written
) -> None:
    rng = random.Random(11)
    for _ in range(5):
        offset, end, _sets = big.entries[rng.randrange(1, len(big.entries) - 1)]
        position = rng.randrange(offset, end)
        folder = Path(tempfile.mkdtemp(dir=tmp_path))
        _check(big, _flip(big.data, position, rng.randrange(8)), range(position, position + 1),
               folder)
    # and the report says exactly one
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    middle = big.entries[1000]
    storage = _open_damaged(folder, _flip(big.data, middle[0] + 20, 3))
    try:
        assert storage.damage is not None
        assert (storage.damage.entries_lost, storage.damage.count_exact) == (1, True)
        assert len(storage.table("product")) == 1999
        assert "1 รายการ" in storage.damage.message_th
        assert "1 saved entry could not be read" in storage.damage.message_en
    finally:
        storage.close()


def test_a_zeroed_page_among_2000_saves_loses_only_the_entries_on_it(
    tmp_path: Path, big: Written
) -> None:
    for page in (3, len(big.data) // PAGE // 2, len(big.data) // PAGE - 1):
        folder = Path(tempfile.mkdtemp(dir=tmp_path))
        start = page * PAGE
        touched = range(start, min(start + PAGE, len(big.data)))
        _check(big, _zero(big.data, start), touched, folder)
        hit = sum(1 for o, e, _ in big.entries if not (e <= touched.start or o >= touched.stop))
        storage = JournalStorage(folder / "records.journal")
        try:
            assert len(storage.table("product")) == 2000 - hit
        finally:
            storage.close()
        assert hit < 40  # a page holds a few dozen saves, not the rest of the file


def test_damage_inside_the_snapshot_is_salvaged_document_by_document(
    tmp_path: Path, small: Written
) -> None:
    docs = [e for e in small.entries if "producer" in e[2]]
    assert len(docs) == 40
    offset, _end, _ = docs[17]
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    _check(small, _zero(small.data, offset + 10, 5), range(offset + 10, offset + 15), folder)
    storage = JournalStorage(folder / "records.journal")
    try:
        assert len(storage.table("producer")) == 39
        assert "s17" not in storage.table("producer")
        assert len(storage.table("product")) == 120
    finally:
        storage.close()


def test_damage_in_the_file_header_loses_nothing_and_is_reported(
    tmp_path: Path, small: Written
) -> None:
    storage = _open_damaged(tmp_path, _flip(small.data, 3, 0))
    try:
        assert storage.damage is not None and storage.damage.entries_lost == 0
        assert len(storage.table("product")) == 120
        assert "ข้อมูลทุกรายการยังอยู่ครบ" in storage.damage.message_th
        assert "every saved entry is intact" in storage.damage.message_en
    finally:
        storage.close()


def test_a_torn_tail_is_cut_silently_but_damage_at_the_end_is_reported(
    tmp_path: Path, small: Written
) -> None:
    offset, end, _ = small.entries[-1]
    # a kill mid-append: the last entry is short
    storage = _open_damaged(tmp_path, small.data[:end - 5])
    try:
        assert storage.damage is None and storage.torn_bytes_dropped == end - 5 - offset
    finally:
        storage.close()
    # the same entry whole but with a flipped bit: an acknowledged save was damaged
    storage = _open_damaged(tmp_path, _flip(small.data, end - 5, 1))
    try:
        assert storage.damage is not None and storage.damage.entries_lost == 1
        assert len(storage.table("product")) == 119
    finally:
        storage.close()
    # a flipped bit in the last entry's length that makes it run past the end: recovered
    storage = _open_damaged(tmp_path, _flip(small.data, offset + 1, 2))
    try:
        assert storage.damage is None and len(storage.table("product")) == 120
    finally:
        storage.close()


def test_the_damaged_file_is_kept_aside_and_never_overwritten(
    tmp_path: Path, small: Written
) -> None:
    first = _flip(small.data, small.entries[50][0] + 12, 0)
    second = _flip(small.data, small.entries[60][0] + 12, 0)
    for damaged in (first, second):
        _open_damaged(tmp_path, damaged).close()
    copies = sorted(p for p in os.listdir(tmp_path) if ".damaged-" in p)
    assert len(copies) == 2
    assert {(tmp_path / c).read_bytes() for c in copies} == {first, second}


def test_the_device_store_keeps_the_report_until_the_sync_client_sent_it(
    tmp_path: Path
) -> None:
    store = open_store(tmp_path / "s", DEVICE)
    made = [store.create("product", {"name_th": f"ข้าวเกรียบ {n}"})["id"] for n in range(30)]
    store.close()
    path = tmp_path / "s" / "records.journal"
    found = jr.scan(path.read_bytes())
    target = found.entries[-10]
    path.write_bytes(_zero(path.read_bytes(), target.offset + 9, 4))
    store = open_store(tmp_path / "s", DEVICE)
    try:
        assert store.damage_report is not None
        assert store.damage_report.entries_lost == 1
        assert sum(store.get("product", i) is not None for i in made) == 29
        reports = store.damage_reports()
        assert [r["report_id"] for r in reports] == [store.damage_report.report_id]
        assert reports[0]["sent"] is False and reports[0]["entries_lost"] == 1
        assert "อ่านรายการที่บันทึกไว้ไม่ได้ 1 รายการ" in reports[0]["message_th"]
    finally:
        store.close()
    store = open_store(tmp_path / "s", DEVICE)
    try:
        assert store.damage_report is None  # the file was rewritten
        assert len(store.damage_reports(unsent_only=True)) == 1
        store.mark_damage_sent([reports[0]["report_id"]])
        assert store.damage_reports(unsent_only=True) == []
        assert len(store.damage_reports()) == 1
    finally:
        store.close()
