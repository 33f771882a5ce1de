"""The office's queries and writes on both databases: SQLite and PostgreSQL.

The register's filters use database-specific JSON SQL (json_each / jsonb_array_elements), so
the same cases run on each storage, like every other storage suite in the project.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync_server.accounts import create_district, create_user
from sync_server.auth import Principal
from sync_server.db.engine import make_engine, migrate
from sync_server.db.records import get_record, upsert_record
from sync_server.db.tables import producer_forwards
from sync_server.web.merge import merge_producers
from sync_server.web.register import RegisterFilters, search_producers
from sync_server.web.review import apply_review
from tests.support.pg import throwaway_database

TODAY = date(2026, 11, 25)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        made = make_engine(f"sqlite:///{tmp_path / 'office.sqlite3'}")
        migrate(made)
        yield made
        made.dispose()
        return
    with throwaway_database() as url:
        made = make_engine(url)
        migrate(made)
        yield made
        made.dispose()


def put(engine: Engine, record_type: str, data: dict[str, Any], record_id: str | None = None
        ) -> str:
    record_id = record_id or uuid.uuid4().hex
    with engine.begin() as conn:
        upsert_record(conn, district_code="2403", record_type=record_type, record_id=record_id,
                      data=data, clocks=dict.fromkeys(data, "1764000000000-00000-phone1"))
    return record_id


@pytest.fixture
def supervisor(engine: Engine) -> Principal:
    with engine.begin() as conn:
        create_district(conn, "2403")
        user_id = create_user(conn, district_code="2403", role="supervisor",
                              display_name="มาลี ศรีสุข")
    return Principal(user_id, None, "2403", "supervisor", "มาลี ศรีสุข")


def producer(engine: Engine, name: str, sub: str, **extra: Any) -> str:
    return put(engine, "producer", {"name_th": name, "address": {"subdistrict_code": sub},
                                    **extra})


def names(engine: Engine, **filters: Any) -> list[str]:
    with engine.connect() as conn:
        page = search_producers(conn, "2403", RegisterFilters(**filters), today=TODAY)
    assert page.total == len(page.rows)
    return [row.name_th for row in page.rows]


def test_register_filters(engine: Engine, supervisor: Principal) -> None:
    weave = producer(engine, "กลุ่มทอผ้าหมอนทอง", "240304", phone="0812345678")
    chili = producer(engine, "น้ำพริกแม่สมศรี", "240301")
    banana = producer(engine, "ขนมกล้วยโพรงอากาศ", "240310")
    put(engine, "product", {"producer_id": weave, "category": "textile", "opc_stars": 4,
                            "quadrant": "B", "certifications": [
                                {"standard": "mpc", "expires_on": (TODAY + timedelta(days=30))
                                 .isoformat()}]})
    put(engine, "product", {"producer_id": chili, "category": "food", "opc_stars": 3,
                            "certifications": [{"standard": "fda", "expires_on": "2030-01-01"}]})
    put(engine, "product", {"producer_id": banana, "category": "food",
                            "certifications": "not a list"})  # bad data must not break SQL
    put(engine, "visit", {"producer_id": banana, "status": "final", "needs": ["packaging"]})
    put(engine, "visit", {"producer_id": chili, "status": "final", "needs": ["budget"],
                          "review_status": "approved"})
    assert names(engine) == ["กลุ่มทอผ้าหมอนทอง", "ขนมกล้วยโพรงอากาศ", "น้ำพริกแม่สมศรี"]
    assert names(engine, q="0812345678") == ["กลุ่มทอผ้าหมอนทอง"]
    assert names(engine, q="แม่สมศรี") == ["น้ำพริกแม่สมศรี"]
    assert names(engine, q="100%_") == []  # LIKE wildcards are searched literally
    assert names(engine, subdistrict="240310") == ["ขนมกล้วยโพรงอากาศ"]
    assert names(engine, category="food") == ["ขนมกล้วยโพรงอากาศ", "น้ำพริกแม่สมศรี"]
    assert names(engine, stars=4) == ["กลุ่มทอผ้าหมอนทอง"]
    assert names(engine, quadrant="B") == ["กลุ่มทอผ้าหมอนทอง"]
    assert names(engine, standard="held") == ["กลุ่มทอผ้าหมอนทอง", "น้ำพริกแม่สมศรี"]
    assert names(engine, standard="expiring") == ["กลุ่มทอผ้าหมอนทอง"]
    assert names(engine, standard="none") == ["ขนมกล้วยโพรงอากาศ"]
    assert names(engine, need="packaging") == ["ขนมกล้วยโพรงอากาศ"]
    assert names(engine, review="approved") == ["น้ำพริกแม่สมศรี"]
    assert names(engine, review="waiting") == ["ขนมกล้วยโพรงอากาศ"]


def test_review_and_merge_write_server_versions(engine: Engine, supervisor: Principal) -> None:
    keep = producer(engine, "กลุ่มกะปิบางน้ำเปรี้ยว", "240301")
    drop = producer(engine, "กะปิบางน้ำเปรี้ยว", "240301", phone="0891112222")
    visit = put(engine, "visit", {"producer_id": drop, "status": "final"})
    with engine.begin() as conn:
        stored = get_record(conn, visit)
        assert stored is not None
        apply_review(conn, supervisor, stored, "approved", "ข้อมูลครบถ้วน")
    with engine.begin() as conn:
        result = merge_producers(conn, supervisor, keep, drop)
    assert result.filled == ("phone",)
    with engine.connect() as conn:
        moved = get_record(conn, visit)
        dropped = get_record(conn, drop)
        forward = conn.execute(sa.select(producer_forwards.c.new_id)).scalar()
    assert moved is not None and moved.data["producer_id"] == keep
    assert moved.data["review_status"] == "approved"
    assert dropped is not None and dropped.deleted and forward == keep
    assert names(engine) == ["กลุ่มกะปิบางน้ำเปรี้ยว"]


def test_merge_chains_and_remerges_keep_one_forward_per_old_id(
        engine: Engine, supervisor: Principal) -> None:
    a = producer(engine, "ไข่เค็มไชยา ก", "240301")
    b = producer(engine, "ไข่เค็มไชยา ข", "240301")
    c = producer(engine, "ไข่เค็มไชยา ค", "240301")
    with engine.begin() as conn:
        merge_producers(conn, supervisor, b, a)  # a -> b
    with engine.begin() as conn:
        merge_producers(conn, supervisor, c, b)  # b -> c, and a now forwards to c
    # A phone that never heard of the merge edits `a` after it was deleted: it comes back.
    with engine.begin() as conn:
        stored = get_record(conn, a)
        assert stored is not None
        upsert_record(conn, district_code="2403", record_type="producer", record_id=a,
                      data={**stored.data, "phone": "0812345678"},
                      clocks={**stored.clocks, "phone": "9999999999999-00000-phone1"})
    with engine.begin() as conn:
        merge_producers(conn, supervisor, c, a)  # merged again: the forward is replaced
    with engine.connect() as conn:
        forwards = dict(conn.execute(sa.select(producer_forwards.c.old_id,
                                               producer_forwards.c.new_id)).all())
    assert forwards == {a: c, b: c}
