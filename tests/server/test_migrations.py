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
    assert head is not None and len(script.get_heads()) == 1
    chain = {rev.revision for rev in script.iterate_revisions(head, "base")}
    assert {"0001_initial", "0002_device_health", "0003_agencies_plans"} <= chain
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


def test_agencies_revision_lists_the_agencies_plan_items_named(empty_engine: Engine) -> None:
    """0003_agencies_plans: free-text agencies on existing plan items become list entries,
    one per name however it was spaced, per district."""
    from sync_server.accounts import create_district
    from sync_server.db.records import upsert_record
    from sync_server.db.tables import agencies

    migrate(empty_engine, "0001_initial")
    with empty_engine.begin() as conn:
        create_district(conn, "2403")
        for n, name in enumerate(["พาณิชย์จังหวัด", " พาณิชย์จังหวัด ", "อบต.บางขนาก", None]):
            data = {"producer_id": "a" * 32, "need": "budget", "action": "อบรม"}
            if name is not None:
                data["agency"] = name
            upsert_record(conn, district_code="2403", record_type="plan_item",
                          record_id=f"{n:032x}", data=data,
                          clocks=dict.fromkeys(data, "1764000000000-00000-phone"))
    migrate(empty_engine)
    with empty_engine.connect() as conn:
        rows = conn.execute(sa.select(agencies.c.district_code, agencies.c.name_th,
                                      agencies.c.kind)).all()
    assert sorted(rows) == [("2403", "พาณิชย์จังหวัด", "government"),
                            ("2403", "อบต.บางขนาก", "government")]
