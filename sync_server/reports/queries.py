"""Reading a district's records for reports and exports: streamed, filtered, never all at once.

Records come out as their merged `data` with the `id` added. Rows are fetched with
`yield_per`, so on PostgreSQL a server-side cursor streams them and memory stays flat
however large the district. Filters on JSON fields are applied in Python (the same code on
SQLite and PostgreSQL); the indexed columns (district, type, subdistrict) narrow in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync_server.db.tables import records

from .columns import ProducerInfo, producer_info
from .filters import RecordFilter

__all__ = ["BATCH", "iter_records", "keyset_page", "matching_producers", "producer_infos",
           "records_for_producers", "select_children"]

BATCH = 1000
Record = dict[str, Any]


def _as_record(row: Any) -> Record:
    data = dict(row.data or {})
    data["id"] = row.id
    return data


def iter_records(conn: Connection, district_code: str | None, record_type: str, *,
                 subdistrict: str | None = None) -> Iterator[Record]:
    """Live (not deleted) records of one type, by subdistrict, then title in Thai dictionary
    order (`records.sort_key`), then id.

    `district_code` None reads every district (a national server's export; the routes
    always pass the caller's district)."""
    query = (
        sa.select(records.c.id, records.c.data)
        .where(records.c.record_type == record_type, records.c.deleted.is_(False))
        .order_by(records.c.subdistrict_code, records.c.sort_key, records.c.id)
    )
    if district_code is not None:
        query = query.where(records.c.district_code == district_code)
    if subdistrict is not None:
        query = query.where(records.c.subdistrict_code == subdistrict)
    result = conn.execution_options(yield_per=BATCH).execute(query)
    for row in result:
        yield _as_record(row)


def _producers_with_matching_products(conn: Connection, district_code: str | None,
                                      flt: RecordFilter) -> set[str]:
    return {
        str(p.get("producer_id"))
        for p in iter_records(conn, district_code, "product", subdistrict=flt.subdistrict)
        if flt.product_matches(p)
    }


def matching_producers(conn: Connection, district_code: str | None, flt: RecordFilter
                       ) -> Iterator[Record]:
    """Producers the filter chooses: their own fields, and with a product filter, at least
    one product that matches it."""
    chosen = (_producers_with_matching_products(conn, district_code, flt)
              if flt.filters_products else None)
    for producer in iter_records(conn, district_code, "producer", subdistrict=flt.subdistrict):
        if flt.producer_matches(producer) and (chosen is None or producer["id"] in chosen):
            yield producer


def producer_infos(conn: Connection, district_code: str | None, flt: RecordFilter
                   ) -> dict[str, ProducerInfo]:
    return {p["id"]: producer_info(p) for p in matching_producers(conn, district_code, flt)}


def select_children(conn: Connection, district_code: str | None, record_type: str,
                    flt: RecordFilter) -> Iterator[Record]:
    """Products, visits, plan items, photos or links of the filter's subdistrict; products
    also by the product filter. The caller keeps only those of chosen producers."""
    for record in iter_records(conn, district_code, record_type, subdistrict=flt.subdistrict):
        if record_type != "product" or flt.product_matches(record):
            yield record


def records_for_producers(conn: Connection, district_code: str, record_type: str,
                          producer_ids: Iterable[str]) -> list[Record]:
    """All live records of a type belonging to a few producers (one page of the API)."""
    ids = list(producer_ids)
    if not ids:
        return []
    rows = conn.execute(
        sa.select(records.c.id, records.c.data)
        .where(records.c.district_code == district_code,
               records.c.record_type == record_type,
               records.c.deleted.is_(False),
               records.c.producer_id.in_(ids))
        .order_by(records.c.id)
    )
    return [_as_record(r) for r in rows]


def keyset_page(conn: Connection, district_code: str, record_type: str, *,
                after: str | None, limit: int, subdistrict: str | None = None
                ) -> list[Record]:
    """The next `limit` live records ordered by id, strictly after the id `after`."""
    query = (
        sa.select(records.c.id, records.c.data)
        .where(records.c.district_code == district_code,
               records.c.record_type == record_type,
               records.c.deleted.is_(False))
        .order_by(records.c.id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(records.c.id > after)
    if subdistrict is not None:
        query = query.where(records.c.subdistrict_code == subdistrict)
    return [_as_record(r) for r in conn.execute(query)]
