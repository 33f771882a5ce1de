"""Read-only API tokens for partner agencies, issued by a supervisor (page or CLI).

A token is a `devices` row with kind "api" belonging to a user with role "partner" and the
agency's name; one partner user per agency and district, so revoking one token leaves the
agency's other tokens alone. Only the token's hash is stored; it is shown once.

CLI (for an office without a browser at hand):
    python -m sync_server.reports.partner_tokens issue --district 2403 --agency "พาณิชย์จังหวัด"
    python -m sync_server.reports.partner_tokens list --district 2403
    python -m sync_server.reports.partner_tokens revoke <device id>
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync_server.accounts import create_user
from sync_server.audit import audit
from sync_server.auth import Principal, create_device, revoke_device
from sync_server.db.tables import devices, users
from sync_server.errors import BilingualError

__all__ = ["IssuedToken", "PartnerToken", "issue_partner_token", "list_partner_tokens",
           "main", "revoke_partner_token"]

MAX_AGENCY_CHARS = 200


@dataclass(frozen=True, slots=True)
class IssuedToken:
    device_id: str
    user_id: str
    agency_name: str
    token: str


@dataclass(frozen=True, slots=True)
class PartnerToken:
    device_id: str
    agency_name: str
    created_at: datetime
    last_seen_at: datetime | None


class TokenError(BilingualError):
    """A partner token request refused (English and Thai)."""


def _clean_agency(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise TokenError("give the agency's name", "กรุณาระบุชื่อหน่วยงาน")
    if len(cleaned) > MAX_AGENCY_CHARS:
        raise TokenError(f"the agency's name is longer than {MAX_AGENCY_CHARS} characters",
                         f"ชื่อหน่วยงานยาวเกิน {MAX_AGENCY_CHARS} ตัวอักษร")
    return cleaned


def issue_partner_token(conn: Connection, *, district_code: str, agency_name: str,
                        by: Principal | None, ip: str | None = None) -> IssuedToken:
    """A new token for the agency (its partner user is made on first issue)."""
    agency = _clean_agency(agency_name)
    user_id = conn.execute(
        sa.select(users.c.id).where(users.c.district_code == district_code,
                                    users.c.role == "partner", users.c.agency_name == agency,
                                    users.c.active.is_(True))
    ).scalar()
    if user_id is None:
        user_id = create_user(conn, district_code=district_code, role="partner",
                              display_name=agency, agency_name=agency)
    device_id, token = create_device(conn, user_id=user_id, name=f"API: {agency}", kind="api")
    audit(conn, by, "partner_token.issue", "device", device_id, {"agency": agency}, ip,
          district_code=district_code)
    return IssuedToken(device_id, user_id, agency, token)


def list_partner_tokens(conn: Connection, district_code: str) -> list[PartnerToken]:
    rows = conn.execute(
        sa.select(devices.c.id, users.c.agency_name, devices.c.created_at,
                  devices.c.last_seen_at)
        .join(users, users.c.id == devices.c.user_id)
        .where(users.c.district_code == district_code, users.c.role == "partner",
               devices.c.kind == "api", devices.c.revoked_at.is_(None))
        .order_by(users.c.agency_name, devices.c.created_at)
    )
    return [PartnerToken(r.id, r.agency_name or "", r.created_at, r.last_seen_at)
            for r in rows]


def revoke_partner_token(conn: Connection, *, district_code: str, device_id: str,
                         by: Principal | None, ip: str | None = None) -> bool:
    """Revoke a partner token of this district; False if there is no such active token."""
    owned = conn.execute(
        sa.select(devices.c.id).join(users, users.c.id == devices.c.user_id)
        .where(devices.c.id == device_id, devices.c.kind == "api",
               users.c.role == "partner", users.c.district_code == district_code)
    ).first()
    if owned is None or not revoke_device(conn, device_id):
        return False
    audit(conn, by, "partner_token.revoke", "device", device_id, None, ip,
          district_code=district_code)
    return True


def main(argv: Sequence[str] | None = None) -> int:
    from sync_server.db.engine import make_engine
    from sync_server.settings import Settings

    parser = argparse.ArgumentParser(prog="python -m sync_server.reports.partner_tokens",
                                     description="Partner-agency API tokens")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("issue", help="issue a token; it is printed once")
    p.add_argument("--district", required=True)
    p.add_argument("--agency", required=True, help="e.g. 'สำนักงานพาณิชย์จังหวัดฉะเชิงเทรา'")
    p = sub.add_parser("list", help="active tokens of a district")
    p.add_argument("--district", required=True)
    p = sub.add_parser("revoke", help="revoke a token by its device id")
    p.add_argument("--district", required=True)
    p.add_argument("device_id")
    args = parser.parse_args(argv)
    engine = make_engine(Settings.from_env().database_url)
    try:
        with engine.begin() as conn:
            if args.command == "issue":
                issued = issue_partner_token(conn, district_code=args.district,
                                             agency_name=args.agency, by=None)
                print(f"agency / หน่วยงาน: {issued.agency_name}")
                print(f"device id: {issued.device_id}")
                print(f"token (shown once / แสดงครั้งเดียว): {issued.token}")
            elif args.command == "list":
                for t in list_partner_tokens(conn, args.district):
                    print(f"{t.device_id}\t{t.agency_name}\t{t.created_at:%Y-%m-%d}")
            elif not revoke_partner_token(conn, district_code=args.district,
                                          device_id=args.device_id, by=None):
                print("no such active token / ไม่พบโทเค็นนี้", file=sys.stderr)
                return 1
        return 0
    except BilingualError as exc:  # TokenError, or AccountError: e.g. no such district
        print(exc.terminal_text(), file=sys.stderr)
        return 2
    finally:
        engine.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
