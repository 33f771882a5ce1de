"""Issue 14 items 3 and 5 in the reports, against the real server on SQLite and PostgreSQL:
group strength, participation, plan fiscal years and the network links in the XLSX (read
back with openpyxl) and CSV; the 5 ก and channels summary; budgets by fiscal year; the
partner API's links and agency-scoped plans."""

from __future__ import annotations

import csv
import io
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
from openpyxl import load_workbook

from schemas import code_label, field_label
from sync_server.db.tables import agencies
from sync_server.reports import strength
from sync_server.reports.fiscal import plan_fiscal_year
from sync_server.reports.partner_tokens import issue_partner_token

from .conftest import Seeded
from .test_pages import _client


def _get(seeded: Seeded, path: str, role: str = "supervisor") -> httpx.Response:
    response = httpx.get(seeded.url + path, headers=seeded.actors[role].headers, timeout=60)
    assert response.status_code == 200, response.text
    return response


def _sheet(wb: Any, title: str) -> list[dict[str, Any]]:
    # read-only openpyxl ends a row at its last filled cell (our writer omits empty ones)
    rows = list(wb[title].iter_rows(values_only=True))
    width = len(rows[0])
    return [dict(zip(rows[0], (*row, *[None] * (width - len(row))), strict=True))
            for row in rows[1:]]


def test_xlsx_carries_group_strength_participation_plans_and_links(seeded: Seeded) -> None:
    wb = load_workbook(io.BytesIO(_get(seeded, "/api/v1/exports/producers.xlsx").content),
                       read_only=True)
    producers = seeded.records("producer")
    scored = 0
    for row in _sheet(wb, "ผู้ผลิต"):
        p = producers[row["รหัสผู้ผลิต"]]
        for item in strength.ITEMS:
            header = f"5 ก: {field_label('producer', f'group_strength.{item}')}"
            assert row[header] == (p.get("group_strength") or {}).get(item)
        assert row["5 ก: คะแนนรวม (เต็ม 15)"] == (
            sum(p["group_strength"].values()) if "group_strength" in p else None)
        scored += "group_strength" in p
    assert scored >= 5

    visits = seeded.records("visit")
    present = 0
    for row in _sheet(wb, "การเยี่ยม"):
        v = visits[row["รหัสการเยี่ยม"]]
        assert row["สมาชิกที่ร่วมให้ข้อมูล (คน)"] == v.get("members_present")
        assert row["หน่วยงานภาคีที่ร่วมเยี่ยม"] == (", ".join(v.get("agencies_present") or [])
                                                 or None)
        present += bool(v.get("agencies_present"))
    assert present >= 2

    plans = seeded.records("plan_item")
    years: Counter[int] = Counter()
    for row in _sheet(wb, "แผนพัฒนา"):
        plan = plans[row["รหัสแผน"]]
        assert row["ปีงบประมาณ (พ.ศ.)"] == plan_fiscal_year(plan)
        assert row["แหล่งงบประมาณ"] == code_label("funding_source", plan["funding_source"])
        years[row["ปีงบประมาณ (พ.ศ.)"]] += 1
    assert set(years) == {2569, 2570}

    links = seeded.records("network_link")
    names = {pid: p["name_th"] for pid, p in producers.items()}
    sheet = _sheet(wb, "เครือข่าย")
    assert {r["รหัสเครือข่าย"] for r in sheet} == set(links) and len(links) >= 12
    for row in sheet:
        link = links[row["รหัสเครือข่าย"]]
        assert row["ผู้ผลิตต้นทาง"] == names[link["from_producer_id"]]
        assert row["ผู้ผลิตปลายทาง"] == names[link["to_producer_id"]]
        assert row["ลักษณะความเชื่อมโยง"] == code_label("link_kind", link["kind"])
    wb.close()

    rows = list(csv.DictReader(io.StringIO(
        _get(seeded, "/api/v1/exports/network_links.csv").content.decode("utf-8-sig"))))
    assert {r["รหัสเครือข่าย"] for r in rows} == set(links)


def test_summary_shows_group_strength_channels_and_budget_by_fiscal_year(
        seeded: Seeded) -> None:
    plans = seeded.records("plan_item")
    with _client(seeded, "supervisor") as client:
        for year in (2569, 2570):
            html = client.get(f"/reports?fy={year}").text
            expected = sum(i["budget_thb"] for i in plans.values()
                           if i["status"] != "cancelled" and plan_fiscal_year(i) == year)
            assert f"งบประมาณตามหน่วยงาน ปีงบประมาณ {year}" in html
            section = html.split('id="section-budget"')[1].split("</section>")[0]
            total = section.split("<tfoot>")[1]
            shown = float(total.split('class="num">')[1].split("<")[0].replace(",", ""))
            assert shown == round(expected, 2), year
        html = client.get("/reports").text
        assert "ความเข้มแข็งของกลุ่มตามหลัก 5 ก" in html and "กองทุน" in html
        assert 'id="section-channels"' in html and "ออนไลน์" in html
        bad = client.get("/reports?fy=69", headers={"accept": "application/json"})
        assert bad.status_code == 400 and "พ.ศ." in bad.json()["detail_th"]


@contextmanager
def _token(seeded: Seeded, agency_name: str) -> Iterator[dict[str, str]]:
    with seeded.server.engine.begin() as conn:
        issued = issue_partner_token(conn, district_code="2403", agency_name=agency_name,
                                     by=None)
    yield {"Authorization": f"Bearer {issued.token}"}


def _plans(seeded: Seeded, headers: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = ""
    while True:
        page = httpx.get(f"{seeded.url}/api/v1/partner/plans?limit=50{cursor}",
                         headers=headers, timeout=30).json()
        items += page["items"]
        if not page["next_cursor"]:
            return items
        cursor = f"&cursor={page['next_cursor']}"


def test_a_partner_token_sees_only_its_own_agencys_plans(seeded: Seeded) -> None:
    plans = seeded.records("plan_item")
    typed = "อุตสาหกรรมจังหวัดฉะเชิงเทรา"
    with _token(seeded, typed) as headers:
        seen = _plans(seeded, headers)
    assert seen and {p["id"] for p in seen} == {
        pid for pid, p in plans.items() if p["agency"] == typed}
    # Through the district's list: the entry's short name is what the phones typed.
    agency_id = uuid.uuid4().hex
    with seeded.server.engine.begin() as conn:
        conn.execute(agencies.insert().values(
            id=agency_id, district_code="2403", name_th="สำนักงานเกษตรอำเภอบางน้ำเปรี้ยว",
            short_name="เกษตรอำเภอบางน้ำเปรี้ยว", kind="government", active=True,
            created_at=datetime.now(UTC)))
    try:
        with _token(seeded, "สำนักงานเกษตรอำเภอบางน้ำเปรี้ยว") as headers:
            seen = _plans(seeded, headers)
        expected = {pid for pid, p in plans.items() if p["agency"] == "เกษตรอำเภอบางน้ำเปรี้ยว"}
        assert expected and {p["id"] for p in seen} == expected
        assert {p["agency"] for p in seen} == {"สำนักงานเกษตรอำเภอบางน้ำเปรี้ยว"}
        # A supervisor checking the API sees every agency's plans.
        everything = _plans(seeded, seeded.actors["supervisor"].headers)
        assert len(everything) == len(plans) > len(seen)
    finally:
        with seeded.server.engine.begin() as conn:
            conn.execute(agencies.delete().where(agencies.c.id == agency_id))


def test_partner_links_and_group_strength(seeded: Seeded) -> None:
    links = seeded.records("network_link")
    producers = seeded.records("producer")
    found = _get(seeded, "/api/v1/partner/links?limit=500", role="partner").json()["items"]
    assert {i["id"] for i in found} == set(links)
    for item in found:
        link = links[item["id"]]
        assert item["from_name_th"] == producers[link["from_producer_id"]]["name_th"]
        assert item["kind_th"] == code_label("link_kind", link["kind"])
    listed = _get(seeded, "/api/v1/partner/producers?limit=500", role="partner").json()
    for item in listed["items"]:
        strength_of = producers[item["id"]].get("group_strength")
        assert item.get("group_strength") == strength_of
        assert item.get("group_strength_total") == (
            sum(strength_of.values()) if strength_of else None)
