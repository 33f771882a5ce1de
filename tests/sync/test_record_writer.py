"""One record writer (`sync_server.db.records.RecordWriter`), one suite, every entry point.

The same scenarios run through each way records reach the database, on SQLite and on
PostgreSQL, against a real server process:
- `push`: the phones' sync push over HTTP (group commit in the district writer);
- `office`: the office's write functions (`sync_server/web/office_writes.py`, what the
  review, conflict, plan and merge pages call) on the server's database;
- `seed`: `upsert_record`, what the demo and the test seeds call.
Plus the office merge through the real web form, and the demo district's stored columns.

The derived columns every entry point must agree on: `subdistrict_code` (a producer's own;
everything else its producer's, also when the producer arrives later or moves),
`producer_id`, `title`, `search_text`, and a new feed position per write.
Regression: a product pushed in one batch and its producer in the next kept
`subdistrict_code` NULL (the push path never handed the producer's subdistrict down), so
subdistrict-filtered pulls and exports missed it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from recordsync.hlc import HybridLogicalClock
from sync_server.accounts import create_user
from sync_server.db.records import get_record, record_meta, upsert_record
from sync_server.db.tables import records
from sync_server.web.office_writes import create_record, write_fields
from tests.support.server import Actor, ServerProcess, create_actors, start_server

DISTRICT = "2403"
Write = Callable[[str, str, dict[str, Any]], None]


def _address(subdistrict: str) -> dict[str, Any]:
    return {"moo": 3, "subdistrict_code": subdistrict, "district_code": DISTRICT,
            "province_code": "24"}


def _producer(subdistrict: str) -> dict[str, Any]:
    return {"name_th": "กลุ่มแม่บ้านปลาสลิด", "producer_type": "community_enterprise",
            "phone": "0812345678", "address": _address(subdistrict)}


def _product(producer_id: str) -> dict[str, Any]:
    return {"producer_id": producer_id, "name_th": "ปลาสลิดแดดเดียว", "category": "food"}


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql",
                                                               marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[ServerProcess]:
    cleanup = None
    url = None
    if request.param == "postgresql":
        from tests.support.pg import create_database, drop_database, require_pg_admin_url
        admin = require_pg_admin_url()
        url = create_database(admin)
        db_url = url

        def cleanup() -> None:
            drop_database(admin, db_url)
    server = start_server(tmp_path_factory.mktemp("writer"), database_url=url)
    try:
        yield server
    finally:
        server.stop()
        if cleanup is not None:
            cleanup()


@pytest.fixture(scope="module")
def phone(server: ServerProcess) -> Actor:
    return create_actors(server.engine, DISTRICT, roles=("officer",))["officer"]


def _push_writer(server: ServerProcess, phone: Actor) -> Write:
    clock = HybridLogicalClock(phone.device_id)

    def write(record_type: str, record_id: str, fields: dict[str, Any]) -> None:
        stamp = clock.now().encode()
        change = {"change_id": uuid.uuid4().hex, "record_type": record_type,
                  "record_id": record_id, "device_id": phone.device_id, "fields": fields,
                  "clocks": dict.fromkeys(fields, stamp), "base_clocks": {},
                  "deleted": False, "schema_version": 1}
        answer = httpx.post(f"{server.base_url}/api/v1/sync/push", json={"changes": [change]},
                            headers=phone.headers, timeout=30)
        assert answer.status_code == 200, answer.text
        assert answer.json()["results"][0]["status"] == "applied", answer.text
    return write


def _office_writer(server: ServerProcess) -> Write:
    def write(record_type: str, record_id: str, fields: dict[str, Any]) -> None:
        with server.engine.begin() as conn:
            stored = get_record(conn, record_id)
            if stored is None:
                create_record(conn, district_code=DISTRICT, record_type=record_type,
                              record_id=record_id, data=fields)
            else:
                write_fields(conn, stored, fields)
    return write


def _seed_writer(server: ServerProcess) -> Write:
    clock = HybridLogicalClock("seed")

    def write(record_type: str, record_id: str, fields: dict[str, Any]) -> None:
        with server.engine.begin() as conn:
            stored = get_record(conn, record_id)
            data = {**(stored.data if stored else {}), **fields}
            clocks = {**(stored.clocks if stored else {}),
                      **{k: clock.now().encode() for k in fields}}
            upsert_record(conn, district_code=DISTRICT, record_type=record_type,
                          record_id=record_id, data=data, clocks=clocks)
    return write


@pytest.fixture(params=["push", "office", "seed"])
def write(request: pytest.FixtureRequest, server: ServerProcess, phone: Actor) -> Write:
    if request.param == "push":
        return _push_writer(server, phone)
    if request.param == "office":
        return _office_writer(server)
    return _seed_writer(server)


def _row(server: ServerProcess, record_id: str) -> sa.Row[Any]:
    with server.engine.connect() as conn:
        return conn.execute(sa.select(records).where(records.c.id == record_id)).one()


def _pulled_ids(server: ServerProcess, phone: Actor, subdistrict: str) -> set[str]:
    return _pull_on(server, phone, subdistrict, "0")[0]


def _pull_on(server: ServerProcess, phone: Actor, subdistrict: str, since: str
             ) -> tuple[set[str], str]:
    """What a phone that pulls only `subdistrict` receives from cursor `since` to the end of
    the feed, and its cursor then."""
    found: set[str] = set()
    while True:
        page = httpx.get(f"{server.base_url}/api/v1/sync/pull",
                         params={"since": since, "subdistricts": subdistrict},
                         headers=phone.headers, timeout=30).json()
        found.update(r["id"] for r in page["records"])
        since = page["next"]
        if not page["more"]:
            return found, since


def test_product_before_its_producer_gets_the_producers_subdistrict(
        server: ServerProcess, phone: Actor, write: Write) -> None:
    producer_id, product_id = uuid.uuid4().hex, uuid.uuid4().hex
    write("product", product_id, _product(producer_id))
    assert _row(server, product_id).subdistrict_code is None  # no producer yet
    write("producer", producer_id, _producer("240302"))
    assert _row(server, product_id).subdistrict_code == "240302"
    assert {producer_id, product_id} <= _pulled_ids(server, phone, "240302")


def test_a_moved_producer_takes_its_records_along(
        server: ServerProcess, phone: Actor, write: Write) -> None:
    producer_id, product_id = uuid.uuid4().hex, uuid.uuid4().hex
    write("producer", producer_id, _producer("240301"))
    write("product", product_id, _product(producer_id))
    assert _row(server, product_id).subdistrict_code == "240301"
    before = _row(server, product_id).seq
    _seen, cursor = _pull_on(server, phone, "240304", "0")  # a phone of 240304, up to date
    write("producer", producer_id, {"address": _address("240304")})
    moved = _row(server, product_id)
    assert moved.subdistrict_code == "240304"
    # A new feed position: new to 240304's phones, which are past the old one.
    assert moved.seq > before
    assert {producer_id, product_id} <= _pull_on(server, phone, "240304", cursor)[0]
    assert product_id in _pulled_ids(server, phone, "240304")
    assert product_id not in _pulled_ids(server, phone, "240301")


def test_a_phone_past_a_product_gets_it_when_its_producer_arrives(
        server: ServerProcess, phone: Actor, write: Write) -> None:
    """Regression: a product that came before its producer, or stayed behind when its
    producer moved in, kept its feed position when it took the producer's subdistrict, so
    a phone pulling that subdistrict, already past the position, never received it."""
    producer_id, product_id, neighbour = uuid.uuid4().hex, uuid.uuid4().hex, uuid.uuid4().hex
    write("product", product_id, _product(producer_id))
    write("producer", neighbour, _producer("240305"))  # moves the phone's cursor past it
    seen, cursor = _pull_on(server, phone, "240305", "0")
    assert product_id not in seen and neighbour in seen  # no producer yet: no subdistrict
    assert int(cursor) > _row(server, product_id).seq
    write("producer", producer_id, _producer("240305"))
    assert {producer_id, product_id} <= _pull_on(server, phone, "240305", cursor)[0]


def test_derived_columns_and_feed_positions(server: ServerProcess, write: Write) -> None:
    producer_id, product_id = uuid.uuid4().hex, uuid.uuid4().hex
    write("producer", producer_id, _producer("240303"))
    first = _row(server, producer_id)
    write("product", product_id, _product(producer_id))
    write("producer", producer_id, {"name_th": "วิสาหกิจชุมชนบ้านคลองสวน"})
    for record_id in (producer_id, product_id):
        row = _row(server, record_id)
        assert (row.producer_id, row.title, row.search_text) == \
            record_meta(row.record_type, record_id, row.data)
        assert row.district_code == DISTRICT
    assert _row(server, producer_id).seq > _row(server, product_id).seq > first.seq
    assert _row(server, producer_id).title == "วิสาหกิจชุมชนบ้านคลองสวน"


def test_office_merge_through_the_web_moves_products_to_the_survivors_subdistrict(
        server: ServerProcess, phone: Actor) -> None:
    push = _push_writer(server, phone)
    keep, drop, product = uuid.uuid4().hex, uuid.uuid4().hex, uuid.uuid4().hex
    push("product", product, _product(drop))  # before its producer, as phones may
    push("producer", drop, _producer("240301"))
    push("producer", keep, _producer("240305"))
    assert _row(server, product).subdistrict_code == "240301"
    username = f"sup{uuid.uuid4().hex[:8]}"
    with server.engine.begin() as conn:
        create_user(conn, district_code=DISTRICT, role="supervisor", display_name="หัวหน้า",
                    username=username, password="ตรวจงาน-2569")
    with httpx.Client(base_url=server.base_url, timeout=30) as web:
        token = re.search(r'name="csrf_token" value="([^"]+)"', web.get("/login").text)
        assert token
        signed = web.post("/login", data={"username": username, "password": "ตรวจงาน-2569",
                                          "csrf_token": token[1], "next": "/duplicates"})
        assert signed.status_code == 303, signed.text
        page = web.get("/duplicates")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf
        merged = web.post("/duplicates/merge", data={"keep": keep, "pair": f"{keep} {drop}",
                                                     "confirm": "yes",  # the confirmation
                                                     "csrf_token": csrf[1]})
        assert merged.status_code == 303, merged.text
    moved = _row(server, product)
    assert moved.data["producer_id"] == keep and moved.producer_id == keep
    assert moved.subdistrict_code == "240305"


def test_the_demo_districts_columns_agree_with_the_writer(
        server: ServerProcess) -> None:
    server.cli("demo")
    with server.engine.connect() as conn:
        rows = conn.execute(sa.select(records).where(records.c.district_code == DISTRICT)
                            ).all()
    by_id = {r.id: r for r in rows}
    assert len(rows) > 10
    for row in rows:
        assert (row.producer_id, row.title, row.search_text) == \
            record_meta(row.record_type, row.id, row.data)
        if row.record_type != "producer" and row.producer_id in by_id:
            assert row.subdistrict_code == by_id[row.producer_id].subdistrict_code
