"""Two phones (two app processes) and one real server, in headless Chromium at 390×844.

Finding 2 (conflicts on the phone): both officers correct the same producer's phone number
offline; each phone lists the conflict by its Thai label with both values, who and when,
waiting for the office — the phone whose edit lost included — and home agrees; once the
office resolves it, both phones show the outcome and no conflict is left on home or in the
producer list.

Finding 6 (another officer's photos): the second phone shows the first phone's photo as a
thumbnail fetched from the server (or "on the server"), and offers neither delete nor
retake.

The phones are enrolled and the first one's producer (with a photographed product) is
synced through `fieldapp.services` before the app processes start; everything asserted is
what the officers see.
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from PIL import Image

from fieldapp import services as sv
from fieldapp.settings import load_settings
from sync_server.auth import Principal
from sync_server.db.tables import conflicts
from sync_server.web.conflicts import resolve_conflict
from tests.support.browser import (
    OutsideGuard,
    app_server,
    launch_chromium,
    open_app,
    shot,
    type_into,
    unnamed_controls,
)
from tests.support.server import ServerProcess, start_server

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

PRODUCER = "กลุ่มทอผ้าไหมมัดหมี่บ้านหนองแวงน้อย"
PRODUCT = "ผ้าไหมมัดหมี่ลายนาคน้อย"
OFFICER_A, OFFICER_B = "สมศรี มีสุข", "ประยูร ตั้งใจ"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    process = start_server(tmp_path / "server")
    yield process
    process.stop()


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (120, 40, 110)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def enrolled_phone(folder: Path, server: ServerProcess, officer: str) -> sv.Services:
    services = sv.Services(data_dir=folder, settings=load_settings(folder))
    code = server.add_user("2403", "officer", officer).code
    asyncio.run(sv.enrol_device(services, server.base_url, code, f"โทรศัพท์ {officer}"))
    return services


def synced(services: sv.Services) -> None:
    report = asyncio.run(sv.run_sync(services, lambda progress: None))
    assert report.completed, report.error_en


class Phone:
    def __init__(self, page: Any, name: str) -> None:
        self.page = page
        self.name = name

    def see(self, text: str, timeout: float = 30_000) -> None:
        try:
            self.page.get_by_text(text).first.wait_for(timeout=timeout)
        except Exception:
            shot(self.page, f"failed-{self.name}")  # what the officer saw instead
            raise

    def tap(self, name: str, role: str = "button", exact: bool = False) -> None:
        self.page.get_by_role(role, name=name, exact=exact).first.click()
        time.sleep(0.4)

    def shot(self, name: str) -> None:
        shot(self.page, f"{name}-{self.name}")
        assert unnamed_controls(self.page) == [], name

    def edit_phone(self, number: str) -> None:
        self.tap("ผู้ผลิต", role="tab")
        self.page.get_by_text(PRODUCER).first.click()
        self.tap("แก้ไขข้อมูลผู้ผลิต")
        type_into(self.page, "หมายเลขโทรศัพท์", number)
        self.tap("บันทึก", exact=True)
        self.see("เพิ่มผลิตภัณฑ์")
        self.tap("กลับ")

    def sync(self) -> None:
        self.tap("ส่งข้อมูล", role="tab")
        self.tap("ส่งข้อมูลตอนนี้")
        self.see("ส่งข้อมูลเสร็จแล้ว", timeout=60_000)


def test_two_phones_conflict_and_others_photos(server: ServerProcess, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    a = enrolled_phone(tmp_path / "phone-a", server, OFFICER_A)
    producer_id = sv.save_record(a, "producer", None, {
        "name_th": PRODUCER, "producer_type": "community_group", "phone": "0812345678"})
    product_id = sv.save_record(a, "product", None, {
        "producer_id": producer_id, "name_th": PRODUCT, "category": "textile",
        "price_thb": 1200})
    sv.add_photo(a, jpeg(), {"producer_id": producer_id, "product_id": product_id}, "product")
    synced(a)
    a.close()
    b = enrolled_phone(tmp_path / "phone-b", server, OFFICER_B)
    synced(b)  # pulls the producer, and the photo's thumbnail (not the photo)
    b.close()
    supervisor = server.add_user("2403", "supervisor", "วิไลวรรณ รักษ์ชุมชน")

    guard = OutsideGuard()
    with app_server(tmp_path / "phone-a") as app_a, app_server(tmp_path / "phone-b") as app_b, \
            sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            pa = Phone(open_app(browser, app_a.url, guard), "a")
            pb = Phone(open_app(browser, app_b.url, guard), "b")
            pa.see("หน้าหลัก")
            pb.see("หน้าหลัก")

            # finding 6: phone B shows A's photo from the server, and cannot delete it
            pb.tap("ผู้ผลิต", role="tab")
            pb.page.get_by_text(PRODUCER).first.click()
            pb.tap(PRODUCT)  # the product row: a button named by its text
            pb.tap("ถ่ายรูปสินค้า")
            pb.see("รูปนี้ถ่ายจากเครื่องอื่น ลบหรือถ่ายใหม่ได้จากเครื่องนั้นเท่านั้น")
            assert pb.page.get_by_role("button", name="ลบรูป: ผลิตภัณฑ์").count() == 0
            assert pb.page.get_by_role("button", name="ถ่ายใหม่: ผลิตภัณฑ์").count() == 0
            assert pb.page.get_by_role("img", name="ผลิตภัณฑ์").count() == 1  # the thumbnail
            pb.shot("30-others-photo")
            pb.tap("กลับ")
            pb.tap("กลับ")
            pb.tap("กลับ")

            # both correct the phone number offline; B's edit reaches the server first
            pb.edit_phone("0899999999")
            pa.edit_phone("0861111111")
            pb.sync()
            pa.sync()
            pb.sync()  # B pulls A's number: its own was replaced

            for phone, mine, theirs, other in ((pa, "0861111111", "0899999999", OFFICER_B),
                                               (pb, "0899999999", "0861111111", OFFICER_A)):
                phone.see(f"หมายเลขโทรศัพท์ · {PRODUCER}")
                phone.see(f"ของเครื่องนี้: {mine}")
                phone.see(f"ของอีกเครื่อง: {theirs} ({other}")
                phone.see("รอสำนักงานตัดสิน")
                assert phone.page.get_by_text("ไม่มีข้อมูลที่ขัดกัน").count() == 0
                phone.shot("31-sync-conflict")
                phone.tap("หน้าหลัก", role="tab")
                phone.see("ข้อมูลขัดกัน 1 รายการ")
                phone.shot("32-home-conflict")
                phone.tap("ผู้ผลิต", role="tab")
                phone.page.get_by_text(PRODUCER).first.click()
                phone.see("ข้อมูลขัดกัน: หมายเลขโทรศัพท์ · รอสำนักงานตัดสิน")
                phone.shot("32b-producer-conflict")
                phone.tap("กลับ")

            # the office keeps B's number; both phones sync and agree
            with server.engine.begin() as conn:
                conflict_id = conn.execute(sa.select(conflicts.c.id)).scalar_one()
                resolve_conflict(conn, Principal(supervisor.user_id, None, "2403", "supervisor",
                                                 "วิไลวรรณ รักษ์ชุมชน"), conflict_id, "losing")
            for phone in (pa, pb):
                phone.sync()
                phone.see("สำนักงานตัดสินแล้ว ใช้ค่า: 0899999999")
                phone.see("โดย วิไลวรรณ รักษ์ชุมชน")
                phone.shot("33-sync-resolved")
                phone.tap("หน้าหลัก", role="tab")
                phone.see("การเยี่ยมวันนี้")
                assert phone.page.get_by_text("ข้อมูลขัดกัน").count() == 0
                phone.tap("ผู้ผลิต", role="tab")
                phone.see(PRODUCER)
                phone.see("ส่งแล้ว")
                assert phone.page.get_by_text("ข้อมูลขัดกัน", exact=True).count() == 0
                phone.shot("34-producers-after-resolution")
        finally:
            browser.close()
    guard.assert_clean()
