"""The district's partner agencies: GET /agencies (everyone in the office), POST to add or
change one (supervisors and admins). Plan items choose their agency from this list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Connection

from schemas import codes
from sync_server.auth import Principal
from sync_server.deps import DbConn, ReadConn
from sync_server.web.agencies import (
    AgencyError,
    list_agencies,
    save_agency,
    validate_agency_form,
)
from sync_server.web.errors import OfficeRoute
from sync_server.web.i18n import translate
from sync_server.web.session import SUPERVISOR_ROLES, require_web_supervisor, require_web_user
from sync_server.web.templating import render, request_lang

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=OfficeRoute)


def _page(request: Request, conn: Connection, principal: Principal, *,
          errors: list[AgencyError] | None = None, flash: str | None = None,
          status_code: int = 200) -> Response:
    lang = request_lang(request)
    return render(request, "agencies.html", {
        "agencies": list_agencies(conn, principal.district_code),
        "kinds": codes("agency_kind"),
        "can_edit": principal.role in SUPERVISOR_ROLES,
        "error": " · ".join(e.message_en if lang == "en" else e.message_th
                            for e in errors) if errors else None,
        "flash": flash,
    }, principal, status_code=status_code)


@router.get("/agencies")
def agencies_page(request: Request, conn: ReadConn,
                  principal: Annotated[Principal, Depends(require_web_user)]) -> Response:
    flash = translate("saved", request_lang(request)) if request.query_params.get(
        "saved") else None
    return _page(request, conn, principal, flash=flash)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _save(request: Request, conn: Connection, principal: Principal, form: dict[str, str],
          agency_id: str | None) -> Response:
    fields, errors = validate_agency_form(form)
    if errors:
        return _page(request, conn, principal, errors=errors, status_code=400)
    saved = save_agency(conn, principal, fields, agency_id)
    if isinstance(saved, AgencyError):
        return _page(request, conn, principal, errors=[saved],
                     status_code=404 if not saved.field else 409)
    conn.commit()
    return RedirectResponse("/agencies?saved=1", status_code=303)


@router.post("/agencies")
def add_agency(request: Request, conn: DbConn,
               principal: Annotated[Principal, Depends(require_web_supervisor)],
               form: Annotated[dict[str, str], Depends(_form)]) -> Response:
    return _save(request, conn, principal, form, None)


@router.post("/agencies/{agency_id}")
def edit_agency(request: Request, agency_id: str, conn: DbConn,
                principal: Annotated[Principal, Depends(require_web_supervisor)],
                form: Annotated[dict[str, str], Depends(_form)]) -> Response:
    return _save(request, conn, principal, form, agency_id)
