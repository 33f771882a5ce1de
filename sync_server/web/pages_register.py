"""The producer register page: GET /producers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from schemas import codes
from sync_server.api.device_health import recent_damage
from sync_server.auth import Principal
from sync_server.deps import ReadConn
from sync_server.web.errors import OfficeRoute
from sync_server.web.places import subdistrict_label, subdistricts_of
from sync_server.web.register import (
    QUADRANTS,
    REVIEW_FILTERS,
    STANDARD_FILTERS,
    parse_filters,
    search_producers,
)
from sync_server.web.session import require_web_user
from sync_server.web.templating import render, request_lang

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=OfficeRoute)


@router.get("/producers")
def register(
    request: Request,
    conn: ReadConn,
    principal: Annotated[Principal, Depends(require_web_user)],
) -> Response:
    lang = request_lang(request)
    subdistricts = subdistricts_of(principal.district_code)
    filters, errors = parse_filters(dict(request.query_params), [s[0] for s in subdistricts])
    page = search_producers(conn, principal.district_code, filters)
    error = " · ".join(e.message_en if lang == "en" else e.message_th for e in errors) or None
    return render(request, "register.html", {
        "page": page,
        "filters": filters,
        "subdistricts": subdistricts,
        "categories": codes("category"),
        "needs": codes("need"),
        "quadrants": QUADRANTS,
        "standard_filters": STANDARD_FILTERS,
        "review_filters": REVIEW_FILTERS,
        "subdistrict_label": lambda code: subdistrict_label(code, lang),
        "error": error,
        "device_damage": recent_damage(conn, principal.district_code),
    }, principal, status_code=400 if errors else 200)
