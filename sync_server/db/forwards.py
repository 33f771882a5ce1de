"""Where merged producers went: `producer_forwards` (old id -> surviving id), chains followed.

When the office merges duplicate producers (`sync_server/web/merge.py`) the dropped id
forwards to the kept one. The office pages follow a forward when someone opens an old link;
the sync push follows it when a phone that was offline still sends the old id.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync_server.db.ids import id_query
from sync_server.db.tables import producer_forwards

__all__ = ["find_forward", "resolve_forwards"]


def find_forward(conn: Connection, district_code: str, producer_id: str) -> str | None:
    """Where a merged producer went (following chains of merges), or None."""
    return resolve_forwards(conn, district_code, [producer_id]).get(producer_id)


def resolve_forwards(conn: Connection, district_code: str, producer_ids: Iterable[str]
                     ) -> dict[str, str]:
    """old id -> final surviving id for those of `producer_ids` that were merged away.

    One query per link of the longest chain (the merge flattens chains as it goes, so
    usually one). A cycle (which a merge cannot make, but a hand edit could) stops at the
    last id before it repeats, never loops.
    """
    ids = list(producer_ids)
    step: dict[str, str] = {}
    asked: set[str] = set()
    wanted = set(ids)
    while wanted:
        asked |= wanted
        found: dict[str, str] = {}
        found.update((row.old_id, row.new_id)
                     for row in _FORWARDS.rows(conn, sorted(wanted), district=district_code))
        step.update(found)
        wanted = set(found.values()) - asked
    final: dict[str, str] = {}
    for start_id in ids:
        seen = {start_id}
        current = start_id
        while current in step and step[current] not in seen:
            current = step[current]
            seen.add(current)
        if current != start_id:
            final[start_id] = current
    return final


_FORWARDS = id_query(
    lambda match: sa.select(producer_forwards.c.old_id, producer_forwards.c.new_id).where(
        match, producer_forwards.c.district_code == sa.bindparam("district")),
    producer_forwards.c.old_id)
