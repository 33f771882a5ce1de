"""Migrations: an empty database reaches head on SQLite and PostgreSQL, twice without harm,
and the migrated schema is exactly `sync_server/db/tables.py` (autogenerate sees no diff)."""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from schemas.textfold import sort_key
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
    assert diff == [], "tables.py and the migrations differ (docs/server.md, Migrations)"


def test_thai_sort_search_migration_rebuilds_stored_texts(empty_engine: Engine) -> None:
    """0004_thai_sort_search computes sort keys for rows stored before it and rebuilds
    their search text with the shared folding rule; downgrade and upgrade again work."""
    from sync_server.accounts import create_district
    from sync_server.db.records import upsert_record

    migrate(empty_engine, "0001_initial")
    old = sa.table("records", sa.column("id"), sa.column("search_text"))
    with empty_engine.begin() as conn:
        create_district(conn, "2403")
        conn.execute(sa.text(
            "INSERT INTO records (id, record_type, district_code, data, clocks, deleted, "
            "schema_version, seq, title, search_text, created_at, updated_at) VALUES "
            "(:id, 'producer', '2403', :data, '{}', false, 1, 1, :title, :search, "
            ":at, :at)"),
            {"id": "p-old", "data": '{"name_th": "ไข่เค็มไชยา", "phone": "081-234-5678"}',
             "title": "ไข่เค็มไชยา", "search": "p-old ไข่เค็มไชยา 081-234-5678",
             "at": "2026-11-25 00:00:00+00:00"})
    migrate(empty_engine)
    with empty_engine.connect() as conn:
        row = conn.execute(sa.text(
            "SELECT search_text, sort_key FROM records WHERE id = 'p-old'")).one()
    assert row.search_text == "p-old ไขเคมไชยา 081-234-5678 0812345678"
    assert row.sort_key == sort_key("ไข่เค็มไชยา")
    with empty_engine.begin() as conn:
        assert conn.execute(sa.select(old.c.id)).scalars().all() == ["p-old"]
        upsert_record(conn, district_code="2403", record_type="producer", record_id="p-new",
                      data={"name_th": "แกงส้ม"}, clocks={})
    from alembic import command
    with empty_engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0001_initial")
    migrate(empty_engine)
    with empty_engine.connect() as conn:
        keys: dict[str, str] = {row.id: row.sort_key for row in conn.execute(
            sa.text("SELECT id, sort_key FROM records"))}
    assert keys == {"p-old": sort_key("ไข่เค็มไชยา"), "p-new": sort_key("แกงส้ม")}


def test_one_linear_history() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1


def test_agencies_revision_lists_the_agencies_plan_items_named(empty_engine: Engine) -> None:
    """0003_agencies_plans: free-text agencies on existing plan items become list entries,
    one per name however it was spaced, per district."""
    from sync_server.accounts import create_district
    from sync_server.db.tables import agencies

    migrate(empty_engine, "0001_initial")
    with empty_engine.begin() as conn:
        create_district(conn, "2403")
        for n, name in enumerate(["พาณิชย์จังหวัด", " พาณิชย์จังหวัด ", "อบต.บางขนาก", None]):
            data = {"producer_id": "a" * 32, "need": "budget", "action": "อบรม"}
            if name is not None:
                data["agency"] = name
            # Written as rows of the 0001 schema (today's writer also fills later columns).
            conn.execute(sa.text(
                "INSERT INTO records (id, record_type, district_code, producer_id, data, "
                "clocks, deleted, schema_version, seq, title, created_at, updated_at) VALUES "
                "(:id, 'plan_item', '2403', :pid, :data, :clocks, false, 1, :seq, 'อบรม', "
                ":at, :at)"),
                {"id": f"{n:032x}", "pid": "a" * 32, "seq": n + 1,
                 "data": json.dumps(data, ensure_ascii=False),
                 "clocks": json.dumps(dict.fromkeys(data, "1764000000000-00000-phone")),
                 "at": "2026-11-25 00:00:00+00:00"})
    migrate(empty_engine)
    with empty_engine.connect() as conn:
        rows = conn.execute(sa.select(agencies.c.district_code, agencies.c.name_th,
                                      agencies.c.kind)).all()
    assert sorted(rows) == [("2403", "พาณิชย์จังหวัด", "government"),
                            ("2403", "อบต.บางขนาก", "government")]
