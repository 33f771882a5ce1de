"""Writing and reading merged records, and the district change feed.

The sync merge (sync_server/sync), the office pages and the demo data all write through
`upsert_record`, so the denormalised columns (subdistrict, producer, title, search text) and
the feed position are always computed the same way. Every function takes an open connection
inside the caller's transaction: the caller decides what commits together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync_server.db.record_text import record_search_text, title_sort_key
from sync_server.db.tables import districts, feed_counters, records

__all__ = [
    "PARTNER_HIDDEN_FIELDS",
    "StoredRecord",
    "ensure_feed_counter",
    "get_record",
    "next_seq",
    "record_from_row",
    "record_meta",
    "redact_for_partner",
    "upsert_record",
]

# Personal data partner agencies never see (PDPA: collect and share the minimum).
PARTNER_HIDDEN_FIELDS = ("id_number", "phone")
PARTNER_HIDDEN_ADDRESS_FIELDS = ("house_no",)


@dataclass(frozen=True, slots=True)
class StoredRecord:
    id: str
    record_type: str
    district_code: str
    subdistrict_code: str | None
    producer_id: str | None
    data: dict[str, Any]
    clocks: dict[str, str]
    deleted: bool
    schema_version: int
    seq: int
    title: str | None
    created_at: datetime
    updated_at: datetime

    def to_json(self) -> dict[str, Any]:
        """The wire shape used by the read API and pulls."""
        return {
            "id": self.id,
            "type": self.record_type,
            "data": self.data,
            "clocks": self.clocks,
            "deleted": self.deleted,
            "schema_version": self.schema_version,
            "seq": self.seq,
            "updated_at": self.updated_at.isoformat(),
        }


def ensure_feed_counter(conn: Connection, district_code: str) -> None:
    """Create the district's feed counter row if missing (called when a district is made)."""
    exists = conn.execute(
        sa.select(feed_counters.c.district_code)
        .where(feed_counters.c.district_code == district_code)
    ).first()
    if exists is None:
        conn.execute(feed_counters.insert().values(district_code=district_code, last_seq=0))


def next_seq(conn: Connection, district_code: str) -> int:
    """Take the district's next feed position.

    The UPDATE locks the counter row until the caller's transaction ends, so writers of one
    district take positions one at a time and commit in position order: a reader that saw
    position N can never later find a smaller position appear.
    """
    row = conn.execute(
        feed_counters.update()
        .where(feed_counters.c.district_code == district_code)
        .values(last_seq=feed_counters.c.last_seq + 1)
        .returning(feed_counters.c.last_seq)
    ).first()
    if row is None:
        known = conn.execute(
            sa.select(districts.c.code).where(districts.c.code == district_code)).first()
        if known is None:
            raise ValueError(f"unknown district {district_code!r}")
        ensure_feed_counter(conn, district_code)
        return next_seq(conn, district_code)
    return int(row[0])


def record_from_row(row: sa.Row[Any]) -> StoredRecord:
    m = row._mapping
    return StoredRecord(
        id=m["id"], record_type=m["record_type"], district_code=m["district_code"],
        subdistrict_code=m["subdistrict_code"], producer_id=m["producer_id"],
        data=dict(m["data"] or {}), clocks=dict(m["clocks"] or {}), deleted=bool(m["deleted"]),
        schema_version=int(m["schema_version"]), seq=int(m["seq"]), title=m["title"],
        created_at=m["created_at"], updated_at=m["updated_at"],
    )


def get_record(conn: Connection, record_id: str, *, district_code: str | None = None,
               for_update: bool = False) -> StoredRecord | None:
    """The stored record, or None. With `district_code`, a record of another district is
    None too (callers never learn it exists). `for_update` locks the row on PostgreSQL."""
    query = sa.select(records).where(records.c.id == record_id)
    if district_code is not None:
        query = query.where(records.c.district_code == district_code)
    if for_update:
        query = query.with_for_update()
    row = conn.execute(query).first()
    return None if row is None else record_from_row(row)


def record_meta(record_type: str, record_id: str, data: Mapping[str, Any]
                ) -> tuple[str | None, str | None, str | None]:
    """(producer_id, title, search_text) computed from a record's own fields (pure)."""
    if record_type == "producer":
        producer_id: str | None = record_id
    elif record_type == "network_link":
        producer_id = _str_or_none(data.get("from_producer_id"))
    else:
        producer_id = _str_or_none(data.get("producer_id"))
    title: str | None
    if record_type in ("producer", "product"):
        title = _str_or_none(data.get("name_th"))
    elif record_type == "plan_item":
        title = _str_or_none(data.get("action"))
    elif record_type == "visit":
        title = _str_or_none(data.get("started_at")) or _str_or_none(data.get("purpose"))
    elif record_type == "photo":
        title = _str_or_none(data.get("subject"))
    else:
        title = _str_or_none(data.get("kind"))
    return producer_id, title, record_search_text(record_id, data)


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _subdistrict_of(conn: Connection, record_type: str, data: Mapping[str, Any],
                    producer_id: str | None, district_code: str) -> str | None:
    if record_type == "producer":
        address = data.get("address")
        if isinstance(address, Mapping):
            return _str_or_none(address.get("subdistrict_code"))
        return None
    if producer_id is None:
        return None
    # Records belonging to a producer follow the producer's subdistrict, so a pull limited
    # to chosen subdistricts brings a producer's products, visits and photos with it.
    row = conn.execute(
        sa.select(records.c.subdistrict_code)
        .where(records.c.id == producer_id, records.c.district_code == district_code)
    ).first()
    return None if row is None else row[0]


def upsert_record(
    conn: Connection,
    *,
    district_code: str,
    record_type: str,
    record_id: str,
    data: Mapping[str, Any],
    clocks: Mapping[str, str],
    deleted: bool = False,
    schema_version: int = 1,
    now: datetime | None = None,
) -> int:
    """Store the merged state of one record and give it the district's next feed position.

    `data` and `clocks` are the complete merged record (not a delta). Returns the new seq.
    Raises ValueError if the id already belongs to another district or record type.
    """
    now = now or datetime.now(UTC)
    producer_id, title, search_text = record_meta(record_type, record_id, data)
    subdistrict = _subdistrict_of(conn, record_type, data, producer_id, district_code)
    existing = conn.execute(
        sa.select(records.c.district_code, records.c.record_type, records.c.subdistrict_code)
        .where(records.c.id == record_id)
    ).first()
    if existing is not None and (existing[0] != district_code or existing[1] != record_type):
        raise ValueError(
            f"record id {record_id!r} already belongs to another district or record type")
    seq = next_seq(conn, district_code)
    values = {
        "record_type": record_type,
        "district_code": district_code,
        "subdistrict_code": subdistrict,
        "producer_id": producer_id,
        "data": dict(data),
        "clocks": dict(clocks),
        "deleted": deleted,
        "schema_version": schema_version,
        "seq": seq,
        "title": title,
        "search_text": search_text,
        "sort_key": title_sort_key(title),
        "updated_at": now,
    }
    if existing is None:
        conn.execute(records.insert().values(id=record_id, created_at=now, **values))
    else:
        conn.execute(records.update().where(records.c.id == record_id).values(**values))
    if record_type == "producer" and (existing is None or existing[2] != subdistrict):
        # The producer arrived after its records (a phone may push a product first) or
        # moved: their subdistrict column follows. It is a denormalised filter column only;
        # their data did not change, so their seq does not either.
        conn.execute(
            records.update()
            .where(records.c.producer_id == record_id, records.c.id != record_id,
                   records.c.district_code == district_code,
                   records.c.subdistrict_code.is_distinct_from(subdistrict))
            .values(subdistrict_code=subdistrict)
        )
    return seq


def redact_for_partner(record_type: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a record's fields without what partner agencies must not see:
    national/juristic ID numbers, phone numbers and house numbers. Pure; works on clocks
    dicts too (same keys)."""
    out = {key: value for key, value in data.items() if key not in PARTNER_HIDDEN_FIELDS}
    address = out.get("address")
    if isinstance(address, Mapping):
        out["address"] = {key: value for key, value in address.items()
                          if key not in PARTNER_HIDDEN_ADDRESS_FIELDS}
    return out
