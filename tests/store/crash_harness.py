"""Kill a writing process at random moments and check what survives.

Used by test_crash.py, and by hand to measure TinyDB's stock JSONStorage (which fails):

    .venv/bin/python -m tests.store.crash_harness stock 150
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tinydb import TinyDB
from tinydb.storages import JSONStorage

from fieldapp.store import AtomicJSONStorage, JournalStorage, open_store

from . import crash_writer


@dataclass
class CrashReport:
    kind: str
    kills: int = 0
    acknowledged: int = 0
    # kills that came after the writer had acknowledged at least one save
    kills_while_writing: int = 0
    # the file did not open at all
    unreadable: int = 0
    # kills after which an acknowledged save was missing or wrong
    lost: int = 0
    # reopenings that found (and cut off) a torn last entry: the kill hit a write
    torn_tails: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.unreadable == 0 and self.lost == 0

    def summary(self) -> str:
        return (f"{self.kind}: {self.kills} kills ({self.kills_while_writing} after saves began), "
                f"{self.acknowledged} acknowledged saves, "
                f"{self.unreadable} unreadable files, {self.lost} kills lost acknowledged saves, "
                f"{self.torn_tails} torn tails cut off on reopening")


def _kill_one(kind: str, path: Path, rng: random.Random) -> list[tuple[str, int]]:
    """Fork a writer, kill it 5-60 ms after it is ready; return the saves it acknowledged.

    A fork (not a fresh interpreter) so that 200 kills take seconds, not minutes: the child
    is a real process with its own file descriptors, killed by the kernel mid-whatever."""
    read_fd, write_fd = os.pipe()
    seed = rng.randrange(2**32)
    pid = os.fork()
    if pid == 0:  # the child: write until killed
        os.close(read_fd)
        try:
            crash_writer.run(kind, path, seed, lambda line: _emit(write_fd, line))
        finally:
            os._exit(1)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        ready = pipe.readline()
        if ready != b"ready\n":
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise RuntimeError(f"writer did not start: {ready!r}")
        time.sleep(rng.uniform(0.005, 0.060))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        out = pipe.read()
    acked = []
    for line in out.split(b"\n")[:-1]:  # the last piece may be cut by the kill
        key, seq = line.decode().split()
        acked.append((key, int(seq)))
    return acked


def _emit(fd: int, line: str) -> None:
    os.write(fd, f"{line}\n".encode())  # one write per line: a kill cannot split it


def _torn(storage: object) -> bool:
    return bool(getattr(storage, "torn_bytes_dropped", 0))


def _check(kind: str, path: Path, acked: list[tuple[str, int]]) -> tuple[str | None, bool]:
    """(None, torn) when the store opens and holds every acknowledged save, else (what is
    wrong, torn); torn: the reopening cut off a torn last entry."""
    if kind == "device":
        store = open_store(path, "crash_writer")
        torn = _torn(store._storage)
        try:
            if store.damage_report is not None:
                # a kill only ever tears the last append: never report it as damage
                return f"a kill was reported as damage: {store.damage_report}", torn
            pending = {c.record_id for c in store.pending_changes(limit=10**9)}
            for record_id, seq in acked:
                record = store.get("producer", record_id)
                if record is None or record["seq"] != seq:
                    return f"lost save {seq} ({record_id})", torn
                if record_id not in pending:
                    return f"save {seq} is stored but its outbox change is missing", torn
        finally:
            store.close()
        return None, torn
    storages = {"journal": JournalStorage, "atomic": AtomicJSONStorage, "stock": JSONStorage}
    db = TinyDB(path, storage=storages[kind])
    torn = _torn(db.storage)
    try:
        for doc_id, seq in acked:
            doc = db.get(doc_id=int(doc_id))
            if doc is None or doc["seq"] != seq:
                return f"lost save {seq} (doc {doc_id})", torn
    finally:
        db.close()
    return None, torn


def run(kind: str, kills: int, folder: Path, seed: int = 2403, fresh_every: int = 50
        ) -> CrashReport:
    """`kills` kills of a writer of `kind`; the store is started afresh every `fresh_every`."""
    rng = random.Random(seed)
    report = CrashReport(kind)
    path = folder / "store"
    for n in range(kills):
        if n % fresh_every == 0:
            path = folder / f"store-{n}"
            if kind != "device":
                path = path.with_suffix(".db")
        acked = _kill_one(kind, path, rng)
        report.kills += 1
        report.acknowledged += len(acked)
        report.kills_while_writing += bool(acked)
        try:
            problem, torn = _check(kind, path, acked)
        except Exception as error:  # the file does not open: the failure being measured
            report.unreadable += 1
            report.failures.append(f"kill {n}: {type(error).__name__}: {error}"[:300])
            # start again, as a user would have to
            path = folder / f"store-{n}-restart"
            if kind != "device":
                path = path.with_suffix(".db")
            continue
        report.torn_tails += torn
        if problem is not None:
            report.lost += 1
            report.failures.append(f"kill {n}: {problem}")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=["device", "journal", "atomic", "stock"])
    parser.add_argument("kills", type=int)
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        report = run(args.kind, args.kills, Path(folder))
    print(report.summary(), f"in {time.perf_counter() - started:.0f} s")
    for failure in report.failures[:5]:
        print(" ", failure)


if __name__ == "__main__":
    main()
