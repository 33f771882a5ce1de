"""ASGI middleware: request body limits, addresses with a NUL, and the structured access log.

Pure ASGI (not BaseHTTPMiddleware) so streamed bodies such as tus chunks are never buffered.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync_server.problems import Problem, problem_for_status

__all__ = ["AccessLogMiddleware", "BodyLimitMiddleware", "JsonLogFormatter", "NulUrlMiddleware",
           "configure_logging"]

access_log = logging.getLogger("sync_server.access")
# Request ids: a random per-process prefix and a counter (uuid4 per request cost a getrandom
# system call on every request; unique is all a request id needs to be).
_ID_PREFIX = uuid.uuid4().hex[:12]
_ids = itertools.count(1)


def _problem_bytes(problem: Problem) -> bytes:
    return json.dumps(problem.to_json(), ensure_ascii=False).encode("utf-8")


def _too_large(limit: int) -> Problem:
    problem = problem_for_status(413)
    problem.detail_en = (
        f"The request body is larger than {limit} bytes, the most this address accepts.")
    problem.detail_th = f"ข้อมูลที่ส่งมามีขนาดเกิน {limit} ไบต์ ซึ่งเป็นขนาดสูงสุดที่ที่อยู่นี้รับได้"
    return problem


async def _send_problem(send: Send, problem: Problem) -> None:
    """Answer `problem` before the app has read the body, and close the connection (the
    unread body would otherwise be taken for the next request)."""
    body = _problem_bytes(problem)
    await send({"type": "http.response.start", "status": problem.status, "headers": [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]})
    await send({"type": "http.response.body", "body": body})


def _nul_in_url() -> Problem:
    return Problem(400, "nul_in_url", "NUL character in the address", "ที่อยู่มีอักขระ NUL",
                   "The address holds a NUL character (%00), which no page or API accepts. "
                   "Remove it and ask again.",
                   "ที่อยู่ (URL) มีอักขระ NUL (%00) ซึ่งไม่มีหน้าใดรับได้ กรุณาลบออกแล้วลองใหม่")


class NulUrlMiddleware:
    """Answer 400 (a problem) when the path or the query string holds a NUL (`%00`).

    No address of this server has a use for one, and PostgreSQL cannot hold one in text: a
    search for `%00` on the office register answered 500 there (SQLite stored and matched
    it). One check here instead of one per parameter of every page and API."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (b"%00" in scope.get("query_string", b"")
                                        or "\x00" in scope["path"]):
            await _send_problem(send, _nul_in_url())
            return
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """Answer 413 (a problem) when a body is larger than `limit_for(path)` bytes.

    A declared Content-Length over the limit is refused before the app runs. Otherwise the
    bytes are counted as they stream in; going over raises a 413 `Problem` from `receive`,
    which the app's handlers turn into the answer (FastAPI re-raises HTTP exceptions met
    while reading a body). If the app had already started answering, the connection is cut.
    """

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > limit:
                    await _send_problem(send, _too_large(limit))
                    return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _too_large(limit)
            return message

        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except Problem as problem:
            if problem.status != 413 or started:
                raise
            await _send_problem(send, problem)


class AccessLogMiddleware:
    """One JSON line per request: time, level, request id, method, path, status, duration,
    device. The request id comes from `X-Request-ID` if the client sent one and is echoed back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = ""
        for name, value in scope.get("headers", ()):
            if name == b"x-request-id":
                request_id = value.decode("latin-1")[:64]
        request_id = request_id or f"{_ID_PREFIX}{next(_ids):x}"
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        start = time.perf_counter()

        async def logging_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, logging_send)
        finally:
            if access_log.isEnabledFor(logging.INFO):  # nothing built when it is quiet
                self._log(scope, request_id, status, start)

    @staticmethod
    def _log(scope: Scope, request_id: str, status: int, start: float) -> None:
        state = scope.get("state", {})
        principal = state.get("principal")
        fields = {
            "request_id": request_id,
            "method": scope.get("method"),
            "path": scope.get("path"),
            "status": status,
            "duration_ms": round((time.perf_counter() - start) * 1000, 2),
            "device": getattr(principal, "device_id", None),
            "user": getattr(principal, "user_id", None),
        }
        if "push_waiting" in state:  # a sync pull: pushes waiting for admission meanwhile
            fields["push_waiting"] = state["push_waiting"]
        access_log.info("request", extra={"fields": fields})


def _utc_iso_ms(created: float) -> str:
    """`datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")`, without
    building a datetime for every log line."""
    seconds = int(created)
    micros = round((created - seconds) * 1e6)  # as datetime rounds, then truncates to ms
    if micros >= 1_000_000:
        seconds, micros = seconds + 1, micros - 1_000_000
    return (time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
            + f".{micros // 1000:03d}+00:00")


class JsonLogFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": _utc_iso_ms(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str | None = None) -> None:
    """JSON lines on stderr for the server's loggers and uvicorn's.

    The level: `level`, else `TAMBON_LOG_LEVEL`, else whatever uvicorn was told
    (`uvicorn --log-level warning` silences the access log too), else INFO. Forcing INFO
    would flood a parent that pipes stderr and does not read it, until the server blocks.
    """
    chosen = level or os.environ.get("TAMBON_LOG_LEVEL")
    if not chosen:
        uvicorn_level = logging.getLogger("uvicorn.error").level
        chosen = logging.getLevelName(uvicorn_level) if uvicorn_level else "INFO"
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLogFormatter())
    for name in ("sync_server", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(chosen.upper())
        logger.propagate = False
