"""`execute_many` (sync_server/db/bulk.py) stores exactly what SQLAlchemy's own insert
stores, on SQLite (an executemany) and on PostgreSQL (COPY for a plain INSERT).

Outside input goes through it (record text from phones, JSON values), so the check is a
property: arbitrary text (tabs, newlines, backslashes, `\\N`, Thai), JSON values with SQL
NULL and JSON null, datetimes, booleans. A database error through COPY is the same
SQLAlchemy exception as through an executemany, and leaves nothing half-stored.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine

from sync_server.accounts import create_district
from sync_server.db.bulk import JsonText, _prepare, execute_many
from sync_server.db.engine import json_text
from sync_server.db.tables import change_log, conflicts

# PostgreSQL text holds no NUL character and no lone surrogate, whichever way it is sent.
TEXT = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
               max_size=40)
SPECIAL = st.sampled_from(["\\N", "\t", "\n", "\\", "\r\n", "ก\\tข", "a\\\\nb", ""])
SOME_TEXT = st.one_of(TEXT, SPECIAL, st.lists(st.one_of(TEXT, SPECIAL), max_size=4)
                      .map("".join))
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**53), 2**53), SOME_TEXT,
              st.floats(allow_nan=False, allow_infinity=False, width=32)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(SOME_TEXT, inner, max_size=3)),
    max_leaves=10)
WHEN = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1),
                    timezones=st.just(UTC)).map(lambda d: d.replace(microsecond=0))
ROW = st.fixed_dictionaries({
    "record_type": SOME_TEXT.map(lambda t: t[:16]),
    "record_id": SOME_TEXT.map(lambda t: t[:64]),
    "field": SOME_TEXT.map(lambda t: t[:64]),
    "kind": st.sampled_from(["hard", "soft"]),
    "winning_value": JSON_VALUES,
    "winning_clock": st.one_of(st.none(), SOME_TEXT.map(lambda t: t[:96])),
    "losing_value": JSON_VALUES,
    "status": st.sampled_from(["open", "resolved"]),
    "resolved_at": st.one_of(st.none(), WHEN),
    "created_at": WHEN,
})
# Module constants, as `execute_many` wants (cached by identity).
_INSERT_CONFLICT = conflicts.insert()
_INSERT_CHANGE = change_log.insert()


def _stored(conn: sa.Connection, prefix: str) -> list[tuple[Any, ...]]:
    rows = conn.execute(sa.select(conflicts).where(conflicts.c.id.startswith(prefix))
                        .order_by(conflicts.c.id)).all()
    return [tuple(v for k, v in row._mapping.items() if k != "id") for row in rows]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, min_size=1, max_size=6), as_text=st.booleans())
def test_stores_what_sqlalchemy_stores(engine: Engine, rows: list[dict[str, Any]],
                                       as_text: bool) -> None:
    with engine.connect() as conn, conn.begin() as tx:
        create_district(conn, "2403")
        ours = [{**row, "id": f"a{i:03d}", "district_code": "2403",
                 "losing_value": (JsonText(json_text(row["losing_value"])) if as_text
                                  else row["losing_value"])}
                for i, row in enumerate(rows)]
        theirs = [{**row, "id": f"b{i:03d}", "district_code": "2403"}
                  for i, row in enumerate(rows)]
        execute_many(conn, _INSERT_CONFLICT, ours)
        conn.execute(conflicts.insert(), theirs)
        assert _stored(conn, "a") == _stored(conn, "b")
        tx.rollback()


def _change(change_id: str) -> dict[str, Any]:
    return {"change_id": change_id, "district_code": "2403", "device_id": "d1",
            "user_id": None, "record_type": "producer", "record_id": "r1",
            "payload": {"fields": {"name_th": "กลุ่มแม่บ้าน\tบ้านคลอง\\N"}},
            "outcome": "applied", "detail": None,
            "received_at": datetime(2026, 12, 5, tzinfo=UTC) + timedelta(seconds=1)}


def test_a_duplicate_is_an_integrity_error_and_nothing_is_stored(engine: Engine) -> None:
    with engine.begin() as conn:
        create_district(conn, "2403")
        execute_many(conn, _INSERT_CHANGE, [_change("c1")])
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        execute_many(conn, _INSERT_CHANGE, [_change("c2"), _change("c3"), _change("c1")])
    with engine.connect() as conn:
        stored = conn.execute(sa.select(change_log.c.change_id, change_log.c.payload)).all()
    assert stored == [("c1", _change("c1")["payload"])]


def test_outside_a_transaction_the_rows_commit_with_the_connection(engine: Engine) -> None:
    with engine.begin() as conn:
        create_district(conn, "2403")
    with engine.connect() as conn:
        assert not conn.in_transaction()
        execute_many(conn, _INSERT_CHANGE, [_change(uuid.uuid4().hex) for _ in range(3)])
        conn.commit()
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(change_log)).scalar() == 3


@pytest.mark.postgres
@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_postgresql_copies_plain_inserts_only(engine: Engine) -> None:
    """COPY for the writer's inserts; an insert that returns or upserts stays an
    executemany (COPY can do neither)."""
    keys = tuple(_change("x"))
    with engine.connect() as conn:
        assert _prepare(conn, _INSERT_CHANGE, keys).copy_sql == (
            "COPY change_log (change_id, district_code, device_id, user_id, record_type, "
            "record_id, payload, outcome, detail, received_at) FROM STDIN")
        returning = change_log.insert().returning(change_log.c.id)
        upsert = postgresql.insert(change_log).on_conflict_do_nothing()
        assert _prepare(conn, returning, keys).copy_sql is None
        assert _prepare(conn, upsert, keys).copy_sql is None
