"""Everything the producer page shows, read in one place from the district's records.

`standard_status` is pure (an expiry date and today -> expired | expiring | valid); the rest
reads records of one district only, so another district's producer is simply not found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from schemas import label
from schemas.textfold import sort_key
from sync_server.db.forwards import find_forward
from sync_server.db.records import StoredRecord, get_record
from sync_server.db.tables import audit_log, change_log, records, users
from sync_server.web.audit_words import describe_office, describe_phone
from sync_server.web.templating import be_date

__all__ = [
    "ProducerView",
    "find_forward",
    "load_producer_view",
    "standard_status",
]

EXPIRY_WARNING = timedelta(days=90)


def standard_status(expires_on: object, today: date) -> str | None:
    """expired | expiring (within 90 days) | valid; None when there is no usable date."""
    if not isinstance(expires_on, str):
        return None
    try:
        expiry = date.fromisoformat(expires_on)
    except ValueError:
        return None
    if expiry < today:
        return "expired"
    if expiry - today <= EXPIRY_WARNING:
        return "expiring"
    return "valid"


@dataclass
class ProducerView:
    producer: StoredRecord
    products: list[StoredRecord] = field(default_factory=list)
    photos_by_product: dict[str | None, list[dict[str, Any]]] = field(default_factory=dict)
    visits: list[StoredRecord] = field(default_factory=list)
    plan_items: list[StoredRecord] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)


def _children(conn: Connection, district_code: str, producer_id: str) -> list[StoredRecord]:
    rows = conn.execute(
        sa.select(records.c.id).where(records.c.district_code == district_code,
                                      records.c.producer_id == producer_id,
                                      records.c.id != producer_id,
                                      records.c.deleted == sa.false())
    ).scalars().all()
    found = [get_record(conn, record_id) for record_id in rows]
    return [record for record in found if record is not None]


def load_producer_view(conn: Connection, district_code: str, producer_id: str
                       ) -> ProducerView | None:
    producer = get_record(conn, producer_id, district_code=district_code)
    if producer is None or producer.record_type != "producer":
        return None
    view = ProducerView(producer)
    children = _children(conn, district_code, producer_id)
    for record in children:
        if record.record_type == "product":
            view.products.append(record)
        elif record.record_type == "visit":
            view.visits.append(record)
        elif record.record_type == "plan_item":
            view.plan_items.append(record)
        elif record.record_type == "photo":
            photo = {"id": record.id, **record.data}
            view.photos_by_product.setdefault(record.data.get("product_id"), []).append(photo)
    view.products.sort(key=lambda r: (sort_key(str(r.data.get("name_th") or "")), r.id))
    view.visits.sort(key=lambda r: str(r.data.get("started_at") or ""), reverse=True)
    view.plan_items.sort(key=lambda r: (str(r.data.get("due_on") or "9999"), r.id))
    view.links = _links(conn, district_code, producer_id, children)
    view.history = _history(conn, district_code, [producer_id, *(r.id for r in children)])
    return view


def _links(conn: Connection, district_code: str, producer_id: str,
           children: list[StoredRecord]) -> list[dict[str, Any]]:
    """Network links from this producer (its own records) and to it (others' records)."""
    outgoing = [r for r in children if r.record_type == "network_link"]
    incoming_ids = conn.execute(
        sa.select(records.c.id).where(
            records.c.district_code == district_code, records.c.record_type == "network_link",
            records.c.deleted == sa.false(),
            records.c.data["to_producer_id"].as_string() == producer_id)
    ).scalars().all()
    incoming = [r for r in (get_record(conn, i) for i in incoming_ids) if r is not None]
    links = []
    for record, direction in [(r, "out") for r in outgoing] + [(r, "in") for r in incoming]:
        other_id = record.data.get("to_producer_id" if direction == "out" else
                                   "from_producer_id")
        other = conn.execute(
            sa.select(records.c.title).where(records.c.id == other_id,
                                             records.c.district_code == district_code)
        ).scalar()
        links.append({"id": record.id, "direction": direction, "kind": record.data.get("kind"),
                      "notes": record.data.get("notes"), "other_id": other_id,
                      "other_name": other or other_id})
    return links


def _record_titles(conn: Connection, district_code: str, ids: set[str], lang: str
                   ) -> dict[str, str]:
    """What the audit trail calls each record: names; a visit by its date; a photo by what
    it shows."""
    if not ids:
        return {}
    rows = conn.execute(sa.select(records.c.id, records.c.record_type, records.c.data,
                                  records.c.title)
                        .where(records.c.district_code == district_code,
                               records.c.id.in_(sorted(ids)))).all()
    titles: dict[str, str] = {}
    for row in rows:
        data = row.data or {}
        if row.record_type == "visit":
            title = be_date(data.get("started_at"), lang)
        elif row.record_type == "photo":
            title = label("photo", "subject", data.get("subject"), lang)
        else:
            title = row.title or ""
        if title:
            titles[row.id] = title
    return titles


def _history(conn: Connection, district_code: str, record_ids: list[str]
             ) -> list[dict[str, Any]]:
    """The audit trail of the producer and its records: office actions and phone changes,
    each in words (`sync_server/web/audit_words.py`) in Thai and English."""
    office = conn.execute(
        sa.select(audit_log.c.at, audit_log.c.action, audit_log.c.target_type,
                  audit_log.c.target_id, audit_log.c.detail, users.c.display_name)
        .outerjoin(users, users.c.id == audit_log.c.user_id)
        .where(audit_log.c.district_code == district_code,
               audit_log.c.target_id.in_(record_ids))
        .order_by(audit_log.c.at.desc()).limit(100)
    ).all()
    phones = conn.execute(
        sa.select(change_log.c.received_at, change_log.c.record_type, change_log.c.record_id,
                  change_log.c.outcome, change_log.c.payload, users.c.display_name)
        .outerjoin(users, users.c.id == change_log.c.user_id)
        .where(change_log.c.district_code == district_code,
               change_log.c.record_id.in_(record_ids))
        .order_by(change_log.c.received_at.desc()).limit(100)
    ).all()
    ids = set(record_ids)
    for row in office:  # the other producer of a merge
        detail = row.detail or {}
        ids.update(str(detail[k]) for k in ("dropped", "kept", "restored") if detail.get(k))
    titles = {lang: _record_titles(conn, district_code, ids, lang) for lang in ("th", "en")}
    entries = [{"at": row.at, "who": row.display_name or "-",
                "text": {lang: describe_office(row.action, row.target_type, row.target_id,
                                               row.detail, titles[lang], lang)
                         for lang in ("th", "en")}} for row in office]
    entries += [{"at": row.received_at, "who": row.display_name or "-",
                 "text": {lang: describe_phone(row.outcome, row.record_type, row.record_id,
                                               row.payload, titles[lang], lang)
                          for lang in ("th", "en")}} for row in phones]
    entries.sort(key=lambda entry: entry["at"], reverse=True)
    return entries[:100]
