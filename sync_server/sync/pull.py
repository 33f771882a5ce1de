"""One page of a district's change feed (no HTTP here).

The cursor is the last feed position (`records.seq`) the phone has applied. Positions are
handed out under the district's `feed_counters` row lock, held until the writer commits, so
positions become visible in order and `seq > cursor` never skips a writer that commits late.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync_server.db.tables import records

__all__ = ["PullPage", "pull_page", "pull_page_json"]

MAX_PAGE = 1000


@dataclass(frozen=True, slots=True)
class PullPage:
    records: list[dict[str, Any]]
    next_cursor: int
    more: bool


def pull_page(conn: Connection, district_code: str, since: int, limit: int,
              subdistricts: Sequence[str] = ()) -> PullPage:
    """One page of the feed as Python objects: exactly what the route sends
    (`pull_page_json`), decoded, so there is one query for both."""
    text, next_cursor, more = pull_page_json(conn, district_code, since, limit, subdistricts)
    return PullPage(json.loads(text), next_cursor, more)


def pull_page_json(conn: Connection, district_code: str, since: int, limit: int,
                   subdistricts: Sequence[str] = ()) -> tuple[str, int, bool]:
    """The same page as `pull_page`, as the JSON text of its `records` array.

    The stored JSON of `data` and `clocks` is spliced in as the database holds it (valid
    JSON: written by the engine's serializer, or PostgreSQL's jsonb text), not decoded and
    encoded again: a phone pulling a page of 200 records costs the server a fraction of the
    CPU, which is what keeps pulls quick while many phones push.
    """
    limit = max(1, min(limit, MAX_PAGE))
    query = (
        sa.select(records.c.id, records.c.record_type, sa.cast(records.c.data, sa.Text),
                  sa.cast(records.c.clocks, sa.Text), records.c.deleted,
                  records.c.schema_version, records.c.seq)
        .where(records.c.district_code == district_code, records.c.seq > since)
        .order_by(records.c.seq)
        .limit(limit + 1)
    )
    if subdistricts:
        # Producers in those subdistricts and everything that belongs to them (their
        # products, visits, photos, plan items carry the producer's subdistrict).
        query = query.where(records.c.subdistrict_code.in_(list(subdistricts)))
    rows = conn.execute(query).all()
    more = len(rows) > limit
    rows = rows[:limit]
    dumps = json.dumps
    parts = [
        f'{{"id":{dumps(r[0])},"type":{dumps(r[1])},"data":{r[2]},"clocks":{r[3]},'
        f'"deleted":{"true" if r[4] else "false"},"schema_version":{int(r[5])},'
        f'"seq":{int(r[6])}}}'
        for r in rows
    ]
    return "[" + ",".join(parts) + "]", int(rows[-1][6]) if rows else since, more
