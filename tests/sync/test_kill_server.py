"""Kill the server process in the middle of pushes, before and after the commit."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from fieldapp.sync import RetryPolicy
from sync_server.db.tables import change_log, records
from tests.sync.harness import District, running_server
from tests.sync.phones import Phone, producer_fields

KILLS = 100
NO_RETRY = RetryPolicy(max_attempts=1)


@pytest.mark.slow
@pytest.mark.parametrize("point", ["before_commit", "after_commit"])
def test_killed_server_loses_and_doubles_nothing(
    district: District, phone_factory: Callable[..., Phone], point: str
) -> None:
    phone = phone_factory("phone", district.devices[0])
    rng = random.Random(point)
    created: list[str] = []
    kills = 0
    # Every worker SIGKILLs itself at the first push that reaches `point`; the pre-forking
    # runner replaces it at once (see forkserver.py).
    with running_server(district, env={"TAMBON_TEST_CRASH_POINT": f"{point}:1"},
                        workers=2, forking=True) as server:
        while kills < KILLS // 2:
            for _ in range(rng.randint(1, 3)):
                created.append(phone.store.create("producer", producer_fields(len(created)))["id"])
            if created[:-1] and rng.random() < 0.5:
                target = rng.choice(created[:-1])
                phone.store.update("producer", target, {"notes": f"แก้ครั้งที่ {len(created)}"})
            report = asyncio.run(phone.client(server.base_url, policy=NO_RETRY,
                                              batch_size=2, timeout_s=5).sync())
            if not report.completed:
                kills += 1  # the push in flight was cut by a worker's SIGKILL
    with running_server(district) as server:
        final = asyncio.run(phone.client(server.base_url).sync())
    assert final.completed and phone.store.pending_count() == 0
    engine = district.engine()
    with engine.connect() as conn:
        stored = {r.id: r.data for r in conn.execute(sa.select(records.c.id, records.c.data))}
        logged = conn.execute(sa.select(change_log.c.change_id)).scalars().all()
    engine.dispose()
    assert sorted(stored) == sorted(created)  # nothing lost, nothing extra
    for record_id in created:
        phone_copy = phone.store.get("producer", record_id)
        assert phone_copy is not None
        assert stored[record_id] == {k: v for k, v in phone_copy.items() if k != "id"}
    assert len(logged) == len(set(logged))
    assert kills >= KILLS // 2
