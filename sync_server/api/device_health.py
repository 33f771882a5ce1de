"""`POST /api/v1/devices/health`: a phone tells the office what went wrong on it.

Today one kind of report: `store_damage`, sent by the sync client after a sync when the
phone's store found damage on opening (entries it could not read; see docs/security.md
"Phone store damage"). Reports are idempotent per (device, report_id): the phone sends one
until it is acknowledged. `recent_damage` lists them for the office (the register page).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Response
from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field
from sqlalchemy.engine import Connection

from sync_server.audit import audit
from sync_server.auth import WriterPrincipal
from sync_server.db.tables import device_health_reports, devices, users
from sync_server.deps import DbConn
from sync_server.problems import Problem

__all__ = ["HealthReport", "recent_damage", "router"]

router = APIRouter(prefix="/api/v1", tags=["devices"])

_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}


def _integral(value: object) -> object:
    """13446.0 is an integer to JSON Schema (and so to the OpenAPI description): take it as
    13446. Strings, booleans and 1.5 are still refused by the strict int."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


_Integral = BeforeValidator(_integral)


class HealthReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    report_id: Annotated[str, Field(pattern=r"^[0-9a-f]{16,64}$",
                                    description="Made by the phone; the same report resent "
                                                "keeps its id")]
    kind: Literal["store_damage"]
    entries_lost: Annotated[int, Field(strict=True, ge=0, le=1_000_000_000,
                                       description="Saved entries the phone could not read"),
                            _Integral]
    count_exact: Annotated[bool, Field(
        strict=True,
        description="False: entries_lost is a minimum (the damage ran to the end of the file)")]
    damaged_bytes: Annotated[int, Field(strict=True, ge=0, le=1 << 40), _Integral]
    detected_at: Annotated[AwareDatetime, Field(description="When the phone found it "
                                                            "(its own clock)")]
    app_version: Annotated[str, Field(pattern=r"^[0-9A-Za-z.+_-]{1,32}$")]


class HealthAnswer(BaseModel):
    status: Literal["stored", "already_had"]
    report_id: str


@router.post(
    "/devices/health", response_model=HealthAnswer, status_code=201,
    summary="Report the phone's health (damage found in its store)",
    responses={
        200: {"model": HealthAnswer, "description": "This report was already stored"},
        401: {"description": "No valid device token", **_PROBLEM},
        403: {"description": "Not a phone's token, or a read-only token", **_PROBLEM},
        422: {"description": "The report is malformed", **_PROBLEM},
    })
def report_health(body: HealthReport, principal: WriterPrincipal, conn: DbConn,
                  response: Response) -> HealthAnswer:
    """Store one health report of the calling device (device token). Idempotent: sending the
    same `report_id` again answers 200 `already_had` and changes nothing."""
    if principal.device_id is None:
        raise Problem(403, "device_token_required", "Only a phone can report its health",
                      "รายงานสถานะเครื่องได้เฉพาะจากโทรศัพท์",
                      "Send this with the phone's device token.",
                      "กรุณาส่งด้วยโทเค็นของเครื่องโทรศัพท์")
    known = conn.execute(sa.select(device_health_reports.c.id).where(
        device_health_reports.c.device_id == principal.device_id,
        device_health_reports.c.report_id == body.report_id)).first()
    if known is not None:
        response.status_code = 200
        return HealthAnswer(status="already_had", report_id=body.report_id)
    conn.execute(device_health_reports.insert().values(
        device_id=principal.device_id, district_code=principal.district_code,
        report_id=body.report_id, kind=body.kind, entries_lost=body.entries_lost,
        count_exact=body.count_exact, damaged_bytes=body.damaged_bytes,
        app_version=body.app_version, detected_at=body.detected_at.astimezone(UTC),
        received_at=datetime.now(UTC)))
    audit(conn, principal, "device.health", "device", principal.device_id,
          {"kind": body.kind, "report_id": body.report_id, "entries_lost": body.entries_lost})
    return HealthAnswer(status="stored", report_id=body.report_id)


def recent_damage(conn: Connection, district_code: str, limit: int = 20
                  ) -> list[dict[str, Any]]:
    """The district's newest store-damage reports, with the device's and officer's names."""
    query = (
        sa.select(device_health_reports, devices.c.name.label("device_name"),
                  users.c.display_name.label("officer"))
        .join(devices, devices.c.id == device_health_reports.c.device_id)
        .join(users, users.c.id == devices.c.user_id)
        .where(device_health_reports.c.district_code == district_code,
               device_health_reports.c.kind == "store_damage")
        .order_by(device_health_reports.c.received_at.desc(),
                  device_health_reports.c.id.desc())
        .limit(limit)
    )
    return [dict(row._mapping) for row in conn.execute(query)]
