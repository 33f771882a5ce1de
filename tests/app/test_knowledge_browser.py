"""Issue 14's knowledge on the phone, end to end in headless Chromium at 390×844 against a
real server process: the officer links two producers (the picker never offers the producer
itself), sees the amber warning on a 5★ product with no standard (in the product form and
in the visit's finalize check, where it does not stop finalizing), records the members and
agencies present on a visit, finalizes it, syncs, and the server holds the link and the
participation.

The visit is seeded as a draft with everything else finalizing needs (purpose, GPS,
problems, the product seen and its four shots), so the journey stays short; the phone only
sends a visit once it is final.

Screens go to test-artifacts/screens/ (30-*). Any request leaving 127.0.0.1 fails the test.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from fieldapp import services as sv
from fieldapp.logic.shots import SHOT_LIST
from fieldapp.ui.widgets import be_datetime
from tests.app.test_field_journey import server_records
from tests.app.test_two_phones_browser import Phone, enrolled_phone
from tests.support.browser import OutsideGuard, app_server, launch_chromium, open_app, type_into
from tests.support.server import ServerProcess, start_server

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

MAKER = "วิสาหกิจชุมชนกลุ่มแม่บ้านเกษตรกรบางขนากรวมใจพัฒนา"
PARTNER = "วิสาหกิจชุมชนน้ำพริกแม่ทองคำ"
PRODUCT = "น้ำพริกเผาปลาสลิด"
AGENCIES = ["สำนักงานเกษตรอำเภอบางน้ำเปรี้ยว", "ศูนย์ส่งเสริมอุตสาหกรรมภาคที่ 9"]
STARRED_TH = "ผลิตภัณฑ์ระดับ 5 ดาวแต่ไม่มีมาตรฐานที่ยังไม่หมดอายุ"
STARRED_EN = "A 5-star product with no standard in force"
STARTED = "2026-12-05T03:00:00Z"


def jpeg(shade: int) -> bytes:
    """A distinct small photo per shot (a photo's id is its SHA-256)."""
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (150, 40 + shade, 30)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    process = start_server(tmp_path / "server")
    yield process
    process.stop()


def test_link_participation_and_warning_then_sync(server: ServerProcess, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    folder = tmp_path / "phone"
    services = enrolled_phone(folder, server, "สมศรี มีสุข")
    address = {"province_code": "24", "district_code": "2403", "subdistrict_code": "240302"}
    maker = sv.save_record(services, "producer", None, {
        "name_th": MAKER, "producer_type": "community_group", "phone": "0812345678",
        "address": address})
    partner = sv.save_record(services, "producer", None, {
        "name_th": PARTNER, "producer_type": "community_enterprise", "address": address})
    product = sv.save_record(services, "product", None, {
        "producer_id": maker, "name_th": PRODUCT, "category": "food", "opc_stars": 5,
        "price_thb": 60})
    visit_id = sv.save_record(services, "visit", None, {
        "producer_id": maker, "started_at": STARTED, "status": "draft",
        "device_id": services.settings.device_id, "purpose": "follow_up",
        "gps": {"lat": 13.8412, "lon": 101.0623, "accuracy_m": 12},
        "problems": "บรรจุภัณฑ์ยังไม่กันความชื้น", "product_ids": [product]})
    for index, subject in enumerate(SHOT_LIST):
        links = {"producer_id": maker, "product_id": product, "visit_id": visit_id}
        sv.add_photo(services, jpeg(40 * index), links, subject)
    services.close()
    guard = OutsideGuard()

    with app_server(folder) as app, sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = open_app(browser, app.url, guard)
            me = Phone(page, "knowledge")
            me.see("หน้าหลัก")
            me.tap("ผู้ผลิต", role="tab")
            page.get_by_text(MAKER).first.click()
            me.see("เพิ่มเครือข่าย")

            # --- a network link from this producer to another one on the phone
            me.tap("เพิ่มเครือข่าย")
            me.see(f"ผู้ผลิตต้นทาง *: {MAKER}")
            me.tap("ผู้ผลิตปลายทาง *: ยังไม่ได้เลือก")
            me.see(PARTNER)
            me.see("บางขนาก")  # with its subdistrict
            assert page.get_by_text(MAKER, exact=True).count() == 0  # never the producer itself
            me.shot("30-link-picker")
            # the folded search finds the partner typed without its tone marks
            type_into(page, "ค้นหาชื่อ เบอร์โทร", "นำพริกแมทองคำ")
            me.see(PARTNER)
            page.get_by_text(PARTNER).first.click()
            time.sleep(0.4)
            me.tap("ขายร่วมกัน", role="radio")
            me.see(f"ผู้ผลิตปลายทาง *: {PARTNER}")
            me.shot("31-link-form")
            me.tap("บันทึก", exact=True)
            me.see("ผู้ผลิตนี้เป็นต้นทาง")
            me.see("ขายร่วมกัน")
            page.mouse.wheel(0, 600)
            me.shot("32-producer-links")

            # --- the 5★ product without a standard: amber, Thai first, English beneath
            me.tap(PRODUCT)
            me.see(STARRED_TH)
            me.see(STARRED_EN)
            me.shot("33-product-warning")
            me.tap("กลับ")

            # --- the draft visit: who took part
            page.get_by_text(be_datetime(STARTED, "th")).first.click()
            me.see("ขั้นที่ 1 จาก")
            for agency in AGENCIES:
                type_into(page, "เพิ่ม: หน่วยงานภาคีที่ร่วมเยี่ยม", agency)
                me.tap("เพิ่ม", exact=True)
                me.see(agency)
            # the same agency again is refused, with the reason, and not added twice
            type_into(page, "เพิ่ม: หน่วยงานภาคีที่ร่วมเยี่ยม", AGENCIES[0] + " ")
            me.tap("เพิ่ม", exact=True)
            me.see("มีในรายการแล้ว")
            type_into(page, "สมาชิกที่ร่วมให้ข้อมูล (คน)", "12")
            page.mouse.wheel(0, 1200)
            me.shot("34-visit-agencies")
            for _ in range(4):
                me.tap("ถัดไป")
            # the finalize check: nothing missing, the warning in amber, finalizing allowed
            me.see("ข้อมูลครบแล้ว")
            me.see("ข้อควรตรวจ (ไม่ขัดการปิดการเยี่ยม)")
            me.see(f"{PRODUCT}: {STARRED_TH}")
            me.shot("35-finalize-warning")
            me.tap("ยืนยันปิดการเยี่ยม")
            me.see("ปิดการเยี่ยมแล้ว")
            me.tap("กลับ")
            me.tap("กลับ")
            me.sync()
            guard.assert_clean()
        finally:
            browser.close()

    [link] = server_records(server, "network_link")
    assert (link["from_producer_id"], link["to_producer_id"], link["kind"]) == (
        maker, partner, "co_selling")
    [visit] = server_records(server, "visit")
    assert visit["agencies_present"] == AGENCIES
    assert visit["members_present"] == 12
    assert visit["producer_id"] == maker
    assert visit["status"] == "final"
