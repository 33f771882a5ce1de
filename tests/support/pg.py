"""Throwaway PostgreSQL databases for tests.

`scripts/test` starts PostgreSQL and exports `TAMBON_PG_ADMIN_URL`, a maintenance URL (database
`postgres`). Tests create their own database through it and drop it afterwards, so runs never
see each other's data.

Use:
    from tests.support.pg import require_pg_admin_url, throwaway_database

    def test_x():
        with throwaway_database() as url:      # a fresh empty database; dropped after
            engine = make_engine(url)

    # or the pytest fixture (import it into your conftest.py or test module):
    from tests.support.pg import pg_database_url    # noqa: F401  (function scope)

Without `TAMBON_PG_ADMIN_URL`, `require_pg_admin_url()` skips the test locally and FAILS it
when `CI=true`, so CI always runs the PostgreSQL half. Mark such tests `@pytest.mark.postgres`.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

__all__ = [
    "create_database",
    "drop_database",
    "pg_database_url",
    "require_pg_admin_url",
    "throwaway_database",
]


def require_pg_admin_url() -> str:
    """The maintenance URL, or skip (locally) / fail (CI=true) when it is missing."""
    url = os.environ.get("TAMBON_PG_ADMIN_URL")
    if url:
        return url
    message = ("TAMBON_PG_ADMIN_URL is not set: run through scripts/test, or "
               "`source scripts/lib.sh && start_postgres` first")
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def _admin_engine(admin_url: str) -> sa.Engine:
    # CREATE/DROP DATABASE cannot run inside a transaction.
    return sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)


def create_database(admin_url: str, prefix: str = "tambon_test",
                    template: str | None = None) -> str:
    """Create an empty database (or a copy of the `template` database URL, which must have
    no open connections: a fast way to get an already-migrated database); returns its
    SQLAlchemy URL (same server and user)."""
    name = f"{prefix}_{secrets.token_hex(6)}"
    clause = f' TEMPLATE "{make_url(template).database}"' if template else ""
    engine = _admin_engine(admin_url)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"{clause}')
    finally:
        engine.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, database_url: str) -> None:
    """Drop a database made by `create_database`, closing its remaining connections."""
    name = make_url(database_url).database
    engine = _admin_engine(admin_url)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        engine.dispose()


@contextmanager
def throwaway_database(prefix: str = "tambon_test") -> Iterator[str]:
    """A fresh empty PostgreSQL database for the block (skips/fails without the admin URL)."""
    admin_url = require_pg_admin_url()
    url = create_database(admin_url, prefix)
    try:
        yield url
    finally:
        drop_database(admin_url, url)


@pytest.fixture
def pg_database_url() -> Iterator[str]:
    """A fresh empty PostgreSQL database URL for one test."""
    with throwaway_database() as url:
        yield url
