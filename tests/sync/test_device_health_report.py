"""The sync client tells the server about damage found in the phone's store (issue 11 item
3): a real phone whose journal was damaged, a real server, the report stored once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from fieldapp.store import journal as jr
from fieldapp.store import open_store
from sync_server.db.tables import device_health_reports
from tests.sync.harness import District, running_server
from tests.sync.phones import Phone, producer_fields

Phones = Callable[..., Phone]


def _damage_one_save(store_folder: Path) -> None:
    path = store_folder / "records.journal"
    data = bytearray(path.read_bytes())
    entry = jr.scan(bytes(data)).entries[-3]
    data[entry.offset + 30] ^= 0x40
    path.write_bytes(bytes(data))


def test_a_damaged_store_is_reported_to_the_office_once(
    district: District, phone_factory: Phones
) -> None:
    phone = phone_factory("a", district.devices[0])
    made = [phone.store.create("producer", producer_fields(n))["id"] for n in range(6)]
    phone.store.close()
    _damage_one_save(phone.root / "store")
    phone.store = open_store(phone.root / "store", district.devices[0].device_id)
    report = phone.store.damage_report
    assert report is not None and report.entries_lost == 1
    assert sum(phone.store.get("producer", i) is not None for i in made) == 5
    with running_server(district) as server:
        first = asyncio.run(phone.client(server.base_url).sync())
        assert first.completed, first.error_en
        assert phone.store.damage_reports(unsent_only=True) == []
        second = asyncio.run(phone.client(server.base_url).sync())
        assert second.completed, second.error_en
    with district.engine().connect() as conn:
        rows = list(conn.execute(sa.select(device_health_reports)))
    assert len(rows) == 1
    row = rows[0]
    assert (row.device_id, row.report_id, row.entries_lost, row.count_exact) == (
        district.devices[0].device_id, report.report_id, 1, True)


def test_a_report_the_server_refuses_waits_and_never_fails_the_sync(
    district: District, phone_factory: Phones
) -> None:
    phone = phone_factory("b", district.devices[1])
    phone.store.create("producer", producer_fields(1))
    bad = {"report_id": "ab" * 16, "detected_at": "2026-12-05T08:00:00Z", "entries_lost": -1,
           "count_exact": True, "damaged_bytes": 10, "sent": False}
    phone.store.set_meta("store_damage_reports", [bad])
    with running_server(district) as server:
        report = asyncio.run(phone.client(server.base_url).sync())
    assert report.completed, report.error_en
    assert report.statuses == {"applied": 1}
    assert [r["report_id"] for r in phone.store.damage_reports(unsent_only=True)] == ["ab" * 16]
