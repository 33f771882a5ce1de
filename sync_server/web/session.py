"""Web sessions for the district office: sign-in (throttled, see `signin_throttle`), CSRF,
and the page guards.

A session is a random token in an HttpOnly, SameSite=Lax cookie; the database keeps only its
SHA-256 (`web_sessions.token_hash`), so a leaked database cannot sign anyone in. Each session
has its own CSRF token, which every POST form sends back as the `csrf_token` field (or the
`X-CSRF-Token` header); SameSite=Lax already stops most cross-site posts, the token stops
the rest.

Guards (FastAPI dependencies), for pages of every part:
- `require_web_user`: an office user (officer, supervisor, admin) of any district.
- `require_web_supervisor`: a supervisor or admin.
- `require_web_viewer`: anyone signed in, partner agencies included (reports).
Not signed in: an HTML request is redirected (303) to `/login?next=...`; others get 401.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from fastapi import Request
from sqlalchemy.engine import Connection, Engine
from starlette.concurrency import run_in_threadpool

from sync_server.accounts import hash_password, verify_password
from sync_server.audit import audit
from sync_server.auth import Principal, hash_token, register_principal_source
from sync_server.db.engine import read_only
from sync_server.db.tables import users, web_sessions
from sync_server.deps import get_engine
from sync_server.problems import Problem
from sync_server.ratelimit import attempt, refund
from sync_server.web.signin_throttle import forget, reserve

__all__ = [
    "CSRF_FIELD",
    "OFFICE_ROLES",
    "SESSION_COOKIE",
    "SESSION_TTL",
    "SUPERVISOR_ROLES",
    "SignIn",
    "end_session",
    "lookup_session",
    "require_web_supervisor",
    "require_web_user",
    "require_web_viewer",
    "sign_in",
    "start_session",
]

SESSION_COOKIE = "tambon_session"
CSRF_FIELD = "csrf_token"
SESSION_TTL = timedelta(hours=12)
OFFICE_ROLES = frozenset({"officer", "supervisor", "admin"})
SUPERVISOR_ROLES = frozenset({"supervisor", "admin"})
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Verified against when the username is unknown, so a wrong username takes as long as a
# wrong password and sign-in does not reveal which usernames exist.
_DUMMY_HASH = hash_password("tambon-field-no-such-user")


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


@dataclass(frozen=True)
class SignIn:
    """What a sign-in attempt came to. `outcome`: ok | bad | throttled | not_office.

    Everything but `user_id` and `token` depends only on the throttle, never on whether
    the username exists: unknown and known usernames get the same answers."""

    outcome: str
    user_id: str | None = None
    token: str | None = None  # the new session's cookie value, when ok
    wait: int | None = None  # throttled: seconds until the next attempt is admitted
    attempts_left: int | None = None  # bad: attempts left before delays start
    next_wait: int = 0  # bad: seconds to wait before the next attempt


def sign_in(engine: Engine, username: str, password: str, address: str, *,
            address_limit: int, address_window: timedelta,
            now: datetime | None = None) -> SignIn:
    """One office sign-in attempt from client `address`, throttled per (username, address)
    with growing delays (`signin_throttle`) and per address (`address_limit` failures within
    `address_window`); audited (web.sign_in, web.sign_in_failed, web.sign_in_throttled).
    A throttled attempt checks no password: it costs the same for every username."""
    now = now or datetime.now(UTC)
    username = username.strip()
    with read_only(engine).begin() as conn:
        row = conn.execute(
            sa.select(users).where(users.c.username == username, users.c.active)
        ).mappings().first()
    who = _principal_of(row) if row is not None else None
    per_address = attempt(engine, f"signin:{address}", limit=address_limit,
                          window=address_window, now=now)
    if per_address.wait is not None:
        _record(engine, who, "web.sign_in_throttled", username, address, now,
                {"by": "address", "wait": per_address.wait})
        return SignIn("throttled", wait=per_address.wait)
    gate = reserve(engine, username, address, now)
    if gate.wait is not None:
        refund(engine, per_address)  # refused: not a guess
        _record(engine, who, "web.sign_in_throttled", username, address, now,
                {"by": "account_and_address", "wait": gate.wait})
        return SignIn("throttled", wait=gate.wait)
    stored = row["password_hash"] if row is not None else None
    # An unknown username is checked against a dummy hash: it takes as long as a wrong
    # password, so timing does not tell which usernames exist.
    matches = verify_password(stored or _DUMMY_HASH, password) and bool(stored)
    if not matches or row is None:
        _record(engine, who, "web.sign_in_failed", username, address, now,
                {"failures": gate.failures})
        return SignIn("bad", attempts_left=gate.attempts_left, next_wait=gate.next_wait)
    forget(engine, username, address)
    refund(engine, per_address)
    if row["role"] not in OFFICE_ROLES | {"partner"}:
        return SignIn("not_office", row["id"])
    with engine.begin() as conn:
        token = start_session(conn, row["id"], now)
        audit(conn, who, "web.sign_in", "user", row["id"], {"username": username}, address,
              now=now)
    return SignIn("ok", row["id"], token)


def _record(engine: Engine, who: Principal | None, action: str, username: str, address: str,
            now: datetime, detail: dict[str, Any]) -> None:
    """Audit an attempt in its own transaction. An unknown username has no district: such
    rows are shown to administrators only (the name typed may be a mistyped password)."""
    with engine.begin() as conn:
        audit(conn, who, action, "user", who.user_id if who else None,
              {"username": username[:64], **detail}, address, now=now)


def _principal_of(row: Any) -> Principal:
    return Principal(user_id=row["id"], device_id=None, district_code=row["district_code"],
                     role=row["role"], display_name=row["display_name"],
                     agency_name=row["agency_name"])


def start_session(conn: Connection, user_id: str, now: datetime) -> str:
    """Create a session and return its cookie token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    conn.execute(web_sessions.insert().values(
        token_hash=hash_token(token), user_id=user_id, csrf_token=secrets.token_urlsafe(32),
        created_at=now, expires_at=now + SESSION_TTL,
    ))
    # Sweep this user's expired sessions so the table does not grow without bound.
    conn.execute(web_sessions.delete().where(web_sessions.c.user_id == user_id,
                                             web_sessions.c.expires_at < now))
    return token


def end_session(conn: Connection, token: str) -> None:
    conn.execute(web_sessions.delete().where(web_sessions.c.token_hash == hash_token(token)))


def lookup_session(
    conn: Connection, token: str, now: datetime
) -> tuple[Principal, str] | None:
    """The principal and CSRF token of a live session, or None."""
    row = conn.execute(
        sa.select(users, web_sessions.c.csrf_token, web_sessions.c.expires_at)
        .join(web_sessions, web_sessions.c.user_id == users.c.id)
        .where(web_sessions.c.token_hash == hash_token(token), users.c.active)
    ).mappings().first()
    if row is None or _as_utc(row["expires_at"]) <= now:
        return None
    return _principal_of(row), row["csrf_token"]


def _session_source(request: Request, conn: Connection) -> Principal | None:
    """Lets the session cookie stand in for a Bearer token on the JSON API (e.g. the office
    pages' <img> tags fetching GET /api/v1/photos/{sha256}). Reads only: a write through
    the API with a cookie would need a CSRF check the API does not make."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token or request.method not in ("GET", "HEAD"):
        return None
    found = lookup_session(conn, token, datetime.now(UTC))
    return None if found is None else found[0]


register_principal_source(_session_source)


def _wants_html(request: Request) -> bool:
    return request.method == "GET" and "application/json" not in request.headers.get("accept", "")


async def _signed_in(request: Request) -> Principal:
    token = request.cookies.get(SESSION_COOKIE)
    found = None
    if token:
        engine = get_engine(request)
        now = datetime.now(UTC)

        def lookup() -> tuple[Principal, str] | None:
            with read_only(engine).begin() as conn:
                return lookup_session(conn, token, now)

        found = await run_in_threadpool(lookup)
    if found is None:
        if _wants_html(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise Problem(303, "sign_in_needed", "Sign-in needed", "ต้องลงชื่อเข้าใช้",
                          headers={"Location": f"/login?next={quote(target, safe='')}"})
        raise Problem(401, "unauthenticated", "Sign-in needed", "ต้องลงชื่อเข้าใช้",
                      "Sign in at /login.", "กรุณาลงชื่อเข้าใช้ที่ /login")
    principal, csrf = found
    if request.method in _UNSAFE_METHODS:
        sent = request.headers.get("x-csrf-token")
        if sent is None:
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
        if not sent or not secrets.compare_digest(sent, csrf):
            raise Problem(
                403, "csrf_failed", "The form expired", "แบบฟอร์มหมดอายุ",
                "The form expired or is not valid. Reload the page and try again.",
                "แบบฟอร์มหมดอายุหรือไม่ถูกต้อง กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง",
            )
    request.state.principal = principal
    request.state.csrf_token = csrf
    return principal


def _forbidden() -> Problem:
    return Problem(403, "forbidden", "Not allowed", "ไม่มีสิทธิ์",
                   "Your account may not use this page.", "บัญชีของคุณไม่มีสิทธิ์ใช้หน้านี้")


async def require_web_viewer(request: Request) -> Principal:
    """Anyone signed in, partner agencies included."""
    return await _signed_in(request)


async def require_web_user(request: Request) -> Principal:
    """An office user: officer, supervisor or admin."""
    principal = await _signed_in(request)
    if principal.role not in OFFICE_ROLES:
        raise _forbidden()
    return principal


async def require_web_supervisor(request: Request) -> Principal:
    principal = await _signed_in(request)
    if principal.role not in SUPERVISOR_ROLES:
        raise _forbidden()
    return principal
