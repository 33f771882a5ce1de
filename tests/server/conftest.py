"""Fixtures of the server tests: one real server (SQLite) per module with a two-district
world, and migrated engines on both databases for the storage suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.server.storage_fixtures import empty_engine, engine, pg_migrated_template
from tests.server.world import World, build_world
from tests.support.pg import pg_database_url
from tests.support.server import server_factory, start_server

__all__ = [
    "empty_engine",
    "engine",
    "pg_database_url",
    "pg_migrated_template",
    "server_factory",
    "world",
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    server = start_server(tmp_path_factory.mktemp("server"))
    try:
        yield build_world(server)
    finally:
        server.stop()
