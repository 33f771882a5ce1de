"""The phone's sync client: push the outbox, upload thumbnails then photos, pull the feed.

    client = SyncClient(store, photo_store, "https://amphoe.example", token)
    report = await client.sync(progress=on_progress)     # from a Flet background task

Every step is safe to repeat: changes carry ids the server remembers, photos are named by
their SHA-256, and the pull cursor is saved only after the page is stored. So a sync cut
anywhere (signal lost, app killed) is simply run again.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from recordsync.changes import Change
from recordsync.hlc import wall_clock_ms

from .backoff import RetryPolicy, retry_delay
from .errors import SyncError, error_for_response, offline
from .health import send_damage_reports
from .progress import ProgressMeter, Stage, SyncProgress, photos_wait_note
from .tus import UploadResult, upload_blob
from .wire import (
    PULL_PATH,
    PUSH_PATH,
    UPLOADS_PATH,
    encode_push,
    plan_push_outcome,
    pulled_to_store,
)

__all__ = ["CURSOR_KEY", "SyncClient", "SyncReport"]

CURSOR_KEY = "sync_cursor"
# store meta "uploaded:<sha256>": the server confirmed that blob whole (the app's
# "safe to wipe" statement counts photos by it)
UPLOADED_META_PREFIX = "uploaded:"
_UPLOADED_PREFIX = UPLOADED_META_PREFIX
# A phone this far behind the server re-bases its clock (once its outbox is empty, so no
# sent change is ever re-stamped).
_BEHIND_RESET_MS = 24 * 3600 * 1000


class SyncStore(Protocol):
    """What the client needs of `fieldapp.store.DeviceStore`."""

    def pending_changes(self, limit: int = 500) -> list[Change]: ...
    def pending_count(self) -> int: ...
    def acknowledge(self, change_ids: Any) -> None: ...
    def apply_remote(self, records: Any) -> None: ...
    def mark_conflict(self, record_id: str, detail: Any) -> None: ...
    def reset_clock(self, server_now_ms: int | None = None) -> int: ...
    def get_meta(self, key: str, default: Any = None) -> Any: ...
    def set_meta(self, key: str, value: Any) -> None: ...
    def list(self, record_type: str, *, include_deleted: bool = False, **filters: Any
             ) -> list[dict[str, Any]]: ...
    def add_wipe_check(self, name: str, check: Callable[[], str | None]) -> None: ...
    def is_safe_to_wipe(self) -> bool: ...


class BlobSource(Protocol):
    """What the client needs of `fieldapp.photos.PhotoStore`."""

    def has(self, sha256: str) -> bool: ...
    def path(self, sha256: str) -> Any: ...
    def size(self, sha256: str) -> int: ...


@dataclass
class SyncReport:
    completed: bool = False
    pushed: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    rejected: int = 0
    clock_resets: int = 0
    thumbnails_uploaded: int = 0
    photos_uploaded: int = 0
    blobs_skipped: int = 0  # already on the server (from this or another phone)
    bytes_uploaded: int = 0  # photo bytes that left the phone (retries included)
    pulled: int = 0
    # full photos held back because the client was told not to send them (mobile data with
    # "photos only on Wi-Fi"); they go with a later sync, and until then the phone is not
    # safe to wipe
    photos_waiting_wifi: int = 0
    error_th: str | None = None
    error_en: str | None = None
    safe_to_wipe: bool = False

    @property
    def notice_th(self) -> str | None:
        note = photos_wait_note(self.photos_waiting_wifi)
        return None if note is None else note[0]

    @property
    def notice_en(self) -> str | None:
        note = photos_wait_note(self.photos_waiting_wifi)
        return None if note is None else note[1]


class SyncClient:
    def __init__(
        self,
        store: SyncStore,
        photo_store: BlobSource,
        base_url: str,
        token: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        wall_ms: Callable[[], int] = wall_clock_ms,
        rand: random.Random | None = None,
        policy: RetryPolicy | None = None,
        batch_size: int = 200,
        page_size: int = 500,
        chunk_size: int = 512 * 1024,
        timeout_s: float = 30.0,
        subdistricts: tuple[str, ...] = (),
        checkpoint: Callable[[str], None] | None = None,
        send_full_photos: bool = True,
    ) -> None:
        self.store = store
        self.photos = photo_store
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._transport = transport
        self._clock = clock
        self._sleep = sleep
        self._wall_ms = wall_ms
        self._rand = rand or random.Random()
        self.policy = policy or RetryPolicy()
        self.batch_size = batch_size
        self.page_size = page_size
        self.chunk_size = chunk_size
        self.timeout = httpx.Timeout(timeout_s, connect=min(10.0, timeout_s))
        self.subdistricts = subdistricts
        # False: records and thumbnails go, full photos wait (on mobile data with "photos
        # only on Wi-Fi"; the app decides with fieldapp.logic.network.send_full_photos)
        self.send_full_photos = send_full_photos
        # Test hook: called at named points ("pull_fetched", "pull_applied") so crash tests
        # can stop the process exactly there.
        self._checkpoint = checkpoint or (lambda _point: None)
        self._meter = ProgressMeter(None, clock)
        store.add_wipe_check("photos", self._photos_blocker)

    # -- public -----------------------------------------------------------------------------
    async def sync(self, progress: Callable[[SyncProgress], None] | None = None) -> SyncReport:
        """One full sync. Never raises for network trouble: the report says how far it got
        (`completed`) and the last error in Thai and English."""
        self._meter = ProgressMeter(progress, self._clock)
        report = SyncReport()
        headers = {"Authorization": f"Bearer {self._token}", "User-Agent": "tambon-field"}
        async with httpx.AsyncClient(base_url=self.base_url, transport=self._transport,
                                     headers=headers, timeout=self.timeout) as http:
            self._http = http
            try:
                await self._push(report)
                await self._upload_blobs(report, "thumbnails")
                if self.send_full_photos:
                    await self._upload_blobs(report, "photos")
                else:
                    self._hold_photos(report)
                await self._pull(report)
                report.completed = True
                await send_damage_reports(self.store, self._send)  # type: ignore[arg-type]
                self._meter.stage("done", 0)
            except SyncError as error:
                report.error_th, report.error_en = error.message_th, error.message_en
                self._meter.error(error.message_th, error.message_en)
        report.safe_to_wipe = self.store.is_safe_to_wipe()
        return report

    def is_safe_to_wipe(self) -> bool:
        """Everything acknowledged: outbox empty AND every photo and thumbnail uploaded."""
        return self.store.is_safe_to_wipe()

    # -- HTTP with retries ------------------------------------------------------------------
    async def _send(self, method: str, url: str, headers: Mapping[str, str] | None = None,
                    body: bytes | None = None, retry: bool = True,
                    params: Mapping[str, Any] | None = None) -> httpx.Response:
        attempt = 0
        while True:
            try:
                answer = await self._http.request(method, url, headers=headers, content=body,
                                                  params=params)
                if answer.status_code < 400:
                    self._meter.clear_error()
                    return answer
                raise error_for_response(answer.status_code, _json_or_none(answer),
                                         answer.headers.get("retry-after"))
            except httpx.TransportError as exc:
                error: SyncError = offline(exc)
            except SyncError as exc:
                error = exc
            if not (retry and error.retryable):
                raise error
            await self._backoff(error, attempt)
            attempt += 1

    async def _backoff(self, error: SyncError, attempt: int) -> None:
        if attempt + 1 >= self.policy.max_attempts:
            raise error
        self._meter.error(error.message_th, error.message_en)
        await self._sleep(retry_delay(attempt, self.policy, self._rand, error.retry_after_s))

    async def _send_tus(self, method: str, url: str, headers: dict[str, str],
                        body: bytes | None, retry: bool) -> httpx.Response:
        return await self._send(method, url, headers, body, retry)

    # -- records ----------------------------------------------------------------------------
    async def _push(self, report: SyncReport) -> None:
        total = self.store.pending_count()
        self._meter.stage("records", total)
        tried: set[str] = set()
        while True:
            batch = [c for c in self.store.pending_changes(limit=self.batch_size + len(tried))
                     if c.change_id not in tried][: self.batch_size]
            if not batch:
                break
            answer = (await self._send("POST", PUSH_PATH, {
                "Content-Type": "application/json", "Content-Encoding": "gzip"},
                encode_push(batch))).json()
            outcome = plan_push_outcome(batch, answer)
            self.store.acknowledge(outcome.acknowledge)
            for record_id, detail in outcome.conflicts.items():
                self.store.mark_conflict(record_id, detail)
            tried.update(outcome.rejected)
            report.pushed += len(outcome.acknowledge)
            report.rejected += len(outcome.rejected)
            for status, n in outcome.counts.items():
                report.statuses[status] = report.statuses.get(status, 0) + n
            self._meter.advance(items=len(outcome.acknowledge) + len(outcome.rejected))
            server_ms = int(answer.get("server_time_ms") or 0)
            if outcome.clock_ahead:
                if report.clock_resets >= 2:
                    raise SyncError(
                        "นาฬิกาของโทรศัพท์ผิด กรุณาตั้งวันและเวลาให้ถูกต้องแล้วส่งใหม่",
                        "The phone's date and time are wrong; set them and sync again.")
                # The server refused our timestamps as being in the future: start the clock
                # again from the server's time and re-stamp what is still unsent.
                self.store.reset_clock(server_ms)
                report.clock_resets += 1
                tried.clear()
            elif (server_ms and server_ms - self._wall_ms() > _BEHIND_RESET_MS
                  and self.store.pending_count() == 0):
                self.store.reset_clock(server_ms)
                report.clock_resets += 1

    # -- photos -----------------------------------------------------------------------------
    def _blobs_to_send(self, which: Stage) -> list[str]:
        wanted: list[str] = []
        for photo in self.store.list("photo"):
            sha = photo.get("thumb_sha256") if which == "thumbnails" else photo.get("id")
            if isinstance(sha, str) and sha not in wanted and self.photos.has(sha) \
                    and not self.store.get_meta(_UPLOADED_PREFIX + sha):
                wanted.append(sha)
        return wanted

    async def _upload_blobs(self, report: SyncReport, which: Stage) -> None:
        shas = self._blobs_to_send(which)
        sizes = {sha: self.photos.size(sha) for sha in shas}
        self._meter.stage(which, len(shas), sum(sizes.values()))
        for sha in shas:
            try:
                result: UploadResult = await upload_blob(
                    self._send_tus, UPLOADS_PATH, sha, self.photos.path(sha), sizes[sha],
                    kind="thumb" if which == "thumbnails" else "photo",
                    chunk_size=self.chunk_size,
                    on_bytes=lambda n: self._meter.advance(nbytes=n),
                    on_retry=self._backoff)
            except SyncError as error:
                if error.retryable or error.status in (401, 403):
                    raise
                # This one photo was refused (e.g. damaged on the phone): go on with the rest.
                self._meter.error(error.message_th, error.message_en)
                continue
            self.store.set_meta(_UPLOADED_PREFIX + sha, True)
            report.bytes_uploaded += result.bytes_sent
            if result.skipped:
                report.blobs_skipped += 1
            elif which == "thumbnails":
                report.thumbnails_uploaded += 1
            else:
                report.photos_uploaded += 1
            self._meter.advance(items=1)

    def _hold_photos(self, report: SyncReport) -> None:
        waiting = self._blobs_to_send("photos")
        report.photos_waiting_wifi = len(waiting)
        self._meter.stage("photos", 0)  # nothing to send now: no bar, no time left
        if waiting:
            self._meter.photos_held(len(waiting))

    def _photos_blocker(self) -> str | None:
        missing = len(self._blobs_to_send("thumbnails")) + len(self._blobs_to_send("photos"))
        if not missing:
            return None
        return (f"มีรูป {missing} ไฟล์ยังไม่ได้ส่งขึ้นเซิร์ฟเวอร์ / "
                f"{missing} photo files not yet uploaded")

    # -- pull -------------------------------------------------------------------------------
    async def _pull(self, report: SyncReport) -> None:
        self._meter.stage("pull", 0)
        cursor = str(self.store.get_meta(CURSOR_KEY, "0"))
        while True:
            params: dict[str, Any] = {"since": cursor, "limit": self.page_size}
            if self.subdistricts:
                params["subdistricts"] = ",".join(self.subdistricts)
            page = (await self._send("GET", PULL_PATH, params=params)).json()
            self._checkpoint("pull_fetched")
            records = pulled_to_store(page.get("records") or [])
            if records:
                self.store.apply_remote(records)
            self._checkpoint("pull_applied")
            # Only now is the page durable on the phone: the cursor may move past it.
            cursor = str(page["next"])
            self.store.set_meta(CURSOR_KEY, cursor)
            report.pulled += len(records)
            self._meter.advance(items=len(records))
            if not page.get("more"):
                break


def _json_or_none(answer: httpx.Response) -> Any:
    try:
        return answer.json()
    except ValueError:
        return None
