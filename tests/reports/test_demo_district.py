"""The reports on the demo district (`python -m sync_server demo`): schema-valid records
as the server's own seed writes them, through a real server process."""

from __future__ import annotations

import io
import json
import zipfile
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from openpyxl import load_workbook

from schemas import codes, validate_record
from sync_server.accounts import create_district
from sync_server.db.engine import make_engine, migrate
from sync_server.db.tables import feed_counters, records
from sync_server.demo import DEMO_USERS, seed_demo
from sync_server.demo_data import DEMO_DISTRICT, demo_agencies, demo_id, demo_records
from sync_server.migrations import alembic_config
from sync_server.reports import strength
from sync_server.reports.labels import code_label
from sync_server.reports.partner_tokens import issue_partner_token
from sync_server.web.agencies import AgencyIndex, list_agencies
from sync_server.web.session import SESSION_COOKIE, start_session
from tests.support.server import ServerProcess, server_factory  # noqa: F401 (fixture)


def test_every_report_and_export_works_on_the_demo_district(
        server_factory: Callable[..., ServerProcess]) -> None:  # noqa: F811
    server = server_factory()
    with server.engine.begin() as conn:
        users = seed_demo(conn)
        token = start_session(conn, users["supervisor"], datetime.now(UTC))
    with httpx.Client(base_url=server.base_url, cookies={SESSION_COOKIE: token},
                      timeout=60) as client:
        for path in ("/reports", "/reports/map", "/reports/network",
                     "/reports/partner-tokens", "/reports?category=food&no_fda=true"):
            response = client.get(path)
            assert response.status_code == 200, (path, response.text[:500])
            assert "<svg" in response.text or "partner-tokens" in path
        workbook = client.get("/api/v1/exports/producers.xlsx")
        assert workbook.status_code == 200
        wb = load_workbook(io.BytesIO(workbook.content), read_only=True)
        assert sum(1 for _ in wb["ผู้ผลิต"].iter_rows(min_row=2)) > 0
        for name in ("csv.zip", "photos.zip"):
            assert zipfile.ZipFile(io.BytesIO(
                client.get(f"/api/v1/exports/{name}").content)).testzip() is None
        assert client.get("/api/v1/exports/producers.geojson").json()["features"]
        for kind in ("producers", "products", "standards", "needs", "plans"):
            page = client.get(f"/api/v1/partner/{kind}")
            assert page.status_code == 200, page.text


GROUP_TYPES = {"community_group", "community_enterprise"}


def _stored(conn: Any) -> dict[str, list[dict[str, Any]]]:
    rows = conn.execute(sa.select(records.c.record_type, records.c.id, records.c.data).where(
        records.c.district_code == DEMO_DISTRICT, records.c.deleted.is_(False))
        .order_by(records.c.id)).all()
    out: dict[str, list[dict[str, Any]]] = {}
    for record_type, record_id, data in rows:
        fields = json.loads(data) if isinstance(data, str) else dict(data)
        out.setdefault(record_type, []).append({**fields, "id": record_id})
    return out


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_demo_district_holds_the_whole_knowledge_model_and_every_record_validates(
        server_factory: Callable[..., ServerProcess], database: str) -> None:  # noqa: F811
    server = server_factory(database)
    with server.engine.begin() as conn:
        users = seed_demo(conn)
        token = start_session(conn, users["supervisor"], datetime.now(UTC))
    with server.engine.connect() as conn:
        stored = _stored(conn)
        listed = list_agencies(conn, DEMO_DISTRICT)
        seq = conn.execute(sa.select(feed_counters.c.last_seq)).scalar()
    # Every stored record is valid as the server stores it (visits with their officer id).
    assert {t: len(rs) for t, rs in stored.items()} == Counter(t for t, _, _ in demo_records())
    for record_type, rows in stored.items():
        for data in rows:
            assert validate_record(record_type, data) == [], (record_type, data.get("id"))

    # The agency list: several real kinds, and every plan item names an entry of it.
    assert len(listed) >= 8
    assert {a.kind for a in listed} <= set(codes("agency_kind"))
    assert len({a.kind for a in listed}) >= 5
    assert all(a.short_name and a.active for a in listed)
    by_id = {a.id: a for a in listed}
    plans = stored["plan_item"]
    for item in plans:
        assert item["agency_id"] in by_id, item["action"]
        assert item["agency"] == by_id[item["agency_id"]].name_th
        assert item["funding_source"] in codes("funding_source")
    assert {item["fiscal_year_be"] for item in plans} == {2569, 2570}
    assert len({item["funding_source"] for item in plans}) >= 4
    assert {item["status"] for item in plans} == set(codes("plan_status"))
    assert len({item["agency_id"] for item in plans}) == len(listed)  # each one is used

    # 5 ก on every group; channels, packaging and stories on products.
    groups = [p for p in stored["producer"] if p["producer_type"] in GROUP_TYPES]
    assert groups and all(set(p["group_strength"]) == set(strength.ITEMS) for p in groups)
    products = stored["product"]
    assert all(p.get("sales_channels") for p in products)
    assert {c for p in products for c in p["sales_channels"]} == set(codes("sales_channel"))
    assert sum("packaging" in p for p in products) >= len(products) - 2
    assert sum("story" in p for p in products) >= len(products) // 2
    assert all(p.get("monthly_capacity") for p in products)

    # Participation on every visit; links of every kind.
    for visit in stored["visit"]:
        assert visit["members_present"] > 0 and visit["agencies_present"], visit["id"]
    assert {link["kind"] for link in stored["network_link"]} == set(codes("link_kind"))

    # Running it again changes nothing: no record, no feed position, no agency.
    with server.engine.begin() as conn:
        assert seed_demo(conn) == users
    with server.engine.connect() as conn:
        assert _stored(conn) == stored
        assert list_agencies(conn, DEMO_DISTRICT) == listed
        assert conn.execute(sa.select(feed_counters.c.last_seq)).scalar() == seq

    # The office pages show it.
    with httpx.Client(base_url=server.base_url, cookies={SESSION_COOKIE: token},
                      timeout=60) as client:
        page = client.get("/agencies").text
        assert all(a.name_th in page for a in listed)
        summary = client.get("/reports?fy=2570").text
        assert "มหาวิทยาลัยราชภัฏราชนครินทร์" in summary  # a bar of the 2570 budget chart
        assert "หลัก 5 ก" in summary and "ช่องทางจำหน่าย" in summary
        last_year = client.get("/reports?fy=2569").text
        assert "ปีงบประมาณ 2569" in last_year
        assert "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร" not in last_year  # cancelled: no bar
        assert "สำนักงานพาณิชย์จังหวัดฉะเชิงเทรา" in last_year
        network = client.get("/reports/network").text
        for kind in codes("link_kind"):
            assert code_label("link_kind", kind, "th") in network
        mango = demo_id("producer:mango")
        producer = client.get(f"/producers/{mango}").text
        assert "สำนักงานสาธารณสุขจังหวัดฉะเชิงเทรา" in producer
        review = client.get(f"/review/{demo_id('visit:visit_mango')}").text
        assert "มหาวิทยาลัยราชภัฏราชนครินทร์" in review and ">15<" in review

    # The demo's partner (provincial commerce) gets its own agency's plan items by token.
    partner_agency = next(name for user, *_, name in DEMO_USERS if user == "partner")
    with server.engine.begin() as conn:
        issued = issue_partner_token(conn, district_code=DEMO_DISTRICT,
                                     agency_name=str(partner_agency), by=None)
    assert issued.user_id == users["partner"]
    own = {p["id"] for p in plans if p["agency"] == partner_agency}
    assert len(own) >= 2
    seen = httpx.get(f"{server.base_url}/api/v1/partner/plans", timeout=60,
                     headers={"Authorization": f"Bearer {issued.token}"}).json()["items"]
    assert {p["id"] for p in seen} == own


def test_the_demo_keeps_the_agency_entries_the_0003_migration_made_from_an_older_demo(
        tmp_path: Path) -> None:
    """A district seeded by the demo before the agency list existed: 0003 made entries
    (random ids) from the plan items' typed names; the new demo adds the rest of its list
    and its plan items resolve to those entries by name instead of failing on the unique
    name or listing an agency twice."""
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    before = ScriptDirectory.from_config(alembic_config()).get_revision(
        "0003_agencies_plans").down_revision
    migrate(engine, str(before))  # the schema before the agency list
    producer_id, old_item = demo_id("producer:mango"), demo_id("plan_item:plan_mango_label")
    producer = dict(next(f for t, i, f in demo_records() if i == producer_id))
    typed = {"producer_id": producer_id, "need": "packaging", "status": "planned",
             "action": "ออกแบบฉลากและบรรจุภัณฑ์ใหม่", "agency": "มหาวิทยาลัยราชภัฏราชนครินทร์"}
    with engine.begin() as conn:
        create_district(conn, DEMO_DISTRICT)
        for seq, (record_id, record_type, data) in enumerate(
                ((producer_id, "producer", producer), (old_item, "plan_item", typed)), 1):
            # Rows of that older schema (today's writer also fills columns added later).
            conn.execute(sa.text(
                "INSERT INTO records (id, record_type, district_code, producer_id, data, "
                "clocks, deleted, schema_version, seq, title, created_at, updated_at) "
                "VALUES (:id, :type, :district, :pid, :data, :clocks, false, 1, :seq, "
                ":title, :at, :at)"),
                {"id": record_id, "type": record_type, "district": DEMO_DISTRICT,
                 "pid": producer_id, "seq": seq, "title": data.get("name_th"),
                 "data": json.dumps(data, ensure_ascii=False),
                 "clocks": json.dumps(dict.fromkeys(data, "0000000000001-00000-server")),
                 "at": "2026-11-25 00:00:00+00:00"})
    migrate(engine)
    with engine.begin() as conn:
        [made] = list_agencies(conn, DEMO_DISTRICT)
        seed_demo(conn)
        seed_demo(conn)
        listed = list_agencies(conn, DEMO_DISTRICT)
        stored = _stored(conn)
    engine.dispose()
    assert made in listed and made.id != demo_id("agency:rru")
    assert sorted(a.name_th for a in listed) == sorted(a["name_th"] for a in demo_agencies())
    index = AgencyIndex(listed)
    for item in stored["plan_item"]:
        assert index.resolve(item) is not None, item["action"]
        if item["agency"] == made.name_th:
            assert index.resolve(item) == made
    assert next(i for i in stored["plan_item"] if i["id"] == old_item) == {**typed,
                                                                           "id": old_item}
