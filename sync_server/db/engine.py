"""Database engines for SQLite and PostgreSQL, and the migration entry point.

SQLite choices, per connection:
- `page_size=8192` for a new database file (an existing file keeps its own). A `records`
  row is ~2.1 KB (data, clocks, the Thai sort key and search text) and a `change_log` row
  ~1.8 KB, so a 4 KB page held one or two of them and was half empty: every record
  written cost ~12 KB of WAL. With 8 KB pages the README's server took 6-14 % more
  records/s from 50-200 phones in the full benchmark (+31 % in alternating single runs at
  50 phones), and a 200-record pull page reads 27 % faster (docs/bench-sync.md, round 4).
  `repage` (`python -m sync_server repage`) converts an older file.
- `journal_mode=WAL`: readers never block the writer and vice versa, and several worker
  processes can share the file.
- `synchronous=FULL`: in WAL mode NORMAL is consistent but may lose the last transactions on
  power loss. A phone is told "saved" when we commit; a district office's PC on a flaky power
  grid is exactly where that matters, and the cost (one fsync of the WAL per commit) is small
  at district write rates.
- `foreign_keys=ON` (off by default in SQLite) and `busy_timeout` so a worker waits for another
  worker's write instead of failing.
- Every transaction starts with `BEGIN IMMEDIATE`: it takes the write lock up front. With the
  default deferred BEGIN, a transaction that reads and then writes fails at once with
  SQLITE_BUSY when another process wrote in between (the busy timeout does not help there).
  Readers in WAL mode still run in parallel with the one writer. Pure reads that want no
  write lock use `read_only(engine)`.
- Within one process, write transactions queue on a threading lock before `BEGIN IMMEDIATE`.
  SQLite's busy handler polls with sleeps and is not fair: with 25 requests of one worker
  all polling for the write lock, some starved past the 30 s busy timeout and failed with
  "database is locked" (50 phones pushing at once). Queued in-process, only one thread per
  worker polls SQLite, so waiting is in arrival order and bounded by the real work.

PostgreSQL: READ COMMITTED (the default); the feed counter row lock orders writers.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import threading
import weakref
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from sync_server.errors import BilingualError

__all__ = ["PAGE_SIZE", "RepageError", "WriterFileLock", "database_kind", "json_text",
           "make_engine", "migrate", "read_only", "repage"]

_BUSY_TIMEOUT_MS = 30_000
PAGE_SIZE = 8192  # bytes per page of a new SQLite database file (see above)


def json_text(value: Any) -> str:
    """The engine's JSON serializer: how every JSON column (and every sync answer) is
    encoded. Compact UTF-8: Thai text stays readable and takes a third of the bytes."""
    try:
        # orjson is 4-5x faster than the standard encoder, and the sync hot path encodes
        # every change three times (data, clocks, change log).
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except (orjson.JSONEncodeError, UnicodeDecodeError):
        # What orjson refuses and the standard library writes (integers past 64 bits, lone
        # surrogates): exactly the text this column held before orjson. (A NaN float is
        # the one difference: orjson writes null where the standard library wrote the
        # invalid JSON token NaN. Pushes refuse NaN before they get here.)
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url` with this project's connection settings."""
    if url.startswith("sqlite"):
        if ":memory:" not in url and url.rstrip("/") != "sqlite:":
            # Connections to a file are cheap: enough for every thread of the worker's pool
            # (40) plus the district writers, so a read (a pull) never waits for one.
            kwargs.setdefault("pool_size", 20)
            kwargs.setdefault("max_overflow", 40)
        engine = sa.create_engine(
            url,
            json_serializer=json_text,
            connect_args={"timeout": _BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            **kwargs,
        )
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 5)
    kwargs.setdefault("max_overflow", 10)
    return sa.create_engine(url, json_serializer=json_text, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    writer_lock = threading.Lock()  # one per engine, i.e. per worker process and database

    # Which pooled connection holds the lock is kept in the pool's per-connection `info`.
    def release(info: dict[Any, Any]) -> None:
        if info.pop("tambon_holds_writer_lock", False):
            writer_lock.release()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # Before anything writes the file's header: no effect on an existing file.
        cursor.execute(f"PRAGMA page_size={PAGE_SIZE}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        if conn.get_execution_options().get("tambon_read_only", False):
            conn.exec_driver_sql("BEGIN")
            return
        info = conn.connection.info
        # A thread that opens a second write transaction while its first is open would wait
        # for itself: time out like SQLite's own busy timeout instead of hanging.
        if not writer_lock.acquire(timeout=_BUSY_TIMEOUT_MS / 1000):
            raise sqlite3.OperationalError("database is locked (waited for this process's writer)")
        info["tambon_holds_writer_lock"] = True
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            release(info)
            raise

    # Released as the transaction ends (just before SQLite's COMMIT/ROLLBACK runs: the next
    # thread's BEGIN IMMEDIATE then waits those few milliseconds in SQLite's busy handler).
    @event.listens_for(engine, "commit")
    def _on_commit(conn: sa.Connection) -> None:
        release(conn.connection.info)

    @event.listens_for(engine, "rollback")
    def _on_rollback(conn: sa.Connection) -> None:
        release(conn.connection.info)

    # Safety net: a connection going back to the pool never keeps the lock.
    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            release(record.info)


class WriterFileLock:
    """A lock shared by the district writers of every server process on one SQLite file
    (`flock` on `<database>-writer.lock`), held from before BEGIN IMMEDIATE until after
    COMMIT returned.

    With several worker processes, SQLite's own busy handler would make a writer poll with
    sleeps of up to 100 ms while another process commits (and is not fair). A writer
    blocked in `flock` is woken by the kernel the moment the other one lets go. Each
    instance opens its own file description, so two writers in one process exclude each
    other too. On PostgreSQL (or an in-memory SQLite) it does nothing: the district's
    counter row lock orders writers there.
    """

    def __init__(self, engine: Engine) -> None:
        self._fd: int | None = None
        path = engine.url.database if engine.dialect.name == "sqlite" else None
        if path and path != ":memory:" and not path.startswith("file:"):
            self._fd = os.open(f"{path}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)

    def __enter__(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_EX)  # releases the GIL while it waits

    def __exit__(self, *_exc: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def read_only(engine: Engine) -> Engine:
    """The same engine (same pool) for transactions that only read: on SQLite they start with
    a deferred BEGIN and so never wait for the write lock. Made once per engine (building an
    option engine took 7 % of a pull's CPU)."""
    derived = _READ_ONLY.get(engine)
    if derived is None:
        derived = engine.execution_options(tambon_read_only=True)
        _READ_ONLY[engine] = derived
    return derived


_READ_ONLY: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


class RepageError(BilingualError):
    """`repage` could not run; the file is as it was."""


def repage(engine: Engine) -> tuple[int, int]:
    """Rewrite an SQLite database file with `PAGE_SIZE` pages (a file made before 8 KB
    pages keeps its own otherwise); returns (pages before, pages after) in bytes.

    Needs the file to itself (the server stopped) and free disk as large as the file.
    VACUUM is one transaction: if it fails (disk full), the file keeps its old pages. The
    file is back in WAL mode in every case. Raises `RepageError` otherwise.
    """
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:":
        raise RepageError("Only an SQLite database file can be repaged (PostgreSQL chooses "
                          "its own page size).",
                          "ใช้ได้กับไฟล์ฐานข้อมูล SQLite เท่านั้น (PostgreSQL กำหนดขนาดหน้าเอง)")
    if not os.path.exists(path):
        raise RepageError(f"There is no database file at {path}.",
                          f"ไม่พบไฟล์ฐานข้อมูลที่ {path}")
    engine.dispose()  # none of this process's pooled connections may hold the file
    conn = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        before = int(conn.execute("PRAGMA page_size").fetchone()[0])
        if before == PAGE_SIZE:
            return before, before
        try:
            # Leaving WAL needs the only connection: fails at once while a server runs.
            conn.execute("PRAGMA journal_mode=DELETE").fetchall()
        except sqlite3.OperationalError as exc:
            raise RepageError(f"The database is in use ({exc}): stop the server first.",
                              "ฐานข้อมูลกำลังถูกใช้งานอยู่ กรุณาหยุดเซิร์ฟเวอร์ก่อน") from exc
        try:
            conn.execute(f"PRAGMA page_size={PAGE_SIZE}").fetchall()
            conn.execute("VACUUM").fetchall()
        except sqlite3.OperationalError as exc:
            raise RepageError(f"The database could not be rewritten ({exc}); it keeps its "
                              "old pages. Free as much disk as the file takes and try again.",
                              "เขียนฐานข้อมูลใหม่ไม่สำเร็จ ข้อมูลยังอยู่ครบเหมือนเดิม "
                              "กรุณาเพิ่มพื้นที่ว่างในดิสก์ให้เท่ากับขนาดไฟล์แล้วลองใหม่") from exc
        finally:
            conn.execute("PRAGMA journal_mode=WAL").fetchall()
        return before, int(conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        conn.close()


def database_kind(engine: Engine) -> str:
    return "postgresql" if engine.dialect.name == "postgresql" else "sqlite"


def migrate(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the database to `revision` with Alembic (idempotent)."""
    from alembic import command

    from sync_server.migrations import alembic_config

    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
