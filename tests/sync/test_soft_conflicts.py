"""Soft conflicts end to end: two phones edit different fields of one record offline.

The device store lists in every change the clocks of all fields the officer saw, so the real
server can tell that the second push was made without seeing the first one's field."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from fieldapp.sync import SyncReport
from sync_server.db.tables import conflicts
from tests.sync.harness import District, running_server
from tests.sync.phones import Phone, producer_fields

Phones = Callable[..., Phone]


def _conflict_rows(district: District) -> list[Any]:
    engine = district.engine()
    with engine.connect() as conn:
        rows = conn.execute(sa.select(
            conflicts.c.record_id, conflicts.c.field, conflicts.c.kind,
            conflicts.c.winning_value, conflicts.c.winning_clock, conflicts.c.winning_device_id,
            conflicts.c.losing_value, conflicts.c.losing_clock)).all()
    engine.dispose()
    return list(rows)


def test_edits_of_different_fields_merge_and_are_flagged_soft(
    district: District, phone_factory: Phones
) -> None:
    a = phone_factory("a", district.devices[0])
    b = phone_factory("b", district.devices[1])
    with running_server(district) as server:
        def sync(phone: Phone) -> SyncReport:
            report = asyncio.run(phone.client(server.base_url).sync())
            assert report.completed, report.error_en
            return report

        producer = a.store.create("producer", producer_fields(7))
        pid = producer["id"]
        sync(a)
        sync(b)
        seen_phone_clock = b.store.clocks("producer", pid)["phone"]
        # Ordinary sequential syncs raise no flag: both phones now hold the server's clocks.
        assert _conflict_rows(district) == []

        # Offline, each phone edits a different field.
        a.store.update("producer", pid, {"phone": "0899999999"})
        time.sleep(0.01)
        b.store.update("producer", pid, {"notes": "ย้ายไปตลาดน้ำ"})
        [b_change] = b.store.pending_changes()
        assert b_change.base_clocks["phone"] == seen_phone_clock

        first = sync(a)
        assert first.statuses == {"applied": 1}
        assert a.store.sync_state("producer", pid) == "sent"
        second = sync(b)
        assert second.statuses == {"applied": 1}  # merged, not refused or superseded
        assert b.store.sync_state("producer", pid) == "conflict"  # flagged for the officer
        sync(a)

        for phone in (a, b):
            got = phone.store.get("producer", pid)
            assert got is not None
            assert got["phone"] == "0899999999" and got["notes"] == "ย้ายไปตลาดน้ำ"
        assert a.store.get("producer", pid) == b.store.get("producer", pid)
        assert a.store.clocks("producer", pid) == b.store.clocks("producer", pid)

        rows = _conflict_rows(district)
        assert [(r.record_id, r.field, r.kind) for r in rows] == [(pid, "phone", "soft")]
        [row] = rows
        assert row.winning_value == "0899999999"
        assert row.winning_clock == a.store.clocks("producer", pid)["phone"]
        assert row.winning_device_id == district.devices[0].device_id
        assert row.losing_clock == seen_phone_clock

        # After converging, further sequential edits on either phone are not flagged.
        b.store.update("producer", pid, {"notes": "เปิดร้านที่ตลาดน้ำแล้ว"})
        sync(b)
        sync(a)
        a.store.update("producer", pid, {"phone": "0811111111"})
        sync(a)
        sync(b)
        assert len(_conflict_rows(district)) == 1
        assert b.store.get("producer", pid) == a.store.get("producer", pid)
