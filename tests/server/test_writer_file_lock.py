"""`WriterFileLock`: district writers of several processes on one SQLite file take turns.

Two lock instances stand for two server processes (each opens its own file description,
as each process does): while one holds the lock, the other waits, and it gets the lock
when the first lets go. On PostgreSQL the lock does nothing (the counter row lock
orders writers there).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sync_server.db.engine import WriterFileLock, make_engine


def test_a_second_writer_waits_for_the_first(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'district.sqlite3'}")
    first, second = WriterFileLock(engine), WriterFileLock(engine)
    assert (tmp_path / "district.sqlite3-writer.lock").exists()
    events: list[tuple[str, float]] = []
    entered = threading.Event()

    def other() -> None:
        entered.wait()
        with second:
            events.append(("second in", time.monotonic()))

    thread = threading.Thread(target=other)
    thread.start()
    with first:
        entered.set()
        time.sleep(0.3)
        events.append(("first out", time.monotonic()))
    thread.join(timeout=10)
    assert [name for name, _t in events] == ["first out", "second in"]
    first.close()
    second.close()
    engine.dispose()


def test_no_file_lock_for_an_in_memory_database() -> None:
    engine = make_engine("sqlite://")
    lock = WriterFileLock(engine)
    with lock, lock:  # nothing to wait for: re-entering does not block
        pass
    engine.dispose()
