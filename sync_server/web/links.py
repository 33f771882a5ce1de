"""Network links between producers made in the office: validated, then written as
`network_link` records with a server clock, so the phones pull them like any other.

`validate_link_form` is pure; `producer_choices` and `save_link` read and write the
caller's district only, in the caller's transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from schemas import codes, validate_record
from sync_server.audit import audit
from sync_server.auth import Principal
from sync_server.db.records import StoredRecord, get_record
from sync_server.db.tables import records
from sync_server.web.office_writes import create_record

__all__ = ["LinkError", "producer_choices", "save_link", "validate_link_form"]

MAX_NOTES = 4000


@dataclass(frozen=True, slots=True)
class LinkError:
    field: str
    message_th: str
    message_en: str


def validate_link_form(form: Mapping[str, str], from_id: str
                       ) -> tuple[dict[str, str], list[LinkError]]:
    to_id = (form.get("to_producer_id") or "").strip()
    kind = (form.get("kind") or "").strip()
    notes = (form.get("notes") or "").strip()
    errors = []
    if not to_id:
        errors.append(LinkError("to_producer_id", "กรุณาเลือกผู้ผลิตปลายทาง",
                                "Choose the other producer"))
    elif to_id == from_id:
        errors.append(LinkError("to_producer_id", "ผู้ผลิตต้นทางและปลายทางต้องเป็นคนละราย",
                                "A network link needs two different producers"))
    if kind not in codes("link_kind"):
        errors.append(LinkError("kind", "กรุณาเลือกลักษณะความเชื่อมโยง",
                                "Choose the kind of link"))
    if len(notes) > MAX_NOTES:
        errors.append(LinkError("notes", f"หมายเหตุยาวเกิน {MAX_NOTES} ตัวอักษร",
                                f"The notes are longer than {MAX_NOTES} characters"))
    fields = {"from_producer_id": from_id, "to_producer_id": to_id, "kind": kind}
    if notes:
        fields["notes"] = notes
    return fields, errors


def producer_choices(conn: Connection, district_code: str, exclude: str
                     ) -> list[tuple[str, str]]:
    """(id, name) of the district's live producers but one, by name."""
    rows = conn.execute(
        sa.select(records.c.id, records.c.title).where(
            records.c.district_code == district_code, records.c.record_type == "producer",
            records.c.deleted.is_(False), records.c.id != exclude)
        .order_by(records.c.title, records.c.id))
    return [(r.id, r.title or r.id) for r in rows]


def save_link(conn: Connection, principal: Principal, source: StoredRecord,
              fields: Mapping[str, str]) -> str | LinkError:
    """Create the link; an error when the other producer is not a live one of the district
    or the record would not be valid for the phones."""
    target = get_record(conn, fields["to_producer_id"], district_code=source.district_code)
    if target is None or target.record_type != "producer" or target.deleted:
        return LinkError("to_producer_id", "ไม่พบผู้ผลิตปลายทางในอำเภอของคุณ",
                         "The other producer is not in your district")
    link_id = uuid.uuid4().hex
    issues = validate_record("network_link", {**fields, "id": link_id, "schema_version": 1},
                             "final")
    if issues:
        return LinkError(issues[0].path, issues[0].message_th, issues[0].message_en)
    create_record(conn, district_code=source.district_code, record_type="network_link",
                  record_id=link_id, data=dict(fields))
    audit(conn, principal, "link.create", "network_link", link_id,
          {"kind": fields["kind"], "to": fields["to_producer_id"]})
    return link_id
