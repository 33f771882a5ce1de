"""The partner-agency API through a real server: paging, filters, authorisation, the audit
trail, and no personal data in any response."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import httpx
import sqlalchemy as sa

from sync_server.db.tables import audit_log, records
from sync_server.reports.fiscal import THAILAND_TZ, fiscal_year_be, fiscal_year_bounds

from .conftest import Seeded

KINDS = ("producers", "products", "standards", "needs", "plans", "links")


def _personal_values(seeded: Seeded) -> list[str]:
    """Every ID number and phone in the database, in the ways they get written."""
    found: list[str] = []
    with seeded.server.engine.connect() as conn:
        for (data,) in conn.execute(sa.select(records.c.data)):
            found += re.findall(r"(?<!\d)\d{13}(?!\d)", str(data.get("id_number", "")))
            phone = data.get("phone")
            if isinstance(phone, str):
                found += [phone, f"{phone[:3]}-{phone[3:6]}-{phone[6:]}", "+66" + phone[1:]]
    assert len(found) > 30
    return found


def _all_pages(seeded: Seeded, kind: str, query: str = "", limit: int = 7,
               role: str = "partner") -> tuple[list[dict[str, Any]], list[httpx.Response]]:
    items: list[dict[str, Any]] = []
    responses: list[httpx.Response] = []
    cursor = None
    while True:
        params = f"limit={limit}" + (f"&{query}" if query else "")
        if cursor:
            params += f"&cursor={cursor}"
        response = httpx.get(f"{seeded.url}/api/v1/partner/{kind}?{params}",
                             headers=seeded.actors[role].headers, timeout=30)
        assert response.status_code == 200, response.text
        responses.append(response)
        body = response.json()
        assert len(body["items"]) <= limit
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items, responses
        assert len(responses) < 100


def test_no_response_carries_an_id_number_phone_or_house_number(seeded: Seeded) -> None:
    personal = _personal_values(seeded)
    house_numbers = {p["address"]["house_no"] for p in seeded.records("producer").values()
                     if "address" in p}
    for kind in KINDS:
        _, responses = _all_pages(seeded, kind)
        for response in responses:
            text = response.text
            assert not [v for v in personal if v in text], kind
            # Any 13-digit run is an FDA serial here, never a national ID.
            for run in re.findall(r"(?<!\d)\d{13}(?!\d)", text):
                assert run not in personal
            assert "house_no" not in text and "contact_person" not in text
            assert not any(f'"{h}"' in text for h in house_numbers)


def test_paging_returns_every_record_once(seeded: Seeded) -> None:
    producers, _ = _all_pages(seeded, "producers")
    assert sorted(p["id"] for p in producers) == sorted(seeded.records("producer"))
    products, _ = _all_pages(seeded, "products", limit=5)
    assert sorted(p["id"] for p in products) == sorted(seeded.records("product"))
    # A supervisor checking what partners see gets every agency's plans (a partner token
    # only its own agency's: test_knowledge_reports).
    plans, _ = _all_pages(seeded, "plans", limit=3, role="supervisor")
    assert sorted(p["id"] for p in plans) == sorted(seeded.records("plan_item"))
    standards, _ = _all_pages(seeded, "standards", limit=4)
    assert len(standards) == sum(len(p["certifications"])
                                 for p in seeded.records("product").values())
    first = producers[0]
    assert first["name_th"] and first["subdistrict_th"] and "categories" in first


def test_food_producers_without_an_fda_number_the_analysts_journey(seeded: Seeded) -> None:
    items, _ = _all_pages(seeded, "producers", "category=food&no_fda=true")
    products = seeded.records("product")
    expected = {
        p["producer_id"] for p in products.values()
        if p["category"] == "food"
        and not any(c["standard"] == "fda" and c.get("number") for c in p["certifications"])
    }
    assert expected and {i["id"] for i in items} == expected
    assert all("food" in i["categories"] for i in items)
    food, _ = _all_pages(seeded, "products", "category=food&no_fda=true")
    assert {p["producer_id"] for p in food} == expected
    assert all(not [c for c in p["certifications"] if c["standard"] == "fda"] for p in food)


def test_filters_on_needs_plans_and_expiring_standards(seeded: Seeded) -> None:
    needs, _ = _all_pages(seeded, "needs", "need=packaging")
    visits = seeded.records("visit")
    assert {n["visit_id"] for n in needs} == {
        vid for vid, v in visits.items() if "packaging" in v["needs"]}
    plans, _ = _all_pages(seeded, "plans", "status=done", role="supervisor")
    assert plans and all(p["status"] == "done" for p in plans)
    expiring, _ = _all_pages(seeded, "standards", "expiring=this_fiscal_year&standard=mpc")
    start, end = fiscal_year_bounds(fiscal_year_be(datetime.now(THAILAND_TZ).date()))
    expected = [c for p in seeded.records("product").values() for c in p["certifications"]
                if c["standard"] == "mpc" and start.isoformat() <= c["expires_on"]
                <= end.isoformat()]
    assert len(expiring) == len(expected)
    assert all(s["standard"] == "mpc" for s in expiring)
    assert all(start.isoformat() <= s["expires_on"] <= end.isoformat() for s in expiring)


def test_authorisation_and_errors(seeded: Seeded) -> None:
    url = f"{seeded.url}/api/v1/partner/producers"
    assert httpx.get(url).status_code == 401
    officer = httpx.get(url, headers=seeded.actors["officer"].headers)
    assert officer.status_code == 403 and officer.json()["title_th"]
    bad = httpx.get(url + "?category=rice", headers=seeded.actors["partner"].headers)
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["path"] == "category"
    assert bad.json()["detail_th"] and bad.json()["detail"]
    cursor = httpx.get(url + "?cursor=bm90LWEtY3Vyc29y",
                       headers=seeded.actors["partner"].headers)
    assert cursor.status_code == 400 and cursor.json()["errors"][0]["path"] == "cursor"
    limit = httpx.get(url + "?limit=100000", headers=seeded.actors["partner"].headers)
    assert limit.status_code == 400
    unknown = httpx.get(f"{seeded.url}/api/v1/partner/users",
                        headers=seeded.actors["partner"].headers)
    assert unknown.status_code == 404
    for method in (httpx.post, httpx.delete):
        assert method(url, headers=seeded.actors["partner"].headers).status_code == 405


def test_every_call_is_audited_with_the_agency(seeded: Seeded) -> None:
    partner = seeded.actors["partner"]

    def count() -> int:
        with seeded.server.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(audit_log).where(
                audit_log.c.device_id == partner.device_id,
                audit_log.c.action.like("partner_api.%"))).scalar_one())

    before = count()
    _, responses = _all_pages(seeded, "products", limit=10)
    assert count() == before + len(responses)
    with seeded.server.engine.connect() as conn:
        detail = conn.execute(sa.select(audit_log.c.detail).where(
            audit_log.c.device_id == partner.device_id).order_by(audit_log.c.id.desc())
        ).scalars().first()
    assert detail is not None
    assert detail["agency"] == "สำนักงานพาณิชย์จังหวัด"
