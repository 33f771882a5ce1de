"""HTTP routes of the sync protocol: push and pull (see docs/sync.md).

Thin: parse and authorise here, merge in `push.py`, read the feed in `pull.py`.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import zlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from recordsync.hlc import HybridLogicalClock, wall_clock_ms
from schemas import validate_record
from sync_server.auth import CurrentPrincipal, WriterPrincipal
from sync_server.deps import DbConn
from sync_server.problems import Problem
from sync_server.sync.pull import MAX_PAGE, pull_page
from sync_server.sync.push import PushContext, apply_push_batch

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/sync", tags=["sync"])

MAX_BATCH = 500
# A gzip body may expand this much at most (a decompression bomb gets a 413, not our RAM).
MAX_INFLATED_BODY = 32 * 1024 * 1024
# Test hook: with TAMBON_TEST_CRASH_POINT set, the server process SIGKILLs itself at that
# point of a push (`before_commit` or `after_commit`, optionally `:N`). Never set in
# production.
CRASH_ENV = "TAMBON_TEST_CRASH_POINT"


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


# The push body is read by hand (gzip); this documents it in the OpenAPI schema.
# Query formats of pull, described in the OpenAPI and checked by the route alike.
SINCE_PATTERN = "^(0|[1-9][0-9]{0,17})$"  # a feed position (below 2**63)
SUBDISTRICTS_PATTERN = "^ *([0-9]{6})? *(, *([0-9]{6})? *)*$"

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
    """The change list of a push, from JSON or gzip JSON (`Content-Encoding: gzip`)."""
    raw = await request.body()
    encoding = request.headers.get("content-encoding", "identity").lower().strip()
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
    changes = body.get("changes") if isinstance(body, dict) else None
    if not isinstance(changes, list):
        raise _bad_body('Send {"changes": [...]}.', 'กรุณาส่ง {"changes": [...]}')
    if len(changes) > MAX_BATCH:
        # 422, not 413: the bytes were acceptable; the list breaks the described maxItems.
        raise Problem(422, "batch_too_large", "Too many changes in one push",
                      "ส่งการเปลี่ยนแปลงมากเกินไปในครั้งเดียว",
                      f"Send at most {MAX_BATCH} changes per push.",
                      f"ส่งได้ไม่เกิน {MAX_BATCH} รายการต่อครั้ง")
    return changes


def _server_clock(request: Request) -> HybridLogicalClock:
    clock = getattr(request.app.state, "sync_clock", None)
    if clock is None:
        clock = HybridLogicalClock("server")
        request.app.state.sync_clock = clock
    return clock


def _validate(record_type: str, record: dict[str, Any]) -> list[dict[str, Any]]:
    """The shared schemas in draft mode: the merged record must stay a valid draft."""
    return [{"path": i.pointer or "/", "code": i.code, "message_th": i.message_th,
             "message_en": i.message_en}
            for i in validate_record(record_type, record, "draft")]


_crash_counts: dict[str, int] = {}


def _crash(point: str) -> None:
    """SIGKILL this process at `point` when TAMBON_TEST_CRASH_POINT says so.

    The value is `point` or `point:N` (the N-th time this process reaches the point), so a
    test can let a few pushes through and then kill the server at an exact place.
    """
    spec = os.environ.get(CRASH_ENV)
    if not spec:
        return
    name, _, nth = spec.partition(":")
    if name != point:
        return
    _crash_counts[point] = _crash_counts.get(point, 0) + 1
    if _crash_counts[point] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)


@router.post(
    "/push", response_model=PushAnswer, summary="Send outbox changes (idempotent)",
    description="JSON, or gzip JSON with `Content-Encoding: gzip`. One status per change: "
                "applied | already_had | superseded | rejected (code, Thai/English reason, "
                "paths). Changes naming a producer the office merged away go to the "
                "survivor (`forwarded_to`, `forwarded_refs`). See docs/sync.md.",
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/json": {"schema": PUSH_BODY_SCHEMA}}}},
)
def push(
    request: Request,
    principal: WriterPrincipal,
    conn: DbConn,
    changes: Annotated[list[Any], Depends(push_body)],
) -> PushAnswer:
    if principal.device_id is None:
        raise Problem(403, "device_token_needed", "A device token is needed",
                      "ต้องใช้โทเค็นของเครื่อง", "Push with the phone's device token.",
                      "กรุณาส่งข้อมูลด้วยโทเค็นของโทรศัพท์")
    ctx = PushContext(principal.district_code, principal.device_id, principal.user_id)
    results = apply_push_batch(conn, ctx, changes, clock=_server_clock(request),
                               validate=_validate)
    _crash("before_commit")
    # Commit here, not after the reply: the answer promises the changes are durable.
    conn.commit()
    _crash("after_commit")
    return PushAnswer(server_time_ms=wall_clock_ms(),
                      results=[PushResultModel(**r.to_json()) for r in results])


@router.get("/pull", response_model=PullAnswer, summary="Page through the district's feed")
def pull(
    principal: CurrentPrincipal,
    conn: DbConn,
    since: Annotated[str, Query(description="Cursor from the previous page; 0 at first",
                                json_schema_extra={"pattern": SINCE_PATTERN})] = "0",
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 200,
    subdistricts: Annotated[str | None, Query(
        description="e.g. 240301,240302 (of the caller's district; others: 404)",
        json_schema_extra={"pattern": SUBDISTRICTS_PATTERN})] = None,
) -> PullAnswer:
    if not principal.can_write:
        raise Problem(403, "read_only_token", "Partners use the partner API",
                      "หน่วยงานภาคีใช้ API สำหรับหน่วยงานภาคี",
                      "The sync feed is for the district's phones.",
                      "ช่องทางนี้สำหรับโทรศัพท์ของอำเภอเท่านั้น")
    try:
        if not re.fullmatch(SINCE_PATTERN, since):  # what the description says, exactly
            raise ValueError(since)
        cursor = int(since)
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
    page = pull_page(conn, principal.district_code, cursor, limit, chosen)
    return PullAnswer(records=[PulledRecord(**r) for r in page.records],
                      next=str(page.next_cursor), more=page.more,
                      server_time_ms=wall_clock_ms())
