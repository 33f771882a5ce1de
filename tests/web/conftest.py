"""Fixtures for the office pages: a real app on a fresh SQLite database, real users, and
helpers that sign in through the real form."""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from recordsync.changes import Change
from recordsync.hlc import HybridLogicalClock
from sync_server.accounts import create_district, create_user
from sync_server.db.records import upsert_record
from sync_server.db.tables import conflicts
from tests.support.server import ServerProcess, create_actors, start_server

DISTRICT = "2403"  # Bang Nam Priao, Chachoengsao
OTHER_DISTRICT = "2401"  # Mueang Chachoengsao
PASSWORD = "ตรวจงาน-2569"
DEVICE = "phone1"


@dataclass
class Office:
    """A real server process shared by the web tests (each test works on its own producers,
    tagged with unique names), and users; tests that lock or change a user make their own."""

    server: ServerProcess
    users: dict[str, str]  # short name -> username
    ids: dict[str, str]  # short name -> user id
    clients: list[httpx.Client] = field(default_factory=list)

    @property
    def engine(self) -> Engine:
        return self.server.engine

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def client(self) -> httpx.Client:
        """A browser-like client with its own cookie jar (closed after the test)."""
        client = httpx.Client(base_url=self.server.base_url, follow_redirects=False,
                              timeout=30)
        self.clients.append(client)
        return client


@pytest.fixture(scope="session")
def office_server() -> Iterator[ServerProcess]:
    with tempfile.TemporaryDirectory(prefix="tambon-web-") as temp:
        server = start_server(Path(temp))
        try:
            with server.engine.begin() as conn:
                create_district(conn, DISTRICT)
                create_district(conn, OTHER_DISTRICT)
            yield server
        finally:
            server.stop()


_PEOPLE = {
    "somchai": ("officer", DISTRICT, "สมชาย ใจดี"),
    "malee": ("supervisor", DISTRICT, "มาลี ศรีสุข"),
    "commerce": ("partner", DISTRICT, "พาณิชย์จังหวัด"),
    "other": ("supervisor", OTHER_DISTRICT, "วิชัย เมืองแปด"),
}


def add_person(office: Office, short: str, role: str, district: str, display: str) -> str:
    """A new user with a unique username; returns the username (also kept in office.users)."""
    username = f"{short}-{uuid.uuid4().hex[:8]}"
    with office.engine.begin() as conn:
        office.ids[short] = create_user(
            conn, district_code=district, role=role, display_name=display, username=username,
            password=PASSWORD,
            agency_name="สำนักงานพาณิชย์จังหวัดฉะเชิงเทรา" if role == "partner" else None)
    office.users[short] = username
    return username


@pytest.fixture(scope="session")
def office_people(office_server: ServerProcess) -> tuple[dict[str, str], dict[str, str]]:
    """One officer, supervisor, partner and other-district supervisor for the run (argon2
    hashing is deliberately slow, so they are not made for every test)."""
    holder = Office(office_server, {}, {})
    for short, (role, district, display) in _PEOPLE.items():
        add_person(holder, short, role, district, display)
    return holder.users, holder.ids


@pytest.fixture
def office(office_server: ServerProcess,
           office_people: tuple[dict[str, str], dict[str, str]]) -> Iterator[Office]:
    office = Office(office_server, dict(office_people[0]), dict(office_people[1]))
    yield office
    for client in office.clients:
        client.close()


def sign_in(client: httpx.Client, username: str, password: str = PASSWORD,
            next_url: str = "/producers") -> httpx.Response:
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token[1], "next": next_url})


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html
    return found[1]


def signed_in(office: Office, who: str) -> httpx.Client:
    client = office.client()
    response = sign_in(client, office.users[who])
    assert response.status_code == 303, response.text
    return client


def stamp(n: int, node: str = DEVICE) -> str:
    return f"{1_764_000_000_000 + n:013d}-00000-{node}"


def put(engine: Engine, record_type: str, data: dict[str, Any], *, record_id: str | None = None,
        district: str = DISTRICT, clock: int = 1) -> str:
    """Store a record the way a phone's push leaves it: every field stamped by the device."""
    record_id = record_id or uuid.uuid4().hex
    with engine.begin() as conn:
        upsert_record(conn, district_code=district, record_type=record_type,
                      record_id=record_id, data=data,
                      clocks={key: stamp(clock) for key in data})
    return record_id


def producer(engine: Engine, name: str, subdistrict: str = "240301", **extra: Any) -> str:
    data = {"name_th": name, "producer_type": "community_enterprise",
            "address": {"subdistrict_code": subdistrict, "district_code": subdistrict[:4],
                        "province_code": subdistrict[:2], "moo": 3}, **extra}
    return put(engine, "producer", data, district=subdistrict[:4])


def push(office: Office, token: str, device_id: str, record_type: str, record_id: str,
         fields: dict, *, superseded_ok: bool = False) -> None:
    """Push one change the way a phone does (base clocks: the phone saw nothing before)."""
    clock = HybridLogicalClock(device_id)
    change = Change(change_id=uuid.uuid4().hex, record_type=record_type, record_id=record_id,
                    device_id=device_id, fields=fields,
                    clocks={key: clock.now().encode() for key in fields},
                    base_clocks=dict.fromkeys(fields))
    response = httpx.post(f"{office.base_url}/api/v1/sync/push",
                          json={"changes": [change.to_json()]},
                          headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert response.status_code == 200, response.text
    allowed = ("applied", "superseded") if superseded_ok else ("applied",)
    assert response.json()["results"][0]["status"] in allowed, response.text


def pull_all(office: Office, token: str) -> dict[str, dict]:
    found, since = {}, "0"
    while True:
        page = httpx.get(f"{office.base_url}/api/v1/sync/pull", params={"since": since},
                         headers={"Authorization": f"Bearer {token}"}, timeout=30).json()
        found.update({r["id"]: r for r in page["records"]})
        since = page["next"]
        if not page["more"]:
            return found


def make_conflict(office: Office) -> tuple[str, dict, str]:
    """Two officers set the same producer's phone without seeing each other's edit."""
    first = create_actors(office.engine, "2403", roles=("officer",))["officer"]
    second = create_actors(office.engine, "2403", roles=("officer",))["officer"]
    pid = uuid.uuid4().hex
    push(office, first.token, first.device_id, "producer", pid, {
        "name_th": "กลุ่มปลาสลิดบางน้ำเปรี้ยว", "phone": "0811111111"})
    push(office, second.token, second.device_id, "producer", pid, {"phone": "0822222222"},
         superseded_ok=True)
    with office.engine.connect() as conn:
        conflict_id = conn.execute(sa.select(conflicts.c.id).where(
            conflicts.c.record_id == pid, conflicts.c.status == "open")).scalar_one()
    return pid, {"first": first, "second": second}, conflict_id


def add_agency(client: httpx.Client, name: str, short_name: str = "",
               kind: str = "government") -> str:
    """Add an agency to the district's list through the real page; returns its id."""
    page = client.get("/agencies")
    response = client.post("/agencies", data={"csrf_token": csrf_of(page.text),
                                              "name_th": name, "short_name": short_name,
                                              "kind": kind})
    assert response.status_code == 303, response.text
    listing = client.get("/agencies").text
    assert name in listing
    found = re.search(r'action="/agencies/([0-9a-f]{32})"[^<]*<input[^>]*>\s*<label>[^<]*'
                      r'<input name="name_th" value="' + re.escape(name) + '"', listing)
    assert found, listing
    return found[1]
