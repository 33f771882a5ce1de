"""`python -m sync_server demo`: the demo district, ready to try (idempotent).

Creates Bang Nam Priao (2403) with a supervisor (web: supervisor / demo-supervisor), an
officer (web: officer / demo-officer), a partner-agency user (web: partner / demo-partner),
the district's partner-agency list (rows of `agencies`, the /agencies page) and the
producers, products, visits, plan items and network links of `demo_data`, written through
`upsert_record` with per-field HLC clocks of node "server". Running it again adds nothing
but prints a fresh one-time enrolment code for the officer's phone.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from recordsync.hlc import HybridLogicalClock
from schemas import validate_record
from sync_server.accounts import create_district, create_user, find_user
from sync_server.audit import audit
from sync_server.auth import enrolment_url, issue_enrolment_code
from sync_server.db.records import get_record, upsert_record
from sync_server.db.tables import agencies
from sync_server.demo_data import DEMO_DISTRICT, demo_agencies, demo_records
from sync_server.settings import Settings

__all__ = ["DEMO_USERS", "run_demo", "seed_demo"]

# username, password, role, display name, agency
DEMO_USERS = (
    ("supervisor", "demo-supervisor", "supervisor", "นางวิไลวรรณ รักษ์ชุมชน", None),
    ("officer", "demo-officer", "officer", "นายสมชาย ใจดี", None),
    ("partner", "demo-partner", "partner", "นางสาวกานดา พาณิชย์ดี",
     "สำนักงานพาณิชย์จังหวัดฉะเชิงเทรา"),
)


def seed_demo(conn: Connection, *, now: datetime | None = None) -> dict[str, str]:
    """Create what is missing of the demo; returns {username: user_id}."""
    now = now or datetime.now(UTC)
    create_district(conn, DEMO_DISTRICT, now=now)
    user_ids: dict[str, str] = {}
    for username, password, role, name, agency in DEMO_USERS:
        existing = find_user(conn, username=username)
        if existing is not None:
            user_ids[username] = existing.id
            continue
        user_ids[username] = create_user(
            conn, district_code=DEMO_DISTRICT, role=role, display_name=name,
            username=username, password=password, agency_name=agency, now=now)
    agencies_added = _seed_agencies(conn, now)
    clock = HybridLogicalClock("server")
    created = 0
    for record_type, record_id, fields in demo_records():
        if get_record(conn, record_id) is not None:
            continue
        if record_type == "visit":
            fields = {**fields, "officer_id": user_ids["officer"]}
        issues = validate_record(record_type, {**fields, "id": record_id, "schema_version": 1})
        if issues:
            raise ValueError(f"demo {record_type} {record_id} is not valid: {issues}")
        clocks = {field: clock.now().encode() for field in fields}
        upsert_record(conn, district_code=DEMO_DISTRICT, record_type=record_type,
                      record_id=record_id, data=fields, clocks=clocks, now=now)
        created += 1
    if created or agencies_added:
        audit(conn, None, "demo.seed", "district", DEMO_DISTRICT,
              {"records": created, "agencies": agencies_added},
              district_code=DEMO_DISTRICT, now=now)
    return user_ids


def _seed_agencies(conn: Connection, now: datetime) -> int:
    """Add the demo's agencies the district's list lacks (by id or by name: an entry the
    0003 migration made from an older demo's typed names stays as it is); returns how
    many were added. Stable ids, unlike the office page's, so plan items can name them."""
    rows = conn.execute(sa.select(agencies.c.id, agencies.c.name_th)
                        .where(agencies.c.district_code == DEMO_DISTRICT)).all()
    known = {r.id for r in rows} | {r.name_th for r in rows}
    added = 0
    for agency in demo_agencies():
        if agency["id"] in known or agency["name_th"] in known:
            continue
        conn.execute(agencies.insert().values(district_code=DEMO_DISTRICT, active=True,
                                              created_at=now, **agency))
        added += 1
    return added


def run_demo(engine: Engine, settings: Settings) -> int:
    with engine.begin() as conn:
        user_ids = seed_demo(conn)
        code = issue_enrolment_code(conn, user_ids["officer"], ttl=settings.enrolment_code_ttl)
    url = settings.public_url
    print(f"Demo district {DEMO_DISTRICT} บางน้ำเปรี้ยว (Bang Nam Priao) is ready.")
    print(f"Server: {url}")
    print(f"Office web sign-in: {url}/login  user 'supervisor'  password 'demo-supervisor'")
    print("  (also 'officer' / 'demo-officer', partner agency 'partner' / 'demo-partner')")
    print("Enrol the app: in Settings → Enrol, enter the server URL and this one-time code")
    print(f"  (or paste: {enrolment_url(url, code)})")
    print(code)
    return 0
