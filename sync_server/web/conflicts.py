"""Open conflicts and their resolution by the office.

Resolving writes the chosen value (the winning one, the losing one, or one typed in the
office) as a new version of the field with a server clock, so every phone converges on it,
and marks every open conflict on that record's field resolved, in one transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from schemas.cleantext import clean_strings, first_problem
from sync_server.audit import audit
from sync_server.auth import Principal
from sync_server.db.records import get_record
from sync_server.db.tables import conflicts, devices, records, users
from sync_server.web.office_writes import write_fields

__all__ = ["ResolveError", "list_open_conflicts", "parse_new_value", "resolve_conflict"]

CHOICES = ("winning", "losing", "custom")


class ResolveError(ValueError):
    def __init__(self, message_th: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_th = message_th
        self.message_en = message_en


def parse_new_value(text: str, like: Any) -> Any:
    """A value typed in the office, read as the same kind as the value it replaces: text
    stays text; numbers, yes/no, lists and objects are read as JSON. Its text obeys the
    clean-text rule (schemas/cleantext.py)."""
    value = clean_strings(_parse_new_value(text, like))
    problem = first_problem(value)
    if problem:
        raise ResolveError(problem[1].format(label="ค่าใหม่"),
                           problem[2].format(label="The new value"))
    return value


def _parse_new_value(text: str, like: Any) -> Any:
    text = text.strip()
    if isinstance(like, str) or like is None:
        if like is None and text:
            try:
                return json.loads(text)
            except ValueError:
                return text
        return text
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ResolveError("ค่าใหม่ต้องอยู่ในรูปแบบเดียวกับค่าเดิม (ตัวเลข หรือ JSON)",
                           "The new value must have the same form as the old one "
                           "(a number or JSON)") from exc
    same_kind = (isinstance(value, bool) == isinstance(like, bool)) and (
        isinstance(value, int | float) == isinstance(like, int | float)) and (
        isinstance(value, list) == isinstance(like, list)) and (
        isinstance(value, dict) == isinstance(like, dict))
    if not same_kind:
        raise ResolveError("ค่าใหม่ต้องเป็นชนิดเดียวกับค่าเดิม",
                           "The new value must be of the same kind as the old one")
    return value


def list_open_conflicts(conn: Connection, district_code: str, limit: int = 200
                        ) -> list[dict[str, Any]]:
    """Open conflicts with the record's title and who made each side (via the device)."""
    win_dev, lose_dev = devices.alias("wd"), devices.alias("ld")
    win_user, lose_user = users.alias("wu"), users.alias("lu")
    query = (
        sa.select(conflicts, records.c.title, records.c.producer_id,
                  win_user.c.display_name.label("winning_who"),
                  lose_user.c.display_name.label("losing_who"))
        .outerjoin(records, records.c.id == conflicts.c.record_id)
        .outerjoin(win_dev, win_dev.c.id == conflicts.c.winning_device_id)
        .outerjoin(win_user, win_user.c.id == win_dev.c.user_id)
        .outerjoin(lose_dev, lose_dev.c.id == conflicts.c.losing_device_id)
        .outerjoin(lose_user, lose_user.c.id == lose_dev.c.user_id)
        .where(conflicts.c.district_code == district_code, conflicts.c.status == "open")
        .order_by(conflicts.c.created_at.desc()).limit(limit)
    )
    return [dict(row._mapping) for row in conn.execute(query)]


@dataclass(frozen=True)
class Resolution:
    record_id: str
    field: str
    value: Any
    conflicts_closed: int


def resolve_conflict(conn: Connection, principal: Principal, conflict_id: str, choice: str,
                     custom_text: str = "", *, now: datetime | None = None) -> Resolution:
    """Write the chosen value with a server clock and close the field's open conflicts.
    Raises LookupError if the conflict is not an open one of this district."""
    now = now or datetime.now(UTC)
    row = conn.execute(
        sa.select(conflicts).where(conflicts.c.id == conflict_id,
                                   conflicts.c.district_code == principal.district_code,
                                   conflicts.c.status == "open")
    ).mappings().first()
    if row is None:
        raise LookupError(conflict_id)
    if choice not in CHOICES:
        raise ResolveError("กรุณาเลือกค่าที่จะใช้", "Choose which value to keep")
    record = get_record(conn, row["record_id"], district_code=principal.district_code,
                        for_update=True)
    if record is None:
        raise LookupError(row["record_id"])
    field = row["field"]
    if field.startswith("_"):
        # A delete-versus-edit conflict: the merge already kept the later of the two; the
        # office acknowledges it (an edit made after it brings the record back).
        value = None
    elif choice == "winning":
        value = row["winning_value"]
    elif choice == "losing":
        value = row["losing_value"]
    else:
        value = parse_new_value(custom_text, record.data.get(field, row["winning_value"]))
    if not field.startswith("_"):
        write_fields(conn, record, {field: value}, now=now)
    closed = conn.execute(
        conflicts.update()
        .where(conflicts.c.record_id == record.id, conflicts.c.field == field,
               conflicts.c.district_code == principal.district_code,
               conflicts.c.status == "open")
        .values(status="resolved", resolved_by=principal.user_id, resolved_at=now)
    ).rowcount
    audit(conn, principal, "conflict.resolve", record.record_type, record.id,
          {"conflict_id": conflict_id, "field": field, "choice": choice, "value": value},
          now=now)
    return Resolution(record.id, field, value, closed)
