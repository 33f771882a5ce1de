"""Who is calling: device and API tokens, enrolment codes, and the `Principal` every route gets.

Tokens are random (`secrets.token_urlsafe(32)`); only their SHA-256 is stored, so a copy of the
database does not let anyone act as a phone. Enrolment codes are short, single-use and expire.

FastAPI dependencies (use with `Annotated`, see `sync_server.deps`):
- `current_principal`: the caller, from `Authorization: Bearer <token>` or from a registered
  principal source (the office pages' session cookie); 401 problem otherwise.
- `require_roles("supervisor", "admin")`: 403 problem for other roles.
- `require_writer`: refuses read-only partner-agency principals (403).

Web sessions (office pages): the office part registers a source once at import time,
`register_principal_source(fn)` where `fn(request, conn) -> Principal | None` (e.g. reads its
cookie and calls `principal_for_session_token`). `principal_from_request` tries Bearer first,
then each source in order.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode, urlsplit

import sqlalchemy as sa
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Connection

from sync_server.db.tables import devices, enrolment_codes, users, web_sessions
from sync_server.deps import DbConn
from sync_server.problems import Problem

__all__ = [
    "BEARER",
    "ROLES",
    "TOKEN_CACHE",
    "WRITER_ROLES",
    "EnrolledDevice",
    "Principal",
    "TokenCache",
    "create_device",
    "current_principal",
    "enrol_device",
    "enrolment_url",
    "ensure_writer",
    "format_enrolment_code",
    "hash_token",
    "issue_enrolment_code",
    "new_token",
    "normalize_enrolment_code",
    "principal_for_session_token",
    "principal_for_token",
    "principal_from_request",
    "register_principal_source",
    "require_roles",
    "require_writer",
    "revoke_device",
]

ROLES = ("officer", "supervisor", "partner", "admin")
WRITER_ROLES = ("officer", "supervisor", "admin")

# Crockford's base32 without I, L, O, U: nothing to misread when a code is typed from paper.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_LENGTH = 16  # 80 bits
_CODE_RE = re.compile(rf"^[{_CODE_ALPHABET}]{{{_CODE_LENGTH}}}$")


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: str
    device_id: str | None  # None for office web sessions
    district_code: str
    role: str
    display_name: str
    agency_name: str | None = None

    @property
    def is_partner(self) -> bool:
        return self.role == "partner"

    @property
    def can_write(self) -> bool:
        return self.role in WRITER_ROLES


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


# --- enrolment codes --------------------------------------------------------------------

def normalize_enrolment_code(text: str) -> str | None:
    """The code inside what a phone pasted: a bare code (any case, dashes or spaces) or a
    `tambon://enrol?server=…&code=…` URL. None if it cannot be a code."""
    text = text.strip()
    if "://" in text or text.startswith("tambon:"):
        try:
            query = urlsplit(text).query
        except ValueError:  # e.g. "tambon://[x": an unclosed IPv6 bracket
            return None
        values = parse_qs(query).get("code")
        if not values:
            return None
        text = values[0]
    code = re.sub(r"[\s\-]", "", text).upper()
    return code if _CODE_RE.match(code) else None


def format_enrolment_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def issue_enrolment_code(conn: Connection, user_id: str, *, ttl: timedelta = timedelta(days=7),
                         now: datetime | None = None) -> str:
    """A new one-time code for `user_id`, shown as XXXX-XXXX-XXXX-XXXX. Only its hash is
    stored; earlier unused codes of the user stay valid until they expire."""
    now = _now(now)
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    conn.execute(enrolment_codes.insert().values(
        code_hash=hash_token(code), user_id=user_id, created_at=now, expires_at=now + ttl))
    return format_enrolment_code(code)


def enrolment_url(server_url: str, code: str) -> str:
    """What the QR code holds; the app accepts it or the bare code."""
    return "tambon://enrol?" + urlencode({"server": server_url, "code": code})


@dataclass(frozen=True, slots=True)
class EnrolledDevice:
    device_id: str
    token: str
    user_id: str


def create_device(conn: Connection, *, user_id: str, name: str, kind: str = "phone",
                  now: datetime | None = None) -> tuple[str, str]:
    """Register a device (`phone`) or an API client (`api`, e.g. a partner agency's script)
    for a user; returns (device_id, token). The token is shown once and never stored."""
    if kind not in ("phone", "api"):
        raise ValueError(f"device kind must be phone or api, got {kind!r}")
    device_id = uuid.uuid4().hex
    token = new_token()
    conn.execute(devices.insert().values(
        id=device_id, user_id=user_id, kind=kind, name=name, token_hash=hash_token(token),
        created_at=_now(now)))
    return device_id, token


_MALFORMED_CODE = Problem(
    400, "enrolment_code_invalid", "Enrolment code not valid", "รหัสลงทะเบียนไม่ถูกต้อง",
    "The code is wrong, already used or expired. Ask the district office for a new one.",
    "รหัสไม่ถูกต้อง ถูกใช้ไปแล้ว หรือหมดอายุ กรุณาขอรหัสใหม่จากสำนักงานพัฒนาชุมชนอำเภอ")
# A well-formed code that names no pending enrolment: 404, like any unknown resource.
_BAD_CODE = Problem(
    404, "enrolment_code_invalid", "Enrolment code not valid", "รหัสลงทะเบียนไม่ถูกต้อง",
    "The code is wrong, already used or expired. Ask the district office for a new one.",
    "รหัสไม่ถูกต้อง ถูกใช้ไปแล้ว หรือหมดอายุ กรุณาขอรหัสใหม่จากสำนักงานพัฒนาชุมชนอำเภอ")


def enrol_device(conn: Connection, code_text: str, device_name: str, *,
                 now: datetime | None = None) -> EnrolledDevice:
    """Exchange a one-time code for a device token. The code is marked used in the same
    transaction (a conditional UPDATE, so two phones racing with one code cannot both win)."""
    now = _now(now)
    code = normalize_enrolment_code(code_text)
    if code is None:
        raise _MALFORMED_CODE
    code_hash = hash_token(code)
    claimed = conn.execute(
        enrolment_codes.update()
        .where(enrolment_codes.c.code_hash == code_hash, enrolment_codes.c.used_at.is_(None),
               enrolment_codes.c.expires_at > now)
        .values(used_at=now)
        .returning(enrolment_codes.c.user_id)
    ).first()
    if claimed is None:
        raise _BAD_CODE
    user_id = claimed[0]
    active = conn.execute(sa.select(users.c.active).where(users.c.id == user_id)).scalar()
    if not active:
        raise _BAD_CODE
    device_id, token = create_device(conn, user_id=user_id, name=device_name, now=now)
    return EnrolledDevice(device_id, token, user_id)


def revoke_device(conn: Connection, device_id: str, *, now: datetime | None = None) -> bool:
    """Revoke a device or API token; True if it was active. This process forgets its cached
    token lookups at once (other server processes within `TOKEN_CACHE_TTL_S`)."""
    result = conn.execute(
        devices.update().where(devices.c.id == device_id, devices.c.revoked_at.is_(None))
        .values(revoked_at=_now(now)))
    TOKEN_CACHE.clear()
    return result.rowcount == 1


# --- token -> principal -----------------------------------------------------------------

def principal_for_token(conn: Connection, token: str, *, now: datetime | None = None,
                        last_seen_resolution: timedelta = timedelta(minutes=1)
                        ) -> Principal | None:
    """The principal for a device/API token, or None if unknown, revoked or the user is
    inactive. Refreshes `last_seen_at` when it is older than `last_seen_resolution`."""
    now = _now(now)
    row = conn.execute(
        sa.select(devices.c.id, devices.c.last_seen_at, users.c.id.label("user_id"),
                  users.c.district_code, users.c.role, users.c.display_name,
                  users.c.agency_name)
        .join(users, users.c.id == devices.c.user_id)
        .where(devices.c.token_hash == hash_token(token), devices.c.revoked_at.is_(None),
               users.c.active.is_(True))
    ).first()
    if row is None:
        return None
    if row.last_seen_at is None or now - row.last_seen_at > last_seen_resolution:
        conn.execute(devices.update().where(devices.c.id == row.id).values(last_seen_at=now))
    return Principal(user_id=row.user_id, device_id=row.id, district_code=row.district_code,
                     role=row.role, display_name=row.display_name, agency_name=row.agency_name)


# --- cached token lookups (the sync routes) ----------------------------------------------

# How long a token lookup is reused. A revoked phone keeps pushing for at most this long on
# another server process (this process forgets at once, see `revoke_device`).
TOKEN_CACHE_TTL_S = 5.0


@dataclass(slots=True)
class _CachedToken:
    principal: Principal | None
    checked: float  # time.monotonic() of the lookup
    touch_due: float  # time.monotonic() from which `last_seen_at` is due for a refresh


class TokenCache:
    """Token lookups of the sync routes, reused for `ttl_s`: a phone pushing ten batches
    costs one lookup, and none is made while the district's writer is busy.

    Keyed by (database URL, token hash): several apps in one process (tests) never share
    an answer. Unknown tokens are cached too (a flood of bad tokens costs one query each per
    TTL). Thread-safe by the GIL (single dict operations).
    """

    def __init__(self, ttl_s: float = TOKEN_CACHE_TTL_S, max_entries: int = 20_000) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._entries: dict[tuple[str, str], _CachedToken] = {}

    def clear(self) -> None:
        self._entries.clear()

    def lookup(self, conn_factory: Callable[[], Any], database: str, token: str,
               *, now: datetime | None = None,
               last_seen_resolution: timedelta = timedelta(minutes=1)
               ) -> tuple[Principal | None, bool]:
        """(principal or None, whether `devices.last_seen_at` is due for a refresh).

        `conn_factory()` opens a read-only connection context, used only on a miss. The
        caller refreshes `last_seen_at` (the sync writer does it in its next transaction)
        and calls `seen` so it is not asked again within the resolution.
        """
        key = (database, hash_token(token))
        entry = self._entries.get(key)
        clock = time.monotonic()
        if entry is None or clock - entry.checked > self.ttl_s:
            with conn_factory() as conn:
                principal, last_seen = _lookup_token(conn, key[1])
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            due = clock if last_seen is None else clock + (
                last_seen_resolution - (_now(now) - last_seen)).total_seconds()
            entry = _CachedToken(principal, clock, due)
            self._entries[key] = entry
        if entry.principal is None:
            return None, False
        return entry.principal, clock >= entry.touch_due

    def fresh(self, database: str, token: str) -> bool:
        """Whether `lookup` would answer from memory (no database read)."""
        entry = self._entries.get((database, hash_token(token)))
        return entry is not None and time.monotonic() - entry.checked <= self.ttl_s

    def seen(self, database: str, token: str,
             last_seen_resolution: timedelta = timedelta(minutes=1)) -> None:
        """`last_seen_at` is being refreshed now: not due again within the resolution."""
        entry = self._entries.get((database, hash_token(token)))
        if entry is not None:
            entry.touch_due = time.monotonic() + last_seen_resolution.total_seconds()


TOKEN_CACHE = TokenCache()


def _lookup_token(conn: Connection, token_hash: str) -> tuple[Principal | None, datetime | None]:
    row = conn.execute(
        sa.select(devices.c.id, devices.c.last_seen_at, users.c.id.label("user_id"),
                  users.c.district_code, users.c.role, users.c.display_name,
                  users.c.agency_name)
        .join(users, users.c.id == devices.c.user_id)
        .where(devices.c.token_hash == token_hash, devices.c.revoked_at.is_(None),
               users.c.active.is_(True))
    ).first()
    if row is None:
        return None, None
    return Principal(user_id=row.user_id, device_id=row.id, district_code=row.district_code,
                     role=row.role, display_name=row.display_name,
                     agency_name=row.agency_name), row.last_seen_at


def principal_for_session_token(conn: Connection, token: str, *, now: datetime | None = None
                                ) -> Principal | None:
    """The principal for an office web session token (the cookie value), or None."""
    row = conn.execute(
        sa.select(users.c.id, users.c.district_code, users.c.role, users.c.display_name,
                  users.c.agency_name)
        .join(users, users.c.id == web_sessions.c.user_id)
        .where(web_sessions.c.token_hash == hash_token(token),
               web_sessions.c.expires_at > _now(now), users.c.active.is_(True))
    ).first()
    if row is None:
        return None
    return Principal(user_id=row.id, device_id=None, district_code=row.district_code,
                     role=row.role, display_name=row.display_name, agency_name=row.agency_name)


PrincipalSource = Callable[[Request, Connection], "Principal | None"]
_sources: list[PrincipalSource] = []


def register_principal_source(source: PrincipalSource) -> None:
    """Add a way to recognise a caller without a Bearer token (e.g. the office session
    cookie). Idempotent; call at import time of the module that owns the source."""
    if source not in _sources:
        _sources.append(source)


_bearer = HTTPBearer(auto_error=False, description="Device or API token from enrolment")
BEARER = _bearer  # the OpenAPI security scheme, for routes that authenticate by themselves


def principal_from_request(request: Request, conn: Connection,
                           credentials: HTTPAuthorizationCredentials | None = None
                           ) -> Principal | None:
    settings: Any = getattr(request.app.state, "settings", None)
    resolution = settings.last_seen_resolution if settings else timedelta(minutes=1)
    if credentials is not None and credentials.scheme.lower() == "bearer":
        return principal_for_token(conn, credentials.credentials,
                                   last_seen_resolution=resolution)
    for source in _sources:
        principal = source(request, conn)
        if principal is not None:
            return principal
    return None


UNAUTHENTICATED = (
    401, "unauthenticated", "Sign-in needed", "ต้องลงชื่อเข้าใช้",
    "Send a valid device token as 'Authorization: Bearer <token>'. A revoked phone must be "
    "enrolled again with a new code.",
    "กรุณาส่งโทเค็นของเครื่องที่ถูกต้อง หากเครื่องถูกยกเลิกสิทธิ์ ให้ลงทะเบียนใหม่ด้วยรหัสใหม่")


def current_principal(
    request: Request,
    conn: DbConn,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    principal = principal_from_request(request, conn, credentials)
    if principal is None:
        raise Problem(*UNAUTHENTICATED, headers={"WWW-Authenticate": "Bearer"})
    request.state.principal = principal  # for the access log
    return principal


def require_roles(*roles: str) -> Callable[..., Principal]:
    """A dependency that lets only the given roles through (403 problem otherwise)."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def dependency(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role not in roles:
            raise Problem(
                403, "forbidden_role", "Not allowed for your role", "บทบาทของคุณไม่มีสิทธิ์",
                f"Only {', '.join(roles)} may do this.",
                "บัญชีของคุณไม่มีสิทธิ์ทำรายการนี้")
        return principal

    return dependency


def ensure_writer(principal: Principal) -> Principal:
    """`principal`, unless it is a partner agency's (read-only): then a 403 problem."""
    if not principal.can_write:
        raise Problem(
            403, "read_only_token", "Read-only access", "สิทธิ์อ่านอย่างเดียว",
            "Partner-agency tokens can read the register but not change it.",
            "โทเค็นของหน่วยงานภาคีอ่านข้อมูลได้อย่างเดียว แก้ไขไม่ได้")
    return principal


def require_writer(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    """Refuses partner-agency principals: their access is read-only."""
    return ensure_writer(principal)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
WriterPrincipal = Annotated[Principal, Depends(require_writer)]
