"""A phone whose store file was damaged: home and settings say what could not be read and
what to do, in the words of the device store's damage report (390×844, real Chromium)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from fieldapp.settings import load_settings
from tests.app.seed import seed
from tests.support.browser import (
    OutsideGuard,
    app_server,
    launch_chromium,
    open_app,
    shot,
    unnamed_controls,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


def test_home_and_settings_report_a_damaged_store(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    folder = tmp_path / "phone"
    seed(folder, 60)
    journal = folder / load_settings(folder).store_folder / "records.journal"
    data = bytearray(journal.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 24] = b"\xff" * 24  # a bad block in the middle of the file
    journal.write_bytes(bytes(data))

    guard = OutsideGuard()
    with app_server(folder) as app, sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = open_app(browser, app.url, guard)
            page.get_by_text("ข้อมูลในเครื่องเสียหายบางส่วน").first.wait_for(timeout=30_000)
            page.get_by_text("กรุณาซิงค์ข้อมูล").first.wait_for()
            shot(page, "40-home-store-damage")
            assert unnamed_controls(page) == []
            page.get_by_role("tab", name="ตั้งค่า").click()
            time.sleep(0.4)
            page.get_by_text("ข้อมูลในเครื่องเสียหายบางส่วน").first.wait_for(timeout=20_000)
            page.mouse.move(195, 500)
            page.mouse.wheel(0, 600)
            shot(page, "41-settings-store-damage")
        finally:
            browser.close()
    guard.assert_clean()
