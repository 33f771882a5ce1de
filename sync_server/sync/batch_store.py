"""Reading and writing the records one push batch touches, in a few bulk statements.

A push of 200 changes would otherwise cost about a thousand statements (read, lock, feed
position, insert or update per change). Here the batch reads its records in one SELECT,
merges in memory (a record changed twice in one batch is written once), takes a block of
feed positions with one UPDATE of the district's counter, and writes with one executemany
per kind. The denormalised columns are computed exactly as `sync_server.db.records` does
(`record_meta`; subdistrict from the producer), so the register sees the same rows.

The caller holds the district's feed-counter row lock for the whole transaction
(`push._lock_district`), which is what makes read-merge-write safe on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from recordsync.merge import RecordState
from sync_server.db.record_text import title_sort_key
from sync_server.db.records import record_meta
from sync_server.db.tables import feed_counters, records

__all__ = ["BatchRecords", "Loaded"]


@dataclass(slots=True)
class Loaded:
    record_type: str
    district_code: str
    state: RecordState
    subdistrict_code: str | None
    exists: bool
    schema_version: int = 1
    dirty: bool = False


class BatchRecords:
    def __init__(self, conn: Connection, district_code: str) -> None:
        self.conn = conn
        self.district_code = district_code
        self.rows: dict[str, Loaded] = {}

    def load(self, record_ids: Iterable[str]) -> None:
        wanted = sorted(set(record_ids) - set(self.rows))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            for r in self.conn.execute(
                sa.select(records.c.id, records.c.record_type, records.c.district_code,
                          records.c.data, records.c.clocks, records.c.deleted,
                          records.c.subdistrict_code, records.c.schema_version)
                .where(records.c.id.in_(chunk))
            ):
                self.rows[r.id] = Loaded(r.record_type, r.district_code,
                                         RecordState(dict(r.data or {}), dict(r.clocks or {}),
                                                     bool(r.deleted)),
                                         r.subdistrict_code, True, int(r.schema_version))

    def get(self, record_id: str) -> Loaded | None:
        return self.rows.get(record_id)

    def put(self, record_id: str, record_type: str, state: RecordState,
            schema_version: int) -> None:
        row = self.rows.get(record_id)
        if row is None:
            self.rows[record_id] = Loaded(record_type, self.district_code, state, None, False,
                                          schema_version, dirty=True)
        else:
            row.state, row.schema_version, row.dirty = state, schema_version, True

    def flush(self, now: datetime) -> None:
        dirty = [(rid, row) for rid, row in self.rows.items() if row.dirty]
        if not dirty:
            return
        top = self.conn.execute(
            feed_counters.update()
            .where(feed_counters.c.district_code == self.district_code)
            .values(last_seq=feed_counters.c.last_seq + len(dirty))
            .returning(feed_counters.c.last_seq)
        ).scalar_one()
        first_seq = int(top) - len(dirty) + 1
        producer_subdistricts = self._producer_subdistricts(dirty)
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        moved: list[tuple[str, str | None]] = []
        for offset, (record_id, row) in enumerate(dirty):
            data = row.state.data
            producer_id, title, search_text = record_meta(row.record_type, record_id, data)
            if row.record_type == "producer":
                address = data.get("address")
                code = address.get("subdistrict_code") if isinstance(address, Mapping) else None
                subdistrict = code if isinstance(code, str) and code else None
                if row.exists and subdistrict != row.subdistrict_code:
                    moved.append((record_id, subdistrict))
            else:
                subdistrict = producer_subdistricts.get(producer_id) if producer_id else None
            values = {
                "record_type": row.record_type, "district_code": self.district_code,
                "subdistrict_code": subdistrict, "producer_id": producer_id,
                "data": dict(data), "clocks": dict(row.state.clocks),
                "deleted": row.state.deleted, "schema_version": row.schema_version,
                "seq": first_seq + offset, "title": title, "search_text": search_text,
                "sort_key": title_sort_key(title),
                "updated_at": now,
            }
            if row.exists:
                updates.append({"b_id": record_id, **values})
            else:
                inserts.append({"id": record_id, "created_at": now, **values})
            row.dirty, row.exists, row.subdistrict_code = False, True, subdistrict
        if inserts:
            self.conn.execute(records.insert(), inserts)
        if updates:
            columns = [k for k in updates[0] if k != "b_id"]
            self.conn.execute(
                records.update().where(records.c.id == sa.bindparam("b_id"))
                .values({c: sa.bindparam(c) for c in columns}), updates)
        for producer_id, subdistrict in moved:
            # The producer moved: its records' filter column follows (their data did not
            # change, so their feed position does not either).
            self.conn.execute(
                records.update()
                .where(records.c.producer_id == producer_id, records.c.id != producer_id,
                       records.c.district_code == self.district_code)
                .values(subdistrict_code=subdistrict))

    def _producer_subdistricts(self, dirty: list[tuple[str, Loaded]]) -> dict[str, str | None]:
        found: dict[str, str | None] = {}
        needed: set[str] = set()
        for record_id, row in dirty:
            producer_id, _t, _s = record_meta(row.record_type, record_id, row.state.data)
            if row.record_type == "producer" or producer_id is None:
                continue
            producer = self.rows.get(producer_id)
            if producer is not None and producer.record_type == "producer":
                address = producer.state.data.get("address")
                code = address.get("subdistrict_code") if isinstance(address, Mapping) else None
                found[producer_id] = code if isinstance(code, str) and code else None
            else:
                needed.add(producer_id)
        if needed:
            for r in self.conn.execute(
                sa.select(records.c.id, records.c.subdistrict_code)
                .where(records.c.id.in_(sorted(needed)),
                       records.c.district_code == self.district_code)
            ):
                found[r.id] = r.subdistrict_code
        return found
