"""The sync client with real phones (DeviceStore, PhotoStore) against the real server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx
import pytest
import sqlalchemy as sa

from fieldapp.sync import SyncProgress, enrol
from recordsync.hlc import Timestamp, wall_clock_ms
from sync_server.auth import issue_enrolment_code
from sync_server.db.tables import conflicts, photos, records
from tests.sync.harness import District, running_server
from tests.sync.phones import Phone, producer_fields

Phones = Callable[..., Phone]

YEAR_MS = 365 * 24 * 3600 * 1000


def test_records_photos_and_pull_between_two_phones(
    district: District, phone_factory: Phones
) -> None:
    a = phone_factory("a", district.devices[0])
    b = phone_factory("b", district.devices[1])
    producer = a.store.create("producer", producer_fields(1))
    a.store.create("product", {"producer_id": producer["id"], "name_th": "ข้าวเกรียบปลา",
                               "category": "food", "price_thb": 35})
    shots = [a.take_photo(producer["id"], seed) for seed in (1, 2)]
    assert not a.store.is_safe_to_wipe()
    seen: list[SyncProgress] = []
    with running_server(district) as server:
        report = asyncio.run(a.client(server.base_url).sync(progress=seen.append))
        assert report.completed, report.error_en
        assert report.statuses == {"applied": 4}
        assert report.thumbnails_uploaded == 2 and report.photos_uploaded == 2
        assert report.safe_to_wipe and a.store.is_safe_to_wipe()
        assert a.store.sync_state("producer", producer["id"]) == "sent"
        stages = [p.stage for p in seen]
        assert stages.index("records") < stages.index("thumbnails") < stages.index("photos") \
            < stages.index("pull") < stages.index("done")
        photo_progress = [p for p in seen if p.stage == "photos"]
        assert photo_progress[-1].bytes_done == photo_progress[-1].bytes_total > 0

        got = asyncio.run(b.client(server.base_url).sync())
        assert got.completed and got.pulled == 4
        pulled = b.store.get("producer", producer["id"])
        assert pulled is not None and pulled["name_th"] == producer["name_th"]
        assert [p["id"] for p in b.store.list("photo")] == [s.sha256 for s in shots]
        # Phone B holds the records but not the photo files: nothing of its own to send.
        assert got.safe_to_wipe
        thumb = httpx.get(f"{server.base_url}/api/v1/photos/{shots[0].sha256}",
                          params={"size": "thumb"}, headers=district.devices[1].headers)
        assert thumb.status_code == 200 and thumb.content == shots[0].thumb
        again = asyncio.run(a.client(server.base_url).sync())
        assert again.completed and again.bytes_uploaded == 0 and again.pushed == 0
    engine = district.engine()
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(photos)).scalar() == 4
    engine.dispose()


def test_concurrent_edits_keep_both_values_and_phones_converge(
    district: District, phone_factory: Phones
) -> None:
    a = phone_factory("a", district.devices[0])
    b = phone_factory("b", district.devices[1])
    with running_server(district) as server:
        producer = a.store.create("producer", producer_fields(2))
        assert asyncio.run(a.client(server.base_url).sync()).completed
        assert asyncio.run(b.client(server.base_url).sync()).completed
        a.store.update("producer", producer["id"], {"phone": "0899999999"})
        time.sleep(0.01)  # B edits later: its clock wins (same millisecond: node id decides)
        b.store.update("producer", producer["id"], {"phone": "0866666666",
                                                    "notes": "ย้ายไปตลาดน้ำ"})
        assert asyncio.run(a.client(server.base_url).sync()).completed
        report_b = asyncio.run(b.client(server.base_url).sync())
        assert report_b.completed
        assert b.store.sync_state("producer", producer["id"]) == "conflict"
        assert asyncio.run(a.client(server.base_url).sync()).completed
        assert a.store.get("producer", producer["id"]) == b.store.get("producer", producer["id"])
        final = a.store.get("producer", producer["id"])
        assert final is not None
        assert final["phone"] == "0866666666" and final["notes"] == "ย้ายไปตลาดน้ำ"
    engine = district.engine()
    with engine.connect() as conn:
        rows = conn.execute(sa.select(conflicts.c.field, conflicts.c.kind,
                                      conflicts.c.losing_value, conflicts.c.winning_value)).all()
    engine.dispose()
    assert [(r.field, r.kind, r.losing_value, r.winning_value) for r in rows] == [
        ("phone", "hard", "0899999999", "0866666666")]


@pytest.mark.parametrize("offset_ms", [YEAR_MS, -YEAR_MS, "1970"])
def test_wrong_phone_clocks(district: District, phone_factory: Phones, offset_ms: object) -> None:
    def phone_now() -> int:
        if offset_ms == "1970":
            return 86_400_000 + (wall_clock_ms() % 1000)
        assert isinstance(offset_ms, int)
        return wall_clock_ms() + offset_ms

    good = phone_factory("good", district.devices[0])
    odd = phone_factory("odd", district.devices[1], now_ms=phone_now)
    with running_server(district) as server:
        producer = good.store.create("producer", producer_fields(3))
        assert asyncio.run(good.client(server.base_url).sync()).completed
        assert asyncio.run(odd.client(server.base_url).sync()).completed
        odd.store.update("producer", producer["id"], {"notes": "แก้จากเครื่องที่นาฬิกาผิด"})
        report = asyncio.run(odd.client(server.base_url).sync())
        assert report.completed, report.error_en
        assert report.statuses.get("applied") == 1
        if offset_ms == YEAR_MS:
            assert report.clock_resets == 1
        # A later edit on the good phone must win: the odd clock never wins every merge.
        good.store.update("producer", producer["id"], {"notes": "แก้ล่าสุดจากเครื่องปกติ"})
        assert asyncio.run(good.client(server.base_url).sync()).completed
        assert asyncio.run(odd.client(server.base_url).sync()).completed
        seen = odd.store.get("producer", producer["id"])
        assert seen is not None and seen["notes"] == "แก้ล่าสุดจากเครื่องปกติ"
    engine = district.engine()
    with engine.connect() as conn:
        clocks = conn.execute(sa.select(records.c.clocks)).scalar_one()
    engine.dispose()
    newest = max(Timestamp.decode(c).wall_ms for c in clocks.values())
    assert newest <= wall_clock_ms() + 60_000  # nothing stored from the future


def test_enrol_then_sync(district: District) -> None:
    engine = district.engine()
    with engine.begin() as conn:
        code = issue_enrolment_code(conn, district.devices[0].user_id)
    engine.dispose()
    with running_server(district) as server:
        enrolment = asyncio.run(enrol(server.base_url, code, "โทรศัพท์ของสมศรี"))
        assert enrolment.district["code"] == "2403" and enrolment.token
        with pytest.raises(Exception) as refused:
            asyncio.run(enrol(server.base_url, code, "อีกเครื่อง"))
        assert getattr(refused.value, "message_th", "")
