"""Thai order and search in the office register, against the real server on SQLite and
PostgreSQL: producers written by a phone's push and by the office writer, listed in ICU's
Thai order, found by Thai digits, +66, part of a number and text without tone marks."""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from recordsync.changes import Change
from recordsync.hlc import HybridLogicalClock
from sync_server.accounts import create_user
from sync_server.db.records import upsert_record
from tests.support.pg import require_pg_admin_url, throwaway_database
from tests.support.server import ServerProcess, create_actors, start_server
from tests.web.conftest import PASSWORD, sign_in

NAMES = ["เทียนหอมบ้านสวน", "ไข่เค็มไชยา", "แกงส้มปักษ์ใต้", "กล้วยตาก", "ข้าวหอมมะลิ",
         "โอ่งมังกร", "ฤดีสมุนไพร", "รังนก", "ลูกชุบ", "ก่า", "กา", "ก้า", "OTOP Village",
         "otop village", "123 สหกรณ์", "๑๒๓ สหกรณ์", "ใบตองแห้ง", "ผ้าไหม", "น้ำพริก"]


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest) -> Iterator[tuple[ServerProcess, str, str]]:
    """A real server on each database; (server, officer token, officer device, username)."""
    with tempfile.TemporaryDirectory(prefix="tambon-thai-") as temp:
        if request.param == "sqlite":
            srv = start_server(Path(temp))
            try:
                yield from _with_people(srv)
            finally:
                srv.stop()
            return
        with throwaway_database() as url:
            srv = start_server(Path(temp), database_url=url)
            try:
                yield from _with_people(srv)
            finally:
                srv.stop()


def _with_people(srv: ServerProcess) -> Iterator[tuple[ServerProcess, str, str]]:
    officer = create_actors(srv.engine, "2403", roles=("officer",))["officer"]
    username = f"malee-{uuid.uuid4().hex[:6]}"
    with srv.engine.begin() as conn:
        create_user(conn, district_code="2403", role="supervisor", display_name="มาลี",
                    username=username, password=PASSWORD)
    yield srv, f"{officer.token}|{officer.device_id}", username


def _push(srv: ServerProcess, auth: str, record_id: str, fields: dict) -> None:
    token, device = auth.split("|")
    clock = HybridLogicalClock(device)
    change = Change(change_id=uuid.uuid4().hex, record_type="producer", record_id=record_id,
                    device_id=device, fields=fields,
                    clocks={key: clock.now().encode() for key in fields},
                    base_clocks=dict.fromkeys(fields))
    response = httpx.post(f"{srv.base_url}/api/v1/sync/push",
                          json={"changes": [change.to_json()]},
                          headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["status"] == "applied", response.text


def _office_write(srv: ServerProcess, record_id: str, data: dict) -> None:
    with srv.engine.begin() as conn:
        upsert_record(conn, district_code="2403", record_type="producer", record_id=record_id,
                      data=data, clocks=dict.fromkeys(data, "1764000000000-00000-office"))


def _producer(name: str, tag: str, **extra: str) -> dict:
    return {"name_th": f"{name} {tag}", "producer_type": "community_enterprise",
            "address": {"subdistrict_code": "240301", "district_code": "2403",
                        "province_code": "24", "moo": 3}, **extra}


def _client(srv: ServerProcess, username: str) -> httpx.Client:
    client = httpx.Client(base_url=srv.base_url, follow_redirects=False, timeout=30)
    response = sign_in(client, username)
    assert response.status_code == 303, response.text
    return client


def _names(html: str) -> list[str]:
    return re.findall(r'<td><a href="/producers/[0-9a-f]+">([^<]+)</a></td>', html)


def _icu_order(words: list[str]) -> list[str]:
    engine = sa.create_engine(require_pg_admin_url(), poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.text(
                'SELECT w FROM unnest(CAST(:w AS text[])) AS t(w) '
                'ORDER BY w COLLATE "th-TH-x-icu"'), {"w": words}).scalars())
    finally:
        engine.dispose()


def test_register_lists_names_in_icu_thai_order(
        server: tuple[ServerProcess, str, str]) -> None:
    srv, auth, username = server
    tag = "t" + uuid.uuid4().hex[:6]  # never a number (numbers next to each other join)
    for n, name in enumerate(NAMES):  # half pushed by a phone, half written by the office
        data = _producer(name, tag)
        if n % 2:
            _push(srv, auth, uuid.uuid4().hex, data)
        else:
            _office_write(srv, uuid.uuid4().hex, data)
    client = _client(srv, username)
    try:
        page = client.get("/producers", params={"q": tag})
    finally:
        client.close()
    assert page.status_code == 200
    expected = _icu_order([f"{name} {tag}" for name in NAMES])
    assert _names(page.text) == expected
    # the leading-vowel names sit under their consonant, not at the end
    assert expected.index(f"แกงส้มปักษ์ใต้ {tag}") < expected.index(f"ข้าวหอมมะลิ {tag}")


@pytest.mark.parametrize("query", [
    "0812345678", "081-234-5678", "+66 81 234 5678", "+66812345678", "๐๘๑๒๓๔๕๖๗๘",
    "๐๘๑-๒๓๔-๕๖๗๘", "234-5678", "5678", "ไขเคม", "ไข่เค็ม", "ไชยา", "3-2403-00012-34-1",
])
def test_register_search_finds_however_typed(server: tuple[ServerProcess, str, str],
                                             query: str) -> None:
    srv, auth, username = server
    tag = "t" + uuid.uuid4().hex[:6]  # never a number (numbers next to each other join)
    pushed, written = uuid.uuid4().hex, uuid.uuid4().hex
    _push(srv, auth, pushed, _producer("ไข่เค็มไชยา", tag, phone="0812345678",
                                       id_number="3240300012341"))
    _office_write(srv, written, _producer("ไข่เค็มไชยา สาขา", tag, phone="081-234-5678",
                                          id_number="3240300012341"))
    _office_write(srv, uuid.uuid4().hex, _producer("แกงส้ม", tag, phone="0899999999"))
    client = _client(srv, username)
    try:
        page = client.get("/producers", params={"q": f"{query} {tag}"})
    finally:
        client.close()
    assert page.status_code == 200
    assert sorted(_names(page.text)) == sorted(
        [f"ไข่เค็มไชยา {tag}", f"ไข่เค็มไชยา สาขา {tag}"]), query
