"""Work done before the write lock (`push.speculate`) changes nothing that is stored or answered.

The district writer merges, validates and derives the columns of changes that may create a
record before it takes the district's write lock (sync_server/sync/writer.py). Property:
for any run of push groups (new records, edits of records created earlier in the same
group or in an earlier group, deletes, invalid values, two devices, stamps refused: another
device's, ten minutes ahead, a field without one), applying each group
with its speculations gives the same answers, the same stored rows (the JSON text too)
and the same change log as applying it without, on a real SQLite database.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from recordsync.hlc import HybridLogicalClock, wall_clock_ms
from sync_server.accounts import create_district
from sync_server.db.engine import make_engine, migrate
from sync_server.db.tables import change_log, records
from sync_server.sync.push import PushContext, apply_push_group, parse_changes, speculate
from sync_server.sync.routes import _validate

DISTRICT = "2403"
NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
COLUMNS = (records.c.id, records.c.record_type, records.c.subdistrict_code,
           records.c.producer_id, records.c.data, records.c.clocks, records.c.deleted,
           records.c.schema_version, records.c.seq, records.c.title, records.c.search_text,
           records.c.sort_key)


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Engine]]:
    made = []
    for name in ("with", "without"):
        path: Path = tmp_path_factory.mktemp("speculation") / f"{name}.sqlite3"
        engine = make_engine(f"sqlite:///{path}")
        migrate(engine)
        with engine.begin() as conn:
            create_district(conn, DISTRICT)
        made.append(engine)
    yield made[0], made[1]
    for engine in made:
        engine.dispose()


FIELD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "name_th": st.sampled_from(["กลุ่มแม่บ้านปลาสลิด", "วิสาหกิจชุมชนบ้านคลอง", "", "x" * 300]),
    "name_en": st.sampled_from(["Ban Khlong group", "Pla Salit"]),
    "producer_type": st.sampled_from(["community_enterprise", "individual", "not-a-type"]),
    "phone": st.sampled_from(["0812345678", "081-234-5678", "abc"]),
    "members_count": st.one_of(st.integers(-3, 80), st.just("many")),
    "address": st.sampled_from([
        {"moo": 3, "subdistrict_code": "240301", "district_code": DISTRICT,
         "province_code": "24"},
        {"moo": 5, "subdistrict_code": "240302", "district_code": DISTRICT,
         "province_code": "24"},
        {"moo": 1, "subdistrict_code": "999999", "district_code": DISTRICT,
         "province_code": "24"}]),
    "status": st.just("verified"),  # server-owned: ignored when a phone sends it
}

change_shape = st.tuples(
    st.integers(0, 3),  # which record of the example's pool
    st.sampled_from(["dev_a", "dev_b"]),
    st.dictionaries(st.sampled_from(sorted(FIELD_VALUES)), st.none(), min_size=1),
    st.booleans(),  # delete (rarely chosen below)
    st.integers(0, 9),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])
@given(data=st.data(), groups=st.lists(st.lists(st.lists(change_shape, min_size=1,
                                                             max_size=4),
                                                    min_size=1, max_size=3),
                                           min_size=1, max_size=3))
def test_speculations_change_no_answer_and_no_row(
        engines: tuple[Engine, Engine], data: st.DataObject,
        groups: list[list[list[tuple[int, str, dict[str, None], bool, int]]]]) -> None:
    pool = [uuid.uuid4().hex for _ in range(4)]
    device_clocks = {d: HybridLogicalClock(d) for d in ("dev_a", "dev_b")}
    server_clocks = (HybridLogicalClock("server"), HybridLogicalClock("server"))
    for group in groups:
        pushes_raw = []
        for push in group:
            device = push[0][1]
            changes = []
            for record, _device, names, delete, roll in push:
                fields = {name: data.draw(FIELD_VALUES[name], label=name) for name in names}
                stamp = device_clocks[device].now().encode()
                if roll == 9:  # a stamp of another device
                    stamp = HybridLogicalClock("dev_x").now().encode()
                elif roll == 8:  # a phone whose clock runs ten minutes ahead
                    stamp = HybridLogicalClock(
                        device, now_ms=lambda: wall_clock_ms() + 600_000).now().encode()
                deleted = delete and roll == 0
                clocks = dict.fromkeys(fields, stamp)
                if roll == 7 and len(fields) > 1:  # a field without its clock
                    del clocks[next(iter(fields))]
                if deleted:
                    clocks["_deleted"] = stamp
                changes.append({
                    "change_id": uuid.uuid4().hex, "record_type": "producer",
                    "record_id": pool[record], "device_id": device, "fields": fields,
                    "clocks": clocks, "base_clocks": dict.fromkeys(fields),
                    "deleted": deleted, "schema_version": 1})
            pushes_raw.append((PushContext(DISTRICT, device, None), changes))
        answers = []
        for engine, use, clock in zip(engines, (True, False), server_clocks, strict=True):
            pushes = [(ctx, parse_changes(ctx, raw)) for ctx, raw in pushes_raw]
            speculations = speculate(pushes, _validate, clock) if use else None
            with engine.begin() as conn:
                results = apply_push_group(conn, pushes, clock=clock, validate=_validate,
                                           now=NOW, speculations=speculations)
            answers.append([[r.to_json() for r in push] for push in results])
        assert answers[0] == answers[1]
    rows = []
    for engine in engines:
        with engine.connect() as conn:
            stored = [tuple(r) for r in conn.execute(
                sa.select(*COLUMNS).where(records.c.id.in_(pool)).order_by(records.c.id))]
            logged = [tuple(r) for r in conn.execute(
                sa.select(change_log.c.change_id, change_log.c.record_id,
                          change_log.c.payload, change_log.c.outcome, change_log.c.detail)
                .where(change_log.c.record_id.in_(pool)).order_by(change_log.c.id))]
            raw_text = [r[0] for r in conn.execute(
                sa.select(sa.cast(records.c.data, sa.Text)).where(records.c.id.in_(pool))
                .order_by(records.c.id))]
        rows.append((stored, logged, raw_text))
    assert rows[0] == rows[1]


def test_a_speculation_is_used_for_a_new_record(engines: tuple[Engine, Engine]) -> None:
    """The fast path is taken (else the property above would hold trivially): a new,
    valid producer is answered from its speculation, and the stored row has its columns."""
    engine = engines[0]
    device = HybridLogicalClock("dev_a")
    stamp = device.now().encode()
    fields = {"name_th": "กลุ่มทอผ้าบ้านใหม่", "producer_type": "community_enterprise"}
    ctx = PushContext(DISTRICT, "dev_a", None)
    change_id = uuid.uuid4().hex
    change: dict[str, Any] = {"change_id": change_id, "record_type": "producer",
              "record_id": uuid.uuid4().hex, "device_id": "dev_a", "fields": fields,
              "clocks": dict.fromkeys(fields, stamp), "base_clocks": {}, "deleted": False,
              "schema_version": 1}
    pushes = [(ctx, parse_changes(ctx, [change]))]
    speculations = speculate(pushes, _validate, HybridLogicalClock("server"))
    assert list(speculations) == [change_id]
    speculation = speculations[change_id]
    assert speculation.errors == [] and speculation.meta is not None
    assert speculation.meta.title == "กลุ่มทอผ้าบ้านใหม่"

    def no_validation(_type: str, _record: dict[str, Any]) -> list[dict[str, Any]]:
        raise AssertionError("validated again inside the transaction")

    with engine.begin() as conn:
        [[result]] = apply_push_group(conn, pushes, clock=HybridLogicalClock("server"),
                                      validate=no_validation, now=NOW,
                                      speculations=speculations)
    assert result.status == "applied"
    with engine.connect() as conn:
        row = conn.execute(sa.select(records.c.title, records.c.sort_key)
                           .where(records.c.id == change["record_id"])).one()
    assert row.title == "กลุ่มทอผ้าบ้านใหม่" and row.sort_key == speculation.meta.sort_key
