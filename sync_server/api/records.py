"""The plain read API for records: one district, one record type, keyset pages by id.

Used for the app's first pull, the register and the read benchmark. The sync pull (a feed by
`seq`) is a separate API owned by the sync part.

Partner agencies are refused here: whole records carry free text (notes, contact persons) in
which personal data can hide. Their API (`/api/v1/partner/`) serves an allow-list of fields
with phone-like numbers masked, and audits every call.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from sync_server.auth import CurrentPrincipal, Principal
from sync_server.db.records import StoredRecord, record_from_row
from sync_server.db.tables import records
from sync_server.deps import DbConn
from sync_server.problems import Problem

router = APIRouter(prefix="/api/v1", tags=["records"])

RecordType = Literal["producer", "product", "visit", "photo", "plan_item", "network_link"]
_ID_PATTERN = r"^[A-Za-z0-9_\-]{1,64}$"


class RecordOut(BaseModel):
    id: str
    type: str
    data: dict[str, Any]
    clocks: dict[str, str]
    deleted: bool
    schema_version: int
    seq: int
    updated_at: str


class RecordPage(BaseModel):
    items: list[RecordOut]
    next_cursor: str | None


def record_out(record: StoredRecord) -> RecordOut:
    return RecordOut(**record.to_json())


def refuse_partners(principal: Principal) -> None:
    if principal.is_partner:
        raise Problem(403, "partner_use_partner_api", "Partners use the partner API",
                      "หน่วยงานภาคีใช้ API สำหรับหน่วยงานภาคี",
                      "Whole records are for the district office; read /api/v1/partner/.",
                      "ข้อมูลทั้งระเบียนใช้เฉพาะในสำนักงานอำเภอ กรุณาใช้ /api/v1/partner/")


@router.get("/records", response_model=RecordPage)
def list_records(
    principal: CurrentPrincipal,
    conn: DbConn,
    record_type: Annotated[RecordType, Query(alias="type")],
    cursor: Annotated[str | None, Query(pattern=_ID_PATTERN,
                                        description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    include_deleted: bool = False,
) -> RecordPage:
    """Records of one type in the caller's district, ordered by id, `limit` per page.
    Partner-agency tokens are refused (403): they read the partner API."""
    refuse_partners(principal)
    query = (
        sa.select(records)
        .where(records.c.district_code == principal.district_code,
               records.c.record_type == record_type)
        .order_by(records.c.id)
        .limit(limit + 1)
    )
    if cursor is not None:
        query = query.where(records.c.id > cursor)
    if not include_deleted:
        query = query.where(records.c.deleted.is_(False))
    rows = conn.execute(query).all()
    page = [record_from_row(row) for row in rows[:limit]]
    next_cursor = page[-1].id if len(rows) > limit else None
    return RecordPage(items=[record_out(r) for r in page], next_cursor=next_cursor)


@router.get("/records/{record_type}/{record_id}", response_model=RecordOut)
def read_record(
    principal: CurrentPrincipal,
    conn: DbConn,
    record_type: RecordType,
    record_id: Annotated[str, Path(pattern=_ID_PATTERN)],
) -> RecordOut:
    """One record of the caller's district (404 for other districts' records too)."""
    refuse_partners(principal)
    row = conn.execute(
        sa.select(records).where(records.c.id == record_id,
                                 records.c.record_type == record_type,
                                 records.c.district_code == principal.district_code)
    ).first()
    if row is None:
        raise Problem(404, "record_not_found", "Record not found", "ไม่พบข้อมูล",
                      f"No {record_type} with id {record_id} in your district.",
                      "ไม่พบข้อมูลนี้ในอำเภอของคุณ")
    return record_out(record_from_row(row))
