"""Three phones editing, deleting, pushing and pulling through a flaky network, in any order
(hypothesis stateful testing, the real app in-process over httpx's ASGITransport).

Messages are dropped (request lost, or answer lost after the server acted), duplicated, and
old pushes replayed late. At the end every phone syncs on a clean link: all replicas must be
identical to the server, and every edit must either be the final value, have been seen by a
later edit (its base), or be kept as the losing side of a conflict.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from fieldapp.store import DeviceStore
from recordsync.merge import DELETED_KEY, is_deleted
from sync_server.app import create_app
from sync_server.db.tables import conflicts, records
from tests.sync.harness import make_district
from tests.sync.phones import Phone, make_phone

FAULTS = ("none", "drop_request", "drop_response", "duplicate")
NOTES = ("ขายดีช่วงสงกรานต์", "ต้องการฉลากใหม่", "วัตถุดิบขาดช่วงหน้าฝน", "")


class FlakyTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.plan: list[str] = []
        self.pushes: list[tuple[dict[str, str], bytes]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        fault = self.plan.pop(0) if self.plan else "none"
        body = await request.aread()
        if request.url.path.endswith("/sync/push"):
            self.pushes.append((dict(request.headers), body))
        if fault == "drop_request":
            raise httpx.ConnectError("signal lost", request=request)
        response = await self._forward(request, body)
        if fault == "duplicate":
            response = await self._forward(request, body)
        if fault == "drop_response":
            raise httpx.ReadError("signal lost before the answer", request=request)
        return response

    async def _forward(self, request: httpx.Request, body: bytes) -> httpx.Response:
        copy = httpx.Request(request.method, request.url, headers=request.headers, content=body)
        response = await self.inner.handle_async_request(copy)
        # The bytes as sent (a gzip pull page stays gzip for the client to inflate).
        content = b"".join([chunk async for chunk in response.aiter_raw()])
        return httpx.Response(response.status_code, headers=response.headers, content=content,
                              request=request)


class ThreePhones(RuleBasedStateMachine):
    @initialize()
    def setup(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="tambon-stateful-"))
        self.district = make_district(self.tmp / "server")
        self.app = create_app(self.district.settings)
        self.transport = FlakyTransport(httpx.ASGITransport(app=self.app))
        self.phones: list[Phone] = [make_phone(self.tmp / f"p{i}", d)
                                    for i, d in enumerate(self.district.devices)]
        # (record id, field, clock of the edit, base clock the editor saw)
        self.edits: list[tuple[str, str, str, str | None]] = []
        self.bases: set[tuple[str, str, str | None]] = set()
        self.n = 0

    def teardown(self) -> None:
        if not hasattr(self, "phones"):
            return
        try:
            self.check_convergence()
        finally:
            for phone in self.phones:
                phone.store.close()
            self.district.engine().dispose()
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- helpers ----------------------------------------------------------------------------
    def sync(self, phone: Phone, fault: str = "none") -> Any:
        self.transport.plan = [fault]
        client = phone.client("http://test", transport=self.transport)
        return asyncio.run(client.sync())

    def live_ids(self, store: DeviceStore) -> list[str]:
        return sorted(r["id"] for r in store.list("producer"))

    def remember(self, store: DeviceStore, record_id: str, before: dict[str, str],
                 fields: list[str]) -> None:
        after = store.clocks("producer", record_id)
        for name in fields:
            self.edits.append((record_id, name, after[name], before.get(name)))
            self.bases.add((record_id, name, before.get(name)))

    # -- rules ------------------------------------------------------------------------------
    @rule(who=st.integers(0, 2))
    def create(self, who: int) -> None:
        store = self.phones[who].store
        self.n += 1
        record = store.create("producer", {"name_th": f"กลุ่มทอผ้าบ้านดอนเกาะกา {self.n}",
                                           "producer_type": "community_group"})
        self.remember(store, record["id"], {}, ["name_th", "producer_type", "schema_version"])

    @rule(who=st.integers(0, 2), pick=st.integers(0, 50), field=st.sampled_from(
        ["notes", "members_count", "name_th"]), value=st.integers(0, 3))
    def edit(self, who: int, pick: int, field: str, value: int) -> None:
        store = self.phones[who].store
        ids = self.live_ids(store)
        if not ids:
            return
        record_id = ids[pick % len(ids)]
        new = {"notes": NOTES[value], "members_count": value + 5,
               "name_th": f"กลุ่มจักสาน {value}"}[field]
        before = store.clocks("producer", record_id)
        current = store.get("producer", record_id)
        if current is not None and current.get(field) == new:
            return
        store.update("producer", record_id, {field: new})
        self.remember(store, record_id, before, [field])

    @rule(who=st.integers(0, 2), pick=st.integers(0, 50))
    def delete(self, who: int, pick: int) -> None:
        store = self.phones[who].store
        ids = self.live_ids(store)
        if ids:
            record_id = ids[pick % len(ids)]
            before = store.clocks("producer", record_id)
            store.delete("producer", record_id)
            self.remember(store, record_id, before, [DELETED_KEY])

    @rule(who=st.integers(0, 2), fault=st.sampled_from(FAULTS))
    def sync_phone(self, who: int, fault: str) -> None:
        self.sync(self.phones[who], fault)

    @rule(pick=st.integers(0, 1000))
    def replay_old_push(self, pick: int) -> None:
        if not self.transport.pushes:
            return
        headers, body = self.transport.pushes[pick % len(self.transport.pushes)]

        async def send() -> None:
            async with httpx.AsyncClient(transport=self.transport.inner,
                                         base_url="http://test") as http:
                answer = await http.post("/api/v1/sync/push", content=body, headers={
                    k: v for k, v in headers.items() if k.lower() not in ("content-length",)})
                assert answer.status_code == 200, answer.text

        asyncio.run(send())

    # -- the end ----------------------------------------------------------------------------
    def check_convergence(self) -> None:
        for _ in range(2):
            for phone in self.phones:
                report = self.sync(phone)
                assert report.completed, report.error_en
        engine = self.district.engine()
        with engine.connect() as conn:
            server = {r.id: (r.data, r.clocks) for r in conn.execute(
                sa.select(records.c.id, records.c.data, records.c.clocks))}
            losing = {(r.record_id, r.field, r.losing_clock) for r in conn.execute(
                sa.select(conflicts.c.record_id, conflicts.c.field, conflicts.c.losing_clock))}
        engine.dispose()
        for phone in self.phones:
            assert phone.store.pending_count() == 0
            mine = {}
            for record_id in server:
                record = phone.store.get("producer", record_id, include_deleted=True)
                assert record is not None
                mine[record_id] = ({k: v for k, v in record.items()
                                    if k not in ("id", "_deleted")},
                                   phone.store.clocks("producer", record_id))
            assert mine == server
        deleted_conflicts = {rid for rid, name, _c in losing if name == DELETED_KEY}
        for record_id, name, clock, _base in self.edits:
            final = server[record_id][1].get(name)
            if name == DELETED_KEY and (is_deleted(server[record_id][1])
                                        or record_id in deleted_conflicts):
                continue  # a delete is kept if the record is deleted, or its loss recorded
            assert (final == clock or (record_id, name, clock) in losing
                    or (record_id, name, clock) in self.bases), (record_id, name, clock)


ThreePhones.TestCase.settings = settings(
    max_examples=40, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
test_three_phones_converge = ThreePhones.TestCase
