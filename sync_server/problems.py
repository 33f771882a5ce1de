"""Errors as a contract: RFC 9457 problem details with stable codes, in Thai and English.

Every error the server answers has this JSON shape (`application/problem+json`):

    {"type": "https://tambon-field.example/problems/validation_failed",
     "code": "validation_failed", "status": 422,
     "title": "The record is not valid", "title_th": "ข้อมูลไม่ถูกต้อง",
     "detail": "...", "detail_th": "...",
     "errors": [{"path": "/phone", "code": "pattern", "message_th": "...", "message_en": "..."}]}

Route code raises `Problem(...)`; `install_problem_handlers(app)` (called by `create_app`)
turns it, FastAPI's request-validation errors, 404/405 and unexpected exceptions into that
shape. `Problem` subclasses Starlette's HTTPException so it passes unchanged through FastAPI's
body parsing (which re-raises HTTPExceptions and wraps everything else).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

__all__ = [
    "MEDIA_TYPE",
    "PROBLEM_TYPE_BASE",
    "Problem",
    "ProblemError",
    "install_problem_handlers",
    "problem_for_status",
    "problem_response",
    "validation_problem",
]

PROBLEM_TYPE_BASE = "https://tambon-field.example/problems/"
MEDIA_TYPE = "application/problem+json"

log = logging.getLogger("sync_server.problems")

ProblemError = dict[str, Any]  # {"path", "code", "message_th", "message_en"}


class Problem(StarletteHTTPException):
    """An error answer. `code` is stable (clients branch on it); titles are short, details
    say what to do."""

    def __init__(
        self,
        status: int,
        code: str,
        title_en: str,
        title_th: str,
        detail_en: str = "",
        detail_th: str = "",
        errors: Sequence[ProblemError] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(status_code=status, detail=detail_en or title_en, headers=headers)
        self.status = status
        self.code = code
        self.title_en = title_en
        self.title_th = title_th
        self.detail_en = detail_en
        self.detail_th = detail_th
        self.errors = list(errors)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + self.code,
            "code": self.code,
            "status": self.status,
            "title": self.title_en,
            "title_th": self.title_th,
            "detail": self.detail_en or self.title_en,
            "detail_th": self.detail_th or self.title_th,
        }
        if self.errors:
            body["errors"] = self.errors
        return body

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.detail_en or self.title_en}"


def validation_problem(issues: Sequence[Any], *, record_type: str | None = None,
                       record_id: str | None = None) -> Problem:
    """422 `validation_failed` from `schemas.validate_record` issues (anything with
    `pointer`/`path`, `code`, `message_th`, `message_en`)."""
    what_en = f"The {record_type} {record_id or ''}".strip() if record_type else "The record"
    errors = [{
        "path": getattr(issue, "pointer", None) or getattr(issue, "path", None) or "/",
        "code": getattr(issue, "code", "invalid"),
        "message_th": getattr(issue, "message_th", ""),
        "message_en": getattr(issue, "message_en", ""),
    } for issue in issues]
    return Problem(
        422, "validation_failed", "The record is not valid", "ข้อมูลไม่ถูกต้อง",
        f"{what_en} has {len(errors)} problem(s); see errors.",
        f"ข้อมูลมีปัญหา {len(errors)} รายการ ดูรายละเอียดใน errors", errors)


def problem_response(problem: Problem) -> JSONResponse:
    return JSONResponse(problem.to_json(), status_code=problem.status,
                        headers=problem.headers, media_type=MEDIA_TYPE)


# Problems for plain HTTP statuses (routing, methods, Starlette's own errors).
_BY_STATUS: dict[int, tuple[str, str, str, str]] = {
    400: ("bad_request", "Bad request", "คำขอไม่ถูกต้อง",
          "The request could not be understood."),
    401: ("unauthenticated", "Sign-in needed", "ต้องลงชื่อเข้าใช้",
          "Send a valid token."),
    403: ("forbidden", "Not allowed", "ไม่มีสิทธิ์",
          "Your account may not do this."),
    404: ("not_found", "Not found", "ไม่พบข้อมูล",
          "Nothing exists at this address."),
    405: ("method_not_allowed", "Method not allowed", "ไม่รองรับวิธีการนี้",
          "This address does not accept this HTTP method."),
    413: ("body_too_large", "Request too large", "ข้อมูลที่ส่งมีขนาดใหญ่เกินไป",
          "The request body is larger than this address accepts."),
    415: ("unsupported_media_type", "Unsupported media type", "ไม่รองรับชนิดข้อมูลนี้",
          "Send the body in a supported format."),
    429: ("rate_limited", "Too many attempts", "ลองหลายครั้งเกินไป",
          "Wait a while and try again."),
}
_DETAIL_TH: dict[int, str] = {
    400: "เซิร์ฟเวอร์ไม่เข้าใจคำขอนี้",
    401: "กรุณาส่งโทเค็นที่ถูกต้อง",
    403: "บัญชีของคุณไม่มีสิทธิ์ทำรายการนี้",
    404: "ไม่มีข้อมูลที่ที่อยู่นี้",
    405: "ที่อยู่นี้ไม่รองรับวิธีการ HTTP นี้",
    413: "ข้อมูลที่ส่งมามีขนาดเกินกว่าที่ที่อยู่นี้รับได้",
    415: "กรุณาส่งข้อมูลในรูปแบบที่รองรับ",
    429: "กรุณารอสักครู่แล้วลองใหม่",
}


def problem_for_status(status: int, headers: Mapping[str, str] | None = None) -> Problem:
    code, title_en, title_th, detail_en = _BY_STATUS.get(
        status, (f"http_{status}", f"HTTP error {status}", f"ข้อผิดพลาด HTTP {status}", ""))
    return Problem(status, code, title_en, title_th, detail_en, _DETAIL_TH.get(status, ""),
                   headers=headers)


def _validation_problem(exc: RequestValidationError) -> Problem:
    errors: list[ProblemError] = []
    malformed = False
    for item in exc.errors():
        kind = str(item.get("type", "invalid"))
        if kind == "json_invalid":
            malformed = True
        loc = [str(part) for part in item.get("loc", ())]
        errors.append({
            "path": "/" + "/".join(loc),
            "code": kind,
            "message_en": str(item.get("msg", "invalid value")),
            "message_th": _thai_for_pydantic(kind),
        })
    if malformed:
        return Problem(400, "malformed_json", "Malformed JSON", "JSON ไม่ถูกต้อง",
                       "The request body is not valid JSON.",
                       "ข้อมูลที่ส่งมาไม่ใช่ JSON ที่ถูกต้อง", errors)
    return Problem(422, "request_invalid", "The request is not valid", "คำขอไม่ถูกต้อง",
                   "Some parameters or body fields are missing or have the wrong type.",
                   "พารามิเตอร์หรือข้อมูลบางช่องขาดหายหรือชนิดไม่ถูกต้อง", errors)


_PYDANTIC_TH = {
    "missing": "ต้องระบุค่านี้",
    "extra_forbidden": "ไม่รู้จักช่องข้อมูลนี้",
    "string_type": "ต้องเป็นข้อความ",
    "int_parsing": "ต้องเป็นจำนวนเต็ม",
    "int_type": "ต้องเป็นจำนวนเต็ม",
    "string_too_long": "ข้อความยาวเกินไป",
    "string_too_short": "ข้อความสั้นเกินไป",
    "string_pattern_mismatch": "รูปแบบไม่ถูกต้อง",
    "greater_than_equal": "ค่าน้อยเกินไป",
    "less_than_equal": "ค่ามากเกินไป",
    "literal_error": "ไม่ใช่ค่าที่อนุญาต",
    "enum": "ไม่ใช่ค่าที่อนุญาต",
    "model_attributes_type": "ต้องเป็นออบเจ็กต์ JSON",
    "dict_type": "ต้องเป็นออบเจ็กต์ JSON",
    "json_invalid": "JSON ไม่ถูกต้อง",
}


def _thai_for_pydantic(kind: str) -> str:
    return _PYDANTIC_TH.get(kind, "ค่าไม่ถูกต้อง")


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def install_problem_handlers(app: FastAPI) -> None:
    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return problem_response(exc)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        problem = problem_for_status(exc.status_code, exc.headers)
        if isinstance(exc.detail, str) and exc.detail != _phrase(exc.status_code):
            problem.detail_en = exc.detail  # a route's own English detail
        return problem_response(problem)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problem_response(_validation_problem(exc))

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(Problem(
            500, "internal_error", "Internal server error", "เซิร์ฟเวอร์ขัดข้อง",
            "Something went wrong on the server; nothing was saved. Try again later.",
            "เซิร์ฟเวอร์ขัดข้อง ไม่มีการบันทึกข้อมูล กรุณาลองใหม่ภายหลัง"))

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(Exception, on_unexpected)
