"""Health and "who am I"."""

from __future__ import annotations

from typing import Literal

import sqlalchemy as sa
from fastapi import APIRouter, Request
from pydantic import BaseModel

from sync_server import __version__
from sync_server.accounts import district_info
from sync_server.auth import CurrentPrincipal
from sync_server.db.engine import database_kind, read_only
from sync_server.deps import DbConn, get_engine
from sync_server.problems import Problem
from sync_server.schemas_api import DistrictOut, UserOut

router = APIRouter(prefix="/api/v1", tags=["core"])


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    database: Literal["sqlite", "postgresql"]


@router.get("/health", response_model=Health,
            responses={503: {"description": "The database cannot be reached"}})
def health(request: Request) -> Health:
    """Liveness, the database reachable, and which database this server runs on. No token
    needed."""
    engine = get_engine(request)
    try:
        with read_only(engine).connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        raise Problem(503, "database_unavailable", "Database unavailable",
                      "ฐานข้อมูลใช้งานไม่ได้",
                      "The server cannot reach its database; try again shortly.",
                      "เซิร์ฟเวอร์ติดต่อฐานข้อมูลไม่ได้ กรุณาลองใหม่อีกครั้ง") from exc
    kind = database_kind(engine)
    return Health(status="ok", version=__version__, database=kind)  # type: ignore[arg-type]


class Me(BaseModel):
    user: UserOut
    district: DistrictOut
    device_id: str | None


@router.get("/me", response_model=Me)
def me(principal: CurrentPrincipal, conn: DbConn) -> Me:
    """The caller's account and district (the app shows it after enrolment)."""
    district = district_info(conn, principal.district_code)
    assert district is not None  # users.district_code is a foreign key
    return Me(user=UserOut.from_principal(principal), district=DistrictOut(**district),
              device_id=principal.device_id)
