"""Migrations: an empty database reaches head on SQLite and PostgreSQL, twice without harm,
and the migrated schema is exactly `sync_server/db/tables.py` (autogenerate sees no diff)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from sync_server.db.engine import migrate
from sync_server.db.tables import metadata
from sync_server.migrations import alembic_config


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_empty_database_to_head_and_again(empty_engine: Engine) -> None:
    assert _current_revision(empty_engine) is None
    migrate(empty_engine)
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    assert head is not None
    assert [r.revision for r in script.walk_revisions()][-1] == "0001_initial"  # the base
    assert _current_revision(empty_engine) == head
    migrate(empty_engine)  # idempotent
    assert _current_revision(empty_engine) == head
    tables = set(sa.inspect(empty_engine).get_table_names())
    assert set(metadata.tables) <= tables


def test_migrated_schema_matches_tables_py(empty_engine: Engine) -> None:
    migrate(empty_engine)
    with empty_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "compare_server_default": False})
        diff = compare_metadata(context, metadata)
    assert diff == [], "regenerate 0001_initial from tables.py (docs/server.md)"


def test_one_linear_history() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
