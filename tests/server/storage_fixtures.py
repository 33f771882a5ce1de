"""One storage test suite, two databases: `engine` is a migrated engine on SQLite (a temp
file) or on a throwaway PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from sync_server.db.engine import make_engine, migrate
from tests.support.pg import (
    create_database,
    drop_database,
    require_pg_admin_url,
    throwaway_database,
)
from tests.support.server import EACH_DATABASE


def _sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'district.sqlite3'}"


@pytest.fixture(params=EACH_DATABASE)
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


@pytest.fixture(scope="session")
def pg_migrated_template() -> Iterator[str]:
    """A migrated PostgreSQL database used as a template: copies take ~0.1 s."""
    admin_url = require_pg_admin_url()
    url = create_database(admin_url, "tambon_template")
    engine = make_engine(url)
    try:
        migrate(engine)
    finally:
        engine.dispose()
    yield url
    drop_database(admin_url, url)


@pytest.fixture(params=EACH_DATABASE)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated engine of each kind."""
    if request.param == "sqlite":
        engine = make_engine(_sqlite_url(tmp_path))
        migrate(engine)
        yield engine
        engine.dispose()
        return
    template = request.getfixturevalue("pg_migrated_template")
    admin_url = require_pg_admin_url()
    url = create_database(admin_url, template=template)
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        drop_database(admin_url, url)
