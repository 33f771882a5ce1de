"""Sync under load, against servers started as the README starts them (not timed).

- 150 pushes at once to ONE worker on SQLite with default settings: each ends 200, or 503
  with Retry-After and then 200 on retry; never a 500 or a timeout; every change stored
  exactly once. Before the district writer (sync_server/sync/writer.py) this hung: pushes
  took the write lock in the auth dependency on a pool thread, and past ~40 at once the
  one holding the lock waited for a thread that never came.
- SQLite as the README starts it (one process per core), and PostgreSQL with two server
  processes with `--workers 2` each on one database: the same, and a reader paging the
  feed all along sees every record at its final position (gap-free, commit-ordered).
- A tiny queue: the real phone client meets 503 + Retry-After, waits at least that long
  (capped by its policy) and finishes.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from fieldapp.sync import RetryPolicy, SyncClient
from recordsync.hlc import HybridLogicalClock
from sync_server.db.tables import change_log, records
from tests.support.server import Actor, ServerProcess, create_actors
from tests.sync.harness import Device
from tests.sync.phones import make_phone, producer_fields


def _phones(server: ServerProcess, count: int) -> list[Actor]:
    return [create_actors(server.engine, roles=("officer",))["officer"]
            for _ in range(count)]


def _body(actor: Actor, size: int, n: int) -> tuple[bytes, list[str]]:
    clock = HybridLogicalClock(actor.device_id)
    changes: list[dict[str, Any]] = []
    for i in range(size):
        stamp = clock.now().encode()
        fields = {**producer_fields(n * 1000 + i), "notes": "ผลิตภัณฑ์ ✓ " * 5}
        changes.append({"change_id": uuid.uuid4().hex, "record_type": "producer",
                        "record_id": uuid.uuid4().hex, "device_id": actor.device_id,
                        "fields": fields, "clocks": dict.fromkeys(fields, stamp),
                        "base_clocks": dict.fromkeys(fields), "deleted": False,
                        "schema_version": 1})
    body = gzip.compress(json.dumps({"changes": changes}, ensure_ascii=False).encode())
    return body, [c["change_id"] for c in changes]


async def _push_all(urls: list[str], phones: list[Actor], size: int
                    ) -> tuple[list[int], list[str]]:
    """Every phone pushes one batch at once; 503s are retried after Retry-After. Returns
    every status met and every change id sent."""
    statuses: list[int] = []
    sent: list[str] = []
    start = asyncio.Event()

    async def one(i: int, actor: Actor) -> None:
        body, ids = _body(actor, size, i)
        sent.extend(ids)
        headers = {**actor.headers, "Content-Encoding": "gzip",
                   "Content-Type": "application/json"}
        async with httpx.AsyncClient(base_url=urls[i % len(urls)], timeout=120) as http:
            await start.wait()
            while True:
                answer = await http.post("/api/v1/sync/push", content=body, headers=headers)
                statuses.append(answer.status_code)
                if answer.status_code != 503:
                    break
                assert answer.headers["content-type"] == "application/problem+json"
                assert answer.json()["code"] == "server_busy"
                await asyncio.sleep(min(float(answer.headers["retry-after"]), 2.0))
            assert answer.status_code == 200, answer.text
            results = answer.json()["results"]
            assert [r["change_id"] for r in results] == ids
            assert {r["status"] for r in results} == {"applied"}, results[:2]

    tasks = [asyncio.create_task(one(i, a)) for i, a in enumerate(phones)]
    await asyncio.sleep(0.5)  # every client connected and waiting
    start.set()
    await asyncio.gather(*tasks)
    return statuses, sent


def _stored_once(server: ServerProcess, sent: list[str]) -> None:
    with server.engine.connect() as conn:
        logged = conn.execute(sa.select(change_log.c.change_id)).scalars().all()
        stored = conn.execute(sa.select(sa.func.count()).select_from(records)).scalar_one()
        seqs = conn.execute(sa.select(records.c.seq)).scalars().all()
    assert sorted(logged) == sorted(sent)  # every change once, nothing else
    assert stored == len(sent)
    assert sorted(seqs) == list(range(1, len(sent) + 1))  # the feed has no gap


def test_pulls_are_answered_while_pushes_wait_for_admission(
        server_factory: Callable[..., ServerProcess]) -> None:
    """120 pushes at once to one worker, 10 phones pulling all along: every pull is
    answered (200, feed in order), and pulls were answered while pushes still waited for
    admission (the access log's `push_waiting`): a pull does not queue behind push
    decoding. Before bounded admission every push was decoded on arrival and a pull waited
    for all of them."""
    server = server_factory()
    phones = _phones(server, 120)
    pullers = _phones(server, 10)
    pull_statuses: list[int] = []

    async def run() -> tuple[list[int], list[str]]:
        pushing = asyncio.create_task(_push_all([server.base_url], phones, 20))

        async def pull(actor: Actor) -> None:
            cursor = 0
            async with httpx.AsyncClient(base_url=server.base_url, timeout=120) as http:
                while not pushing.done():
                    page = await http.get("/api/v1/sync/pull",
                                          params={"since": cursor, "limit": 50},
                                          headers=actor.headers)
                    pull_statuses.append(page.status_code)
                    assert page.status_code == 200, page.text
                    body = page.json()
                    assert all(r["seq"] > cursor for r in body["records"])
                    cursor = int(body["next"])

        await asyncio.gather(*(pull(a) for a in pullers))
        return await pushing

    statuses, sent = asyncio.run(run())
    assert statuses.count(200) == 120 and set(statuses) <= {200, 503}
    _stored_once(server, sent)
    lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
    pulls = [e for e in lines if e.get("path") == "/api/v1/sync/pull"]
    assert len(pulls) == len(pull_statuses) and set(pull_statuses) == {200}
    assert all("push_waiting" in e for e in pulls)
    overtaken = [e["push_waiting"] for e in pulls if e["push_waiting"] > 0]
    assert overtaken, "no pull was answered while pushes waited for admission"


def test_150_pushes_at_once_on_one_sqlite_worker(
        server_factory: Callable[..., ServerProcess]) -> None:
    server = server_factory()  # `serve --workers 1`: one process, default settings
    phones = _phones(server, 150)
    statuses, sent = asyncio.run(_push_all([server.base_url], phones, 20))
    assert set(statuses) <= {200, 503}, statuses
    assert statuses.count(200) == 150
    _stored_once(server, sent)
    assert "Traceback" not in server.log()


@pytest.mark.postgres
def test_pushes_across_processes_and_workers_on_postgres(
        server_factory: Callable[..., ServerProcess]) -> None:
    first = server_factory(database="postgresql", workers=2)
    second = server_factory(database_url=first.database_url, workers=2,
                            data_dir=first.data_dir / "second")
    phones = _phones(first, 80)
    statuses, sent = _push_while_reading(first, [first.base_url, second.base_url], phones)
    assert set(statuses) <= {200, 503} and statuses.count(200) == 80
    _stored_once(first, sent)


def test_150_pushes_at_once_on_sqlite_as_the_readme_starts_it(
        server_factory: Callable[..., ServerProcess]) -> None:
    """No --workers, as the README's run command: one process per core (two here), each
    with its own district writer on one SQLite file (taking turns through the writers'
    file lock). Every push ends 200 (or 503 then 200), every change is stored once, and a
    reader paging the feed all along skips nothing."""
    server = server_factory(workers=None)
    assert "worker process" in server.log()
    phones = _phones(server, 150)
    statuses, sent = _push_while_reading(server, [server.base_url], phones)
    assert set(statuses) <= {200, 503}, statuses
    assert statuses.count(200) == 150
    _stored_once(server, sent)
    assert "Traceback" not in server.log()


def _push_while_reading(server: ServerProcess, urls: list[str], phones: list[Actor]
                        ) -> tuple[list[int], list[str]]:
    """`_push_all` while a reader pages the feed (from the last url) the whole time; checks
    the reader saw every record at its final position (gap-free, commit-ordered)."""
    reader = create_actors(server.engine, roles=("officer",))["officer"]
    seen: dict[str, int] = {}
    stop = threading.Event()
    errors: list[BaseException] = []

    def read() -> None:
        cursor = 0
        try:
            with httpx.Client(timeout=60) as http:
                while True:
                    done = stop.is_set()
                    page = http.get(f"{urls[-1]}/api/v1/sync/pull",
                                    params={"since": cursor, "limit": 97},
                                    headers=reader.headers)
                    assert page.status_code == 200, page.text
                    body = page.json()
                    for record in body["records"]:
                        assert record["seq"] > cursor
                        seen[record["id"]] = record["seq"]
                    cursor = int(body["next"])
                    if done and not body["more"]:
                        return
        except BaseException as exc:  # reported below
            errors.append(exc)

    thread = threading.Thread(target=read)
    thread.start()
    try:
        statuses, sent = asyncio.run(_push_all(urls, phones, 20))
    finally:
        stop.set()
        thread.join()
    assert not errors, errors
    with server.engine.connect() as conn:
        final = dict(conn.execute(sa.select(records.c.id, records.c.seq)).all())
    assert seen == final  # the reader skipped nothing
    return statuses, sent


def test_a_full_queue_answers_503_and_the_phone_waits_and_finishes(
        server_factory: Callable[..., ServerProcess], tmp_path: Path) -> None:
    server = server_factory(env={"TAMBON_PUSH_QUEUE_CHANGES": "30"})
    actors = _phones(server, 12)
    phones = [make_phone(tmp_path / f"p{i}", Device(a.device_id, a.token, a.user_id))
              for i, a in enumerate(actors)]
    made: list[str] = []
    for n, phone in enumerate(phones):
        for i in range(30):
            made.append(phone.store.create("producer", producer_fields(n * 100 + i))["id"])
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(seconds)

    async def sync_all() -> list[Any]:
        clients = [SyncClient(p.store, p.photos, server.base_url, p.device.token,
                              policy=RetryPolicy(max_attempts=60, base_s=0.01, cap_s=2.0),
                              sleep=sleep, batch_size=10) for p in phones]
        return list(await asyncio.gather(*(c.sync() for c in clients)))

    try:
        reports = asyncio.run(sync_all())
    finally:
        for phone in phones:
            phone.store.close()
    assert all(r.completed for r in reports), [r.error_en for r in reports]
    statuses = [json.loads(line).get("status") for line in server.log().splitlines()
                if '"path": "/api/v1/sync/push"' in line]
    assert 503 in statuses and 500 not in statuses
    # Retry-After was at least 1 s: the client waited at least that long.
    assert any(w >= 1.0 for w in waits)
    with server.engine.connect() as conn:
        stored = conn.execute(sa.select(records.c.id)).scalars().all()
    assert sorted(stored) == sorted(made)
