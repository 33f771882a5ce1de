"""The SQLite settings the docs promise (sync_server/db/engine.py), read back from real
database files: WAL, synchronous=FULL (an acknowledged push survives a power cut),
foreign keys, and 8 KB pages for a new file; an existing file with other pages keeps
them and works as before."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa

from sync_server.accounts import create_district
from sync_server.db.engine import make_engine, migrate
from sync_server.db.tables import districts


def _pragmas(engine: sa.Engine) -> dict[str, object]:
    with engine.connect() as conn:
        return {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("page_size", "journal_mode", "synchronous", "foreign_keys")}


def test_a_new_database_file(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    try:
        migrate(engine)
        assert _pragmas(engine) == {"page_size": 8192, "journal_mode": "wal",
                                    "synchronous": 2, "foreign_keys": 1}  # 2: FULL
    finally:
        engine.dispose()
    with sqlite3.connect(tmp_path / "new.sqlite3") as raw:  # the file itself, not a setting
        assert raw.execute("PRAGMA page_size").fetchone() == (8192,)


def test_an_existing_file_keeps_its_pages(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as raw:  # as every database was made before 8 KB pages
        raw.execute("PRAGMA page_size=4096")
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("CREATE TABLE before_us (x)")
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate(engine)
        with engine.begin() as conn:
            create_district(conn, "2403")
        with engine.connect() as conn:
            assert conn.execute(sa.select(districts.c.code)).scalars().all() == ["2403"]
        assert _pragmas(engine) == {"page_size": 4096, "journal_mode": "wal",
                                    "synchronous": 2, "foreign_keys": 1}
    finally:
        engine.dispose()
