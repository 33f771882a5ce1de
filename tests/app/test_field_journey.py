"""The officer's day, end to end, in a real headless Chromium at phone size (390×844):

enrol against a real server process (QR text pasted), add a producer with Thai text (a
mistyped phone number is kept with its message until fixed), start a visit, add a product
during it (linked to the visit) and photograph its shot list through the file chooser, see
the finalize check name the missing photo, finalize with the server down (sync says the data
waits and the phone is not safe to wipe), discard a visit started by mistake, start the
server, sync (now safe to wipe, 4 of 4 photos), and find the producer, the final visit and
the photos (records and files) in the server's database. The office's review then reaches
the phone: on home, on the visit and in full on the producer page at 390×844.

Issue 12's findings 1 (typed input kept), 3 (review), 4 (safe to wipe) and 5 (finalize
check, product linked, discard) are asserted here in the words on screen.

Every screen is saved to test-artifacts/screens/. Any request leaving 127.0.0.1 fails the
test, with no exceptions.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from PIL import Image, ImageDraw

from sync_server.auth import Principal
from sync_server.db.records import get_record
from sync_server.db.tables import records
from sync_server.web.review import apply_review
from tests.support.browser import (
    OutsideGuard,
    app_server,
    launch_chromium,
    open_app,
    shot,
    type_into,
    unnamed_controls,
)
from tests.support.server import ROOT, ServerProcess, start_server

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

PRODUCER = "วิสาหกิจชุมชนกลุ่มแม่บ้านเกษตรกรบางขนาก"
PRODUCT = "น้ำพริกเผาปลาสลิดบางขนาก"
# Bang Khanak subdistrict, Bang Nam Priao (the demo district)
GPS = {"latitude": 13.8412, "longitude": 101.0623, "accuracy": 12}
COMMENT = (
    "ไม่มีรูปบรรจุภัณฑ์ที่เห็นฉลากชัดเจน กรุณาถ่ายเพิ่มให้เห็นเลข อย. วันผลิตและวันหมดอายุ "
    "แล้วส่งมาอีกครั้งภายในสัปดาห์นี้ เพื่อใช้ประกอบการคัดสรรผลิตภัณฑ์ OTOP ปีนี้"
)


def product_photo(path: Path, shade: int = 0) -> Path:
    """A phone-sized JPEG of a jar of chilli paste (drawn, not downloaded)."""
    image = Image.new("RGB", (1600, 1200), (196, 120 + shade, 48))
    draw = ImageDraw.Draw(image)
    draw.rectangle((500, 250, 1100, 1000), fill=(150, 30, 20))
    draw.rectangle((520, 400, 1080, 700), fill=(250, 236, 200))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    path.write_bytes(buffer.getvalue())
    return path


def stop_server(server: ServerProcess) -> None:
    server.process.terminate()
    server.process.wait(timeout=15)


def restart_server(server: ServerProcess) -> None:
    """Start the same server again on the same port and database (the phone knows the URL)."""
    port = server.base_url.rsplit(":", 1)[1]
    with open(server.data_dir / "server-restart.log", "wb") as log:
        server.process = subprocess.Popen(
            [sys.executable, "-m", "sync_server", "serve", "--host", "127.0.0.1", "--port", port],
            env=server.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{server.base_url}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not come back")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    process = start_server(tmp_path / "server")
    yield process
    process.stop()


def review_visit(server: ServerProcess, supervisor_id: str, comment: str) -> None:
    """What the office's review page does when a visit "has issues"."""
    [visit] = server_records(server, "visit")
    who = Principal(supervisor_id, None, "2403", "supervisor", "วิไลวรรณ รักษ์ชุมชน")
    with server.engine.begin() as conn:
        stored = get_record(conn, visit["id"])
        assert stored is not None
        apply_review(conn, who, stored, "has_issues", comment)


class Officer:
    """Playwright steps in the words of the screens."""

    def __init__(self, page: Any) -> None:
        self.page = page

    def see(self, text: str, timeout: float = 20_000) -> None:
        self.page.get_by_text(text).first.wait_for(timeout=timeout)

    def tap(self, name: str, role: str = "button", exact: bool = False) -> None:
        self.page.get_by_role(role, name=name, exact=exact).first.click()
        time.sleep(0.4)

    def type(self, label: str, text: str) -> None:
        type_into(self.page, label, text)

    def pick(self, label: str, option: str) -> None:
        self.tap(label)
        self.page.get_by_text(option, exact=True).first.click()
        time.sleep(0.4)

    def value_of(self, box: Any, timeout_s: float = 10.0) -> str:
        """The text in a box; Flutter fills the input element once it has focus."""
        deadline = time.monotonic() + timeout_s
        value = ""
        while time.monotonic() < deadline:
            box.click()
            value = str(box.input_value())
            if value:
                return value
            time.sleep(0.2)
        return value

    def shot(self, name: str) -> None:
        shot(self.page, name)
        # every input and button on every screen has a name a screen reader can say
        assert unnamed_controls(self.page) == [], name


def server_records(server: ServerProcess, record_type: str) -> list[dict[str, Any]]:
    with server.engine.connect() as conn:
        rows = conn.execute(
            sa.select(records.c.id, records.c.data).where(
                records.c.record_type == record_type, records.c.deleted.is_(False)
            )
        ).all()
    found = []
    for row in rows:
        data = row.data if isinstance(row.data, dict) else json.loads(row.data)
        found.append({"id": row.id, **data})
    return found


def test_officer_day_offline_then_sync(server: ServerProcess, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    new_user = server.add_user("2403", "officer", "สมศรี มีสุข")
    supervisor = server.add_user("2403", "supervisor", "วิไลวรรณ รักษ์ชุมชน")
    qr_text = f"tambon://enrol?server={server.base_url}&code={new_user.code}"
    photo = product_photo(tmp_path / "chilli-paste.jpg")
    first_shot = product_photo(tmp_path / "blurred.jpg", shade=60)
    guard = OutsideGuard()

    with app_server(tmp_path / "app", default_server="") as app, sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = open_app(browser, app.url, guard, geolocation=GPS)
            me = Officer(page)

            # --- enrol with the QR text pasted into the code box
            me.see("ลงทะเบียนเครื่อง")
            me.shot("01-enrol")
            me.tap("English", exact=True)
            me.see("Enrol this phone")
            me.shot("01a-enrol-en")
            me.tap("ภาษาไทย", exact=True)
            me.see("ลงทะเบียนเครื่อง")
            # a mistyped code gets the server's plain-Thai answer, and nothing is enrolled
            me.type("รหัสลงทะเบียน", "ABCD-WRONG")
            me.type("ที่อยู่เซิร์ฟเวอร์", server.base_url)
            me.tap("ลงทะเบียน", exact=True)
            me.see("รหัสไม่ถูกต้อง ถูกใช้ไปแล้ว หรือหมดอายุ")
            me.shot("01b-enrol-wrong-code")
            me.type("รหัสลงทะเบียน", qr_text)
            me.tap("ลงทะเบียน", exact=True)
            me.see("หน้าหลัก")
            # an empty, freshly enrolled phone is not "all sent": it has nothing yet
            me.see("ยังไม่มีข้อมูล")
            assert page.get_by_text("ส่งครบแล้ว").count() == 0
            me.shot("02-home")
            me.tap("ส่งข้อมูล", role="tab")
            me.see("ยังไม่มีข้อมูลที่บันทึกในเครื่องนี้")
            me.see("ยังไม่เคยส่งข้อมูลสำเร็จ")
            me.shot("02b-sync-empty-phone")
            me.tap("หน้าหลัก", role="tab")

            # --- from here on, no server: the village has no signal
            stop_server(server)

            me.tap("เพิ่มผู้ผลิต")
            me.tap("วิสาหกิจชุมชน", role="radio", exact=True)
            me.type("ชื่อผู้ผลิต/กลุ่ม (ภาษาไทย)", PRODUCER)
            # finding 1: a mistyped phone number stays, with its message, until fixed
            me.type("หมายเลขโทรศัพท์", "12345")
            me.see("ไม่ถูกต้อง: มือถือ 10 หลักขึ้นต้นด้วย 06 08 09")
            me.shot("03-producer-form-bad-phone")
            # the enrolled district (2403) is already chosen; pick the subdistrict
            me.pick("ตำบล", "บางขนาก")
            me.shot("04-producer-address")
            me.tap("บันทึก", exact=True)
            me.see("ยังมีข้อมูลที่ไม่ถูกต้อง")  # the officer decides: fix, or keep a draft
            me.shot("04b-producer-fix-or-keep")
            me.tap("เก็บเป็นร่างไว้ก่อน")
            me.see("ร่าง: ข้อมูลที่พิมพ์ไว้แต่ยังไม่ถูกต้อง (ยังไม่ส่ง)")
            me.see("“12345”", timeout=5_000)
            me.shot("05-producer-page-draft")
            me.tap("แก้ไขข้อมูลผู้ผลิต")
            box = page.get_by_label("หมายเลขโทรศัพท์").first
            box.wait_for()
            me.see("ไม่ถูกต้อง: มือถือ 10 หลักขึ้นต้นด้วย 06 08 09")
            me.shot("05a-producer-form-reopened")
            assert me.value_of(box) == "12345"  # reopened: what was typed is there
            me.see("ไม่ถูกต้อง: มือถือ 10 หลักขึ้นต้นด้วย 06 08 09")
            me.type("หมายเลขโทรศัพท์", "081-234-5678")
            me.tap("บันทึก", exact=True)
            me.see("เพิ่มผลิตภัณฑ์")
            assert page.get_by_text("ข้อมูลที่พิมพ์ไว้แต่ยังไม่ถูกต้อง").count() == 0
            me.shot("05-producer-page")

            # --- a visit: the check lists what is missing before anything is filled
            me.tap("เริ่มการเยี่ยม")
            me.see("ขั้นที่ 1 จาก 5")
            for _ in range(4):
                me.tap("ถัดไป")
            me.see("ยังขาดข้อมูลต่อไปนี้")
            me.see("วัตถุประสงค์การเยี่ยม")
            me.see("ยังไม่ได้เลือกผลิตภัณฑ์ที่พบในการเยี่ยมนี้")
            me.shot("08-visit-missing")
            for _ in range(4):
                me.tap("ก่อนหน้า")
            me.tap("ติดตามผล", role="radio", exact=True)
            me.tap("บันทึกพิกัด GPS")
            me.see("ความแม่นยำ ±12 ม.")
            me.shot("08-visit-step1")
            me.tap("ถัดไป")
            me.tap("บรรจุภัณฑ์", role="checkbox", exact=True)
            me.type("รายละเอียดปัญหา", "ฉลากไม่มีเลข อย. และถุงบรรจุรั่วง่าย")
            me.shot("09-visit-needs")
            me.tap("ถัดไป")
            me.shot("10-visit-follow-up")
            me.tap("ถัดไป")
            # a product added during the visit is one the officer saw: linked to it
            me.tap("เพิ่มผลิตภัณฑ์")
            me.type("ชื่อผลิตภัณฑ์ (ภาษาไทย)", PRODUCT)
            me.tap("อาหาร", role="radio", exact=True)
            me.type("ราคาขายต่อหน่วย", "45")
            me.shot("06-product")
            me.tap("ถ่ายรูปสินค้า")
            me.see("ห้ามถ่ายบัตรประชาชนหรือตัวบุคคล")
            with page.expect_file_chooser() as chooser:
                me.tap("ถ่าย/เลือกรูป: ผลิตภัณฑ์")
            chooser.value.set_files(str(first_shot))
            me.see("ถ่ายแล้ว 1 รูป")
            # a blurred shot: retake it (the old one is deleted, not kept as a second photo)
            with page.expect_file_chooser() as chooser:
                me.tap("ถ่ายใหม่: ผลิตภัณฑ์")
            chooser.value.set_files(str(photo))
            me.see("บันทึกรูปแล้ว")
            me.see("ถ่ายแล้ว 1 รูป")
            # a label shot taken by mistake, then deleted, then taken again
            with page.expect_file_chooser() as chooser:
                me.tap("ถ่าย/เลือกรูป: ฉลาก")
            chooser.value.set_files(str(product_photo(tmp_path / "label.jpg", shade=90)))
            me.tap("ลบรูป: ฉลาก")
            with page.expect_file_chooser() as chooser:
                me.tap("ถ่าย/เลือกรูป: ฉลาก")
            chooser.value.set_files(str(product_photo(tmp_path / "label2.jpg", shade=30)))
            me.see("ถ่ายใหม่: ฉลาก")
            with page.expect_file_chooser() as chooser:
                me.tap("ถ่าย/เลือกรูป: บรรจุภัณฑ์")
            chooser.value.set_files(str(product_photo(tmp_path / "pack.jpg", shade=45)))
            me.see("ถ่ายใหม่: บรรจุภัณฑ์")
            me.shot("07-photos")
            me.tap("ดูรูป: ผลิตภัณฑ์")
            me.see("ปิด")
            me.shot("07b-photo-preview")
            me.tap("ปิด", exact=True)
            me.tap("กลับ")
            me.tap("กลับ")

            # back on the visit: the new product is ticked as seen
            me.see("ผลิตภัณฑ์ที่เห็นในการเยี่ยม")
            seen = page.get_by_role("checkbox", name=PRODUCT, exact=True)
            assert seen.get_attribute("aria-checked") == "true"
            me.shot("11-visit-products")
            me.tap("ถัดไป")
            # finding 5: the shot list counts (3 of 4 photos is not "nothing missing")
            me.see("ยังไม่มีรูปสถานที่ผลิต")
            assert page.get_by_text("ข้อมูลครบแล้ว").count() == 0
            me.shot("12a-visit-check-shot-list")
            me.tap("ผลิตภัณฑ์", exact=True)
            me.tap("ถ่ายรูปสินค้า")
            with page.expect_file_chooser() as chooser:
                me.tap("ถ่าย/เลือกรูป: สถานที่ผลิต")
            chooser.value.set_files(str(product_photo(tmp_path / "site.jpg", shade=75)))
            me.see("ถ่ายใหม่: สถานที่ผลิต")
            me.tap("กลับ")
            me.tap("กลับ")
            me.see("ข้อมูลครบแล้ว")
            me.shot("12-visit-check")
            me.tap("ยืนยันปิดการเยี่ยม")
            me.see("ปิดการเยี่ยมแล้ว รอส่ง")
            me.shot("13-visit-final")
            me.tap("กลับ")

            # a visit started by mistake: discarded, after a confirmation
            me.tap("เริ่มการเยี่ยม")
            for _ in range(4):
                me.tap("ถัดไป")
            me.tap("ยกเลิกการเยี่ยมนี้")
            me.see("ยกเลิกการเยี่ยมฉบับร่างนี้?")
            me.shot("13b-visit-discard-confirm")
            me.tap("ยกเลิกการเยี่ยม", exact=True)
            me.see("เพิ่มผลิตภัณฑ์")  # back on the producer page
            me.see("ปิดการเยี่ยมแล้ว รอส่ง")
            assert page.get_by_text("ร่าง", exact=True).count() == 0
            me.tap("กลับ")

            # --- sync with the server down: it says so, and the data waits
            me.tap("ส่งข้อมูล", role="tab")
            me.see("จะส่ง")
            me.tap("ส่งข้อมูลตอนนี้")
            me.see("ข้อมูลทั้งหมดยังอยู่ในเครื่อง", timeout=60_000)
            me.see("ยังไม่ควรล้างเครื่อง ยังขาด:")
            me.see("รูปถึงเซิร์ฟเวอร์แล้ว 0 จาก 4 รูป")
            me.shot("14-sync-offline")

            # --- back in signal
            restart_server(server)
            me.tap("ลองใหม่")
            me.see("ส่งข้อมูลเสร็จแล้ว", timeout=90_000)
            me.see("ล้างเครื่องได้อย่างปลอดภัย")
            me.see("เซิร์ฟเวอร์ยืนยันข้อมูลครบทุกรายการ")
            me.see("รูปถึงเซิร์ฟเวอร์ครบ 4 จาก 4 รูป")
            me.see("ส่งสำเร็จล่าสุด")
            me.shot("15-sync-done")

            me.tap("ผู้ผลิต", role="tab")
            me.see(PRODUCER)
            me.see("ส่งแล้ว")
            me.shot("16-producer-list")
            me.tap("ตั้งค่า", role="tab")
            me.see("ล้างเครื่องได้อย่างปลอดภัย")
            me.shot("17-settings")
            me.tap("หน้าหลัก", role="tab")
            me.see("การเยี่ยมวันนี้")
            me.see("ส่งครบแล้ว")
            me.see(PRODUCER)  # today's visit, finalized and sent
            me.shot("18-home-after-sync")

            # finding 3: the office's review reaches the phone, in full, where it is seen
            review_visit(server, supervisor.user_id, COMMENT)
            me.tap("ส่งข้อมูล", role="tab")
            me.tap("ส่งข้อมูลตอนนี้")
            me.see("ส่งข้อมูลเสร็จแล้ว", timeout=60_000)
            me.tap("หน้าหลัก", role="tab")
            me.see("การเยี่ยม 1 รายการต้องแก้ไขตามความเห็นสำนักงาน")
            me.see("สำนักงานตรวจแล้ว: มีประเด็นต้องแก้ไข")  # the visit's status, not "รอส่ง"
            me.shot("19a-home-needs-attention")
            me.tap(PRODUCER)  # the visit from the attention box
            me.see("สำนักงานตรวจแล้ว: มีประเด็นต้องแก้ไข")
            me.see(COMMENT)
            me.shot("19b-visit-review")
            me.tap("กลับ")
            me.tap("ผู้ผลิต", role="tab")
            page.get_by_text(PRODUCER).first.click()
            me.see(COMMENT)
            me.see("วิไลวรรณ รักษ์ชุมชน")
            assert page.get_by_text("ปิดการเยี่ยมแล้ว รอส่ง").count() == 0
            # scrolled to the end, the whole comment is above the "start a visit" button
            page.mouse.move(195, 500)
            for _ in range(6):
                page.mouse.wheel(0, 800)
                time.sleep(0.2)
            time.sleep(0.5)
            comment = page.get_by_text(COMMENT).first.bounding_box()
            button = page.get_by_role("button", name="เริ่มการเยี่ยม").first.bounding_box()
            assert comment is not None and button is not None
            assert comment["y"] + comment["height"] <= button["y"], (comment, button)
            assert comment["y"] + comment["height"] <= 844
            me.shot("19-producer-review-comment")
        finally:
            browser.close()

    guard.assert_clean()

    producers = [p for p in server_records(server, "producer") if p.get("name_th") == PRODUCER]
    assert len(producers) == 1
    assert producers[0]["address"]["subdistrict_code"] == "240302"
    assert producers[0]["address"]["postal_code"] == "24150"  # filled from the subdistrict
    assert producers[0]["phone"] == "0812345678"
    visits = [v for v in server_records(server, "visit") if v["producer_id"] == producers[0]["id"]]
    assert [v["status"] for v in visits] == ["final"]
    assert visits[0]["purpose"] == "follow_up"
    assert visits[0]["needs"] == ["packaging"]
    assert abs(visits[0]["gps"]["lat"] - GPS["latitude"]) < 1e-4
    assert visits[0]["product_ids"] == [p["id"] for p in server_records(server, "product")]
    photos = [p for p in server_records(server, "photo") if p["producer_id"] == producers[0]["id"]]
    assert sorted(p["subject"] for p in photos) == [
        "label", "packaging", "product", "production_site"]
    assert {p.get("visit_id") for p in photos} == {visits[0]["id"]}
    for photo_record in photos:
        stored = list((server.data_dir / "photos").rglob(f"{photo_record['id']}*"))
        assert stored, "the photo file is not on the server"
        assert hashlib.sha256(stored[0].read_bytes()).hexdigest() == photo_record["id"]
