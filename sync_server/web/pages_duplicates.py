"""Duplicate producers: GET /duplicates (pairs with evidence), POST /duplicates/merge."""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Connection

from sync_server.auth import Principal
from sync_server.db.tables import records
from sync_server.deps import DbConn, ReadConn
from sync_server.web.duplicates import ProducerFacts, find_duplicates
from sync_server.web.errors import OfficeRoute
from sync_server.web.i18n import translate
from sync_server.web.merge import MergeError, merge_producers
from sync_server.web.places import subdistrict_label
from sync_server.web.session import SUPERVISOR_ROLES, require_web_supervisor, require_web_user
from sync_server.web.templating import render, request_lang

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=OfficeRoute)


def _producers(conn: Connection, district_code: str) -> dict[str, dict[str, Any]]:
    product = records.alias("pc")
    count = (sa.select(sa.func.count()).where(
        product.c.producer_id == records.c.id, product.c.record_type == "product",
        product.c.deleted == sa.false()).scalar_subquery())
    rows = conn.execute(
        sa.select(records.c.id, records.c.data, records.c.updated_at, count.label("products"))
        .where(records.c.district_code == district_code, records.c.record_type == "producer",
               records.c.deleted == sa.false())
    ).all()
    return {row.id: {"id": row.id, "data": row.data or {}, "updated_at": row.updated_at,
                     "products": int(row.products)} for row in rows}


def _page(request: Request, conn: Connection, principal: Principal, *,
          error: str | None = None, flash: str | None = None,
          status_code: int = 200) -> Response:
    lang = request_lang(request)
    producers = _producers(conn, principal.district_code)
    pairs = find_duplicates(ProducerFacts.from_record(pid, p["data"])
                            for pid, p in producers.items())
    return render(request, "duplicates.html", {
        "pairs": pairs, "producers": producers,
        "can_merge": principal.role in SUPERVISOR_ROLES,
        "subdistrict_label": lambda code: subdistrict_label(code, lang),
        "error": error, "flash": flash,
    }, principal, status_code=status_code)


@router.get("/duplicates")
def duplicates_page(request: Request, conn: ReadConn,
                    principal: Annotated[Principal, Depends(require_web_user)]) -> Response:
    flash = translate("merged", request_lang(request)) if request.query_params.get("merged") \
        else None
    return _page(request, conn, principal, flash=flash)


@router.post("/duplicates/merge")
def merge(
    request: Request,
    conn: DbConn,
    principal: Annotated[Principal, Depends(require_web_supervisor)],
    keep: Annotated[str, Form(max_length=64)] = "",
    pair: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """`pair` names both producers ("<id> <id>"); `keep` is the one that stays."""
    ids = pair.split()
    drop = ""
    if len(ids) == 2 and keep in ids:
        ids.remove(keep)
        drop = ids[0]
    try:
        result = merge_producers(conn, principal, keep, drop)
    except MergeError as exc:  # raised before anything is written
        lang = request_lang(request)
        return _page(request, conn, principal, status_code=400,
                     error=exc.message_en if lang == "en" else exc.message_th)
    conn.commit()  # before the redirect, so the page it leads to shows the merge
    return RedirectResponse(f"/producers/{result.kept}?merged=1", status_code=303)
