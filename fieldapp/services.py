"""The one place where the screens meet the other parts: device store, photos, sync, schemas.

Screens call only this module, so a change in a neighbour's API is fixed here once.
Everything is passed in (data folder, clock), nothing is global: tests build a `Services`
on a temporary folder and drive it without Flet.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
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
    # One sync at a time (the officer's tap and the background one share it).
    sync_lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False, repr=False)
    last_report: Any = field(default=None, init=False)
    last_sync_at: datetime | None = field(default=None, init=False)
    # the background sync loop (a Future from page.run_task), one per process
    auto_sync_task: Any = field(default=None, init=False, repr=False)

    # --- settings -----------------------------------------------------------------------
    def save_settings(self) -> None:
        save_settings(self.data_dir, self.settings)

    # --- device store -------------------------------------------------------------------
    @property
    def store_dir(self) -> Path:
        return self.data_dir / self.settings.store_folder

    @property
    def store(self) -> Any:
        if self._store is None:
            from fieldapp.store import open_store

            self._store = open_store(self.store_dir, self.settings.device_id, self.clock)
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


async def enrol_device(services: Services, server: str, code: str, device_name: str) -> None:
    """Enrol with the district server and keep the token; raises the sync client's SyncError
    (Thai and English) when the code is wrong or the server cannot be reached."""
    from fieldapp.sync import enrol

    enrolment = await enrol(server, code, device_name)
    settings = services.settings
    settings.server = enrolment.base_url
    settings.token = enrolment.token
    settings.device_name = device_name
    settings.officer_name = str(enrolment.user.get("display_name") or "")
    settings.officer_id = str(enrolment.user.get("id") or "")
    settings.district_code = str(enrolment.district.get("code") or "")
    # The server names the device: its pushes must carry that id, in every change and in
    # every clock. Records made before enrolment are moved to a store under that id.
    adopt_device_id(services, enrolment.device_id)
    settings.enrol_skipped = False
    services.save_settings()


def adopt_device_id(services: Services, device_id: str) -> None:
    """Make `device_id` this phone's id, keeping every record made before enrolment.

    Nothing was ever synced before enrolment, so each live record is created again in a new
    store under the new id (as new changes, waiting to be sent); tombstones of never-sent
    records are dropped. The settings file switching to the new store is the commit point:
    a crash before it leaves the old store in use, a crash after it the new one complete.
    """
    from fieldapp.store import open_store
    from recordsync.changes import RECORD_TYPES

    settings = services.settings
    if device_id == settings.device_id:
        return
    old_dir = services.store_dir
    if not old_dir.exists():
        settings.device_id = device_id
        services.save_settings()
        return
    services.close()
    new_folder = f"store-{device_id}"
    new_dir = services.data_dir / new_folder
    if new_dir.exists():
        shutil.rmtree(new_dir)  # a copy left by a crash before the commit point
    old = open_store(old_dir, settings.device_id, services.clock)
    try:
        new = open_store(new_dir, device_id, services.clock)
        try:
            for record_type in RECORD_TYPES:
                for record in old.list(record_type):
                    new.create(record_type, {k: v for k, v in record.items() if k[:1] != "_"})
        finally:
            new.close()
    finally:
        old.close()
    settings.device_id = device_id
    settings.store_folder = new_folder
    services.save_settings()
    shutil.rmtree(old_dir, ignore_errors=True)


# --- records (thin wrappers over the device store) -------------------------------------------


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
        return str(services.store.create(record_type, fields)["id"])
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
    return int(services.store.pending_count())


def finalize_visit(services: Services, visit_id: str) -> list[dict[str, Any]]:
    """Finalize when nothing is missing; returns what is missing (empty: finalized)."""
    return [_issue_dict(i) for i in services.store.finalize_visit(visit_id)]


def validate_draft(record_type: str, record: dict[str, Any]) -> list[Any]:
    """Inline validation as the officer types: the shared schemas in draft mode."""
    from schemas import validate_record
    from schemas.cleantext import clean_strings

    # as the store will save it (NFC): the officer's typing order of Thai marks is no error
    return list(validate_record(record_type, clean_strings(record), mode="draft"))


def missing_for_finalize(services: Services, visit_id: str) -> list[dict[str, Any]]:
    """What the visit still needs, without finalizing it (the shared schemas' check)."""
    from schemas import missing_for_finalize as check

    store = services.store
    visit = store.get("visit", visit_id)
    if visit is None:
        return []
    producer = store.get("producer", str(visit.get("producer_id") or ""))
    products = [
        p for pid in visit.get("product_ids") or [] if (p := store.get("product", str(pid)))
    ]
    return [_issue_dict(i) for i in check(visit, producer, products)]


def _issue_dict(issue: Any) -> dict[str, Any]:
    if isinstance(issue, dict):
        return issue
    return {
        "record_type": getattr(issue, "record_type", None),
        "record_id": getattr(issue, "record_id", None),
        "field": getattr(issue, "path", ""),
        "message_th": issue.message_th,
        "message_en": issue.message_en,
    }


# --- photos ----------------------------------------------------------------------------------


def thumbnail_bytes(services: Services, photo: dict[str, Any]) -> bytes | None:
    """The photo's thumbnail (or the photo itself) from the photo store, None if absent."""
    store = services.photo_store
    for sha in (photo.get("thumb_sha256"), photo.get("id")):
        if sha and store.has(sha):
            data: bytes = store.read(sha)
            return data
    return None


def add_photo(
    services: Services, data: bytes, links: dict[str, Any], subject: str
) -> dict[str, Any]:
    """Process camera/picker bytes (upright, resized, metadata stripped), keep the JPEG and
    its thumbnail, and store the photo record. Raises PhotoError with Thai/English text."""
    from fieldapp.photos import process_photo

    processed = process_photo(data, long_edge=services.settings.photo_long_edge)
    store = services.photo_store
    store.put(processed)
    fields = {**processed.record_fields(), **links, "subject": subject}
    if "gps" in fields and validate_gps(fields["gps"]):
        # A camera position outside Thailand would be refused by the schema: drop it.
        fields.pop("gps")
    fields.setdefault("captured_at", _utc_now())
    existing = services.store.get("photo", fields["id"], include_deleted=True)
    if existing is not None and existing.get("_deleted"):
        # A photo's id is its content: the very same picture cannot come back once deleted.
        raise PhotoDeletedError(
            "รูปนี้ถูกลบไปแล้ว กรุณาถ่ายรูปใหม่",
            "This exact picture was deleted; please take a new one",
        )
    if existing is None:
        services.store.create("photo", fields)
    else:
        services.store.update("photo", fields["id"], {k: v for k, v in fields.items() if k != "id"})
    return fields


class PhotoDeletedError(Exception):
    def __init__(self, message_th: str, message_en: str) -> None:
        super().__init__(f"{message_th} / {message_en}")
        self.message_th = message_th
        self.message_en = message_en


def validate_gps(gps: Any) -> list[Any]:
    from schemas import validate_record

    return [
        i
        for i in validate_record("photo", {"gps": gps}, mode="partial")
        if str(i.path).startswith("gps")
    ]


def _utc_now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# --- sync ------------------------------------------------------------------------------------


# Asks the phone how it is connected (Flet's Connectivity, as strings); None: unknown.
ConnectivityProbe = Callable[[], Awaitable[list[str] | None]]


async def run_sync(
    services: Services,
    on_progress: Callable[[Any], None],
    connectivity: Sequence[str] | None = None,
) -> Any:
    """One sync with the enrolled server: records first, then thumbnails, photos, pull.

    `connectivity` is what the phone reports ("wifi", "mobile", ...; None: unknown). With
    "photos only on Wi-Fi" on and the phone on mobile data, full photos wait (the report's
    `photos_waiting_wifi`, `notice_th`/`notice_en`)."""
    from fieldapp.logic.network import send_full_photos
    from fieldapp.sync import RetryPolicy, SyncClient

    settings = services.settings
    async with services.sync_lock:
        client = SyncClient(
            services.store,
            services.photo_store,
            settings.server,
            settings.token,
            # The officer is watching: a few quick tries, then say the data waits.
            policy=RetryPolicy(max_attempts=3, base_s=0.5, cap_s=4.0),
            send_full_photos=send_full_photos(settings.photos_wifi_only, connectivity),
        )
        report = await client.sync(progress=on_progress)
        services.last_report = report
        services.last_sync_at = datetime.now(UTC)
        return report


async def auto_sync(services: Services, interval_s: float,
                    connectivity: ConnectivityProbe | None = None) -> None:
    """Sync by itself every `interval_s` while there is something to send (journeys.md:
    "on the way back, one bar of 3G: sync starts by itself"). Quiet: the Sync screen shows
    the last result; a failure just waits for the next round. `connectivity` is asked before
    each round (for "photos only on Wi-Fi")."""
    while True:
        await asyncio.sleep(interval_s)
        if not services.settings.enrolled or services.sync_lock.locked():
            continue
        try:
            link = None if connectivity is None else await connectivity()
            if pending_changes(services) == 0 and not photos_may_go_now(services, link):
                continue
            await run_sync(services, lambda progress: None, link)
        except Exception:  # the next round retries; the data stays on the phone
            continue


def photos_may_go_now(services: Services, connectivity: Sequence[str] | None) -> bool:
    """Whether the last sync held full photos back for Wi-Fi and they may go now."""
    from fieldapp.logic.network import send_full_photos

    held = int(getattr(services.last_report, "photos_waiting_wifi", 0) or 0)
    return held > 0 and send_full_photos(services.settings.photos_wifi_only, connectivity)


def conflicts(services: Services) -> list[dict[str, Any]]:
    return list(services.store.conflicts())
