"""POST /api/v1/devices/health on the real server: a phone's store-damage report is stored
once, malformed or unauthorised reports are RFC 9457 problems, and the office sees it on the
register page of its own district only."""

from __future__ import annotations

import uuid

import httpx
import pytest
import sqlalchemy as sa

from sync_server.db.tables import device_health_reports
from tests.server.world import World

URL = "/api/v1/devices/health"


def _report(**overrides: object) -> dict[str, object]:
    return {"report_id": uuid.uuid4().hex, "kind": "store_damage", "entries_lost": 3,
            "count_exact": True, "damaged_bytes": 4096,
            "detected_at": "2026-12-05T08:15:00Z", "app_version": "0.1.0", **overrides}


def _rows(world: World, report_id: str) -> list[sa.Row]:
    with world.server.engine.connect() as conn:
        return list(conn.execute(sa.select(device_health_reports).where(
            device_health_reports.c.report_id == report_id)))


def test_a_report_is_stored_once_for_the_device(world: World) -> None:
    officer = world.own["officer"]
    body = _report()
    first = httpx.post(world.base_url + URL, json=body, headers=officer.headers)
    assert first.status_code == 201, first.text
    assert first.json() == {"status": "stored", "report_id": body["report_id"]}
    again = httpx.post(world.base_url + URL, json=body, headers=officer.headers)
    assert again.status_code == 200
    assert again.json()["status"] == "already_had"
    rows = _rows(world, str(body["report_id"]))
    assert len(rows) == 1
    row = rows[0]
    assert (row.device_id, row.district_code, row.entries_lost, row.count_exact,
            row.app_version) == (officer.device_id, officer.district_code, 3, True, "0.1.0")


@pytest.mark.parametrize("bad", [
    {"entries_lost": -1},
    {"entries_lost": "3"},
    {"kind": "battery"},
    {"detected_at": "2026-12-05T08:15:00"},  # no time zone
    {"report_id": "../../etc"},
    {"app_version": "1.0<script>"},
    {"extra": 1},
])
def test_a_malformed_report_is_a_problem_and_nothing_is_stored(world: World,
                                                               bad: dict[str, object]) -> None:
    body = _report(**bad)
    answer = httpx.post(world.base_url + URL, json=body, headers=world.own["officer"].headers)
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["title_th"] and problem["detail"]
    if isinstance(body["report_id"], str):
        assert _rows(world, body["report_id"]) == []


def test_only_a_phone_with_a_writer_token_may_report(world: World) -> None:
    body = _report()
    anonymous = httpx.post(world.base_url + URL, json=body)
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"].startswith("application/problem+json")
    partner = httpx.post(world.base_url + URL, json=body, headers=world.own["partner"].headers)
    assert partner.status_code == 403
    revoked = httpx.post(world.base_url + URL, json=body, headers=world.revoked.headers)
    assert revoked.status_code == 401
    office = httpx.post(world.base_url + URL, json=body,
                        headers=world.sessions[("own", "supervisor")].headers)
    assert office.status_code == 401  # an office web session is not a phone
    assert _rows(world, str(body["report_id"])) == []


def test_the_office_sees_damaged_phones_of_its_own_district_only(world: World) -> None:
    own, other = world.own["officer"], world.other["officer"]
    httpx.post(world.base_url + URL, json=_report(entries_lost=1234, count_exact=False),
               headers=own.headers).raise_for_status()
    httpx.post(world.base_url + URL, json=_report(entries_lost=987654),
               headers=other.headers).raise_for_status()
    page = httpx.get(world.base_url + "/producers",
                     headers=world.sessions[("own", "supervisor")].headers)
    assert page.status_code == 200
    assert "เครื่องที่แจ้งว่าข้อมูลในเครื่องเสียหาย" in page.text
    assert "อย่างน้อย 1,234" in page.text
    assert "987,654" not in page.text
    english = httpx.get(world.base_url + "/producers",
                        headers={**world.sessions[("own", "supervisor")].headers,
                                 "Cookie": world.sessions[("own", "supervisor")].headers[
                                     "Cookie"] + "; lang=en"})
    assert "Phones that reported damaged data" in english.text
    assert "at least 1,234" in english.text
