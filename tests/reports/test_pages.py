"""The reports pages and the partner-token page through a real server, signed in with a
real office session cookie."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import httpx
import sqlalchemy as sa

from sync_server.db.tables import audit_log, devices
from sync_server.web.session import SESSION_COOKIE

from .conftest import Seeded
from .seed import web_session

SVG = "{http://www.w3.org/2000/svg}"


def _client(seeded: Seeded, role: str) -> httpx.Client:
    token = web_session(seeded.server.engine, seeded.actors[role].user_id)
    return httpx.Client(base_url=seeded.url, cookies={SESSION_COOKIE: token}, timeout=30)


def _svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg .*?</svg>", html, flags=re.S)]


def test_summary_page_shows_every_chart_with_its_numbers(seeded: Seeded) -> None:
    with _client(seeded, "supervisor") as client:
        response = client.get("/reports")
    assert response.status_code == 200
    html = response.text
    assert "รายงานสรุปอำเภอ" in html and "ปีงบประมาณ" in html
    assert f"ผู้ผลิต {len(seeded.ds.producers)} ราย" in html  # the deleted one is not counted
    charts = _svgs(html)
    assert len(charts) == 11  # with sales channels and 5 ก (issue 14)
    titles = [c.findtext(f"{SVG}title") for c in charts]
    assert "ผู้ผลิตรายตำบล" in titles
    assert any((t or "").startswith("งบประมาณตามหน่วยงาน ปีงบประมาณ ") for t in titles)
    subdistrict_chart = charts[titles.index("ผู้ผลิตรายตำบล")]
    assert len(subdistrict_chart.findall(f".//{SVG}rect")) == 10
    assert "/api/v1/exports/producers.xlsx" in html and "CSV ผลิตภัณฑ์" in html
    assert "@page" in httpx.get(seeded.url + "/static/reports/reports.css").text


def test_filtered_summary_and_bad_filter(seeded: Seeded) -> None:
    with _client(seeded, "officer") as client:
        page = client.get("/reports?subdistrict=240301&category=food")
        assert page.status_code == 200
        assert "/api/v1/exports/producers.xlsx?subdistrict=240301&amp;category=food" in page.text
        assert "เฉพาะหัวหน้าเท่านั้นที่ส่งออกได้" in page.text  # officers: no personal columns
        bad = client.get("/reports?subdistrict=24", headers={"accept": "application/json"})
        assert bad.status_code == 400 and "6 หลัก" in bad.json()["detail_th"]


def test_map_and_network_pages(seeded: Seeded) -> None:
    with _client(seeded, "supervisor") as client:
        map_html = client.get("/reports/map").text
        network_html = client.get("/reports/network").text
    points = _svgs(map_html)[0].findall(f".//{SVG}circle")
    assert len(points) == sum(1 for p in seeded.ds.producers if "gps" in p)
    assert "บางน้ำเปรี้ยว" in map_html and "กม." in map_html
    network = _svgs(network_html)[0]
    assert len(network.findall(f".//{SVG}line[@class='link']")) == len(seeded.ds.links)
    first = seeded.ds.producers[0]["name_th"]
    assert first in network_html and "ขายร่วมกัน" in network_html


def test_partners_see_pages_with_rounded_points_and_no_export_links(seeded: Seeded) -> None:
    with _client(seeded, "partner") as client:
        summary = client.get("/reports")
        map_html = client.get("/reports/map").text
        tokens = client.get("/reports/partner-tokens", headers={"accept": "application/json"})
    assert summary.status_code == 200 and "/api/v1/exports/" not in summary.text
    assert "ปัดเศษ" in map_html
    assert tokens.status_code == 403


def test_supervisor_issues_a_token_that_works_once_shown_and_then_revokes_it(
        seeded: Seeded) -> None:
    with _client(seeded, "supervisor") as client:
        form = client.get("/reports/partner-tokens").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert csrf is not None
        issued = client.post("/reports/partner-tokens", data={
            "csrf_token": csrf.group(1), "action": "issue",
            "agency_name": "  สำนักงานอุตสาหกรรมจังหวัดฉะเชิงเทรา "})
        assert issued.status_code == 200
        token_match = re.search(r'data-testid="new-token">([^<]+)<', issued.text)
        assert token_match is not None
        token = token_match.group(1)
        headers = {"Authorization": f"Bearer {token}"}
        api = httpx.get(seeded.url + "/api/v1/partner/producers?limit=2", headers=headers)
        assert api.status_code == 200 and len(api.json()["items"]) == 2
        listing = client.get("/reports/partner-tokens").text
        assert token not in listing  # shown once only
        assert "สำนักงานอุตสาหกรรมจังหวัดฉะเชิงเทรา" in listing
        with seeded.server.engine.connect() as conn:
            device_id = conn.execute(sa.select(devices.c.id).where(
                devices.c.name == "API: สำนักงานอุตสาหกรรมจังหวัดฉะเชิงเทรา")).scalar_one()
            issued_audit = conn.execute(sa.select(sa.func.count()).select_from(audit_log).where(
                audit_log.c.action == "partner_token.issue",
                audit_log.c.target_id == device_id)).scalar_one()
        assert issued_audit == 1
        no_csrf = client.post("/reports/partner-tokens", data={
            "action": "revoke", "device_id": device_id})
        assert no_csrf.status_code == 403
        empty = client.post("/reports/partner-tokens", data={
            "csrf_token": csrf.group(1), "action": "issue", "agency_name": "   "})
        assert empty.status_code == 400 and "กรุณาระบุชื่อหน่วยงาน" in empty.text
        revoked = client.post("/reports/partner-tokens", data={
            "csrf_token": csrf.group(1), "action": "revoke", "device_id": device_id})
        assert revoked.status_code == 200 and "ยกเลิกโทเค็นแล้ว" in revoked.text
    after = httpx.get(seeded.url + "/api/v1/partner/producers", headers=headers)
    assert after.status_code == 401


def test_officers_cannot_issue_tokens(seeded: Seeded) -> None:
    with _client(seeded, "officer") as client:
        page = client.get("/reports/partner-tokens", headers={"accept": "application/json"})
    assert page.status_code == 403


def test_cli_issues_lists_and_revokes(seeded: Seeded) -> None:
    import subprocess
    import sys

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "sync_server.reports.partner_tokens",
                               *args], env=seeded.server.env, capture_output=True, text=True,
                              timeout=60)

    issued = run("issue", "--district", "2403", "--agency", "มหาวิทยาลัยราชภัฏราชนครินทร์")
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.split("แสดงครั้งเดียว): ")[1].strip()
    device_id = issued.stdout.split("device id: ")[1].split()[0]
    ok = httpx.get(seeded.url + "/api/v1/partner/plans?limit=1",
                   headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    assert "มหาวิทยาลัยราชภัฏราชนครินทร์" in run("list", "--district", "2403").stdout
    assert run("revoke", "--district", "2403", device_id).returncode == 0
    assert run("revoke", "--district", "2403", device_id).returncode == 1
    bad = run("issue", "--district", "2403", "--agency", " ")
    assert bad.returncode == 2 and "กรุณาระบุชื่อหน่วยงาน" in bad.stderr
    nowhere = run("issue", "--district", "9999", "--agency", "พาณิชย์จังหวัด")
    assert nowhere.returncode == 2 and "Traceback" not in nowhere.stderr
    assert "9999" in nowhere.stderr and "ยังไม่มีอำเภอ" in nowhere.stderr


def test_pages_speak_english_when_asked(seeded: Seeded) -> None:
    with _client(seeded, "supervisor") as client:
        client.cookies.set("lang", "en")
        html = client.get("/reports").text
        map_html = client.get("/reports/map").text
    assert "District summary" in html and "Producers by subdistrict" in html
    assert "Bang Nam Priao" in html and "Food" in html
    assert "CSV plan items" in html and "Bang Khanak" in map_html
