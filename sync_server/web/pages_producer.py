"""The producer page (GET /producers/{id}), plan edits and network links made in the office.

Photos on the page come from the sync part's `GET /api/v1/photos/{sha256}[?size=thumb]`,
which accepts the office session cookie for reads (see `session._session_source`) and
checks the district."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Connection

from schemas import codes, record_warnings
from sync_server.auth import Principal
from sync_server.db.records import get_record
from sync_server.deps import DbConn, ReadConn
from sync_server.problems import Problem
from sync_server.reports import strength
from sync_server.web.agencies import AgencyIndex, list_agencies
from sync_server.web.errors import OfficeRoute
from sync_server.web.i18n import translate
from sync_server.web.links import LinkError, producer_choices, save_link, validate_link_form
from sync_server.web.places import subdistrict_label
from sync_server.web.plan import PLAN_FIELDS, save_plan_item, validate_plan_form
from sync_server.web.producer_view import (
    find_forward,
    load_producer_view,
    standard_status,
)
from sync_server.web.session import require_web_user
from sync_server.web.templating import render, request_lang

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=OfficeRoute)

OfficeUser = Annotated[Principal, Depends(require_web_user)]
_FIELD_LABELS = {"need": "plan_need", "action": "plan_action", "agency_id": "plan_agency",
                 "budget_thb": "plan_budget", "due_on": "plan_due", "status": "plan_status",
                 "follow_up_notes": "plan_follow_up", "fiscal_year_be": "plan_fiscal_year",
                 "funding_source": "plan_funding"}


def _not_found() -> Problem:
    return Problem(404, "not_found", "Not found", "ไม่พบข้อมูล",
                   "No such producer in your district.", "ไม่พบผู้ผลิตนี้ในอำเภอของคุณ")


def _producer_page(request: Request, conn: Connection, principal: Principal, producer_id: str,
                   *, errors: list[str] | None = None, flash: str | None = None,
                   status_code: int = 200) -> Response:
    view = load_producer_view(conn, principal.district_code, producer_id)
    if view is None:
        raise _not_found()
    if view.producer.deleted:
        target = find_forward(conn, principal.district_code, producer_id)
        if target:
            return RedirectResponse(f"/producers/{target}?from={producer_id}", status_code=303)
    lang = request_lang(request)
    agencies = list_agencies(conn, principal.district_code)
    index = AgencyIndex(agencies)
    today = date.today()
    return render(request, "producer.html", {
        "view": view,
        "p": view.producer.data,
        "today": today,
        "standard_status": standard_status,
        "subdistrict_label": lambda code: subdistrict_label(code, lang),
        "plan_statuses": codes("plan_status"),
        "needs": codes("need"),
        "funding_sources": codes("funding_source"),
        "sales_channels": codes("sales_channel"),
        "strength_items": strength.ITEMS,
        "strength_total": strength.total,
        "strength_max": strength.MAX_TOTAL,
        "agencies": [a for a in agencies if a.active],
        "agency_of": index.resolve,
        "warnings": {p.id: record_warnings("product", p.data, today=today)
                     for p in view.products},
        "link_kinds": codes("link_kind"),
        "link_targets": producer_choices(conn, principal.district_code, producer_id),
        "merged_from": request.query_params.get("from"),
        "merged": request.query_params.get("merged"),
        "error": " · ".join(errors) if errors else None,
        "flash": flash,
    }, principal, status_code=status_code)


@router.get("/producers/{producer_id}")
def producer_page(request: Request, producer_id: str, conn: ReadConn,
                  principal: OfficeUser) -> Response:
    saved = request.query_params.get("saved")
    flash = translate("saved", request_lang(request)) if saved else None
    return _producer_page(request, conn, principal, producer_id, flash=flash)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


@router.post("/producers/{producer_id}/plan")
def add_plan_item(request: Request, producer_id: str, conn: DbConn, principal: OfficeUser,
                  form: Annotated[dict[str, str], Depends(_form)]) -> Response:
    return _save_plan(request, conn, principal, producer_id, None, form)


@router.post("/producers/{producer_id}/plan/{item_id}")
def edit_plan_item(request: Request, producer_id: str, item_id: str, conn: DbConn,
                   principal: OfficeUser,
                   form: Annotated[dict[str, str], Depends(_form)]) -> Response:
    return _save_plan(request, conn, principal, producer_id, item_id, form)


def _save_plan(request: Request, conn: Connection, principal: Principal, producer_id: str,
               item_id: str | None, form: dict[str, str]) -> Response:
    lang = request_lang(request)
    producer = get_record(conn, producer_id, district_code=principal.district_code,
                          for_update=True)
    if producer is None or producer.record_type != "producer" or producer.deleted:
        raise _not_found()
    existing = None
    if item_id is not None:
        existing = get_record(conn, item_id, district_code=principal.district_code,
                              for_update=True)
        if existing is None or existing.record_type != "plan_item" \
                or existing.data.get("producer_id") != producer_id:
            raise _not_found()
    agencies = {a.id: a.name_th for a in list_agencies(conn, principal.district_code)}
    fields, errors = validate_plan_form({k: form.get(k, "") for k in PLAN_FIELDS}, agencies)
    if errors:
        messages = [f"{translate(_FIELD_LABELS[e.field], lang)}: "
                    f"{e.message_en if lang == 'en' else e.message_th}" for e in errors]
        return _producer_page(request, conn, principal, producer_id, errors=messages,
                              status_code=400)
    save_plan_item(conn, principal, producer, fields, existing)
    conn.commit()  # before the redirect, so the page it leads to shows it
    return RedirectResponse(f"/producers/{producer_id}?saved=plan#plan", status_code=303)


@router.post("/producers/{producer_id}/links")
def add_link(request: Request, producer_id: str, conn: DbConn, principal: OfficeUser,
             form: Annotated[dict[str, str], Depends(_form)]) -> Response:
    """A network link from this producer to another of the district (a form on the page)."""
    lang = request_lang(request)
    producer = get_record(conn, producer_id, district_code=principal.district_code,
                          for_update=True)
    if producer is None or producer.record_type != "producer" or producer.deleted:
        raise _not_found()
    fields, errors = validate_link_form(form, producer_id)
    saved: str | LinkError | None = None
    if not errors:
        saved = save_link(conn, principal, producer, fields)
        if isinstance(saved, LinkError):
            errors = [saved]
    if errors:
        messages = [e.message_en if lang == "en" else e.message_th for e in errors]
        return _producer_page(request, conn, principal, producer_id, errors=messages,
                              status_code=400)
    conn.commit()
    return RedirectResponse(f"/producers/{producer_id}?saved=link#network", status_code=303)
