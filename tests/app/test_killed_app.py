"""journeys.md: "The phone rings halfway through; the app is killed; the draft is all there
when it reopens." The app process is killed (SIGKILL, no goodbye) in the middle of a visit,
started again on the same data folder, and the draft is on the home screen and in the store.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from fieldapp.store import open_store
from tests.app.seed import producer_name, seed
from tests.support.browser import (
    OutsideGuard,
    app_server,
    launch_chromium,
    open_app,
    shot,
    type_into,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]
PROBLEM = "วัตถุดิบปลาสลิดขาดช่วงหน้าแล้ง"


def test_a_killed_app_keeps_the_visit_draft(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    folder = tmp_path / "phone"
    settings = seed(folder, 3)
    name = producer_name(1)
    guard = OutsideGuard()
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            with app_server(folder) as app:
                page = open_app(browser, app.url + "/producers", guard)
                page.get_by_text(name).first.click()
                page.get_by_role("button", name="เริ่มการเยี่ยม").first.click()
                page.get_by_role("radio", name="ติดตามผล", exact=True).first.click()
                page.get_by_role("button", name="ถัดไป").first.click()
                type_into(page, "รายละเอียดปัญหา", PROBLEM)
                time.sleep(0.5)  # the change event reaches the app; no save button exists
                assert app.process is not None
                app.process.send_signal(signal.SIGKILL)  # the phone rings
                app.process.wait(timeout=10)
                page.context.close()

            with app_server(folder) as app:
                page = open_app(browser, app.url, guard)
                page.get_by_text("การเยี่ยมวันนี้").first.wait_for(timeout=20_000)
                page.get_by_text(name).first.wait_for(timeout=20_000)
                page.get_by_text("ร่าง").first.wait_for(timeout=20_000)
                shot(page, "30-home-after-kill")
                page.get_by_text(name).first.click()
                page.get_by_text("ขั้นที่ 1 จาก 5").first.wait_for(timeout=20_000)
                checked = page.get_by_role("radio", name="ติดตามผล", exact=True).first
                assert checked.get_attribute("aria-checked") == "true"
                shot(page, "31-visit-reopened")
                page.get_by_role("button", name="กลับ").first.click()
                page.get_by_role("tab", name="ส่งข้อมูล").first.click()
                page.get_by_text("การเยี่ยมฉบับร่าง 1 รายการ จะส่งเมื่อปิดการเยี่ยมแล้ว").first.wait_for(
                    timeout=20_000
                )
                shot(page, "32-sync-drafts-wait")
        finally:
            browser.close()
    guard.assert_clean()

    store = open_store(folder / "store", settings.device_id)
    try:
        [visit] = store.list("visit")
        assert visit["purpose"] == "follow_up"
        assert visit["problems"] == PROBLEM
        assert visit["status"] == "draft"
    finally:
        store.close()
