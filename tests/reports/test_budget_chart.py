"""The budget chart on /reports names agencies by their short names, and its fiscal-year
chooser is a compact control, on the demo district through a real server (and Chromium).

Regressions: the chart drew full agency names, cut with "…" at the label column; the
`?fy=` chooser stretched to the page's full width; the A4 print ran past the page edge.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from html import unescape
from typing import Any

import httpx
import pytest

from sync_server.demo import seed_demo
from sync_server.demo_data import DEMO_DISTRICT
from sync_server.reports.charts import Bar, bar_chart, text_width
from sync_server.reports.summary import summarise
from sync_server.web.agencies import list_agencies
from sync_server.web.session import SESSION_COOKIE, start_session
from tests.support.browser import OutsideGuard, launch_chromium
from tests.support.server import ServerProcess, server_factory  # noqa: F401 (fixture)

SVG = "{http://www.w3.org/2000/svg}"
FONT_PX = 13  # bar_chart's default, which the page uses


def _demo(server_factory: Callable[..., ServerProcess]  # noqa: F811
          ) -> tuple[ServerProcess, str, dict[str, str]]:
    """A server with the demo district; returns it, a supervisor session, full -> short."""
    server = server_factory()
    with server.engine.begin() as conn:
        users = seed_demo(conn)
        token = start_session(conn, users["supervisor"], datetime.now(UTC))
        shorts = {a.name_th: a.short_name or a.name_th
                  for a in list_agencies(conn, DEMO_DISTRICT)}
    return server, token, shorts


def _budget(html: str) -> tuple[ET.Element, str]:
    section = html.split('id="section-budget"', 1)[1].split("</section>", 1)[0]
    svg = re.search(r"<svg.*?</svg>", section, re.S)
    assert svg, section
    return ET.fromstring(svg[0]), section


def test_budget_chart_draws_short_names_uncut_with_full_names_in_tooltip_and_table(
        server_factory: Callable[..., ServerProcess]) -> None:  # noqa: F811
    server, token, shorts = _demo(server_factory)
    with httpx.Client(base_url=server.base_url, cookies={SESSION_COOKIE: token},
                      timeout=30) as client:
        for fy in ("", "?fy=2569"):
            root, section = _budget(client.get("/reports" + fy).text)
            bars = root.findall(f"{SVG}g")
            assert len(bars) >= 2, section
            table = [unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(
                r"<tr><td>(.*?)</td>", section, re.S)]
            for bar, row in zip(bars, table, strict=True):
                label = bar.find(f"{SVG}text")
                assert label is not None and label.text
                full = (bar.findtext(f"{SVG}title") or "").rsplit(": ", 1)[0]
                assert full in shorts, full  # every demo plan item names a listed agency
                assert label.text == shorts[full]
                assert row.startswith(full)  # the table keeps the full name first
                if shorts[full] != full:
                    assert f"({shorts[full]})" in row
                # Not cut: no ellipsis, and it fits the label column as the chart measures.
                rect = bar.find(f"{SVG}rect")
                assert rect is not None
                label_w = float(rect.get("x", "0"))
                assert "…" not in label.text
                assert text_width(label.text, FONT_PX) <= label_w - 8 + 0.05  # x is to 0.1 px
            assert any(shorts[f] != f for f in shorts)  # the demo has short names to use


def test_an_agency_without_a_short_name_is_drawn_by_its_full_name() -> None:
    listed = "สำนักงานพัฒนาชุมชนอำเภอ"  # short enough to fit uncut
    typed = "ร้านค้าประชารัฐ"
    items = [{"agency_id": "a1", "agency": listed, "fiscal_year_be": 2570, "budget_thb": 9000},
             {"agency": typed, "fiscal_year_be": 2570, "budget_thb": 100},
             {"agency_id": "a2", "agency": "ธนาคารออมสิน สาขาบางน้ำเปรี้ยว",
              "fiscal_year_be": 2570, "budget_thb": 50}]
    keys = {listed: "a1", "ธนาคารออมสิน สาขาบางน้ำเปรี้ยว": "a2"}

    def agency_of(item: Mapping[str, Any]) -> tuple[str, str]:
        name = str(item["agency"])
        return keys.get(name, f"name:{name}"), name

    summary = summarise(producers=[], products=[], visits=[], plan_items=items,
                        today=date(2026, 12, 1), budget_year_be=2570, agency_of=agency_of,
                        agency_short_names={"a2": "ออมสิน"})
    rows = summary.section("budget").rows
    assert [(r.label_th, r.short) for r in rows] == [
        (listed, ""), (typed, ""), ("ธนาคารออมสิน สาขาบางน้ำเปรี้ยว", "ออมสิน")]
    root = ET.fromstring(bar_chart([Bar(r.short or r.label_th, r.value, full=r.label_th)
                                    for r in rows], title="งบ"))
    labels = [g.findtext(f"{SVG}text") for g in root.findall(f"{SVG}g")]
    tips = [g.findtext(f"{SVG}title") for g in root.findall(f"{SVG}g")]
    assert labels == [listed, typed, "ออมสิน"]
    assert tips == [f"{listed}: 9,000", f"{typed}: 100", "ธนาคารออมสิน สาขาบางน้ำเปรี้ยว: 50"]


@pytest.mark.browser
def test_fiscal_year_chooser_is_compact_on_screen_and_phone_and_off_the_a4_page(
        server_factory: Callable[..., ServerProcess]) -> None:  # noqa: F811
    from playwright.sync_api import sync_playwright

    server, token, _ = _demo(server_factory)
    raw = httpx.get(server.base_url + "/reports", cookies={SESSION_COOKIE: token}, timeout=30)
    csp = raw.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    form = raw.text.split('id="budget-year"', 1)[1].split("</form>", 1)[0]
    assert not re.search(r"\son[a-z]+=|\sstyle=", form)  # nothing the CSP would block
    guard = OutsideGuard()
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            for width in (1280, 390):
                context = browser.new_context(viewport={"width": width, "height": 900},
                                              locale="th-TH")
                context.add_cookies([{"name": SESSION_COOKIE, "value": token,
                                      "url": server.base_url}])
                context.route("**/*", guard.handle)
                page = context.new_page()
                page.goto(server.base_url + "/reports")
                select = page.locator("#budget-fy").bounding_box()
                label = page.locator("label[for=budget-fy]").bounding_box()
                button = page.locator("#budget-year button").bounding_box()
                assert select and label and button
                assert select["width"] < 160, select  # a year, not the page's width
                for box in (label, button):  # one row: label, year, button
                    assert abs((box["y"] + box["height"] / 2)
                               - (select["y"] + select["height"] / 2)) < 12, (box, select)
                assert button["x"] + button["width"] <= width
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                # It works without script: choose a year and show it.
                page.select_option("#budget-fy", "2569")
                page.click("#budget-year button")
                page.wait_for_url("**fy=2569**")
                assert "ปีงบประมาณ 2569" in page.locator("#h-budget").inner_text()
                page.screenshot(path=f"test-artifacts/reports/budget-fy-{width}.png",
                                full_page=False)
                if width == 1280:
                    page.emulate_media(media="print")
                    page.set_viewport_size({"width": 703, "height": 1000})  # A4, 12 mm margins
                    assert not page.locator("#budget-year").is_visible()
                    assert "ปีงบประมาณ 2569" in page.locator("#h-budget").inner_text()
                    assert page.evaluate("document.documentElement.scrollWidth") <= 703
                context.close()
        finally:
            browser.close()
    guard.assert_clean()
