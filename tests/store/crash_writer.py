"""A writer that saves as fast as it can and reports each save's id once the save returned
(i.e. after fsync). The crash harness runs it in a child process and kills that with SIGKILL
at a random moment.

KIND: device (the device store on the journal), journal / atomic (TinyDB on that storage),
stock (TinyDB's own JSONStorage, to show the problem this package solves).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from tinydb import TinyDB
from tinydb.storages import JSONStorage

from fieldapp.store import AtomicJSONStorage, JournalStorage, open_store

# Small, so that kills also land in the middle of compactions.
COMPACT_BYTES = 8192
NOTES = ["สั้น", "หมายเหตุยาว " * 40, "", "โทรนัดก่อนเข้าพื้นที่ทุกครั้ง"]


def _journal(path: Path) -> JournalStorage:
    return JournalStorage(path, compact_min_bytes=COMPACT_BYTES)


Emit = Callable[[str], None]


def run_device(path: Path, rng: random.Random, emit: Emit) -> None:
    with open_store(path, "crash_writer", storage=_journal) as store:
        emit("ready")
        made: list[str] = []
        for n in range(1_000_000):
            record = store.create("producer", {"name_th": f"กลุ่มผู้ผลิตที่ {n}", "seq": n})
            made.append(record["id"])
            emit(f"{record['id']} {n}")
            store.update("producer", rng.choice(made), {"notes": rng.choice(NOTES)})


def run_tinydb(kind: str, path: Path, rng: random.Random, emit: Emit) -> None:
    storages = {"journal": _journal, "atomic": AtomicJSONStorage, "stock": JSONStorage}
    db = TinyDB(path, storage=storages[kind])
    start = len(db) + 1
    emit("ready")
    for n in range(start, 1_000_000):
        doc_id = db.insert({"seq": n, "name_th": f"ผลิตภัณฑ์ที่ {n}"})
        emit(f"{doc_id} {n}")
        # edits that shrink and grow the file: what tears a file rewritten in place
        db.update({"notes": rng.choice(NOTES)}, doc_ids=[rng.randint(1, doc_id)])


def run(kind: str, path: Path, seed: int, emit: Emit) -> None:
    rng = random.Random(seed)
    if kind == "device":
        run_device(path, rng, emit)
    else:
        run_tinydb(kind, path, rng, emit)
