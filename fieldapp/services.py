"""The one place where the screens meet the other parts: device store, photos, sync, schemas.

Screens call only this module, so a change in a neighbour's API is fixed here once.
Everything is passed in (data folder, clock), nothing is global: tests build a `Services`
on a temporary folder and drive it without Flet.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldapp.settings import AppSettings, save_settings

__all__ = ["Services", "now_ms"]


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class Services:
    data_dir: Path
    settings: AppSettings
    clock: Callable[[], int] = now_ms
    _store: Any = field(default=None, init=False, repr=False)
    _photo_store: Any = field(default=None, init=False, repr=False)

    # --- settings -----------------------------------------------------------------------
    def save_settings(self) -> None:
        save_settings(self.data_dir, self.settings)

    # --- device store -------------------------------------------------------------------
    @property
    def store(self) -> Any:
        if self._store is None:
            from fieldapp.store import open_store  # type: ignore[attr-defined,unused-ignore]

            self._store = open_store(self.data_dir / "store", self.settings.device_id, self.clock)
        return self._store

    @property
    def photo_store(self) -> Any:
        if self._photo_store is None:
            from fieldapp.photos import PhotoStore

            self._photo_store = PhotoStore(self.data_dir / "photos")
        return self._photo_store

    def close(self) -> None:
        close = getattr(self._store, "close", None)
        if close is not None:
            close()
        self._store = None


async def _call(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Await a coroutine function, or run a blocking one off the UI loop."""
    import asyncio
    import inspect

    if inspect.iscoroutinefunction(func):
        return await func(*args, **kwargs)
    return await asyncio.to_thread(func, *args, **kwargs)


def _pick(obj: Any, *names: str) -> Any:
    """Read the first present attribute or key: the sync client's result shape is its own."""
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return None


async def enrol_device(services: Services, server: str, code: str, device_name: str) -> None:
    """Enrol with the district server and keep the token; raises the sync client's errors."""
    from fieldapp.sync import enrol

    result = await _call(enrol, server, code, device_name)
    settings = services.settings
    settings.server = server
    settings.token = str(_pick(result, "token", "device_token") or "")
    settings.device_name = device_name
    settings.officer_name = str(_pick(result, "display_name", "officer_name", "user_name") or "")
    settings.officer_id = str(_pick(result, "user_id", "officer_id") or "")
    settings.district_code = str(_pick(result, "district_code") or "")
    device_id = _pick(result, "device_id")
    if device_id and services._store is None:
        # The server names the device; the store's clock uses that id from now on.
        settings.device_id = str(device_id)
    settings.enrol_skipped = False
    services.save_settings()


# --- records (thin wrappers over the device store) -------------------------------------------


def _rid(result: Any) -> str:
    if isinstance(result, str):
        return result
    return str(_pick(result, "id"))


def list_records(services: Services, record_type: str) -> list[dict[str, Any]]:
    return list(services.store.list(record_type))


def get_record(services: Services, record_type: str, record_id: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = services.store.get(record_type, record_id)
    return found


def save_record(
    services: Services, record_type: str, record_id: str | None, fields: dict[str, Any]
) -> str:
    """Create (no id yet) or update the given fields; returns the record's id."""
    if record_id is None:
        return _rid(services.store.create(record_type, fields))
    services.store.update(record_type, record_id, fields)
    return record_id


def delete_record(services: Services, record_type: str, record_id: str) -> None:
    services.store.delete(record_type, record_id)


def search_producers(
    services: Services,
    text: str = "",
    subdistrict_code: str | None = None,
    category: str | None = None,
    sync_state: str | None = None,
) -> list[dict[str, Any]]:
    return list(
        services.store.search_producers(
            text=text, subdistrict_code=subdistrict_code, category=category, sync_state=sync_state
        )
    )


def related(services: Services, kind: str, producer_id: str) -> list[dict[str, Any]]:
    """kind: products | visits | plan_items | links | photos."""
    return list(getattr(services.store, f"{kind}_of")(producer_id))


def record_sync_state(services: Services, record_type: str, record_id: str) -> str:
    return str(services.store.sync_state(record_type, record_id))


def pending_changes(services: Services) -> int:
    store = services.store
    for name in ("pending_count", "outbox_count"):
        if hasattr(store, name):
            return int(getattr(store, name)())
    return 0


def finalize_visit(services: Services, visit_id: str) -> Any:
    return services.store.finalize_visit(visit_id)
