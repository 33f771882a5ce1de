"""Sign-in, sign-out, the language switch and the static files (CSS, fonts)."""

from __future__ import annotations

import secrets
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from sync_server.auth import Principal
from sync_server.db.engine import read_only
from sync_server.db.tables import audit_log, users
from sync_server.deps import get_engine
from sync_server.problems import Problem
from sync_server.web.errors import OfficeRoute
from sync_server.web.i18n import translate
from sync_server.web.session import (
    SESSION_COOKIE,
    SESSION_TTL,
    SignIn,
    end_session,
    require_web_supervisor,
    require_web_viewer,
    sign_in,
)
from sync_server.web.templating import LANG_COOKIE, STATIC_DIR, render, request_lang

__all__ = ["router", "safe_next"]

router = APIRouter(include_in_schema=False, route_class=OfficeRoute)

# Sign-in happens before there is a session, so its CSRF token is a double-submit cookie:
# the form's hidden field must equal this cookie, which another site cannot read or set.
_LOGIN_CSRF_COOKIE = "login_csrf"


def safe_next(value: str | None) -> str:
    """Where to go after sign-in: only a path on this site (no open redirect)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/producers"
    return value


def _secure(request: Request) -> bool:
    settings = getattr(request.app.state, "settings", None)
    return bool(settings and settings.public_url.startswith("https://"))


def _login_page(request: Request, next_url: str, error: str | None = None,
                status_code: int = 200, flash: str | None = None) -> Response:
    token = request.cookies.get(_LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = render(request, "login.html", {"next": next_url, "login_csrf": token,
                                              "error": error, "flash": flash},
                      status_code=status_code)
    response.set_cookie(_LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax",
                        secure=_secure(request), path="/login")
    return response


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/producers", status_code=303)


@router.get("/login")
def login_form(request: Request, next: str | None = None, signed_out: str | None = None
               ) -> Response:
    flash = translate("signed_out", request_lang(request)) if signed_out else None
    return _login_page(request, safe_next(next), flash=flash)


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    csrf_token: Annotated[str, Form(max_length=128)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/producers",
) -> Response:
    lang = request_lang(request)
    target = safe_next(next)
    expected = request.cookies.get(_LOGIN_CSRF_COOKIE)
    if not expected or not secrets.compare_digest(expected, csrf_token):
        return _login_page(request, target, translate("csrf_failed", lang), 403)
    settings = request.app.state.settings
    ip = request.client.host if request.client else "unknown"
    result = sign_in(get_engine(request), username, password, ip,
                     address_limit=settings.signin_address_limit,
                     address_window=settings.signin_address_window)
    token = result.token
    if token is None:
        return _refusal(request, target, result, lang)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, token, max_age=int(SESSION_TTL.total_seconds()),
                        httponly=True, samesite="lax", secure=_secure(request), path="/")
    response.delete_cookie(_LOGIN_CSRF_COOKIE, path="/login")
    return response


def _refusal(request: Request, target: str, result: SignIn, lang: str) -> Response:
    """The answer to a refused sign-in. It depends only on the outcome and the throttle,
    never on whether the username exists (same status, words and headers)."""
    if result.outcome == "throttled":
        wait = result.wait or 1
        response = _login_page(request, target, translate("login_throttled", lang, s=wait), 429)
        response.headers["Retry-After"] = str(wait)
        return response
    if result.outcome == "not_office":
        return _login_page(request, target, translate("login_not_office", lang), 403)
    message = translate("login_failed", lang)
    if result.next_wait > 0:
        message += " " + translate("login_wait_next", lang, s=result.next_wait)
    elif result.attempts_left is not None and result.attempts_left <= 2:
        message += " " + translate("login_attempts_left", lang, n=result.attempts_left)
    return _login_page(request, target, message, 401)


@router.post("/logout")
def logout(
    request: Request, _principal: Annotated[Principal, Depends(require_web_viewer)]
) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with get_engine(request).begin() as conn:
            end_session(conn, token)
    response = RedirectResponse("/login?signed_out=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


SIGN_IN_ACTIONS = ("web.sign_in", "web.sign_in_failed", "web.sign_in_throttled",
                   "user.unlock")


@router.get("/sign-ins")
def sign_ins_page(request: Request,
                  principal: Annotated[Principal, Depends(require_web_supervisor)]) -> Response:
    """The audit trail of office sign-ins of the supervisor's district; an administrator
    also sees attempts with usernames that do not exist (they belong to no district, and
    may be a password typed into the wrong box, so supervisors do not see them)."""
    where = audit_log.c.district_code == principal.district_code
    if principal.role == "admin":
        where = sa.or_(where, audit_log.c.district_code.is_(None))
    with read_only(get_engine(request)).begin() as conn:
        rows = conn.execute(
            sa.select(audit_log.c.at, audit_log.c.action, audit_log.c.detail, audit_log.c.ip,
                      users.c.display_name, users.c.username)
            .outerjoin(users, users.c.id == audit_log.c.user_id)
            .where(where, audit_log.c.action.in_(SIGN_IN_ACTIONS))
            .order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(200)).all()
    events = [{"at": r.at, "action": r.action, "ip": r.ip, "display_name": r.display_name,
               "username": r.username or (r.detail or {}).get("username", "")} for r in rows]
    return render(request, "sign_ins.html", {"events": events}, principal)


@router.get("/lang")
def switch_language(to: str = "th", next: str = "/producers") -> RedirectResponse:
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(LANG_COOKIE, "en" if to == "en" else "th",
                        max_age=365 * 24 * 3600, samesite="lax", path="/")
    return response


@router.get("/static/{path:path}")
def static_file(path: str) -> FileResponse:
    """CSS, fonts and scripts of the office pages, served from the package (no CDN)."""
    root = STATIC_DIR.resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise Problem(404, "not_found", "Not found", "ไม่พบข้อมูล")
    return FileResponse(target, headers={"Cache-Control": "public, max-age=3600"})

