"""Through a real server: phone and ID numbers written into any text field, in any way, never
reach a partner agency, neither through the partner API nor through the report pages a
partner can open (map, network); the district office still sees them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from recordsync.hlc import HybridLogicalClock
from sync_server.db.records import upsert_record
from sync_server.demo_data import demo_id
from sync_server.reports.partner_api import KINDS
from sync_server.web.session import SESSION_COOKIE, start_session
from tests.support.server import Actor, ServerProcess, create_actors, start_server

# How officers wrote them (from the attack and beyond); each tail is unique in this world.
WRITTEN = {
    "name": "กลุ่มทอผ้า โทร 081 - 234 - 7391",
    "story": "สั่งซื้อได้ที่ (081)234-7392 ราคา 1,250 บาท",
    "problems": "บัตรประธาน ๑ ๒๓๔๕ ๖๗๘๙๐ ๑๒ ๗",
    "action": "ติดต่อ +66 81 234 7394 ภายใน 15/06/2568",
    "follow_up": "ผู้ประสาน 089/111/7395 — เลขนิติบุคคล 0-1055-61234-73-6",
    "cert": "มผช. โทร 02.123.7397",
    "notes": "ส่งของให้กัน โทร 089_111_7398",
}
TAILS = ("7391", "7392", "๗", "7394", "7395", "73-6", "7397", "7398")


def _digits_only(text: str) -> str:
    return "".join(str(unicodedata.digit(c)) for c in text if c.isdecimal())


World = tuple[ServerProcess, dict[str, Actor], dict[str, str]]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    server = start_server(Path(tmp_path_factory.mktemp("masking")))
    try:
        actors = create_actors(server.engine)
        clock = HybridLogicalClock("server")
        now = datetime.now(UTC)
        a, b = demo_id("mask:a"), demo_id("mask:b")
        rows: list[tuple[str, str, dict[str, Any]]] = [
            ("producer", a, {"producer_type": "community_group", "name_th": WRITTEN["name"],
                             "address": {"subdistrict_code": "240301", "moo": 3},
                             "gps": {"lat": 13.7301, "lon": 101.0102}}),
            ("producer", b, {"producer_type": "community_group", "name_th": "กลุ่มจักสาน",
                             "address": {"subdistrict_code": "240302"},
                             "gps": {"lat": 13.7402, "lon": 101.0203}}),
            ("product", demo_id("mask:p"), {
                "producer_id": a, "name_th": "ผ้าทอ", "category": "textile", "price_thb": 1250,
                "story": WRITTEN["story"],
                "certifications": [{"standard": "mpc", "number": WRITTEN["cert"]},
                                   {"standard": "fda", "number": "24-1-12345-2-0001"}]}),
            ("visit", demo_id("mask:v"), {"producer_id": a, "needs": ["packaging"],
                                          "started_at": "2025-06-01T09:00:00+07:00",
                                          "problems": WRITTEN["problems"]}),
            ("plan_item", demo_id("mask:i"), {"producer_id": a, "need": "packaging",
                                              "status": "planned", "action": WRITTEN["action"],
                                              "follow_up_notes": WRITTEN["follow_up"]}),
            ("network_link", demo_id("mask:l"), {"from_producer_id": a, "to_producer_id": b,
                                                 "kind": "co_selling",
                                                 "notes": WRITTEN["notes"]}),
        ]
        sessions = {}
        with server.engine.begin() as conn:
            for record_type, rid, data in rows:
                upsert_record(conn, district_code="2403", record_type=record_type,
                              record_id=rid, data=data,
                              clocks={k: clock.now().encode() for k in data}, now=now)
            for role in ("partner", "supervisor"):
                sessions[role] = start_session(conn, actors[role].user_id, now)
        yield server, actors, sessions
    finally:
        server.stop()


def _assert_no_personal_number(text: str) -> None:
    for tail in TAILS:
        assert tail not in text, tail
    digits = _digits_only(text)
    for secret in ("0812347391", "0812347392", "1234567890127", "812347394", "0891117395",
                   "0105561234736", "021237397", "0891117398"):
        assert secret not in digits, secret


def test_partner_api_masks_numbers_in_every_text_field(world: World) -> None:
    server, actors, _ = world
    seen = ""
    for kind in KINDS:  # every list, those added later too
        # A supervisor reads the partner API as partners see it, plans of every agency
        # included (a partner token sees its own agency's plans only).
        items = []
        for role in ("partner", "supervisor"):
            response = httpx.get(f"{server.base_url}/api/v1/partner/{kind}",
                                 headers=actors[role].headers, timeout=30)
            assert response.status_code == 200, response.text
            items += response.json()["items"]
            seen += response.text
        assert items, kind
    _assert_no_personal_number(seen)
    assert "•••" in seen and "ราคา 1,250 บาท" in seen and "15/06/2568" in seen
    assert "24-1-12345-2-0001" in seen  # an FDA number is public: printed on every label


@pytest.mark.parametrize("page", ["/reports/map", "/reports/network", "/reports"])
def test_report_pages_mask_numbers_for_partners_only(world: World, page: str) -> None:
    server, _, sessions = world
    partner = httpx.get(server.base_url + page, timeout=30,
                        cookies={SESSION_COOKIE: sessions["partner"]})
    assert partner.status_code == 200
    _assert_no_personal_number(partner.text)
    office = httpx.get(server.base_url + page, timeout=30,
                       cookies={SESSION_COOKIE: sessions["supervisor"]})
    assert office.status_code == 200
    if page != "/reports":
        assert re.search("7391|7398", office.text)  # the office sees what was written
