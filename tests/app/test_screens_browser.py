"""The screens with a full phone's worth of data, in real headless Chromium, with no server:
500 producers listed, searched by Thai name and filtered; a conflict shown with both values;
the English switch; the same app on a tablet-sized window. Screenshots go to
test-artifacts/screens/."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

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
    unnamed_controls,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


def see(page: Any, text: str, timeout: float = 20_000) -> None:
    page.get_by_text(text).first.wait_for(timeout=timeout)


def tap(page: Any, name: str, role: str = "button", exact: bool = False) -> None:
    page.get_by_role(role, name=name, exact=exact).first.click()
    time.sleep(0.4)


def add_conflict(folder: Path, device_id: str) -> str:
    """What a sync leaves when a colleague changed the same phone number last week."""
    store = open_store(folder / "store", device_id)
    try:
        producer = store.list("producer")[0]
        store.mark_conflict(
            producer["id"],
            [
                {
                    "field": "phone",
                    "kind": "hard",
                    "winning_value": "0899990000",
                    "winning_clock": "1763431200000-00001-officer2phone",
                    "losing_value": "0811112222",
                    "losing_clock": f"1764036000000-00000-{device_id}",
                }
            ],
        )
        return str(producer["name_th"])
    finally:
        store.close()


def test_500_producers_search_filter_conflict_and_english(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    folder = tmp_path / "phone"
    settings = seed(folder, 500, extra_records=1)  # one product, on producer 0
    add_conflict(folder, settings.device_id)
    guard = OutsideGuard()
    with app_server(folder) as app, sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = open_app(browser, app.url, guard)
            see(page, "หน้าหลัก")
            see(page, "ผู้ผลิต 500 ราย")
            see(page, "รอส่ง 501 รายการ")
            see(page, "ข้อมูลขัดกัน 1 รายการ")  # the same conflict the sync screen lists
            shot(page, "20-home-500")
            assert unnamed_controls(page) == []

            tap(page, "ผู้ผลิต", role="tab")
            see(page, "พบ 500 ราย")
            # sorted by Thai name; only the rows on screen are built (lazy list)
            see(page, sorted(producer_name(i) for i in range(500))[0])
            shot(page, "21-producers-500")
            assert unnamed_controls(page) == []

            # every term must match (schemas.textfold): "ปลาสลิดบ้านที่" and "43" — names 43
            # and 435, and 344 whose phone 0800000343 holds "43"
            type_into(page, "ค้นหาชื่อผู้ผลิต", "ปลาสลิดบ้านที่ 43")
            see(page, "พบ 3 ราย")
            see(page, producer_name(42))
            shot(page, "22-producers-search")

            # a development-plan item for this producer, agreed on the visit
            page.get_by_text(producer_name(42)).first.click()
            see(page, "เพิ่มรายการแผนพัฒนา")
            tap(page, "เพิ่มรายการแผนพัฒนา")
            tap(page, "ความต้องการ *")
            page.get_by_text("บรรจุภัณฑ์", exact=True).first.click()
            type_into(page, "กิจกรรม/สิ่งที่จะทำ", "ออกแบบฉลากใหม่ให้มีเลข อย.")
            shot(page, "22b-plan-item")
            assert unnamed_controls(page) == []
            tap(page, "บันทึก", exact=True)
            see(page, "ออกแบบฉลากใหม่ให้มีเลข อย.")
            see(page, "วางแผนแล้ว")
            shot(page, "22c-producer-with-plan")
            assert unnamed_controls(page) == []
            tap(page, "กลับ")
            # finding 7: phone numbers however written, Thai digits, no tone marks
            for query in ("+66 80 000 0042", "๐๘๐๐๐๐๐๐๔๒", "080-000-0042"):
                type_into(page, "ค้นหาชื่อผู้ผลิต", query)
                see(page, "พบ 1 ราย")
                see(page, producer_name(42))
            shot(page, "22d-producers-search-phone")
            type_into(page, "ค้นหาชื่อผู้ผลิต", "ปลาสลิดบานที 43")  # typed without ้ ่
            see(page, "พบ 3 ราย")
            type_into(page, "ค้นหาชื่อผู้ผลิต", "")
            see(page, "พบ 500 ราย")

            # a new producer with producer 42's phone number: warned while adding
            tap(page, "เพิ่มผู้ผลิต")
            type_into(page, "ชื่อผู้ผลิต/กลุ่ม (ภาษาไทย)", "ร้านน้ำพริกแม่สมใจ")
            type_into(page, "หมายเลขโทรศัพท์", "080 000 0042")
            see(page, f"อาจซ้ำกับผู้ผลิตที่มีอยู่แล้ว: {producer_name(42)} (เบอร์โทรศัพท์เดียวกัน)")
            # finding 8: the phone number's hint is whole at 390 px (it wraps)
            see(page, "พิมพ์ +66 ช่องว่าง หรือขีดได้")
            shot(page, "22e-producer-duplicate-warning")
            page.mouse.move(195, 500)
            page.mouse.wheel(0, 250)
            shot(page, "22f-producer-phone-hint")
            tap(page, "กลับ")

            see(page, "พบ 501 ราย")  # the producer just added
            tap(page, "ตำบล: ทั้งหมด")
            page.get_by_text("บางขนาก", exact=True).first.click()
            see(page, "พบ 50 ราย")
            tap(page, "สถานะการส่ง: ทั้งหมด")
            page.get_by_text("ข้อมูลขัดกัน", exact=True).first.click()
            see(page, "พบ 0 ราย")  # the conflicting producer is in another subdistrict
            shot(page, "23-producers-filtered")

            tap(page, "ส่งข้อมูล", role="tab")
            see(page, "ข้อมูลที่ขัดกัน")
            see(page, "ของเครื่องนี้: 0811112222")
            see(page, "ของอีกเครื่อง: 0899990000 (officer2phone")
            see(page, "รอสำนักงานตัดสิน")
            see(page, "ต้องลงทะเบียนเครื่องก่อนจึงจะส่งข้อมูลได้")
            shot(page, "24-sync-conflict")
            assert unnamed_controls(page) == []

            tap(page, "ตั้งค่า", role="tab")
            tap(page, "English", role="radio")
            tap(page, "บันทึก", exact=True)
            see(page, "Settings")
            shot(page, "25-settings-en")
            assert unnamed_controls(page) == []
            tap(page, "Producers", role="tab")
            see(page, "501 found")
            shot(page, "26-producers-en")
            # finding 8: no Thai fragments on English screens ("45 บาท")
            type_into(page, "Search producer name", producer_name(0))
            # the row whose name is exactly producer 0's ("…บ้านที่ 1", not "…บ้านที่ 106")
            page.get_by_text(re.compile(rf"^{re.escape(producer_name(0))}(\s|$)")).first.click()
            see(page, "20 baht")
            assert page.get_by_text("บาท").count() == 0
            shot(page, "26b-producer-en")
            tap(page, "Back")
            page.context.close()

            tablet = open_app(browser, app.url, guard, viewport={"width": 1024, "height": 768})
            see(tablet, "Home")
            tap(tablet, "Producers", role="tab")
            see(tablet, "501 found")
            shot(tablet, "27-producers-tablet")
        finally:
            browser.close()
    guard.assert_clean()
