"""The summary, map and network pages in headless Chromium against a real server process.

Screenshots (and an A4 print of the summary) go to test-artifacts/reports/ for people to
look at; the assertions check what a reader would: charts drawn with Thai labels, numbers
beside them, points on the map, nodes in the network, nothing fetched from the internet.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sync_server.web.session import SESSION_COOKIE
from tests.support.browser import OutsideGuard, launch_chromium

from .conftest import Seeded
from .seed import web_session

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("seeded", ["sqlite"], indirect=True)]


def _page(browser: object, seeded: Seeded, role: str, guard: OutsideGuard,
          width: int = 1280) -> object:
    token = web_session(seeded.server.engine, seeded.actors[role].user_id)
    context = browser.new_context(viewport={"width": width, "height": 900},  # type: ignore[attr-defined]
                                  locale="th-TH")
    context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": seeded.url}])
    context.route("**/*", guard.handle)
    return context.new_page()


def test_reports_pages_render_in_chromium(seeded: Seeded) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    guard = OutsideGuard()
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = _page(browser, seeded, "supervisor", guard)
            page.goto(seeded.url + "/reports")  # type: ignore[attr-defined]
            page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
            charts = page.locator("figure.chart svg")  # type: ignore[attr-defined]
            assert charts.count() == 11  # with sales channels and 5 ก (issue 14)
            first = charts.first.bounding_box()
            assert first is not None and first["width"] > 300 and first["height"] > 100
            table = page.locator("#section-category table").inner_text()  # type: ignore[attr-defined]
            food = sum(1 for x in seeded.ds.products if x["category"] == "food")
            assert f"\nอาหาร\t{food}\n" in table
            # Thai text rendered with a Thai font, not tofu boxes: the label has real width.
            label = page.locator("#section-subdistrict svg g.bar text").first  # type: ignore[attr-defined]
            assert label.text_content() == "บางน้ำเปรี้ยว"
            assert label.bounding_box()["width"] > 40
            page.screenshot(path=str(ARTIFACTS / "summary.png"), full_page=True)  # type: ignore[attr-defined]

            page.emulate_media(media="print")  # type: ignore[attr-defined]
            assert not page.locator(".topbar").is_visible()  # type: ignore[attr-defined]
            assert not page.locator("form.filters").is_visible()  # type: ignore[attr-defined]
            pdf = page.pdf(format="A4", print_background=True)  # type: ignore[attr-defined]
            (ARTIFACTS / "summary-a4.pdf").write_bytes(pdf)
            pages = pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page>") + pdf.count(
                b"/Type /Page/")
            assert 1 <= pages <= 6, pages
            page.emulate_media(media="screen")  # type: ignore[attr-defined]

            page.goto(seeded.url + "/reports/map")  # type: ignore[attr-defined]
            points = page.locator("figure.map svg circle.point")  # type: ignore[attr-defined]
            assert points.count() == sum(1 for x in seeded.ds.producers if "gps" in x)
            assert page.locator("figure.map svg .scale-bar").is_visible()  # type: ignore[attr-defined]
            page.screenshot(path=str(ARTIFACTS / "map.png"), full_page=True)  # type: ignore[attr-defined]

            page.goto(seeded.url + "/reports/network")  # type: ignore[attr-defined]
            nodes = page.locator("figure.network svg g.node")  # type: ignore[attr-defined]
            assert nodes.count() == 13
            assert page.locator("table.links tbody tr").count() == len(seeded.ds.links)  # type: ignore[attr-defined]
            page.screenshot(path=str(ARTIFACTS / "network.png"), full_page=True)  # type: ignore[attr-defined]

            phone = _page(browser, seeded, "officer", guard, width=390)
            phone.goto(seeded.url + "/reports")  # type: ignore[attr-defined]
            assert phone.locator("figure.chart svg").count() == 11  # type: ignore[attr-defined]
            phone.screenshot(path=str(ARTIFACTS / "summary-phone.png"), full_page=True)  # type: ignore[attr-defined]
        finally:
            browser.close()
    guard.assert_clean()
