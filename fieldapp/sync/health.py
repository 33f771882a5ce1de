"""Device health reports: tell the office when the phone's store found damage.

The device store keeps each `DamageReport` until it is marked sent (docs/device-store.md,
"Damage"); after a successful sync the client sends the unsent ones to
`POST /api/v1/devices/health` (docs/security.md "Phone store damage"). A report the server
already has answers 200 and counts as sent; a failure leaves it for the next sync and never
fails the sync itself.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

import httpx

from .errors import SyncError

__all__ = ["APP_VERSION", "HEALTH_PATH", "health_body", "send_damage_reports"]

HEALTH_PATH = "/api/v1/devices/health"
# The app's version as the office sees it in health reports (pyproject.toml's version).
APP_VERSION = "0.1.0"


class DamageSource(Protocol):
    """What this module needs of `fieldapp.store.DeviceStore`."""

    def damage_reports(self, *, unsent_only: bool = False) -> list[dict[str, Any]]: ...
    def mark_damage_sent(self, report_ids: Any) -> None: ...


Send = Callable[..., Awaitable[httpx.Response]]


def health_body(report: Mapping[str, Any], app_version: str = APP_VERSION) -> dict[str, Any]:
    """The request body for one kept damage report."""
    return {
        "report_id": report["report_id"],
        "kind": "store_damage",
        "entries_lost": report["entries_lost"],
        "count_exact": report["count_exact"],
        "damaged_bytes": report["damaged_bytes"],
        "detected_at": report["detected_at"],
        "app_version": app_version,
    }


async def send_damage_reports(store: DamageSource, send: Send,
                              app_version: str = APP_VERSION) -> int:
    """Send every unsent report with `send(method, url, headers, body)`; returns how many the
    server acknowledged. Stops quietly at the first failure (the rest wait for next time)."""
    sent = 0
    for report in store.damage_reports(unsent_only=True):
        body = json.dumps(health_body(report, app_version)).encode()
        try:
            await send("POST", HEALTH_PATH, {"Content-Type": "application/json"}, body)
        except SyncError:
            return sent
        store.mark_damage_sent([report["report_id"]])
        sent += 1
    return sent
