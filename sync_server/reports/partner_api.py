"""Pages of the partner-agency API: keyset paging over records, filters, the allow-listed view.

A page is read in batches ordered by record id, strictly after the cursor; records the
filter drops cost a batch read but never a page slot, so a page is full unless the data
ran out. The cursor is the last id a page covered (opaque to clients, base64url), stable
under inserts and deletes, unlike an offset.
"""

from __future__ import annotations

import base64
import binascii
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.engine import Connection

from .filters import FilterError, RecordFilter, parse_code
from .fiscal import fiscal_year_be, fiscal_year_bounds, parse_iso_date
from .partner_view import (
    partner_link,
    partner_plan,
    partner_producer,
    partner_product,
    partner_standards,
    partner_visit_needs,
)
from .queries import keyset_page, records_for_producers

__all__ = ["KINDS", "Page", "PartnerQuery", "decode_cursor", "encode_cursor", "partner_page"]

Record = dict[str, Any]
MAX_LIMIT = 500
DEFAULT_LIMIT = 100


@dataclass(frozen=True, slots=True)
class PartnerQuery:
    records: RecordFilter
    need: str | None = None
    standard: str | None = None
    status: str | None = None
    expiring_this_fy: bool = False
    limit: int = DEFAULT_LIMIT

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> PartnerQuery:
        raw_limit = params.get("limit") or str(DEFAULT_LIMIT)
        # isdecimal(), not isdigit(): '²' is a digit that int() cannot read (a 500, not a 400).
        if not raw_limit.isdecimal() or not 1 <= int(raw_limit) <= MAX_LIMIT:
            raise FilterError("limit", f"limit must be a whole number from 1 to {MAX_LIMIT}",
                              f"limit ต้องเป็นจำนวนเต็มตั้งแต่ 1 ถึง {MAX_LIMIT}")
        expiring = params.get("expiring") or ""
        if expiring not in ("", "this_fiscal_year"):
            raise FilterError("expiring", "expiring accepts only this_fiscal_year",
                              "expiring ใช้ได้เฉพาะ this_fiscal_year")
        return cls(
            records=RecordFilter.parse(params),
            need=parse_code("need", "need", params.get("need")),
            standard=parse_code("standard", "standard", params.get("standard")),
            status=parse_code("status", "plan_status", params.get("status")),
            expiring_this_fy=expiring == "this_fiscal_year",
            limit=int(raw_limit),
        )


@dataclass(frozen=True, slots=True)
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None


def encode_cursor(kind: str, last_id: str) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    prefix, _, last_id = text.partition(":")
    if prefix != kind or not last_id:
        raise FilterError("cursor", "the cursor is not one this list gave out; start again "
                          "without it", "cursor ไม่ถูกต้อง กรุณาเริ่มใหม่โดยไม่ส่ง cursor")
    return last_id


@dataclass(slots=True)
class _Batch:
    """What a batch of records needs from other record types, read once per batch."""

    producers: dict[str, Record]
    products: dict[str, list[Record]]
    needs: dict[str, list[str]]


def _context(conn: Connection, district: str, producer_ids: set[str], *, products: bool,
             needs: bool, producers: list[Record] | None = None) -> _Batch:
    """`producers`: the owners when the caller has read them already (a page of producers)."""
    if producers is None:
        producers = _by_ids(conn, district, producer_ids)
    producer_rows = {p["id"]: p for p in producers}
    by_producer: dict[str, list[Record]] = defaultdict(list)
    if products:
        for p in records_for_producers(conn, district, "product", producer_ids):
            by_producer[str(p.get("producer_id"))].append(p)
    need_sets: dict[str, set[str]] = defaultdict(set)
    if needs:
        for v in records_for_producers(conn, district, "visit", producer_ids):
            need_sets[str(v.get("producer_id"))].update(
                n for n in v.get("needs") or () if isinstance(n, str))
    return _Batch(producer_rows, by_producer, {k: sorted(v) for k, v in need_sets.items()})


def _by_ids(conn: Connection, district: str, ids: set[str]) -> list[Record]:
    return records_for_producers(conn, district, "producer", ids)


Expander = Callable[[Record, _Batch], list[dict[str, Any]]]


def _owner_ok(q: PartnerQuery, record: Record, ctx: _Batch) -> bool:
    owner = ctx.producers.get(str(record.get("producer_id")))
    return owner is not None and q.records.producer_matches(owner)


AgencyOf = Callable[[Record], tuple[str, str]]


def _expander(kind: str, q: PartnerQuery, today: date, agency_of: AgencyOf | None,
              agency_scope: str | None) -> tuple[str, Expander, bool, bool]:
    """(record type read, expand one record to items, batch needs products, needs needs)."""
    fy_start, fy_end = fiscal_year_bounds(fiscal_year_be(today))

    def producers(r: Record, ctx: _Batch) -> list[dict[str, Any]]:
        products = ctx.products.get(r["id"], [])
        if not q.records.producer_matches(r):
            return []
        if q.records.filters_products and not any(q.records.product_matches(p)
                                                  for p in products):
            return []
        needs = ctx.needs.get(r["id"], [])
        if q.need is not None and q.need not in needs:
            return []
        categories = sorted({str(p["category"]) for p in products if p.get("category")})
        return [partner_producer(r, categories=categories, needs=needs)]

    def products(r: Record, ctx: _Batch) -> list[dict[str, Any]]:
        if not (q.records.product_matches(r) and _owner_ok(q, r, ctx)):
            return []
        return [partner_product(r)]

    def standards(r: Record, ctx: _Batch) -> list[dict[str, Any]]:
        if not (q.records.product_matches(r) and _owner_ok(q, r, ctx)):
            return []
        rows = partner_standards(r)
        if q.standard is not None:
            rows = [s for s in rows if s.get("standard") == q.standard]
        if q.expiring_this_fy:
            rows = [s for s in rows
                    if (d := parse_iso_date(s.get("expires_on"))) and fy_start <= d <= fy_end]
        return rows

    def needs(r: Record, ctx: _Batch) -> list[dict[str, Any]]:
        if not _owner_ok(q, r, ctx):
            return []
        item = partner_visit_needs(r)
        if not item["needs"] or (q.need is not None and q.need not in item["needs"]):
            return []
        return [item]

    def plans(r: Record, ctx: _Batch) -> list[dict[str, Any]]:
        if not _owner_ok(q, r, ctx):
            return []
        if q.need is not None and r.get("need") != q.need:
            return []
        if q.status is not None and r.get("status") != q.status:
            return []
        key, name = agency_of(r) if agency_of else ("", "")
        if agency_scope is not None and key != agency_scope:
            return []  # a partner token sees its own agency's plan items only
        return [partner_plan(r, name or None)]

    def links(r: Record, ctx: _Batch) -> list[dict[str, Any]]:
        ends = [ctx.producers.get(str(r.get(k))) for k in ("from_producer_id", "to_producer_id")]
        if any(end is None or not q.records.producer_matches(end) for end in ends):
            return []
        names = [str(end.get("name_th") or "") for end in ends if end is not None]
        return [partner_link(r, names[0], names[1])]

    table: dict[str, tuple[str, Expander, bool, bool]] = {
        "producers": ("producer", producers, True, True),
        "products": ("product", products, False, False),
        "standards": ("product", standards, False, False),
        "needs": ("visit", needs, False, False),
        "plans": ("plan_item", plans, False, False),
        "links": ("network_link", links, False, False),
    }
    return table[kind]


KINDS = ("producers", "products", "standards", "needs", "plans", "links")


def partner_page(conn: Connection, district: str, kind: str, q: PartnerQuery,
                 cursor: str | None, today: date, *, agency_of: AgencyOf | None = None,
                 agency_scope: str | None = None) -> Page:
    """One page of a list. `agency_of(plan_item)` -> (key, name) names a plan item's
    agency from the district's list; with `agency_scope` (a partner token's agency key)
    the plans list holds only that agency's items."""
    record_type, expand, with_products, with_needs = _expander(kind, q, today, agency_of,
                                                               agency_scope)
    after = decode_cursor(kind, cursor)
    items: list[dict[str, Any]] = []
    batch_size = max(q.limit, 200)
    while True:
        batch = keyset_page(conn, district, record_type, after=after, limit=batch_size,
                            subdistrict=q.records.subdistrict)
        if not batch:
            return Page(items, None)
        owners = {r["id"] if record_type == "producer" else str(r.get("producer_id"))
                  for r in batch}
        if record_type == "network_link":  # both ends are named (no producer_id in data)
            owners = {str(r.get(end)) for r in batch
                      for end in ("from_producer_id", "to_producer_id")}
        # A page of producers is its own owners: no second read of the same rows.
        ctx = _context(conn, district, owners, products=with_products, needs=with_needs,
                       producers=batch if record_type == "producer" else None)
        for record in batch:
            rows = expand(record, ctx)
            if items and len(items) + len(rows) > q.limit:
                return Page(items, encode_cursor(kind, after or ""))
            items.extend(rows)
            after = record["id"]
            if len(items) >= q.limit:
                return Page(items, encode_cursor(kind, after))
        if len(batch) < batch_size:
            return Page(items, None)
