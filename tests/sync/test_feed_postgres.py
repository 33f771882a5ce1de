"""The change feed never skips a change, also with concurrent writers on PostgreSQL.

Writers push through the real merge (`apply_push_batch`) in their own transactions, each
holding its transaction open a little after taking its feed position, so commits land out
of order in time. A reader pages the feed with `seq > cursor` all the while. A feed with a
plain sequence would let the reader pass a position whose transaction commits later; ours
allocates positions under the district's counter row lock, held to commit.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from recordsync.hlc import HybridLogicalClock, Timestamp, wall_clock_ms
from sync_server.db.tables import records
from sync_server.sync.pull import pull_page
from sync_server.sync.push import PushContext, apply_push_batch
from tests.support.pg import throwaway_database
from tests.sync.harness import DISTRICT, make_district

WRITERS = 6
BATCHES = 25


def change(device: str, record_id: str, n: int) -> dict:
    clock = Timestamp(wall_clock_ms(), n, device).encode()
    return {"change_id": uuid.uuid4().hex, "record_type": "producer", "record_id": record_id,
            "device_id": device, "fields": {"name_th": f"ร้านที่ {n}", "members_count": n},
            "clocks": {"name_th": clock, "members_count": clock},
            "base_clocks": {}, "deleted": False, "schema_version": 1}


@pytest.mark.postgres
def test_feed_skips_nothing_with_concurrent_writers(tmp_path: Path) -> None:
    with throwaway_database() as url:
        district = make_district(tmp_path / "server", url, phones=WRITERS)
        engine = district.engine()
        ids = [uuid.uuid4().hex for _ in range(40)]
        stop = threading.Event()
        errors: list[BaseException] = []
        seen: dict[str, int] = {}

        def write(device_id: str, user_id: str, seed: int) -> None:
            rng = random.Random(seed)
            clock = HybridLogicalClock("server")
            ctx = PushContext(DISTRICT, device_id, user_id)
            try:
                for n in range(BATCHES):
                    batch = [change(device_id, rng.choice(ids), n * 10 + i) for i in range(3)]
                    with engine.begin() as conn:
                        apply_push_batch(conn, ctx, batch, clock=clock)
                        time.sleep(rng.uniform(0, 0.01))  # hold the transaction open
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        def read() -> None:
            cursor = 0
            try:
                while True:
                    done = stop.is_set()
                    with engine.connect() as conn:
                        page = pull_page(conn, DISTRICT, cursor, 7)
                    for record in page.records:
                        assert record["seq"] > cursor
                        seen[record["id"]] = record["seq"]
                    cursor = page.next_cursor
                    if done and not page.more:
                        return
            except BaseException as exc:  # pragma: no cover
                errors.append(exc)

        reader = threading.Thread(target=read)
        writers = [threading.Thread(target=write, args=(d.device_id, d.user_id, i))
                   for i, d in enumerate(district.devices)]
        reader.start()
        for thread in writers:
            thread.start()
        for thread in writers:
            thread.join()
        stop.set()
        reader.join()
        assert not errors, errors
        with engine.connect() as conn:
            final = dict(conn.execute(sa.select(records.c.id, records.c.seq)).all())
        engine.dispose()
        # The reader saw every record at its final feed position: nothing skipped.
        assert seen == final
        assert set(final) <= set(ids) and len(final) > len(ids) // 2


@pytest.mark.postgres
def test_phones_sync_through_a_server_on_postgres(tmp_path: Path) -> None:
    import asyncio

    from tests.sync.harness import running_server
    from tests.sync.phones import make_phone, producer_fields

    with throwaway_database() as url:
        district = make_district(tmp_path / "server", url, phones=2)
        a = make_phone(tmp_path / "a", district.devices[0])
        b = make_phone(tmp_path / "b", district.devices[1])
        try:
            producer = a.store.create("producer", producer_fields(1))
            a.take_photo(producer["id"], seed=9)
            with running_server(district) as server:
                first = asyncio.run(a.client(server.base_url).sync())
                assert first.completed and first.photos_uploaded == 1, first.error_en
                assert asyncio.run(b.client(server.base_url).sync()).pulled == 2
                a.store.update("producer", producer["id"], {"phone": "0811111111"})
                b.store.update("producer", producer["id"], {"phone": "0822222222"})
                for phone in (a, b, a):
                    assert asyncio.run(phone.client(server.base_url).sync()).completed
            assert a.store.get("producer", producer["id"]) == \
                b.store.get("producer", producer["id"])
        finally:
            a.store.close()
            b.store.close()
