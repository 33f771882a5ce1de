"""Conflict pages: GET /conflicts, POST /conflicts/{id}/resolve (supervisors)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Connection

from recordsync.hlc import Timestamp
from sync_server.auth import Principal
from sync_server.deps import DbConn, ReadConn
from sync_server.problems import Problem
from sync_server.web.conflicts import ResolveError, list_open_conflicts, resolve_conflict
from sync_server.web.errors import OfficeRoute
from sync_server.web.i18n import translate
from sync_server.web.session import SUPERVISOR_ROLES, require_web_supervisor, require_web_user
from sync_server.web.templating import render, request_lang

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=OfficeRoute)


def _show(value: Any) -> str:
    """A stored value as people read it: text as is, the rest as indented JSON."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=1)


def _written_at(clock: str | None) -> datetime | None:
    """When a side was written, from the wall time inside its HLC timestamp."""
    try:
        return datetime.fromtimestamp(Timestamp.decode(clock or "").wall_ms / 1000, UTC)
    except ValueError:
        return None


def _page(request: Request, conn: Connection, principal: Principal, *,
          error: str | None = None, flash: str | None = None,
          status_code: int = 200) -> Response:
    return render(request, "conflicts.html", {
        "conflicts": list_open_conflicts(conn, principal.district_code),
        "show": _show, "written_at": _written_at,
        "can_resolve": principal.role in SUPERVISOR_ROLES,
        "error": error, "flash": flash,
    }, principal, status_code=status_code)


@router.get("/conflicts")
def conflicts_page(request: Request, conn: ReadConn,
                   principal: Annotated[Principal, Depends(require_web_user)]) -> Response:
    flash = translate("conflict_resolved", request_lang(request)) \
        if request.query_params.get("resolved") else None
    return _page(request, conn, principal, flash=flash)


@router.post("/conflicts/{conflict_id}/resolve")
def resolve(
    request: Request,
    conflict_id: str,
    conn: DbConn,
    principal: Annotated[Principal, Depends(require_web_supervisor)],
    choice: Annotated[str, Form(max_length=16)] = "",
    new_value: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:
    try:
        resolve_conflict(conn, principal, conflict_id, choice, new_value)
        conn.commit()  # before the redirect, so the list it leads to is up to date
    except LookupError as exc:
        raise Problem(404, "conflict_not_found", "Conflict not found", "ไม่พบข้อขัดแย้ง",
                      "No such open conflict in your district (already resolved?).",
                      "ไม่พบข้อขัดแย้งที่ยังเปิดอยู่ในอำเภอของคุณ (อาจแก้ไขไปแล้ว)") from exc
    except ResolveError as exc:  # raised before anything is written
        lang = request_lang(request)
        return _page(request, conn, principal, status_code=400,
                     error=exc.message_en if lang == "en" else exc.message_th)
    return RedirectResponse("/conflicts?resolved=1", status_code=303)
