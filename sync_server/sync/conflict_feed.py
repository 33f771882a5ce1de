"""The conflicts a phone took part in, for the officer to see on the phone (read only).

`GET /api/v1/sync/conflicts`: every conflict of the caller's district in which the calling
device wrote one of the two values (open ones, and the newest resolved ones with the value
the office kept), so the phone can list them — each field with both values, who and when,
and its state — and clear its flags once the office has settled them. The phone whose edit
lost learns of it here: its push was applied before the later write, so no push answer of
its own ever mentioned the conflict.
"""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy.engine import Connection

from sync_server.auth import CurrentPrincipal
from sync_server.db.tables import conflicts, devices, records, users
from sync_server.deps import DbConn
from sync_server.problems import Problem

__all__ = ["device_conflicts", "router"]

router = APIRouter(prefix="/api/v1/sync", tags=["sync"])

MAX_CONFLICTS = 500


class PhoneConflict(BaseModel):
    id: str
    record_type: str
    record_id: str
    title: str | None = Field(description="The record's name (producer / product), Thai")
    field: str
    kind: str = Field(description="hard (same field) | soft (other fields)")
    winning_value: Any = None
    winning_clock: str | None = None
    winning_device_id: str | None = None
    winning_who: str | None = None
    losing_value: Any = None
    losing_clock: str | None = None
    losing_device_id: str | None = None
    losing_who: str | None = None
    status: str = Field(description="open (waiting for the office) | resolved")
    resolved_value: Any = Field(default=None, description="The value the office kept")
    resolved_by: str | None = None
    resolved_at: str | None = None


class PhoneConflicts(BaseModel):
    conflicts: list[PhoneConflict]


def device_conflicts(conn: Connection, district_code: str, device_id: str,
                     limit: int = MAX_CONFLICTS) -> list[dict[str, Any]]:
    """Conflicts of the district where `device_id` wrote the winning or the losing value,
    newest first; a resolved one carries the record's current value of the field."""
    win_dev, lose_dev = devices.alias("wd"), devices.alias("ld")
    win_user, lose_user, resolver = users.alias("wu"), users.alias("lu"), users.alias("ru")
    query = (
        sa.select(conflicts, records.c.title, records.c.data.label("record_data"),
                  win_user.c.display_name.label("winning_who"),
                  lose_user.c.display_name.label("losing_who"),
                  resolver.c.display_name.label("resolver"))
        .outerjoin(records, records.c.id == conflicts.c.record_id)
        .outerjoin(win_dev, win_dev.c.id == conflicts.c.winning_device_id)
        .outerjoin(win_user, win_user.c.id == win_dev.c.user_id)
        .outerjoin(lose_dev, lose_dev.c.id == conflicts.c.losing_device_id)
        .outerjoin(lose_user, lose_user.c.id == lose_dev.c.user_id)
        .outerjoin(resolver, resolver.c.id == conflicts.c.resolved_by)
        .where(conflicts.c.district_code == district_code,
               sa.or_(conflicts.c.winning_device_id == device_id,
                      conflicts.c.losing_device_id == device_id))
        .order_by(conflicts.c.created_at.desc())
        .limit(limit)
    )
    found = []
    for row in conn.execute(query).mappings():
        data = row["record_data"] or {}
        resolved = row["status"] == "resolved"
        found.append({
            "id": row["id"], "record_type": row["record_type"], "record_id": row["record_id"],
            "title": row["title"], "field": row["field"], "kind": row["kind"],
            "winning_value": row["winning_value"], "winning_clock": row["winning_clock"],
            "winning_device_id": row["winning_device_id"], "winning_who": row["winning_who"],
            "losing_value": row["losing_value"], "losing_clock": row["losing_clock"],
            "losing_device_id": row["losing_device_id"], "losing_who": row["losing_who"],
            "status": row["status"],
            "resolved_value": data.get(row["field"]) if resolved and isinstance(data, dict)
            else None,
            "resolved_by": row["resolver"] if resolved else None,
            "resolved_at": row["resolved_at"].isoformat() if resolved and row["resolved_at"]
            else None,
        })
    return found


@router.get("/conflicts", response_model=PhoneConflicts,
            summary="The conflicts this phone took part in, open and resolved")
def list_device_conflicts(
    principal: CurrentPrincipal,
    conn: DbConn,
    limit: Annotated[int, Query(ge=1, le=MAX_CONFLICTS)] = MAX_CONFLICTS,
) -> PhoneConflicts:
    if principal.device_id is None or not principal.can_write:
        raise Problem(403, "phones_only", "For the district's phones",
                      "สำหรับโทรศัพท์ของอำเภอเท่านั้น",
                      "Conflicts are listed for the phone that took part in them.",
                      "รายการข้อมูลขัดกันแสดงให้โทรศัพท์ที่แก้ไขข้อมูลนั้นเท่านั้น")
    rows = device_conflicts(conn, principal.district_code, principal.device_id, limit)
    return PhoneConflicts(conflicts=[PhoneConflict(**r) for r in rows])
