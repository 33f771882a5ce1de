"""Districts and users: creating them, listing them, and web passwords (argon2).

Used by the admin CLI, the demo and the tests; the office pages use `verify_password`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import geothai
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Connection

from sync_server.auth import ROLES
from sync_server.db.records import ensure_feed_counter
from sync_server.db.tables import devices, districts, users
from sync_server.errors import BilingualError

__all__ = [
    "AccountError",
    "UserInfo",
    "create_district",
    "create_user",
    "district_info",
    "find_user",
    "hash_password",
    "list_users",
    "verify_password",
]

_hasher = PasswordHasher()


class AccountError(BilingualError):
    """A bad admin request, with an English and a Thai message."""

    def __str__(self) -> str:
        return f"{self.message_en} / {self.message_th}"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_district(conn: Connection, code: str, *, now: datetime | None = None) -> bool:
    """Create district `code` (DOPA 4 digits) with its names from geothai; idempotent.
    Returns True if it was created now."""
    district = (geothai.district(code)
                if code.isascii() and code.isdigit() and len(code) == 4 else None)
    if district is None:
        raise AccountError(f"unknown district code {code!r} (DOPA, 4 digits, e.g. 2403)",
                           f"ไม่พบรหัสอำเภอ {code!r} (รหัส 4 หลักของกรมการปกครอง เช่น 2403)")
    exists = conn.execute(sa.select(districts.c.code).where(districts.c.code == code)).first()
    if exists is None:
        province = geothai.province(district.province_code)
        assert province is not None
        conn.execute(districts.insert().values(
            code=code, name_th=district.name_th, name_en=district.name_en,
            province_code=province.code, province_name_th=province.name_th,
            province_name_en=province.name_en, created_at=now or datetime.now(UTC)))
    ensure_feed_counter(conn, code)
    return exists is None


def district_info(conn: Connection, code: str) -> dict[str, Any] | None:
    row = conn.execute(sa.select(districts).where(districts.c.code == code)).first()
    if row is None:
        return None
    return {
        "code": row.code, "name_th": row.name_th, "name_en": row.name_en,
        "province_code": row.province_code, "province_name_th": row.province_name_th,
        "province_name_en": row.province_name_en,
    }


@dataclass(frozen=True, slots=True)
class UserInfo:
    id: str
    district_code: str
    role: str
    display_name: str
    username: str | None
    agency_name: str | None
    active: bool
    active_devices: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "district_code": self.district_code, "role": self.role,
                "display_name": self.display_name, "username": self.username,
                "agency_name": self.agency_name}


def create_user(conn: Connection, *, district_code: str, role: str, display_name: str,
                username: str | None = None, password: str | None = None,
                agency_name: str | None = None, now: datetime | None = None) -> str:
    """Create a user; returns its id. A username needs a password (web sign-in)."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}",
                           f"บทบาทต้องเป็นหนึ่งใน {', '.join(ROLES)}")
    if not display_name.strip():
        raise AccountError("the user needs a name", "ต้องระบุชื่อผู้ใช้")
    if (username is None) != (password is None):
        raise AccountError("give both --username and --password, or neither",
                           "ต้องระบุทั้งชื่อผู้ใช้และรหัสผ่าน หรือไม่ระบุทั้งสองอย่าง")
    if password is not None and len(password) < 8:
        raise AccountError("the password needs at least 8 characters",
                           "รหัสผ่านต้องยาวอย่างน้อย 8 ตัวอักษร")
    if conn.execute(sa.select(districts.c.code)
                    .where(districts.c.code == district_code)).first() is None:
        raise AccountError(f"district {district_code} does not exist: run create-district",
                           f"ยังไม่มีอำเภอ {district_code} กรุณาสร้างด้วยคำสั่ง create-district")
    if username is not None and conn.execute(
            sa.select(users.c.id).where(users.c.username == username)).first() is not None:
        raise AccountError(f"username {username!r} is taken", f"ชื่อผู้ใช้ {username!r} มีผู้ใช้แล้ว")
    user_id = uuid.uuid4().hex
    conn.execute(users.insert().values(
        id=user_id, district_code=district_code, role=role, display_name=display_name.strip(),
        username=username, password_hash=hash_password(password) if password else None,
        agency_name=agency_name, created_at=now or datetime.now(UTC)))
    return user_id


def _user_query() -> sa.Select[Any]:
    active_devices = (
        sa.select(sa.func.count()).select_from(devices)
        .where(devices.c.user_id == users.c.id, devices.c.revoked_at.is_(None))
        .scalar_subquery()
    )
    return sa.select(users, active_devices.label("active_devices")).order_by(
        users.c.district_code, users.c.role, users.c.display_name)


def _to_info(row: sa.Row[Any]) -> UserInfo:
    return UserInfo(id=row.id, district_code=row.district_code, role=row.role,
                    display_name=row.display_name, username=row.username,
                    agency_name=row.agency_name, active=bool(row.active),
                    active_devices=int(row.active_devices))


def list_users(conn: Connection, district_code: str | None = None) -> list[UserInfo]:
    query = _user_query()
    if district_code is not None:
        query = query.where(users.c.district_code == district_code)
    return [_to_info(row) for row in conn.execute(query)]


def find_user(conn: Connection, *, user_id: str | None = None, username: str | None = None
              ) -> UserInfo | None:
    query = _user_query()
    if user_id is not None:
        query = query.where(users.c.id == user_id)
    elif username is not None:
        query = query.where(users.c.username == username)
    else:
        raise ValueError("give user_id or username")
    row = conn.execute(query).first()
    return None if row is None else _to_info(row)
