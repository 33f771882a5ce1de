"""One page of a district's change feed (no HTTP here).

The cursor is the last feed position (`records.seq`) the phone has applied. Positions are
handed out under the district's `feed_counters` row lock, held until the writer commits, so
positions become visible in order and `seq > cursor` never skips a writer that commits late.

The page is built by the database: each record's JSON text and the array joining them, in
one statement answered by one row (see `pull_page_body`). Python touches one value per page,
not seven per record. On SQLite the whole statement is one `sqlite3_step`, which the
`sqlite3` module runs without the GIL; a per-row fetch gave the GIL away and had to get it
back once per record, each time possibly waiting for a busy thread (the push writer, the
event loop). Numbers: docs/bench-sync.md, "Pull pages built in SQL".
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.engine import Connection

from sync_server.db.tables import records

__all__ = ["PullPage", "in_feed_order", "pull_page", "pull_page_body", "pull_page_json"]

MAX_PAGE = 1000

# One record's JSON, the wire shape of `StoredRecord.to_json` without `updated_at`. Every
# argument is JSON text already: the ids quoted by the database, `data` and `clocks` as
# stored (written by the engine's serializer; PostgreSQL's jsonb text), numbers as text.
_RECORD = '{"id":%s,"type":%s,"data":%s,"clocks":%s,"deleted":%s,"schema_version":%s,"seq":%s}'
# Joins a SQLite page: a character valid JSON text never holds unescaped (RFC 8259
# section 7), so the page can be split again if its rows came out of order (`in_feed_order`).
_SEP = b"\x1e"


@dataclass(frozen=True, slots=True)
class PullPage:
    records: list[dict[str, Any]]
    next_cursor: int
    more: bool


def pull_page(conn: Connection, district_code: str, since: int, limit: int,
              subdistricts: Sequence[str] = ()) -> PullPage:
    """One page of the feed as Python objects: exactly what the route sends
    (`pull_page_body`), decoded, so there is one query for both."""
    body, next_cursor, more = pull_page_body(conn, district_code, since, limit, subdistricts)
    return PullPage(json.loads(body), next_cursor, more)


def pull_page_json(conn: Connection, district_code: str, since: int, limit: int,
                   subdistricts: Sequence[str] = ()) -> tuple[str, int, bool]:
    """The same page as `pull_page`, as the JSON text of its `records` array."""
    body, next_cursor, more = pull_page_body(conn, district_code, since, limit, subdistricts)
    return body.decode(), next_cursor, more


def pull_page_body(conn: Connection, district_code: str, since: int, limit: int,
                   subdistricts: Sequence[str] = ()) -> tuple[bytes, int, bool]:
    """The JSON array of up to `limit` records after feed position `since` (UTF-8), the
    position of its last record (`since` when empty), and whether more follow.

    `subdistricts`: only producers in those subdistricts and everything that belongs to
    them (their products, visits, photos, plan items carry the producer's subdistrict).
    """
    limit = max(1, min(limit, MAX_PAGE))
    sqlite = conn.dialect.name == "sqlite"
    params: dict[str, Any] = {"district": district_code, "since": since, "limit": limit}
    if subdistricts:
        params["subdistricts"] = list(subdistricts)
    row = conn.execute(_page_statement(sqlite, bool(subdistricts)), params).one()
    if row.last is None:
        return b"[]", since, False
    body = row.body if sqlite else row.body.encode()
    if sqlite:
        # SQLite 3.40 does not promise group_concat's order (ORDER BY inside aggregates
        # came in 3.44); the seqs, joined in the same pass, say whether it kept the page's
        # order, which it does in practice (the page subquery is a co-routine).
        seqs = [int(s) for s in row.seqs.split(",")]
        if seqs != sorted(seqs):
            body = in_feed_order(body, seqs)
        body = body.replace(_SEP, b",")
    return b"[" + body + b"]", int(row.last), bool(row.more)


def in_feed_order(body: bytes, seqs: Sequence[int]) -> bytes:
    """`body`'s records (joined by `_SEP`) sorted by their feed positions (`seqs`, in the
    same order as the records)."""
    parts = body.split(_SEP)
    if len(parts) != len(seqs):
        raise ValueError(f"{len(parts)} records but {len(seqs)} feed positions")
    return _SEP.join(part for _seq, part in sorted(zip(seqs, parts, strict=True)))


@functools.cache
def _page_statement(sqlite: bool, filtered: bool) -> sa.Select[Any]:
    """The page query of one dialect. Parameters: district, since, limit (and the
    expanding list subdistricts when `filtered`). One row: body (SQLite: bytes, records
    joined by `_SEP`; PostgreSQL: text, joined by commas; NULL when the page is empty),
    last (seq of its last record), more; on SQLite also seqs (the records' feed positions
    in the order of body).
    """
    r = records.c
    quote = sa.func.json_quote if sqlite else sa.func.to_json
    fmt = sa.func.printf if sqlite else sa.func.format  # printf: any SQLite 3.8.3+

    def in_feed(*extra: sa.ColumnElement[bool]) -> list[sa.ColumnElement[bool]]:
        where = [r.district_code == sa.bindparam("district"), *extra]
        if filtered:
            where.append(r.subdistrict_code.in_(sa.bindparam("subdistricts", expanding=True)))
        return where

    record_json = fmt(
        _RECORD, quote(r.id), quote(r.record_type), sa.cast(r.data, sa.Text),
        sa.cast(r.clocks, sa.Text), sa.case((r.deleted, "true"), else_="false"),
        r.schema_version, r.seq)
    page = (sa.select(record_json.label("t"), r.seq)
            .where(*in_feed(r.seq > sa.bindparam("since", type_=sa.BigInteger)))
            .order_by(r.seq)
            .limit(sa.bindparam("limit", type_=sa.Integer))
            .subquery("page"))
    if sqlite:
        # Bytes: no UTF-8 decode here and encode again for the response.
        body: Any = sa.cast(sa.func.group_concat(page.c.t, _SEP.decode()), sa.LargeBinary)
        extra = [sa.func.group_concat(page.c.seq, ",").label("seqs")]
    else:
        # Text: a bytea comes as hex in psycopg's text format and costs more to load than
        # the text costs to decode and encode.
        body = sa.func.string_agg(page.c.t, aggregate_order_by(sa.literal(","), page.c.seq))
        extra = []
    agg = sa.select(body.label("body"), sa.func.max(page.c.seq).label("last"),
                    *extra).subquery("agg")
    # The next record's position, through the feed index (as EXISTS, PostgreSQL scanned
    # the table for it).
    after = (sa.select(r.seq).where(*in_feed(r.seq > agg.c.last))
             .order_by(r.seq).limit(1).scalar_subquery())
    more = after.is_not(None).label("more")
    return sa.select(*agg.c, more)
