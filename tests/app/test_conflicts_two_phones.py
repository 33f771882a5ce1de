"""Two phones, one producer, one field edited on both while offline, against a real server
process: both phones list the conflict (the one whose edit lost included) with both values,
who and when, waiting for the office; once the office resolves it, every phone shows the
outcome and no phone keeps a conflict flag. Also the pure reconciliation.

Regression (issue 12, finding 2): the losing phone said "no conflicts" while its value had
been replaced; after the office resolved it, the other phone kept its red badge."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from fieldapp import services as sv
from fieldapp.logic.conflicts import reconcile
from fieldapp.settings import load_settings
from sync_server.auth import Principal
from sync_server.db.tables import conflicts
from sync_server.web.conflicts import resolve_conflict
from tests.support.pg import require_pg_admin_url, throwaway_database
from tests.support.server import ServerProcess, start_server


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerProcess]:
    """The real server on SQLite and on PostgreSQL (the conflicts list is a JSON join)."""
    if request.param == "sqlite":
        process = start_server(tmp_path / "server")
        yield process
        process.stop()
        return
    require_pg_admin_url()
    with throwaway_database() as url:
        process = start_server(tmp_path / "server", database_url=url)
        try:
            yield process
        finally:
            process.stop()


def phone(tmp_path: Path, server: ServerProcess, name: str, who: str) -> sv.Services:
    folder = tmp_path / name
    services = sv.Services(data_dir=folder, settings=load_settings(folder))
    code = server.add_user("2403", "officer", who).code
    asyncio.run(sv.enrol_device(services, server.base_url, code, name))
    return services


def sync(services: sv.Services) -> None:
    report = asyncio.run(sv.run_sync(services, lambda progress: None))
    assert report.completed, report.error_en


def test_both_phones_see_the_conflict_and_its_resolution(
    tmp_path: Path, server: ServerProcess
) -> None:
    a = phone(tmp_path, server, "phone-a", "สมศรี มีสุข")
    b = phone(tmp_path, server, "phone-b", "ประยูร ตั้งใจ")
    try:
        producer_id = sv.save_record(a, "producer", None, {
            "name_th": "กลุ่มทอผ้าไหมบ้านหนองแวง", "phone": "0812345678"})
        sync(a)
        sync(b)
        assert sv.get_record(b, "producer", producer_id) is not None
        # offline, both officers correct the phone number
        sv.save_record(b, "producer", producer_id, {"phone": "0899999999"})
        # a's edit must be stamped later than b's: two saves in the same millisecond tie,
        # and the tie is broken by device id (b would win), which the steps below narrate.
        time.sleep(0.01)
        sv.save_record(a, "producer", producer_id, {"phone": "0861111111"})
        sync(b)  # b's edit reaches the server first ...
        sync(a)  # ... a's later edit wins; b's is kept as a conflict
        sync(b)  # b pulls a's value: its own was replaced
        for services, mine, theirs in ((a, "0861111111", "0899999999"),
                                       (b, "0899999999", "0861111111")):
            [item] = sv.conflict_view(services).items
            assert (item.field, item.state, item.mine, item.theirs) == (
                "phone", "waiting", mine, theirs)
            assert item.title == "กลุ่มทอผ้าไหมบ้านหนองแวง"
            assert item.their_who in ("สมศรี มีสุข", "ประยูร ตั้งใจ")
            assert item.their_time is not None
            assert sv.record_sync_state(services, "producer", producer_id) == "conflict"

        # the office keeps b's number
        supervisor = server.add_user("2403", "supervisor", "วิไลวรรณ รักษ์ชุมชน")
        with server.engine.begin() as conn:
            conflict_id, losing = conn.execute(
                sa.select(conflicts.c.id, conflicts.c.losing_value)).one()
            assert losing == "0899999999"  # b's edit lost to a's later one
            resolve_conflict(conn, Principal(supervisor.user_id, None, "2403", "supervisor",
                                             "วิไลวรรณ รักษ์ชุมชน"), conflict_id, "losing")
        for services in (a, b):
            sync(services)
            [item] = sv.conflict_view(services).items
            assert item.state == "resolved" and item.outcome == "0899999999"
            assert item.resolved_by == "วิไลวรรณ รักษ์ชุมชน"
            assert sv.conflicts(services) == []  # no flag left: no red badge
            assert sv.record_sync_state(services, "producer", producer_id) == "sent"
            record = sv.get_record(services, "producer", producer_id)
            assert record is not None and record["phone"] == "0899999999"
    finally:
        a.close()
        b.close()


def test_reconcile_keeps_rejections_and_clears_settled_flags() -> None:
    flags = [
        {"record_type": "producer", "id": "p1", "detail": {"kind": "server_conflict"}},
        {"record_type": "product", "id": "p2",
         "detail": {"kind": "rejected", "paths": ["price_thb"], "message_th": "ราคาไม่ถูกต้อง",
                    "message_en": "Price not valid"}},
    ]
    feed = [{"record_type": "producer", "record_id": "p1", "field": "phone",
             "status": "resolved", "winning_device_id": "me", "winning_value": "1",
             "losing_value": "2", "resolved_value": "2"},
            {"record_type": "producer", "record_id": "p3", "field": "name_th",
             "status": "open", "losing_device_id": "me", "losing_value": "ก",
             "winning_value": "ข"}]
    view = reconcile(flags, feed, "me", {"p2": "น้ำพริกเผา"})
    assert view.to_clear == ["p1"] and view.to_flag == {"p3": ["name_th"]}
    states = {(i.record_id, i.state) for i in view.items}
    assert states == {("p1", "resolved"), ("p2", "flagged"), ("p3", "waiting")}
    rejected = next(i for i in view.items if i.record_id == "p2")
    assert rejected.message_en == "Price not valid" and rejected.title == "น้ำพริกเผา"
    # never fetched: nothing is cleared on a guess
    assert reconcile(flags, None, "me", {}).to_clear == []
