"""Durable save latency of the device store against a durable SQLite insert, by database size.

    .venv/bin/python benchmarks/bench_store.py            # print the table
    .venv/bin/python benchmarks/bench_store.py --write    # also write docs/bench-store.md

For each size (records already in the store) it measures the median time of one durable
save, i.e. until the save is on disk (fsync returned):
- the device store (`store.create`, journal storage): the number that matters;
- a plain SQLite insert, synchronous=FULL, one transaction per insert (the baseline,
  measured in the same run on the same disk);
- for contrast: TinyDB's insert on the journal storage (TinyDB's own write path rebuilds
  the table per write), the atomic-rewrite storage and TinyDB's stock JSONStorage (these
  two rewrite the whole file, so they are only measured up to 5,000 records).
Targets: save at 20,000 <= 1.5x save at 50, and <= 10x the SQLite baseline at 20,000.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tinydb import TinyDB  # noqa: E402
from tinydb.storages import JSONStorage  # noqa: E402

from benchmarks._machine import cpu_model, require_readme_environment, uname_a  # noqa: E402
from fieldapp.store import (  # noqa: E402
    AtomicJSONStorage,
    DeviceStore,
    JournalStorage,
    open_store,
)
from recordsync.hlc import Timestamp  # noqa: E402

SIZES = (50, 500, 5_000, 20_000)
WHOLE_FILE_SIZES = (50, 500, 5_000)


def _product(n: int) -> dict:
    return {
        "producer_id": f"{n % 150:032x}",
        "name_th": f"น้ำพริกเผาสูตรโบราณ กลุ่มแม่บ้านบางขนาก {n}",
        "category": "food",
        "price_thb": 35 + n % 50,
        "unit": "กระปุก",
        "sales_channels": ["local_shop", "otop_fair"],
        "packaging": {"material": "แก้ว", "has_label": True, "needs_redesign": False},
        "story": "สูตรของยายที่ทำขายในตลาดน้ำมากว่าสามสิบปี",
    }


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _time_each(count: int, save: Callable[[int], object]) -> list[float]:
    samples = []
    for n in range(count):
        started = time.perf_counter()
        save(n)
        samples.append(time.perf_counter() - started)
    return samples


def open_device_store(folder: Path, size: int) -> DeviceStore:
    """A device store holding `size` products, filled the way a first pull fills it."""
    store = open_store(folder / f"device-{size}", "bench_phone")
    clock = Timestamp(1_700_000_000_000, 0, "server").encode()
    for start in range(0, size, 2_000):
        store.apply_remote([
            {"record_type": "product", "id": f"{n:032x}", "data": _product(n),
             "clocks": dict.fromkeys(_product(n), clock)}
            for n in range(start, min(size, start + 2_000))
        ])
    return store


def open_sqlite(folder: Path, size: int, wal: bool = False) -> sqlite3.Connection:
    db = sqlite3.connect(folder / f"baseline-{size}-{wal}.sqlite", isolation_level=None)
    if wal:
        db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE product (id TEXT PRIMARY KEY, data TEXT NOT NULL)")
    db.execute("BEGIN")
    db.executemany("INSERT INTO product VALUES (?, ?)",
                   ((f"{n:032x}", json.dumps(_product(n))) for n in range(size)))
    db.execute("COMMIT")
    return db


def sqlite_insert(db: sqlite3.Connection, key: int) -> None:
    db.execute("BEGIN")
    db.execute("INSERT INTO product VALUES (?, ?)", (f"{key:032x}", json.dumps(_product(key))))
    db.execute("COMMIT")


def bench_interleaved(folder: Path, saves: int) -> dict[int, dict[str, float]]:
    """Median save ms of the device store and of SQLite at every size, measured in rounds
    (one save of each per size per round) so that every figure sees the same machine load."""
    stores = {size: open_device_store(folder, size) for size in SIZES}
    baselines = {size: open_sqlite(folder, size) for size in SIZES}
    wal_baselines = {size: open_sqlite(folder, size, wal=True) for size in SIZES}
    device: dict[int, list[float]] = {size: [] for size in SIZES}
    sqlite: dict[int, list[float]] = {size: [] for size in SIZES}
    sqlite_wal: dict[int, list[float]] = {size: [] for size in SIZES}
    try:
        for n in range(saves):
            for size in SIZES:
                started = time.perf_counter()
                stores[size].create("product", _product(size + n))
                device[size].append(time.perf_counter() - started)
                started = time.perf_counter()
                sqlite_insert(baselines[size], size + n)
                sqlite[size].append(time.perf_counter() - started)
                started = time.perf_counter()
                sqlite_insert(wal_baselines[size], size + n)
                sqlite_wal[size].append(time.perf_counter() - started)
        results = {}
        for size in SIZES:
            storage = stores[size]._storage
            assert isinstance(storage, JournalStorage)
            started = time.perf_counter()
            storage.compact()
            samples = sorted(device[size])
            results[size] = {
                "device": _median_ms(samples),
                "device_p95": samples[int(len(samples) * 0.95)] * 1000,
                "sqlite": _median_ms(sqlite[size]),
                "sqlite_wal": _median_ms(sqlite_wal[size]),
                "compaction": (time.perf_counter() - started) * 1000,
            }
        return results
    finally:
        for store in stores.values():
            store.close()
        for db in [*baselines.values(), *wal_baselines.values()]:
            db.close()


def bench_tinydb(folder: Path, name: str, storage: type, size: int, saves: int) -> float:
    db = TinyDB(folder / f"{name}-{size}.db", storage=storage)
    try:
        db.insert_multiple(_product(n) for n in range(size))
        return _median_ms(_time_each(saves, lambda n: db.insert(_product(size + n))))
    finally:
        db.close()


def _machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"`{uname_a()}`; {os.cpu_count()} CPUs (`nproc`); CPU: {cpu_model()}; "
            f"load average {load}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=100, help="timed saves per size")
    parser.add_argument("--write", action="store_true", help="write docs/bench-store.md")
    args = parser.parse_args()
    require_readme_environment()
    rows = []
    with tempfile.TemporaryDirectory(dir=ROOT / "benchmarks") as tmp:
        folder = Path(tmp)
        measured = bench_interleaved(folder, args.saves)
        for size in SIZES:
            few = max(10, args.saves // 10)
            whole = size in WHOLE_FILE_SIZES
            row = {
                "size": size,
                **measured[size],
                "tinydb_journal": bench_tinydb(folder, "tj", JournalStorage, size, few),
                "atomic": bench_tinydb(folder, "atomic", AtomicJSONStorage, size, few)
                if whole else None,
                "stock": bench_tinydb(folder, "stock", JSONStorage, size, few) if whole else None,
            }
            rows.append(row)
            print(_row_text(row), flush=True)
    report = _report(rows, args.saves)
    print(report)
    if args.write:
        (ROOT / "docs" / "bench-store.md").write_text(report, encoding="utf-8")


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _row_text(row: dict) -> str:
    return (f"| {row['size']:,} | {_fmt(row['device'])} | {_fmt(row['device_p95'])} | "
            f"{_fmt(row['sqlite'])} | {_fmt(row['sqlite_wal'])} | "
            f"{row['device'] / min(row['sqlite'], row['sqlite_wal']):.2f}× | "
            f"{_fmt(row['tinydb_journal'])} | {_fmt(row['atomic'])} | {_fmt(row['stock'])} | "
            f"{row['compaction']:.0f} |")


def _report(rows: list[dict], saves: int) -> str:
    first, last = rows[0], rows[-1]
    growth = last["device"] / first["device"]
    vs_sqlite = last["device"] / min(last["sqlite"], last["sqlite_wal"])
    verdict = [
        f"- save at {last['size']:,} / save at {first['size']:,}: **{growth:.2f}×** "
        f"(target ≤ 1.5×): {'met' if growth <= 1.5 else 'MISSED'}",
        f"- save at {last['size']:,} / the faster SQLite insert at {last['size']:,}: "
        f"**{vs_sqlite:.2f}×** "
        f"(target ≤ 10×): {'met' if vs_sqlite <= 10 else 'MISSED'}",
    ]
    header = (
        "| records | device store save, median ms | p95 ms | SQLite insert, FULL, rollback "
        "journal | SQLite insert, FULL, WAL | device / faster SQLite "
        "| TinyDB insert on JournalStorage | TinyDB on AtomicJSONStorage "
        "| TinyDB stock JSONStorage | one compaction, ms |\n"
        "|---|---|---|---|---|---|---|---|---|---|"
    )
    return "\n".join([
        "# Benchmark: durable save latency of the device store",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `benchmarks/bench_store.py` "
        f"({saves} timed saves per size, taken in rounds across all sizes and the baseline so",
        "that each figure sees the same machine load; 1/10 of that for the TinyDB columns).",
        f"Machine: {_machine()}. The machine was shared with other engineers' test runs, so "
        "absolute figures are noisy; every ratio compares figures from the same run.",
        "",
        "A save is durable when it returns: the journal entry is fsynced. The SQLite baseline:",
        "one transaction per insert with `synchronous=FULL`, both in the default rollback-journal",
        "mode (several fsyncs per commit) and in WAL mode (one fsync per commit); the ratio and",
        "the target use the faster of the two.",
        "",
        header,
        *(_row_text(row) for row in rows),
        "",
        "## Targets",
        *verdict,
        "",
        "## Reading the table",
        "- The device store's save writes one small journal entry (record + outbox change + clock",
        "  reading) and fsyncs it, so its cost does not depend on how many records there are.",
        "- TinyDB's own `insert` on the journal storage still costs O(database) in CPU: TinyDB",
        "  hands the storage the whole database on every write and the storage diffs it (only the",
        "  changed documents reach the disk). The device store bypasses that path.",
        "- The atomic-rewrite and stock storages rewrite the whole file per save: O(database).",
        "- Compaction (snapshot to a temp file, fsync, rename) costs O(database); it runs when the",
        "  journal outgrows the snapshot, i.e. once per roughly as many saves as the database has",
        "  records, so it adds a constant per save on average and shows only as a rare spike.",
        "",
    ])


if __name__ == "__main__":
    main()
