"""HTTP routes of the sync protocol: push and pull (see docs/sync.md).

Thin: authenticate (cached token lookups, `sync_server.auth.TOKEN_CACHE`), read and
shape-check here, on the event loop; merge in the district's writer
(`sync_server/sync/writer.py`, group commit), read the feed in `pull.py` on a read-only
connection that never waits for the write lock. Answers are encoded once, by hand.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import re
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field
from starlette.responses import Response

from recordsync.changes import Change
from recordsync.hlc import wall_clock_ms
from schemas import validate_record
from sync_server.auth import (
    BEARER,
    TOKEN_CACHE,
    UNAUTHENTICATED,
    Principal,
    ensure_writer,
    principal_from_request,
)
from sync_server.db.engine import json_text, read_only
from sync_server.encoding import GZIP_MIN_BYTES, accepts_gzip, gzip_bytes
from sync_server.problems import Problem
from sync_server.sync.admission import PushAdmission
from sync_server.sync.pull import MAX_PAGE, pull_page_body
from sync_server.sync.push import ChangeResult, PushContext, parse_changes
from sync_server.sync.writer import Saturated, WriterPool

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/sync", tags=["sync"])

MAX_BATCH = 500
# A gzip body may expand this much at most (a decompression bomb gets a 413, not our RAM).
MAX_INFLATED_BODY = 32 * 1024 * 1024
# Bodies larger than this are decoded on a worker thread, not on the event loop.
_DECODE_INLINE = 256 * 1024
# Feed positions are 64-bit integers in the database.
MAX_CURSOR = 2**63 - 1


class ChangeModel(BaseModel):
    """One outbox change (`recordsync.changes.Change`)."""

    change_id: str = Field(description="Made on the phone; the unit of idempotency")
    record_type: str = Field(description="producer | product | visit | photo | plan_item | "
                                         "network_link")
    record_id: str
    device_id: str = Field(description="Must be the token's device")
    fields: dict[str, Any] = Field(description="Only the fields this change sets")
    clocks: dict[str, str] = Field(description="Field -> HLC of this write (+ _deleted)")
    base_clocks: dict[str, str | None] = Field(
        default_factory=dict, description="Field -> the HLC the editor saw (None: empty)")
    deleted: bool = False
    schema_version: int = 1


# Query formats of pull, described in the OpenAPI and checked by the route alike.
SINCE_PATTERN = "^(0|[1-9][0-9]{0,17})$"  # a feed position (below 2**63)
SUBDISTRICTS_PATTERN = "^ *([0-9]{6})? *(, *([0-9]{6})? *)*$"

# The push body is read by hand (gzip); this documents it in the OpenAPI schema.
PUSH_BODY_SCHEMA = {
    "type": "object", "required": ["changes"],
    "properties": {"changes": {"type": "array", "maxItems": MAX_BATCH, "items": {
        # Each change is judged on its own: one that is not a valid change is answered
        # `rejected` while the rest of the batch applies, so any item is accepted.
        "description": "A change (first form); anything else is rejected on its own",
        "anyOf": [ChangeModel.model_json_schema(), {}]}}},
}


class PushResultModel(BaseModel):
    change_id: str
    status: str = Field(description="applied | already_had | superseded | rejected")
    code: str | None = None
    reason_th: str | None = None
    reason_en: str | None = None
    paths: list[str] = []
    conflicts: int = 0
    forwarded_to: str | None = Field(
        default=None, description="The producer was merged into this one by the office; the "
                                  "edit went there (pull to see it)")
    forwarded_refs: dict[str, str] = Field(
        default_factory=dict, description="Field -> surviving producer id: references to a "
                                          "merged-away producer rewritten (pull to see it)")


class PushAnswer(BaseModel):
    server_time_ms: int = Field(description="The server's wall clock; phones correct theirs")
    results: list[PushResultModel]


class PulledRecord(BaseModel):
    id: str
    type: str
    data: dict[str, Any]
    clocks: dict[str, str]
    deleted: bool
    schema_version: int
    seq: int


class PullAnswer(BaseModel):
    records: list[PulledRecord]
    next: str = Field(description="Cursor to pass as `since` once this page is applied")
    more: bool
    server_time_ms: int


def _bad_body(detail_en: str, detail_th: str) -> Problem:
    return Problem(400, "malformed_push", "The push body is not valid", "ข้อมูลที่ส่งไม่ถูกต้อง",
                   detail_en, detail_th)


async def push_body(request: Request) -> list[Any]:
    """The change list of a push, from JSON or gzip JSON (`Content-Encoding: gzip`).

    Sets `request.state.unsafe_text_possible`: only a `\\uD800`-`\\uDFFF` escape in the
    JSON text can give a string a lone surrogate, and only `\\u0000` a NUL, so without one
    the per-string check (`push.parse_changes`) is skipped."""
    raw = await request.body()
    encoding = request.headers.get("content-encoding", "identity").lower().strip()
    if len(raw) > _DECODE_INLINE or (encoding == "gzip" and len(raw) > _DECODE_INLINE // 8):
        changes, escaped = await run_in_threadpool(_decode_push, raw, encoding)
    else:
        changes, escaped = _decode_push(raw, encoding)
    request.state.unsafe_text_possible = escaped
    return changes


_UNSAFE_ESCAPE = re.compile(rb"\\u(?:[dD][89abcdefABCDEF]|0000)")


def _decode_push(raw: bytes, encoding: str) -> tuple[list[Any], bool]:
    if encoding == "gzip":
        try:
            inflater = zlib.decompressobj(wbits=31)
            raw = inflater.decompress(raw, MAX_INFLATED_BODY)
            if inflater.unconsumed_tail:
                raise Problem(413, "body_too_large", "Request too large",
                              "ข้อมูลที่ส่งมีขนาดใหญ่เกินไป",
                              f"The push inflates to more than {MAX_INFLATED_BODY} bytes; "
                              "send smaller batches.", "กรุณาส่งเป็นชุดที่เล็กลง")
        except (zlib.error, gzip.BadGzipFile) as exc:
            raise _bad_body(f"The gzip body is corrupt: {exc}", "ข้อมูลบีบอัดเสียหาย") from exc
    elif encoding not in ("identity", ""):
        raise Problem(415, "unsupported_encoding", "Unsupported content encoding",
                      "ไม่รองรับการบีบอัดแบบนี้", "Send gzip or no Content-Encoding.",
                      "กรุณาส่งแบบ gzip หรือไม่บีบอัด")
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad_body(f"The body is not JSON: {exc}", "ข้อมูลที่ส่งไม่ใช่ JSON") from exc
    except RecursionError as exc:
        raise _bad_body("The body is nested too deeply.",
                        "ข้อมูลที่ส่งซ้อนกันลึกเกินไป") from exc
    changes = body.get("changes") if isinstance(body, dict) else None
    if not isinstance(changes, list):
        raise _bad_body('Send {"changes": [...]}.', 'กรุณาส่ง {"changes": [...]}')
    if len(changes) > MAX_BATCH:
        # 422, not 413: the bytes were acceptable; the list breaks the described maxItems.
        raise Problem(422, "batch_too_large", "Too many changes in one push",
                      "ส่งการเปลี่ยนแปลงมากเกินไปในครั้งเดียว",
                      f"Send at most {MAX_BATCH} changes per push.",
                      f"ส่งได้ไม่เกิน {MAX_BATCH} รายการต่อครั้ง")
    return changes, _UNSAFE_ESCAPE.search(raw) is not None


def _validate(record_type: str, record: dict[str, Any]) -> list[dict[str, Any]]:
    """The shared schemas in draft mode: the merged record must stay a valid draft."""
    return [{"path": i.pointer or "/", "code": i.code, "message_th": i.message_th,
             "message_en": i.message_en}
            for i in validate_record(record_type, record, "draft")]


def _writers(request: Request) -> WriterPool:
    pool: WriterPool | None = getattr(request.app.state, "sync_writers", None)
    if pool is None:
        pool = WriterPool(request.app.state.engine, _validate,
                          max_queued_changes=request.app.state.settings.push_queue_changes)
        request.app.state.sync_writers = pool
    return pool


def _admission(request: Request) -> PushAdmission:
    admission: PushAdmission | None = getattr(request.app.state, "sync_admission", None)
    if admission is None:
        # Waiting pushes are bounded like the writer's queue (a push is ~20 changes).
        admission = PushAdmission(
            max_waiting=max(16, request.app.state.settings.push_queue_changes // 20))
        request.app.state.sync_admission = admission
    return admission


_T = TypeVar("_T")


async def _read_in_thread(request: Request, read: Callable[[], _T]) -> _T:
    """Run a database read of the sync routes on the app's reader threads.

    A plain executor hand-off: anyio's `run_in_threadpool` (task lookups, capacity limiter,
    cancel scopes) cost more than a whole empty pull's query. The threads are as many as
    the SQLite pool has connections to spare (`db.engine.make_engine`)."""
    executor: ThreadPoolExecutor | None = getattr(request.app.state, "sync_readers", None)
    if executor is None:
        executor = ThreadPoolExecutor(max_workers=32, thread_name_prefix="sync-reader")
        request.app.state.sync_readers = executor
    return await asyncio.get_running_loop().run_in_executor(executor, read)


def _database_key(request: Request) -> str:
    key: str | None = getattr(request.app.state, "sync_database_key", None)
    if key is None:
        key = request.app.state.engine.url.render_as_string(hide_password=True)
        request.app.state.sync_database_key = key
    return key


async def sync_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
) -> Principal:
    """The caller of a sync route, without a write transaction: a device token is looked
    up in `TOKEN_CACHE` (a read-only query on a miss, on a worker thread); `last_seen_at`
    is refreshed by the district's writer. Other sources (the office session) as usual."""
    engine = request.app.state.engine
    principal: Principal | None
    if credentials is not None and credentials.scheme.lower() == "bearer":
        token = credentials.credentials
        database = _database_key(request)
        settings = request.app.state.settings

        def lookup() -> tuple[Principal | None, bool]:
            return TOKEN_CACHE.lookup(lambda: read_only(engine).connect(), database, token,
                                      last_seen_resolution=settings.last_seen_resolution)

        if TOKEN_CACHE.fresh(database, token):
            principal, stale = lookup()
        else:
            principal, stale = await _read_in_thread(request, lookup)
        if principal is not None and stale and principal.device_id is not None:
            now = datetime.now(UTC)
            _writers(request).writer(principal.district_code).touch(principal.device_id, now)
            TOKEN_CACHE.seen(database, token, settings.last_seen_resolution)
    else:
        def from_sources() -> Principal | None:
            with engine.begin() as conn:
                return principal_from_request(request, conn, None)
        principal = await run_in_threadpool(from_sources)
    if principal is None:
        raise Problem(*UNAUTHENTICATED, headers={"WWW-Authenticate": "Bearer"})
    request.state.principal = principal  # for the access log
    return principal


SyncPrincipal = Annotated[Principal, Depends(sync_principal)]


async def sync_writer(principal: SyncPrincipal) -> Principal:
    """Refuses partner-agency principals (read-only), before the body is read."""
    return ensure_writer(principal)


def _json_response(body: dict[str, Any]) -> Response:
    return Response(json_text(body), media_type="application/json")


def _busy(retry_after_s: int, detail_en: str, detail_th: str) -> Problem:
    return Problem(503, "server_busy", "The server is busy", "เซิร์ฟเวอร์มีงานมากเกินไป",
                   detail_en, detail_th, headers={"Retry-After": str(retry_after_s)})


@router.post(
    "/push", response_model=PushAnswer, summary="Send outbox changes (idempotent)",
    description="JSON, or gzip JSON with `Content-Encoding: gzip`. One status per change: "
                "applied | already_had | superseded | rejected (code, Thai/English reason, "
                "paths). Changes naming a producer the office merged away go to the "
                "survivor (`forwarded_to`, `forwarded_refs`). See docs/sync.md.",
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/json": {"schema": PUSH_BODY_SCHEMA}}}},
)
async def push(
    request: Request,
    principal: Annotated[Principal, Depends(sync_writer)],
) -> Response:
    if principal.device_id is None:
        raise Problem(403, "device_token_needed", "A device token is needed",
                      "ต้องใช้โทเค็นของเครื่อง", "Push with the phone's device token.",
                      "กรุณาส่งข้อมูลด้วยโทเค็นของโทรศัพท์")
    busy_en = "Many phones are sending at once. The phone tries again by itself."
    busy_th = "มีโทรศัพท์ส่งข้อมูลพร้อมกันจำนวนมาก โทรศัพท์จะลองส่งใหม่เอง"
    # The body is read only once admitted (sync_server/sync/admission.py): the event loop
    # decodes a bounded number of pushes at a time, so pulls never queue behind them.
    try:
        slot = await _admission(request).acquire()
    except Saturated as exc:
        raise _busy(exc.retry_after_s, busy_en, busy_th) from exc
    try:
        changes = await push_body(request)
        ctx = PushContext(principal.district_code, principal.device_id, principal.user_id)
        parsed = parse_changes(ctx, changes, check_text=getattr(
            request.state, "unsafe_text_possible", True))
        results: list[ChangeResult]
        if any(isinstance(p, Change) for p in parsed):
            try:
                results = await _writers(request).push(ctx, parsed, taken=slot.release)
            except Saturated as exc:
                raise _busy(exc.retry_after_s, busy_en, busy_th) from exc
            except sa.exc.OperationalError as exc:
                raise _busy(2, "The database was busy; nothing of this push was stored. The "
                               "phone tries again by itself.",
                            "ฐานข้อมูลไม่ว่าง ยังไม่ได้บันทึกข้อมูลชุดนี้ โทรศัพท์จะลองส่งใหม่เอง"
                            ) from exc
        else:  # every change refused by its shape: nothing to write
            results = [p for p in parsed if isinstance(p, ChangeResult)]
    finally:
        slot.release()
    # The writer answered after its COMMIT returned: these changes are durable.
    return _json_response({"server_time_ms": wall_clock_ms(),
                           "results": [r.to_json() for r in results]})


@router.get(
    "/pull", response_model=PullAnswer, summary="Page through the district's feed",
    description="Records after the cursor `since`, in feed order. A page of 1 KB or more "
                "comes gzip-compressed (`Content-Encoding: gzip`, about 12× smaller) when "
                "`Accept-Encoding` takes gzip, as the phone's HTTP client asks by default.",
)
async def pull(
    request: Request,
    principal: SyncPrincipal,
    since: Annotated[str, Query(description="Cursor from the previous page; 0 at first",
                                json_schema_extra={"pattern": SINCE_PATTERN})] = "0",
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 200,
    subdistricts: Annotated[str | None, Query(
        description="e.g. 240301,240302 (of the caller's district; others: 404)",
        json_schema_extra={"pattern": SUBDISTRICTS_PATTERN})] = None,
) -> Response:
    if not principal.can_write:
        raise Problem(403, "read_only_token", "Partners use the partner API",
                      "หน่วยงานภาคีใช้ API สำหรับหน่วยงานภาคี",
                      "The sync feed is for the district's phones.",
                      "ช่องทางนี้สำหรับโทรศัพท์ของอำเภอเท่านั้น")
    try:
        # What the description says, exactly (so also below 2**63, MAX_CURSOR).
        if not re.fullmatch(SINCE_PATTERN, since):
            raise ValueError(since)
        cursor = int(since)
        if cursor > MAX_CURSOR:
            raise ValueError(since)
    except ValueError as exc:
        raise Problem(400, "bad_cursor", "Cursor not valid", "ตำแหน่งข้อมูลไม่ถูกต้อง",
                      "Pass the `next` value of the previous page, or 0.",
                      "กรุณาส่งค่า next จากหน้าก่อนหน้า หรือ 0") from exc
    chosen: list[str] = []
    if subdistricts:
        chosen = [s.strip() for s in subdistricts.split(",") if s.strip()]
        malformed = [s for s in chosen if not (len(s) == 6 and s.isascii() and s.isdigit())]
        if not re.fullmatch(SUBDISTRICTS_PATTERN, subdistricts):
            malformed = malformed or [subdistricts]
        wrong = malformed or [s for s in chosen if not s.startswith(principal.district_code)]
        if wrong:
            # Another district's subdistricts are not found here, like its records.
            raise Problem(400 if malformed else 404, "bad_subdistricts",
                          "Subdistrict codes not valid",
                          "รหัสตำบลไม่ถูกต้อง",
                          f"Not subdistricts of district {principal.district_code}: {wrong}",
                          f"ไม่ใช่ตำบลในอำเภอ {principal.district_code}: {wrong}")
    engine = read_only(request.app.state.engine)
    gzip = accepts_gzip(request.headers.get("accept-encoding"))

    def read() -> tuple[bytes, bool]:
        # A read-only transaction: on SQLite a deferred BEGIN, so it never waits for the
        # district's writer; WAL gives it a consistent snapshot.
        with engine.connect() as conn:
            page, next_cursor, more = pull_page_body(
                conn, principal.district_code, cursor, limit, chosen)
        body = b"".join((b'{"records":', page, f',"next":"{next_cursor}","more":'
                         f'{"true" if more else "false"},"server_time_ms":{wall_clock_ms()}}}'
                         .encode()))
        if gzip and len(body) >= GZIP_MIN_BYTES:  # compressed here, off the event loop
            return gzip_bytes(body), True
        return body, False

    body, compressed = await _read_in_thread(request, read)
    # For the access log: pushes still waiting for admission as this pull is answered (a
    # pull never waits for them).
    request.state.push_waiting = _admission(request).waiting
    headers = {"Vary": "Accept-Encoding"}
    if compressed:
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type="application/json", headers=headers)
