"""Writing and reading merged records, and the district change feed.

`RecordWriter` is the one record writer: the sync merge (sync_server/sync/push.py) uses it
for whole push groups, and the office pages, the office merge, the demo and the test seeds
through `upsert_record` (one record). So the denormalised columns (subdistrict, producer,
title, search text) and the feed positions are always computed the same way. Every
function takes an open connection inside the caller's transaction: the caller decides what
commits together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from recordsync.merge import RecordState
from sync_server.db.bulk import JsonText, execute_many
from sync_server.db.ids import id_query
from sync_server.db.record_text import record_search_text, title_sort_key
from sync_server.db.tables import districts, feed_counters, records

__all__ = [
    "PARTNER_HIDDEN_FIELDS",
    "Loaded",
    "RecordWriter",
    "RowMeta",
    "StoredRecord",
    "ensure_feed_counter",
    "get_record",
    "lock_district",
    "next_seq",
    "record_from_row",
    "record_meta",
    "record_producer_id",
    "redact_for_partner",
    "row_meta",
    "take_seqs",
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


def take_seqs(conn: Connection, district_code: str, count: int) -> int:
    """Take `count` consecutive feed positions of the district; returns the first.

    The UPDATE locks the counter row until the caller's transaction ends, so writers of one
    district take positions one block at a time and commit in position order: a reader that
    saw position N can never later find a smaller position appear.
    """
    row = conn.execute(
        feed_counters.update()
        .where(feed_counters.c.district_code == district_code)
        .values(last_seq=feed_counters.c.last_seq + count)
        .returning(feed_counters.c.last_seq)
    ).first()
    if row is None:
        known = conn.execute(
            sa.select(districts.c.code).where(districts.c.code == district_code)).first()
        if known is None:
            raise ValueError(f"unknown district {district_code!r}")
        ensure_feed_counter(conn, district_code)
        return take_seqs(conn, district_code, count)
    return int(row[0]) - count + 1


def next_seq(conn: Connection, district_code: str) -> int:
    """Take the district's next feed position (see `take_seqs`)."""
    return take_seqs(conn, district_code, 1)


def lock_district(conn: Connection, district_code: str) -> None:
    """Take the district's feed counter row lock until the transaction ends (PostgreSQL;
    SQLite's BEGIN IMMEDIATE already serialises writers).

    A read-merge-write (a push) holds it from its first read: without it two writers
    creating the same record at once would both find no row and both insert it.
    """
    conn.execute(sa.select(feed_counters.c.last_seq)
                 .where(feed_counters.c.district_code == district_code)
                 .with_for_update())


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


@dataclass(frozen=True, slots=True)
class RowMeta:
    """The columns of a record row derived from its data alone (pure: `row_meta`)."""

    producer_id: str | None
    title: str | None
    search_text: str
    sort_key: str | None


def row_meta(record_type: str, record_id: str, data: Mapping[str, Any]) -> RowMeta:
    """`record_meta` and the title's Thai sort key: what `RecordWriter.flush` stores."""
    producer_id, title, search_text = record_meta(record_type, record_id, data)
    return RowMeta(producer_id, title, search_text, title_sort_key(title))


def record_meta(record_type: str, record_id: str, data: Mapping[str, Any]
                ) -> tuple[str | None, str | None, str]:
    """(producer_id, title, search_text) computed from a record's own fields (pure)."""
    producer_id = record_producer_id(record_type, record_id, data)
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


def record_producer_id(record_type: str, record_id: str, data: Mapping[str, Any]
                       ) -> str | None:
    """The producer a record belongs to (a producer: itself), from its own fields (pure)."""
    if record_type == "producer":
        return record_id
    if record_type == "network_link":
        return _str_or_none(data.get("from_producer_id"))
    return _str_or_none(data.get("producer_id"))


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _producer_subdistrict(data: Mapping[str, Any]) -> str | None:
    address = data.get("address")
    return _str_or_none(address.get("subdistrict_code")) if isinstance(address, Mapping) else None


@dataclass(slots=True)
class Loaded:
    """A record as the writer holds it: stored (`exists`) or about to be (`dirty`)."""

    record_type: str
    district_code: str
    state: RecordState
    subdistrict_code: str | None
    exists: bool
    schema_version: int = 1
    dirty: bool = False
    meta: RowMeta | None = None  # of `state.data`, when computed ahead (`put`)
    # `state.data` and `state.clocks` as JSON text, when encoded ahead (`put`).
    encoded: tuple[JsonText, JsonText] | None = None


class RecordWriter:
    """The one way records are written, one record (`upsert_record`) or a push group at once.

    Used by the sync merge (many pushes per transaction, `sync_server/sync/push.py`), the
    office's edits and merges (`sync_server/web/office_writes.py` through `upsert_record`),
    the demo and the test seeds. It reads the records it will change in one SELECT
    (`load`), keeps their merged state in memory (`put`; a record changed twice is written
    once), and `flush` takes a block of feed positions with one UPDATE of the district's
    counter and writes with one executemany per kind (Core, no per-row ORM work; each JSON
    column encoded once by the engine's serializer).

    Derived columns, the same for every source: `producer_id`, `title` and `search_text`
    from `record_meta`; `sort_key` (the title's Thai order, `record_text.title_sort_key`);
    `subdistrict_code` from the producer's address for a producer and
    from the record's producer for everything else (in this batch or stored). A producer
    that is new or moved hands its subdistrict to the records already stored under it (a
    phone may push a product before its producer; the office may move a producer), so
    subdistrict-filtered pulls and exports find them. Their data stays, but they take new
    feed positions: for a phone that pulls only that subdistrict they are new, and its
    cursor may be past their old positions already.

    The caller owns the transaction. Taking the feed counter's row (the UPDATE in `flush`,
    or `lock_district` first for read-merge-write) serialises writers of one district and
    keeps feed positions in commit order.
    """

    __slots__ = ("conn", "district_code", "rows")

    def __init__(self, conn: Connection, district_code: str) -> None:
        self.conn = conn
        self.district_code = district_code
        self.rows: dict[str, Loaded] = {}

    def load(self, record_ids: Iterable[str]) -> None:
        """Read the stored state of `record_ids` (any district: the caller checks)."""
        wanted = sorted(set(record_ids) - self.rows.keys())
        for r in _LOAD_RECORDS.rows(self.conn, wanted):
            self.rows[r.id] = Loaded(r.record_type, r.district_code,
                                     RecordState(dict(r.data or {}), dict(r.clocks or {}),
                                                 bool(r.deleted)),
                                     r.subdistrict_code, True, int(r.schema_version))

    def get(self, record_id: str) -> Loaded | None:
        return self.rows.get(record_id)

    def put(self, record_id: str, record_type: str, state: RecordState,
            schema_version: int, meta: RowMeta | None = None,
            encoded: tuple[JsonText, JsonText] | None = None) -> None:
        """Set the merged state of a record (loaded first, or new). `meta` and `encoded`,
        when given, are `row_meta` of exactly this state's data and its data and clocks as
        JSON (computed before the transaction)."""
        row = self.rows.get(record_id)
        if row is None:
            self.rows[record_id] = Loaded(record_type, self.district_code, state, None, False,
                                          schema_version, dirty=True, meta=meta,
                                          encoded=encoded)
        else:
            row.state, row.schema_version, row.dirty = state, schema_version, True
            row.meta, row.encoded = meta, encoded

    def flush(self, now: datetime) -> dict[str, int]:
        """Write every record `put` since the last flush; record id -> its new feed seq."""
        dirty = [(rid, row) for rid, row in self.rows.items() if row.dirty]
        if not dirty:
            return {}
        first_seq = take_seqs(self.conn, self.district_code, len(dirty))
        producer_subdistricts = self._producer_subdistricts(dirty)
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        handed: dict[str, str | None] = {}  # new or moved producer -> its subdistrict
        seqs: dict[str, int] = {}
        for offset, (record_id, row) in enumerate(dirty):
            data = row.state.data
            meta = row.meta or row_meta(row.record_type, record_id, data)
            producer_id = meta.producer_id
            if row.record_type == "producer":
                subdistrict = _producer_subdistrict(data)
                if not row.exists or subdistrict != row.subdistrict_code:
                    handed[record_id] = subdistrict
            else:
                subdistrict = producer_subdistricts.get(producer_id) if producer_id else None
            seq = first_seq + offset
            seqs[record_id] = seq
            data_value, clocks_value = row.encoded or (data, row.state.clocks)
            values = {
                "record_type": row.record_type, "district_code": self.district_code,
                "subdistrict_code": subdistrict, "producer_id": producer_id,
                "data": data_value, "clocks": clocks_value,
                "deleted": row.state.deleted, "schema_version": row.schema_version,
                "seq": seq, "title": meta.title, "search_text": meta.search_text,
                "sort_key": meta.sort_key,
                "updated_at": now,
            }
            if row.exists:
                values["b_id"] = record_id
                updates.append(values)
            else:
                values["id"] = record_id
                values["created_at"] = now
                inserts.append(values)
            row.dirty, row.exists, row.subdistrict_code = False, True, subdistrict
            row.meta = row.encoded = None
        execute_many(self.conn, _INSERT_RECORD, inserts)
        execute_many(self.conn, _UPDATE_RECORD, updates)
        if handed:
            self._hand_down(handed, {rid for rid, _row in dirty})
        return seqs

    def _hand_down(self, producers: Mapping[str, str | None], written: set[str]) -> None:
        """Stored records of new or moved producers take the producer's subdistrict, and a
        new feed position: a phone that pulls only that subdistrict and is already past
        their old positions must still receive them (they are new to its subdistrict).

        One SELECT finds which of them have such records (usually none: a producer comes
        first), then per producer that has: its records to move, one block of positions,
        one executemany.
        """
        ids = sorted(producers)
        having: set[str] = set()
        # Only `producer_id IN (...)` in SQL, so SQLite uses ix_records_producer; with a
        # district filter too it picked the district's index and scanned the district.
        for r in _RECORDS_OF_PRODUCERS.rows(self.conn, ids):
            if r.record_type != "producer" and r.district_code == self.district_code:
                having.add(r.producer_id)
        for producer_id in sorted(having):
            subdistrict = producers[producer_id]
            moving = [r.id for r in self.conn.execute(
                sa.select(records.c.id)
                .where(records.c.producer_id == producer_id, records.c.id != producer_id,
                       records.c.district_code == self.district_code,
                       records.c.subdistrict_code.is_distinct_from(subdistrict))
                .order_by(records.c.seq))]
            if moving:
                first_seq = take_seqs(self.conn, self.district_code, len(moving))
                execute_many(self.conn, _HAND_DOWN, [
                    {"b_id": record_id, "subdistrict_code": subdistrict, "seq": first_seq + i}
                    for i, record_id in enumerate(moving)])
            for row in self.rows.values():
                if row.exists and row.record_type != "producer" and \
                        record_producer_id(row.record_type, "", row.state.data) == producer_id:
                    row.subdistrict_code = subdistrict

    def _producer_subdistricts(self, dirty: list[tuple[str, Loaded]]) -> dict[str, str | None]:
        found: dict[str, str | None] = {}
        needed: set[str] = set()
        for record_id, row in dirty:
            if row.record_type == "producer":
                continue
            producer_id = record_producer_id(row.record_type, record_id, row.state.data)
            if producer_id is None or producer_id in found:
                continue
            producer = self.rows.get(producer_id)
            if producer is not None and producer.record_type == "producer" \
                    and producer.district_code == self.district_code:
                found[producer_id] = _producer_subdistrict(producer.state.data)
            else:
                needed.add(producer_id)
        ordered = sorted(needed)
        for start in range(0, len(ordered), 500):
            for r in self.conn.execute(
                sa.select(records.c.id, records.c.subdistrict_code)
                .where(records.c.id.in_(ordered[start:start + 500]),
                       records.c.district_code == self.district_code)
            ):
                found[r.id] = r.subdistrict_code
        return found


_INSERT_RECORD = records.insert()
# Statements built once (building and cloning an IN expression per push group showed up in
# the write lock's profile).
_LOAD_RECORDS = id_query(
    lambda match: sa.select(records.c.id, records.c.record_type, records.c.district_code,
                            records.c.data, records.c.clocks, records.c.deleted,
                            records.c.subdistrict_code, records.c.schema_version).where(match),
    records.c.id)
_RECORDS_OF_PRODUCERS = id_query(
    lambda match: sa.select(records.c.producer_id, records.c.district_code,
                            records.c.record_type).where(match),
    records.c.producer_id)
_HAND_DOWN = (
    records.update().where(records.c.id == sa.bindparam("b_id"))
    .values(subdistrict_code=sa.bindparam("subdistrict_code"), seq=sa.bindparam("seq")))
_UPDATE_RECORD = (
    records.update().where(records.c.id == sa.bindparam("b_id"))
    .values({c: sa.bindparam(c) for c in (
        "record_type", "district_code", "subdistrict_code", "producer_id", "data", "clocks",
        "deleted", "schema_version", "seq", "title", "search_text", "sort_key",
        "updated_at")})
)


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
    """Store the merged state of one record through `RecordWriter`; returns its new seq.

    `data` and `clocks` are the complete merged record (not a delta). Raises ValueError if
    the id already belongs to another district or record type.
    """
    lock_district(conn, district_code)  # the counter row first, as a push takes it
    writer = RecordWriter(conn, district_code)
    writer.load([record_id])
    existing = writer.get(record_id)
    if existing is not None and (existing.district_code != district_code
                                 or existing.record_type != record_type):
        raise ValueError(
            f"record id {record_id!r} already belongs to another district or record type")
    writer.put(record_id, record_type, RecordState(dict(data), dict(clocks), deleted),
               schema_version)
    return writer.flush(now or datetime.now(UTC))[record_id]


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
