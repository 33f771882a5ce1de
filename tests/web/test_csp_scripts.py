"""The office pages keep to their own Content-Security-Policy: no inline scripts, no inline
event handlers, no inline styles (which the policy blocks), and the print buttons work
through the served script. Checked on the templates, on the pages the real server sends,
and by clicking "พิมพ์ (A4)" in a real Chromium."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from sync_server.web.templating import SECURITY_HEADERS, STATIC_DIR, TEMPLATE_DIR
from tests.support.browser import OutsideGuard, launch_chromium
from tests.web.conftest import Office, producer, put, signed_in
from tests.web.test_browser import sign_in

INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|<[^>]*\sstyle\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def inline_code(html: str) -> list[str]:
    """Everything in `html` that the office's CSP would block."""
    found: list[str] = []
    for pattern in (INLINE_HANDLER, INLINE_SCRIPT, INLINE_STYLE, JS_URL):
        found.extend(match.group(0)[:120] for match in pattern.finditer(html))
    return found


def test_the_scanner_sees_what_the_policy_blocks() -> None:
    assert inline_code('<button onclick="window.print()">x</button>')
    assert inline_code("<script>alert(1)</script>")
    assert inline_code('<p style="color:red">')
    assert inline_code('<a href="javascript:void(0)">')
    assert not inline_code('<script src="/static/js/office.js" defer></script>')
    assert not inline_code('<button data-print class="secondary">พิมพ์</button>')


def test_policy_allows_no_inline_code() -> None:
    policy = SECURITY_HEADERS["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.parametrize("template", sorted(
    str(p.relative_to(TEMPLATE_DIR)) for p in TEMPLATE_DIR.rglob("*.html")))
def test_no_template_has_inline_code(template: str) -> None:
    assert inline_code((TEMPLATE_DIR / template).read_text(encoding="utf-8")) == []


def test_print_buttons_are_bound_by_the_served_script() -> None:
    script = (STATIC_DIR / "js" / "office.js").read_text(encoding="utf-8")
    assert "[data-print]" in script and "window.print()" in script
    buttons = [p for p in TEMPLATE_DIR.rglob("*.html") if 'data-print' in p.read_text("utf-8")]
    assert len(buttons) >= 3  # summary, map, network


def test_served_pages_have_no_inline_code(office: Office) -> None:
    tag = uuid.uuid4().hex[:6]
    pid = producer(office.engine, f"กลุ่มทดสอบ CSP {tag}", phone="0812345678")
    visit = put(office.engine, "visit", {"producer_id": pid, "status": "final",
                                         "needs": ["packaging"]})
    client = signed_in(office, "malee")
    pages = ["/producers", f"/producers/{pid}", "/review", f"/review/{visit}", "/conflicts",
             "/duplicates", "/reports", "/reports/map", "/reports/network",
             "/reports/partner-tokens", "/login"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        assert inline_code(response.text) == [], path
    script = client.get("/static/js/office.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]


@pytest.mark.browser
def test_print_button_prints_under_the_csp(office: Office) -> None:
    from playwright.sync_api import sync_playwright

    guard = OutsideGuard()
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900},
                                          locale="th-TH", base_url=office.base_url)
            context.route("**/*", guard.handle)
            page: Any = context.new_page()
            blocked: list[str] = []
            page.on("console", lambda msg: blocked.append(msg.text)
                    if "Content Security Policy" in msg.text else None)
            sign_in(page, office, "malee")
            for path in ("/reports", "/reports/map", "/reports/network"):
                page.goto(path)
                page.wait_for_load_state("networkidle")
                # The hook: count calls instead of opening the print dialog (the block
                # ends in a number: Playwright would call a function it evaluates to).
                page.evaluate("window.__printed = 0; "
                              "window.print = function () { window.__printed += 1; }; 0")
                page.get_by_role("button", name="พิมพ์ (A4)").click()
                assert page.evaluate("window.__printed") == 1, path
            assert blocked == []
        finally:
            browser.close()
    guard.assert_clean()


def test_static_dir_holds_the_script() -> None:
    assert isinstance(STATIC_DIR, Path) and (STATIC_DIR / "js" / "office.js").is_file()
