"""Raw tus and push requests for photo tests against the real server: a second district on
the same server, uploads as the project's client or a standard client makes them, photo
records pushed as a phone pushes them, and answers normalised for byte-for-byte comparison."""

from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import sqlalchemy as sa

from recordsync.changes import Change
from recordsync.hlc import HybridLogicalClock
from sync_server.accounts import create_district, create_user
from sync_server.auth import create_device
from sync_server.db.tables import blob_possession, photos, uploads
from sync_server.web.session import SESSION_COOKIE, start_session
from tests.sync.harness import Device, District

__all__ = [
    "DEDUPE",
    "PATCH",
    "TUS",
    "add_district",
    "answer",
    "create",
    "office_cookie",
    "push",
    "server_rows",
    "upload",
]

TUS = {"Tus-Resumable": "1.0.0"}
DEDUPE = {"Tambon-Dedupe": "1"}  # the project's client (fieldapp/sync/tus.py)
PATCH = {**TUS, "Content-Type": "application/offset+octet-stream"}


def add_district(district: District, code: str, phones: int = 2) -> list[Device]:
    """Another district on the same server database, with officers' phones."""
    engine = district.engine()
    devices = []
    try:
        with engine.begin() as conn:
            create_district(conn, code)
            for n in range(phones):
                user = create_user(conn, district_code=code, role="officer",
                                   display_name=f"เจ้าหน้าที่อำเภอ {code} คนที่ {n + 1}")
                device_id, token = create_device(conn, user_id=user, name=f"phone {n + 1}")
                devices.append(Device(device_id, token, user))
    finally:
        engine.dispose()
    return devices


def office_cookie(district: District, device: Device) -> dict[str, str]:
    """A signed-in office session of `device`'s user (what the office pages' <img> send)."""
    engine = district.engine()
    try:
        with engine.begin() as conn:
            token = start_session(conn, device.user_id, datetime.now(UTC))
    finally:
        engine.dispose()
    return {SESSION_COOKIE: token}


def _meta(sha: str) -> str:
    return "sha256 " + base64.b64encode(sha.encode()).decode()


def create(base: str, device: Device, data: bytes, *, dedupe: bool,
           sha: str | None = None) -> httpx.Response:
    sha = sha or hashlib.sha256(data).hexdigest()
    return httpx.post(base + "/api/v1/uploads", headers={
        **device.headers, **TUS, **(DEDUPE if dedupe else {}),
        "Upload-Length": str(len(data)), "Upload-Metadata": _meta(sha)})


def upload(base: str, device: Device, data: bytes, *, dedupe: bool = True,
           sha: str | None = None, chunk: int | None = None) -> httpx.Response:
    """Create and send every byte the creation says is missing; the last answer."""
    created = create(base, device, data, dedupe=dedupe, sha=sha)
    assert created.status_code == 201, created.text
    offset = int(created.headers["Upload-Offset"])
    answer = created
    step = chunk or len(data)
    while offset < len(data):
        answer = httpx.patch(base + created.headers["Location"],
                             content=data[offset:offset + step],
                             headers={**device.headers, **PATCH, "Upload-Offset": str(offset)})
        if answer.status_code != 204:
            return answer
        offset = int(answer.headers["Upload-Offset"])
    return answer


def push(base: str, device: Device, record_type: str, record_id: str,
         fields: dict[str, Any]) -> dict[str, Any]:
    """Push one change as a phone does; the change's result."""
    clock = HybridLogicalClock(device.device_id)
    change = Change(change_id=uuid.uuid4().hex, record_type=record_type, record_id=record_id,
                    device_id=device.device_id, fields=fields,
                    clocks={key: clock.now().encode() for key in fields},
                    base_clocks=dict.fromkeys(fields))
    response = httpx.post(base + "/api/v1/sync/push", json={"changes": [change.to_json()]},
                          headers=device.headers, timeout=30)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()["results"][0]
    return result


def answer(response: httpx.Response, replace: dict[str, str]) -> tuple[int, list[Any], bytes]:
    """Status, headers and body, with each `replace` key (a hash, a length) put as its
    value: what must be identical for two hashes a district cannot tell apart. Left out:
    Date and X-Request-ID, which differ between any two requests."""
    def norm(text: str) -> str:
        for old, new in replace.items():
            text = text.replace(old, new)
        return text

    headers = sorted((name.lower(), norm(value)) for name, value in response.headers.items()
                     if name.lower() not in ("date", "x-request-id"))
    return response.status_code, headers, norm(response.content.decode("latin-1")).encode(
        "latin-1")


def server_rows(district: District) -> dict[str, Any]:
    """What the database holds about blobs: photos, possession and uploads rows."""
    engine = district.engine()
    try:
        with engine.connect() as conn:
            return {
                "photos": set(conn.execute(sa.select(photos.c.sha256)).scalars()),
                "possession": {(row.district_code, row.sha256) for row in conn.execute(
                    sa.select(blob_possession.c.district_code, blob_possession.c.sha256))},
                "uploads": list(conn.execute(sa.select(uploads.c.id)).scalars()),
            }
    finally:
        engine.dispose()
