"""Duplicate producers: GET /duplicates (pairs with evidence, recent merges with an undo
button), GET /duplicates/confirm (what a merge will do, asked before anything is written),
POST /duplicates/merge (only with confirm=yes from that page), POST /duplicates/undo."""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Connection

from schemas import field_label, load_schema
from sync_server.auth import Principal
from sync_server.db.tables import records
from sync_server.deps import DbConn, ReadConn
from sync_server.web.duplicates import ProducerFacts, find_duplicates
from sync_server.web.errors import OfficeRoute
from sync_server.web.i18n import translate
from sync_server.web.merge import (
    MergeError,
    merge_preview,
    merge_producers,
    recent_merges,
    undo_merge,
)
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


def _titles(conn: Connection, district_code: str, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = conn.execute(sa.select(records.c.id, records.c.title).where(
        records.c.id.in_(ids), records.c.district_code == district_code))
    return {row.id: row.title or row.id for row in rows}


def _page(request: Request, conn: Connection, principal: Principal, *,
          error: str | None = None, flash: str | None = None,
          status_code: int = 200) -> Response:
    lang = request_lang(request)
    producers = _producers(conn, principal.district_code)
    pairs = find_duplicates(ProducerFacts.from_record(pid, p["data"])
                            for pid, p in producers.items())
    merges = recent_merges(conn, principal.district_code)
    names = _titles(conn, principal.district_code,
                    [m.kept for m in merges] + [m.dropped for m in merges])
    return render(request, "duplicates.html", {
        "pairs": pairs, "producers": producers, "merges": merges, "names": names,
        "can_merge": principal.role in SUPERVISOR_ROLES,
        "subdistrict_label": lambda code: subdistrict_label(code, lang),
        "error": error, "flash": flash,
    }, principal, status_code=status_code)


def _flash(request: Request, conn: Connection, principal: Principal) -> str | None:
    lang = request_lang(request)
    params = request.query_params
    for key in ("merged", "undone"):
        text = params.get(key) or ""
        if not (text.isascii() and text.isdecimal()):
            continue
        entry = next((m for m in recent_merges(conn, principal.district_code, 50)
                      if m.merge_id == int(text)), None)
        if entry is None:
            return None
        names = _titles(conn, principal.district_code, [entry.kept, entry.dropped])
        if key == "merged":
            return translate("merged_flash", lang, drop=names.get(entry.dropped, ""),
                             keep=names.get(entry.kept, ""))
        moved, left = params.get("n", "0"), params.get("left", "0")
        message = translate("undone_flash", lang, n=moved if moved.isdecimal() else "0")
        if left.isdecimal() and int(left):
            message += " · " + translate("undone_left", lang, n=left)
        return message
    return None


@router.get("/duplicates")
def duplicates_page(request: Request, conn: ReadConn,
                    principal: Annotated[Principal, Depends(require_web_user)]) -> Response:
    return _page(request, conn, principal, flash=_flash(request, conn, principal))


def _pair(keep: str, pair: str) -> str:
    """The other id of `pair` ("<id> <id>"), or "" when `keep` is not one of them."""
    ids = pair.split()
    if len(ids) == 2 and keep in ids:
        ids.remove(keep)
        return ids[0]
    return ""


def _type_title(record_type: str, lang: str) -> str:
    schema = load_schema(record_type)
    return str(schema.get("x-title-en" if lang == "en" else "title") or record_type)


def _confirm_page(request: Request, conn: Connection, principal: Principal, keep: str,
                  pair: str) -> Response:
    lang = request_lang(request)
    try:
        preview = merge_preview(conn, principal, keep, _pair(keep, pair))
    except MergeError as exc:
        return _page(request, conn, principal, status_code=400,
                     error=exc.message_en if lang == "en" else exc.message_th)
    products = _producers(conn, principal.district_code)
    return render(request, "duplicates_confirm.html", {
        "keep": products.get(preview.kept.id), "drop": products.get(preview.dropped.id),
        "pair": pair,
        "moving": [(_type_title(t, lang), n) for t, n in sorted(preview.moving.items())],
        "filled": [field_label("producer", f, lang) for f in preview.filled],
        "subdistrict_label": lambda code: subdistrict_label(code, lang),
    }, principal)


@router.get("/duplicates/confirm")
def confirm_merge(request: Request, conn: ReadConn,
                  principal: Annotated[Principal, Depends(require_web_supervisor)],
                  keep: str = "", pair: str = "") -> Response:
    """What merging would do, with the button that really merges (nothing written yet)."""
    return _confirm_page(request, conn, principal, keep[:64], pair[:200])


@router.post("/duplicates/merge")
def merge(
    request: Request,
    conn: DbConn,
    principal: Annotated[Principal, Depends(require_web_supervisor)],
    keep: Annotated[str, Form(max_length=64)] = "",
    pair: Annotated[str, Form(max_length=200)] = "",
    confirm: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """`pair` names both producers ("<id> <id>"); `keep` is the one that stays. Without
    `confirm=yes` (the confirmation page's button) it only shows that page."""
    if confirm != "yes":
        return _confirm_page(request, conn, principal, keep, pair)
    try:
        result = merge_producers(conn, principal, keep, _pair(keep, pair))
    except MergeError as exc:  # raised before anything is written
        lang = request_lang(request)
        return _page(request, conn, principal, status_code=400,
                     error=exc.message_en if lang == "en" else exc.message_th)
    conn.commit()  # before the redirect, so the page it leads to shows the merge
    return RedirectResponse(f"/duplicates?merged={result.merge_id}#merge-{result.merge_id}",
                            status_code=303)


@router.post("/duplicates/undo")
def undo(
    request: Request,
    conn: DbConn,
    principal: Annotated[Principal, Depends(require_web_supervisor)],
    merge: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    lang = request_lang(request)
    try:
        if not (merge.isascii() and merge.isdecimal()):
            raise MergeError("ไม่พบการรวมผู้ผลิตนี้ในอำเภอของคุณ",
                             "This merge was not found in your district")
        result = undo_merge(conn, principal, int(merge))
    except MergeError as exc:  # raised before anything is written
        return _page(request, conn, principal, status_code=409,
                     error=exc.message_en if lang == "en" else exc.message_th)
    conn.commit()
    return RedirectResponse(
        f"/duplicates?undone={merge}&n={result.moved_back}&left={result.left}",
        status_code=303)
