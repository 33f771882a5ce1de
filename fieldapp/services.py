"""The one place where the screens meet the other parts: device store, photos, sync, schemas.

Screens call only this module, so a change in a neighbour's API is fixed here once.
Everything is passed in (data folder, clock), nothing is global: tests build a `Services`
on a temporary folder and drive it without Flet.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import shutil
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from fieldapp.settings import AppSettings, save_settings
from fieldapp.sync.client import BlobSource, SyncStore

if TYPE_CHECKING:
    from fieldapp.logic.conflicts import Reconciled
    from fieldapp.logic.wipe import WipeFacts, WipeStatus
    from fieldapp.photos import ProcessedPhoto
    from fieldapp.store.damage import DamageReport
    from fieldapp.sync import SyncProgress, SyncReport
    from schemas import ValidationIssue

__all__ = ["PhotoStoreApi", "Services", "StoreApi", "now_ms"]

# A record as the store gives it: JSON values by field name (and its "id").
Record = dict[str, Any]
# A finalize or validation issue as the screens use it: record_type, record_id, field,
# message_th, message_en.
Issue = dict[str, Any]
Records = list[Record]


class StoreApi(SyncStore, Protocol):
    """What the app needs from the device store (`fieldapp.store.DeviceStore`), on top of
    what the sync client needs."""

    def create(self, record_type: str, fields: Mapping[str, Any]) -> Record: ...
    def update(self, record_type: str, record_id: str, changes: Mapping[str, Any]) -> Record: ...
    def delete(self, record_type: str, record_id: str) -> None: ...
    def get(self, record_type: str, record_id: str, *, include_deleted: bool = False
            ) -> Record | None: ...
    def clocks(self, record_type: str, record_id: str) -> dict[str, str]: ...
    def search_producers(self, text: str = "", subdistrict_code: str | None = None,
                         category: str | None = None, sync_state: str | None = None
                         ) -> Records: ...
    def products_of(self, producer_id: str) -> Records: ...
    def visits_of(self, producer_id: str) -> Records: ...
    def plan_items_of(self, producer_id: str) -> Records: ...
    def photos_of(self, producer_id: str) -> Records: ...
    def links_of(self, producer_id: str) -> Records: ...
    def sync_state(self, record_type: str, record_id: str) -> str: ...
    def pending_count(self) -> int: ...
    def finalize_visit(self, visit_id: str) -> list[Issue]: ...
    def conflicts(self) -> Records: ...
    def clear_conflict(self, record_id: str) -> None: ...
    @property
    def damage_report(self) -> DamageReport | None: ...
    def damage_reports(self, *, unsent_only: bool = False) -> Records: ...
    def close(self) -> None: ...


class PhotoStoreApi(BlobSource, Protocol):
    """What the app needs from the photo store (`fieldapp.photos.PhotoStore`)."""

    def read(self, sha256: str) -> bytes: ...
    def put(self, processed: ProcessedPhoto) -> str: ...
    def put_blob(self, data: bytes, sha256: str | None = None) -> str: ...


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class Services:
    data_dir: Path
    settings: AppSettings
    clock: Callable[[], int] = now_ms
    _store: StoreApi | None = field(default=None, init=False, repr=False)
    _photo_store: PhotoStoreApi | None = field(default=None, init=False, repr=False)
    # One sync at a time (the officer's tap and the background one share it).
    sync_lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False, repr=False)
    last_report: SyncReport | None = field(default=None, init=False)
    last_sync_at: datetime | None = field(default=None, init=False)
    # the background sync loop (a Future from page.run_task), one per process
    auto_sync_task: concurrent.futures.Future[None] | None = field(
        default=None, init=False, repr=False
    )

    # --- settings -----------------------------------------------------------------------
    def save_settings(self) -> None:
        save_settings(self.data_dir, self.settings)

    # --- device store -------------------------------------------------------------------
    @property
    def store_dir(self) -> Path:
        return self.data_dir / self.settings.store_folder

    @property
    def store(self) -> StoreApi:
        if self._store is None:
            from fieldapp.logic.finalize_check import field_finalize_check
            from fieldapp.store import open_store
            from schemas import missing_for_finalize

            self._store = open_store(
                self.store_dir,
                self.settings.device_id,
                self.clock,
                finalize_check=field_finalize_check(missing_for_finalize),
            )
        return self._store

    @property
    def photo_store(self) -> PhotoStoreApi:
        if self._photo_store is None:
            from fieldapp.photos import PhotoStore

            self._photo_store = PhotoStore(self.data_dir / "photos")
        return self._photo_store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
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
    """Producers matching the filters and, for `text`, every search term in a name, the
    contact person, the phone or ID number, folded by `schemas.textfold` (the server's
    rule): phone numbers however written (+66, dashes, Thai digits), text without tone
    marks."""
    from schemas.textfold import search_terms

    found = services.store.search_producers(
        text="", subdistrict_code=subdistrict_code, category=category, sync_state=sync_state
    )
    terms = search_terms(text)
    if not terms:
        return list(found)
    return [p for p in found if all(t in _search_blob(p) for t in terms)]


SEARCHED_FIELDS = ("name_th", "name_en", "contact_person", "phone", "id_number")
# (the searched values) -> their folded search text: a keystroke folds only what changed
_BLOBS: dict[tuple[str, ...], str] = {}


def _search_blob(producer: Mapping[str, Any]) -> str:
    from schemas.textfold import search_blob

    values = tuple(str(producer.get(f) or "") for f in SEARCHED_FIELDS)
    blob = _BLOBS.get(values)
    if blob is None:
        if len(_BLOBS) > 20_000:
            _BLOBS.clear()
        blob = _BLOBS[values] = search_blob(values)
    return blob


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


def link_product_to_visit(services: Services, visit_id: str, product_id: str) -> None:
    """A product added during a visit was seen on it: list it in the visit's product_ids."""
    visit = services.store.get("visit", visit_id)
    if visit is None:
        return
    seen = [str(p) for p in visit.get("product_ids") or []]
    if product_id not in seen:
        services.store.update("visit", visit_id, {"product_ids": [*seen, product_id]})


def discard_draft_visit(services: Services, visit_id: str) -> bool:
    """Delete a visit started by mistake, with the photos taken during it; only a draft
    can be discarded (a finalized visit is the office's record). True when discarded."""
    store = services.store
    visit = store.get("visit", visit_id)
    if visit is None or visit.get("status") == "final":
        return False
    for photo in store.list("photo"):
        if photo.get("visit_id") == visit_id:
            store.delete("photo", str(photo["id"]))
    store.delete("visit", visit_id)
    return True


def validate_draft(record_type: str, record: dict[str, Any]) -> list[ValidationIssue]:
    """Inline validation as the officer types: the shared schemas in draft mode."""
    from schemas import validate_record
    from schemas.cleantext import clean_strings

    # as the store will save it (NFC): the officer's typing order of Thai marks is no error
    return list(validate_record(record_type, clean_strings(record), mode="draft"))


def missing_final_fields(record_type: str, record: dict[str, Any], lang: str) -> list[str]:
    """The labels of the fields a record still lacks to be complete ("final" rules): shown
    with a draft producer, so the officer sees it is a draft and why."""
    from schemas import field_label, validate_record

    tops = dict.fromkeys(
        str(i.path).split(".", 1)[0]
        for i in validate_record(record_type, {k: v for k, v in record.items() if k != "id"},
                                 mode="final")
    )
    return [field_label(record_type, top, lang) for top in tops if top]


def missing_for_finalize(services: Services, visit_id: str) -> list[dict[str, Any]]:
    """What the visit still needs, without finalizing it (the shared schemas' check)."""
    from fieldapp.logic.finalize_check import field_finalize_check
    from schemas import missing_for_finalize as check

    store = services.store
    visit = store.get("visit", visit_id)
    if visit is None:
        return []
    producer = store.get("producer", str(visit.get("producer_id") or ""))
    products = [
        p for pid in visit.get("product_ids") or [] if (p := store.get("product", str(pid)))
    ]
    photos = [p for p in store.list("photo") if p.get("visit_id") == visit_id]
    issues = field_finalize_check(check)(visit, producer, products, photos)
    return [_issue_dict(i) for i in issues]


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


def photo_is_here(services: Services, photo: dict[str, Any]) -> bool:
    """Whether this phone holds the photo's file (another phone's photo arrives by pull as a
    record only: this phone can neither show it in full nor delete it)."""
    return services.photo_store.has(str(photo.get("id")))


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


def validate_gps(gps: Any) -> list[ValidationIssue]:
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
    on_progress: Callable[[SyncProgress], None],
    connectivity: Sequence[str] | None = None,
) -> SyncReport:
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
        if report.completed:
            services.store.set_meta(LAST_OK_SYNC_KEY, services.last_sync_at.isoformat())
            with contextlib.suppress(httpx.HTTPError, ValueError, OSError):
                await refresh_from_server(services)
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


CONFLICT_FEED_KEY = "app:conflict_feed"


def conflict_view(services: Services) -> Reconciled:
    """The one list of conflicts home, the sync screen and the producer list agree on: the
    server's (as last fetched) and this phone's own flags, reconciled."""
    from fieldapp.logic.conflicts import reconcile

    store = services.store
    flags = store.conflicts()
    titles: dict[str, str] = {}
    for flag in flags:  # only the flagged records need a name (the server's list has its own)
        record = store.get(str(flag.get("record_type")), str(flag.get("id")))
        if record is not None:
            titles[str(flag.get("id"))] = str(record.get("name_th") or "")
    feed = store.get_meta(CONFLICT_FEED_KEY)
    return reconcile(flags, feed if isinstance(feed, list) else None,
                     services.settings.device_id, titles)


def apply_conflict_feed(services: Services, feed: list[dict[str, Any]]) -> Reconciled:
    """Keep the server's list, flag records with an open conflict (the phone whose edit
    lost included) and clear flags the office has settled, so every phone agrees."""
    from fieldapp.store import RecordNotFoundError

    store = services.store
    store.set_meta(CONFLICT_FEED_KEY, feed)
    view = conflict_view(services)
    for record_id, fields in view.to_flag.items():
        try:
            store.mark_conflict(record_id, {
                "kind": "server_conflict", "fields": fields, "source": "conflict_feed",
                "message_th": "มีการแก้ไขข้อมูลนี้พร้อมกันจากเครื่องอื่น สำนักงานจะตรวจสอบค่าทั้งสอง",
                "message_en": "Someone else edited this at the same time; the office will "
                              "review both values.",
            })
        except RecordNotFoundError:
            continue  # a record this phone does not hold (not in its subdistricts)
    for record_id in view.to_clear:
        store.clear_conflict(record_id)
    return conflict_view(services)


async def refresh_from_server(
    services: Services, transport: httpx.AsyncBaseTransport | None = None
) -> None:
    """After a sync: the conflicts this phone took part in, and the thumbnails of photos
    other phones took (cached in the photo store). Quiet on failure: the next sync retries."""
    from fieldapp.photos import PhotoError

    settings = services.settings
    headers = {"Authorization": f"Bearer {settings.token}", "User-Agent": "tambon-field"}
    async with httpx.AsyncClient(base_url=settings.server, headers=headers,
                                 transport=transport, timeout=15.0) as http:
        answer = await http.get("/api/v1/sync/conflicts")
        if answer.status_code == 200:
            feed = answer.json().get("conflicts")
            if isinstance(feed, list):
                apply_conflict_feed(services, feed)
        photos = services.photo_store
        for photo in services.store.list("photo"):
            thumb = photo.get("thumb_sha256")
            if not isinstance(thumb, str) or photos.has(thumb) or photos.has(str(photo["id"])):
                continue
            got = await http.get(f"/api/v1/photos/{thumb}")
            if got.status_code == 200:
                with contextlib.suppress(PhotoError):  # damaged on the way: next sync
                    photos.put_blob(got.content, thumb)


# --- safe to wipe ----------------------------------------------------------------------------

LAST_OK_SYNC_KEY = "app:last_ok_sync"


def last_ok_sync(services: Services) -> datetime | None:
    """When a sync last completed (kept in the store: it survives a restart)."""
    raw = services.store.get_meta(LAST_OK_SYNC_KEY)
    try:
        return datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def wipe_facts(services: Services) -> WipeFacts:
    """What the phone holds that the server may not have yet (see fieldapp.logic.wipe)."""
    from fieldapp.logic.wipe import WipeFacts
    from fieldapp.sync.client import UPLOADED_META_PREFIX
    from recordsync.changes import RECORD_TYPES

    store, photos = services.store, services.photo_store
    # only "none at all" matters: stop at the first record type that has any
    held = next((1 for record_type in RECORD_TYPES if store.list(record_type)), 0)
    mine = [p for p in store.list("photo") if photos.has(str(p["id"]))]
    arrived = sum(
        1
        for p in mine
        if store.get_meta(UPLOADED_META_PREFIX + str(p["id"]))
        and (not p.get("thumb_sha256") or not photos.has(str(p["thumb_sha256"]))
             or store.get_meta(UPLOADED_META_PREFIX + str(p["thumb_sha256"])))
    )
    drafts = sum(1 for v in store.list("visit") if v.get("status", "draft") != "final")
    return WipeFacts(
        enrolled=services.settings.enrolled,
        records=held,
        unsent_changes=store.pending_count(),
        draft_visits=drafts,
        photos_total=len(mine),
        photos_arrived=arrived,
        last_ok_sync=last_ok_sync(services),
    )


def wipe_status(services: Services, lang: str) -> WipeStatus:
    """The "safe to wipe" statement for the sync screen, settings and the home badge."""
    from fieldapp.logic.wipe import wipe_status as decide
    from schemas.thai_dates import format_thai_datetime

    facts = wipe_facts(services)
    when = format_thai_datetime(facts.last_ok_sync, lang=lang) if facts.last_ok_sync else None
    return decide(facts, when)


def visit_status_text(services: Services, visit_id: str, lang: str) -> str:
    """How a visit's state reads: the office's review once it has one (see
    fieldapp.logic.attention), else draft / finalized and waiting / finalized and sent."""
    from fieldapp.i18n import Translator
    from fieldapp.logic.attention import visit_status_key
    from schemas import label

    visit = services.store.get("visit", visit_id) or {}
    key, review = visit_status_key(visit, services.store.sync_state("visit", visit_id))
    status = label("visit", "review_status", review, lang) if review else ""
    return Translator(lang).t(key, status=status)


def store_damage(services: Services, lang: str) -> list[str]:
    """What the store found damaged in its file and could not read, in the officer's
    language: every kept report the server has not acknowledged yet (so a restart does not
    hide it), and whatever this opening found (`fieldapp.store.damage.DamageReport`)."""
    store = services.store
    key = "message_en" if lang == "en" else "message_th"
    kept = store.damage_reports(unsent_only=True)
    messages = [str(r.get(key) or "") for r in kept]
    now = store.damage_report
    if now is not None and all(r.get("report_id") != now.report_id for r in kept):
        messages.append(now.message_en if lang == "en" else now.message_th)
    return [m for m in messages if m]


def store_damage_history(services: Services, lang: str) -> list[tuple[str, str, bool]]:
    """Every damage report kept: (when detected, message, whether the office has it)."""
    key = "message_en" if lang == "en" else "message_th"
    return [(str(r.get("detected_at") or ""), str(r.get(key) or ""), bool(r.get("sent")))
            for r in services.store.damage_reports()]


# --- what the officer typed that is not valid yet ---------------------------------------------
# Kept in the store's meta (on this phone only, never pushed): the outbox never carries a value
# the server would refuse, yet nothing typed is thrown away. field -> {"text", "message_th",
# "message_en"}.

def _pending_key(record_type: str, record_id: str) -> str:
    return f"app:pending_input:{record_type}:{record_id}"


def pending_input(services: Services, record_type: str, record_id: str | None
                  ) -> dict[str, dict[str, str]]:
    if record_id is None:
        return {}
    found = services.store.get_meta(_pending_key(record_type, record_id)) or {}
    return dict(found) if isinstance(found, dict) else {}


def keep_pending_input(services: Services, record_type: str, record_id: str, field_name: str,
                       text: str | None, message_th: str = "", message_en: str = "") -> None:
    """Keep (text given) or forget (None) what was typed into one field."""
    kept = pending_input(services, record_type, record_id)
    if text is None:
        if field_name not in kept:
            return
        kept.pop(field_name)
    else:
        kept[field_name] = {"text": text, "message_th": message_th, "message_en": message_en}
    services.store.set_meta(_pending_key(record_type, record_id), kept or None)
