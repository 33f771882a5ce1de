"""`IdQuery` (sync_server/db/ids.py) finds exactly the rows whose id is in the list, on
SQLite (`IN`, in chunks) and PostgreSQL (`= ANY(array)`): for any list of ids, with
duplicates, ids that are not stored, more ids than a chunk, and ids with quotes, commas,
braces, backslashes and Thai (an array parameter must carry them as they are)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from sync_server.accounts import create_district
from sync_server.db.ids import CHUNK, id_query
from sync_server.db.tables import producer_forwards

_BY_OLD_ID = id_query(
    lambda match: sa.select(producer_forwards.c.old_id, producer_forwards.c.new_id).where(
        match, producer_forwards.c.district_code == sa.bindparam("district")),
    producer_forwards.c.old_id)

WHEN = datetime(2026, 12, 5, tzinfo=UTC)
IDS = st.text(st.sampled_from('abc0123"\',{}\\ ก"'), min_size=1, max_size=12)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stored=st.sets(IDS, max_size=30), asked=st.lists(IDS, max_size=40),
       many=st.booleans())
def test_finds_exactly_the_stored_ids_asked_for(engine: Engine, stored: set[str],
                                                asked: list[str], many: bool) -> None:
    if many:  # past one chunk: the stored ids are found in any chunk
        asked = [f"x{i}" for i in range(CHUNK + 7)] + asked + sorted(stored)
    with engine.connect() as conn, conn.begin() as tx:
        create_district(conn, "2403")
        create_district(conn, "2401")
        rows: list[dict[str, Any]] = [
            {"old_id": old, "new_id": "n" + old, "district_code": "2403", "merged_at": WHEN}
            for old in stored]
        if rows:
            conn.execute(producer_forwards.insert(), rows)
            # The same ids in another district: the query's other parameter must hold.
            conn.execute(producer_forwards.insert(), [
                {**row, "old_id": row["old_id"] + "#", "district_code": "2401"}
                for row in rows])
        found = sorted((r.old_id, r.new_id) for r in _BY_OLD_ID.rows(conn, asked,
                                                                    district="2403"))
        assert found == sorted((old, "n" + old) for old in stored if old in set(asked))
        tx.rollback()
