"""Review pages: GET /review (the queue), GET/POST /review/{visit_id}."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Connection

from sync_server.auth import Principal
from sync_server.db.records import get_record
from sync_server.deps import DbConn, ReadConn
from sync_server.problems import Problem
from sync_server.web.errors import OfficeRoute
from sync_server.web.i18n import translate
from sync_server.web.review import (
    REVIEW_STATUSES,
    apply_review,
    list_visits,
    review_history,
    validate_review,
    visit_photos,
)
from sync_server.web.session import SUPERVISOR_ROLES, require_web_supervisor, require_web_user
from sync_server.web.templating import render, request_lang

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=OfficeRoute)
_FILTERS = ("waiting", *REVIEW_STATUSES, "all")


@router.get("/review")
def review_queue(request: Request, conn: ReadConn,
                 principal: Annotated[Principal, Depends(require_web_user)],
                 status: str = "waiting") -> Response:
    status = status if status in _FILTERS else "waiting"
    return render(request, "review_list.html", {
        "visits": list_visits(conn, principal.district_code, status),
        "status": status, "filters": _FILTERS,
    }, principal)


def _visit_page(request: Request, conn: Connection, principal: Principal, visit_id: str, *,
                error: str | None = None, flash: str | None = None,
                status_code: int = 200) -> Response:
    visit = get_record(conn, visit_id, district_code=principal.district_code)
    if visit is None or visit.record_type != "visit":
        raise Problem(404, "not_found", "Not found", "ไม่พบข้อมูล",
                      "No such visit in your district.", "ไม่พบงานเยี่ยมนี้ในอำเภอของคุณ")
    producer_id = visit.data.get("producer_id")
    producer = get_record(conn, producer_id, district_code=principal.district_code) \
        if isinstance(producer_id, str) else None
    products = [get_record(conn, pid, district_code=principal.district_code)
                for pid in visit.data.get("product_ids") or [] if isinstance(pid, str)]
    return render(request, "review_visit.html", {
        "visit": visit, "v": visit.data, "producer": producer,
        "products": [p for p in products if p is not None],
        "history": review_history(conn, visit.id, visit.data),
        "photos": visit_photos(conn, principal.district_code, visit.id),
        "statuses": REVIEW_STATUSES,
        "can_review": principal.role in SUPERVISOR_ROLES,
        "error": error, "flash": flash,
    }, principal, status_code=status_code)


@router.get("/review/{visit_id}")
def review_visit(request: Request, visit_id: str, conn: ReadConn,
                 principal: Annotated[Principal, Depends(require_web_user)]) -> Response:
    flash = translate("saved", request_lang(request)) if request.query_params.get("saved") \
        else None
    return _visit_page(request, conn, principal, visit_id, flash=flash)


@router.post("/review/{visit_id}")
def submit_review(
    request: Request,
    visit_id: str,
    conn: DbConn,
    principal: Annotated[Principal, Depends(require_web_supervisor)],
    status: Annotated[str, Form(max_length=32)] = "",
    comment: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:
    visit = get_record(conn, visit_id, district_code=principal.district_code, for_update=True)
    if visit is None or visit.record_type != "visit":
        raise Problem(404, "not_found", "Not found", "ไม่พบข้อมูล",
                      "No such visit in your district.", "ไม่พบงานเยี่ยมนี้ในอำเภอของคุณ")
    status, comment, errors = validate_review(status, comment)
    if errors:
        lang = request_lang(request)
        message = " · ".join(e.message_en if lang == "en" else e.message_th for e in errors)
        return _visit_page(request, conn, principal, visit_id, error=message, status_code=400)
    apply_review(conn, principal, visit, status, comment)
    conn.commit()  # before the redirect, so the page it leads to shows the review
    return RedirectResponse(f"/review/{visit_id}?saved=1", status_code=303)
