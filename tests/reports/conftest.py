"""One seeded real server per database kind for the reports tests (session scope: starting
a server and seeding takes a second or two; the tests only read, or write what they own)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from sync_server.db.tables import records
from tests.support.pg import create_database, drop_database, require_pg_admin_url
from tests.support.server import Actor, ServerProcess, create_actors, start_server

from .seed import seed
from .thai_data import Dataset, make_dataset


@dataclass
class Seeded:
    server: ServerProcess
    actors: dict[str, Actor]
    ds: Dataset

    @property
    def url(self) -> str:
        return self.server.base_url

    def records(self, record_type: str) -> dict[str, dict[str, Any]]:
        """Live records of a type straight from the database: id -> data."""
        with self.server.engine.connect() as conn:
            rows = conn.execute(sa.select(records.c.id, records.c.data).where(
                records.c.record_type == record_type, records.c.deleted.is_(False)))
            return {r.id: dict(r.data) for r in rows}


@pytest.fixture(scope="session", params=[
    "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def seeded(request: pytest.FixtureRequest) -> Iterator[Seeded]:
    database_url = None
    admin_url = None
    if request.param == "postgresql":
        admin_url = require_pg_admin_url()
        database_url = create_database(admin_url, "tambon_reports")
    with tempfile.TemporaryDirectory(prefix="tambon-reports-") as tmp:
        server = start_server(Path(tmp), database_url=database_url)
        try:
            actors = create_actors(server.engine)
            ds = make_dataset(36)
            seed(server.engine, ds, Path(tmp) / "photos")
            yield Seeded(server, actors, ds)
        finally:
            server.stop()
            if admin_url and database_url:
                drop_database(admin_url, database_url)
