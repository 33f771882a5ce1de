"""Enrolment: trade the office's one-time code for this phone's device token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from .errors import SyncError, error_for_response, offline
from .wire import ENROL_PATH

__all__ = ["Enrolment", "enrol"]


@dataclass(frozen=True, slots=True)
class Enrolment:
    base_url: str
    device_id: str
    token: str
    user: dict[str, Any]
    district: dict[str, Any]


async def enrol(base_url: str, code: str, device_name: str,
                transport: httpx.AsyncBaseTransport | None = None,
                timeout_s: float = 30.0) -> Enrolment:
    """POST /api/v1/devices/enrol. Raises SyncError (Thai + English) when it fails; not
    retried, because a code is single-use and the officer is watching the screen."""
    base = base_url.rstrip("/")
    try:
        async with httpx.AsyncClient(base_url=base, transport=transport,
                                     timeout=timeout_s) as http:
            answer = await http.post(ENROL_PATH, json={"code": code, "device_name": device_name})
    except httpx.TransportError as exc:
        raise offline(exc) from exc
    if answer.status_code >= 400:
        try:
            body = answer.json()
        except ValueError:
            body = None
        raise error_for_response(answer.status_code, body, answer.headers.get("retry-after"))
    data = answer.json()
    if not isinstance(data, dict) or "token" not in data:
        raise SyncError("เซิร์ฟเวอร์ตอบไม่ถูกต้อง", "The server's answer is not an enrolment.")
    return Enrolment(base, data["device_id"], data["token"], data.get("user") or {},
                     data.get("district") or {})
