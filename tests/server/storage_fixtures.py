"""One storage test suite, two databases: `engine` is a migrated engine on SQLite (a temp
file) or on a throwaway PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from sync_server.db.engine import make_engine, migrate
from tests.support.pg import throwaway_database

DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'district.sqlite3'}"


@pytest.fixture(params=DATABASES)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an EMPTY database of each kind."""
    if request.param == "sqlite":
        engine = make_engine(_sqlite_url(tmp_path))
        yield engine
        engine.dispose()
        return
    with throwaway_database() as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    migrate(empty_engine)
    return empty_engine
