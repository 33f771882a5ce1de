"""`POST /api/v1/devices/enrol`: a phone trades a one-time code for its device token."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from sync_server.accounts import district_info
from sync_server.audit import audit
from sync_server.auth import enrol_device
from sync_server.db.tables import users
from sync_server.deps import get_engine
from sync_server.problems import Problem
from sync_server.ratelimit import attempt, refund
from sync_server.schemas_api import DistrictOut, UserOut

router = APIRouter(prefix="/api/v1", tags=["devices"])


# Crockford base32 (no I, L, O, U), any case, in four groups of four with optional dashes
# or spaces: what `auth.normalize_enrolment_code` reads, as the description says it.
_C = "[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]"
_CODE = f"(?:{_C}{{4}}[ -]?){{3}}{_C}{{4}}"
CODE_PATTERN = (rf"^\s*(?:{_CODE}|tambon://enrol\?(?:server=[^&#\s]*&)?code={_CODE}"
                rf"(?:&[^#\s]*)?)\s*$")


class EnrolRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The pattern is described, not enforced by pydantic: a malformed code gets the same
    # plain-language enrolment_code_invalid problem (400) the officer can act on.
    code: Annotated[str, Field(min_length=1, max_length=512,
                               json_schema_extra={"pattern": CODE_PATTERN},
                               description="The one-time code (XXXX-XXXX-XXXX-XXXX), or the "
                                           "tambon://enrol URL of its QR code. Malformed: "
                                           "400; wrong, used or expired: 404")]
    device_name: Annotated[str, Field(min_length=1, max_length=100)]


class EnrolResponse(BaseModel):
    device_id: str
    token: str
    user: UserOut
    district: DistrictOut


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/devices/enrol", response_model=EnrolResponse, responses={
    400: {"description": "Not an enrolment code"},
    404: {"description": "Code wrong, used or expired"},
    429: {"description": "Too many failed attempts from this address"}})
def enrol(body: EnrolRequest, request: Request) -> EnrolResponse:
    """Exchange a one-time enrolment code for a device token (send it afterwards as
    `Authorization: Bearer <token>`). Failed attempts are limited per client address;
    successful ones do not count (a training room of officers on one Wi-Fi)."""
    # The attempt is counted in its own transaction first (it must count even when the code
    # is wrong, and parallel guesses must not slip past the limit), and refunded once the
    # enrolment committed. On SQLite two write transactions of one request must not
    # overlap, hence no `DbConn` here.
    settings = request.app.state.settings
    ip = client_ip(request)
    engine = get_engine(request)
    counted = attempt(engine, f"enrol:{ip}", limit=settings.enrol_rate_limit,
                      window=settings.enrol_rate_window)
    wait = counted.wait
    if wait is not None:
        raise Problem(
            429, "rate_limited", "Too many enrolment attempts", "ลงทะเบียนหลายครั้งเกินไป",
            f"Too many wrong codes from this address; try again in {wait} seconds.",
            f"มีการใส่รหัสผิดจากเครือข่ายนี้หลายครั้งเกินไป กรุณาลองใหม่ใน {wait} วินาที",
            headers={"Retry-After": str(wait)})
    with engine.begin() as conn:
        enrolled = enrol_device(conn, body.code, body.device_name.strip() or "phone")
        user = conn.execute(sa.select(users).where(users.c.id == enrolled.user_id)).one()
        district = district_info(conn, user.district_code)
        assert district is not None
        audit(conn, None, "device.enrol", "device", enrolled.device_id,
              {"user_id": user.id, "device_name": body.device_name}, ip,
              district_code=user.district_code)
    refund(engine, counted)
    return EnrolResponse(device_id=enrolled.device_id, token=enrolled.token,
                         user=UserOut.from_row(user), district=DistrictOut(**district))
