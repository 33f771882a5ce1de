"""The office pages in a real headless Chromium against a real server process.

Screenshots go to test-artifacts/web/ for people to look at.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from sync_server.db.records import get_record
from sync_server.db.tables import conflicts
from tests.support.browser import OutsideGuard, launch_chromium
from tests.support.server import create_actors
from tests.support.tags import unique_tag
from tests.web.conftest import PASSWORD, Office, make_conflict, producer, put

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
LAPTOP = {"width": 1366, "height": 800}
TABLET = {"width": 820, "height": 1180}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def guard() -> Iterator[OutsideGuard]:
    guard = OutsideGuard()
    yield guard
    guard.assert_clean()  # no CDN, no font service: everything from 127.0.0.1


def open_page(browser: Any, guard: OutsideGuard, office: Office, viewport: dict[str, int]
              ) -> Any:
    context = browser.new_context(viewport=viewport, locale="th-TH", base_url=office.base_url)
    context.route("**/*", guard.handle)
    return context.new_page()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Any, office: Office, who: str) -> None:
    page.goto("/")
    assert page.url.endswith("/login?next=%2Fproducers") or "/login" in page.url
    page.fill("#username", office.users[who])
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/producers")


def test_sign_in_and_register_on_laptop_and_tablet(browser: Any, guard: OutsideGuard,
                                                    office: Office) -> None:
    tag = unique_tag(6)  # searched for below
    producer(office.engine, f"กลุ่มทอผ้าไหมบ้านโยธะกา {tag}", "240307", phone="0812223333")
    producer(office.engine, f"น้ำพริกนรกแม่บุญเรือน {tag}", "240301")
    for name, viewport in (("laptop", LAPTOP), ("tablet", TABLET)):
        page = open_page(browser, guard, office, viewport)
        page.goto("/login")
        shot(page, f"login-{name}")
        page.fill("#username", office.users["somchai"])
        page.fill("#password", "ผิด")
        page.click("button[type=submit]")
        assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in page.inner_text(".error")
        page.fill("#username", office.users["somchai"])
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/producers")
        page.fill("input[name=q]", tag)
        page.click("form.filters button[type=submit]")
        page.wait_for_url("**/producers?**")
        assert page.locator("table.register tbody tr").count() == 2
        # The Thai font came from our own server and is in use.
        assert page.evaluate("document.fonts.check('16px \"Noto Sans Thai\"')")
        shot(page, f"register-{name}")
        page.click("text=English")
        page.wait_for_load_state()
        assert "Producers" in page.inner_text("nav.mainnav")
        page.context.close()


def test_supervisor_reviews_a_visit(browser: Any, guard: OutsideGuard, office: Office) -> None:
    pid = producer(office.engine, f"กลุ่มแปรรูปปลาสลิด {uuid.uuid4().hex[:4]}", "240305")
    visit = put(office.engine, "visit", {
        "producer_id": pid, "status": "final", "officer_name": "สมชาย ใจดี",
        "purpose": "follow_up", "needs": ["packaging"],
        "started_at": "2026-11-24T02:30:00+00:00", "problems": "ฉลากไม่มีวันหมดอายุ"})
    page = open_page(browser, guard, office, LAPTOP)
    sign_in(page, office, "malee")
    page.click("nav.mainnav >> text=ตรวจงานเยี่ยม")
    page.click(f"a[href='/review/{visit}']")
    page.select_option("#status", "has_issues")
    page.fill("#comment", "กรุณาถ่ายภาพฉลากด้านหลังเพิ่ม")
    shot(page, "review-before")
    page.click("text=บันทึกผลการตรวจ")
    page.wait_for_url(f"**/review/{visit}?saved=1")
    assert page.inner_text("#review-status") == "มีประเด็นต้องแก้ไข"  # the schema's label
    assert "กรุณาถ่ายภาพฉลากด้านหลังเพิ่ม" in page.content()
    shot(page, "review-after")
    with office.engine.connect() as conn:
        stored = get_record(conn, visit)
    assert stored is not None and stored.data["review_status"] == "has_issues"
    page.context.close()


def test_supervisor_resolves_a_conflict(browser: Any, guard: OutsideGuard,
                                        office: Office) -> None:
    pid, _phones, conflict_id = make_conflict(office)
    page = open_page(browser, guard, office, LAPTOP)
    sign_in(page, office, "malee")
    page.goto("/conflicts")
    card = page.locator(f"#conflict-{conflict_id}")
    assert "0822222222" in card.locator(".winning").inner_text()
    assert "0811111111" in card.locator(".losing").inner_text()
    shot(page, "conflicts")
    card.locator("input[value=losing]").check()
    card.locator("button[type=submit]").click()
    page.wait_for_url("**/conflicts?resolved=1")
    assert page.locator(f"#conflict-{conflict_id}").count() == 0
    assert "แก้ไขข้อขัดแย้งแล้ว" in page.inner_text(".flash")
    with office.engine.connect() as conn:
        status = conn.execute(sa.select(conflicts.c.status).where(
            conflicts.c.id == conflict_id)).scalar()
        record = get_record(conn, pid)
    assert status == "resolved" and record is not None
    assert record.data["phone"] == "0811111111"
    page.context.close()


def test_supervisor_merges_duplicates(browser: Any, guard: OutsideGuard,
                                      office: Office) -> None:
    create_actors(office.engine, "2403", roles=("officer",))
    tag = uuid.uuid4().hex[:4]
    keep = producer(office.engine, f"วิสาหกิจชุมชนกล้วยตากดอนฉิมพลี {tag}", "240308",
                    phone="0865554444")
    drop = producer(office.engine, f"กล้วยตาก ดอนฉิมพลี {tag}", "240308", phone="0865554444")
    put(office.engine, "product", {"producer_id": drop, "name_th": "กล้วยตากอบน้ำผึ้ง"})
    page = open_page(browser, guard, office, TABLET)
    sign_in(page, office, "malee")
    page.click("nav.mainnav >> text=ผู้ผลิตซ้ำ")
    card = page.locator(f"#pair-{min(keep, drop)}-{max(keep, drop)}")
    assert "เบอร์โทรเดียวกัน" in card.inner_text()
    card.scroll_into_view_if_needed()
    shot(page, "duplicates")
    card.locator(f"input[value='{keep}']").check()
    card.locator("button[type=submit]").click()
    # One click only asks: the confirmation page says what will happen.
    page.wait_for_url("**/duplicates/confirm?**")
    assert "ยืนยันการรวมผู้ผลิต" in page.inner_text("h1")
    assert "ผลิตภัณฑ์: 1" in page.inner_text("#merge-moves")
    shot(page, "merge-confirm")
    with office.engine.connect() as conn:
        assert not get_record(conn, drop).deleted  # type: ignore[union-attr]
    page.get_by_role("button", name="ยืนยัน รวมเป็นรายเดียว").click()
    page.wait_for_url("**/duplicates?merged=**")
    assert "แล้ว" in page.inner_text(".flash")
    shot(page, "merged")
    with office.engine.connect() as conn:
        dropped = get_record(conn, drop)
    assert dropped is not None and dropped.deleted
    page.goto(f"/producers/{keep}")
    assert "กล้วยตากอบน้ำผึ้ง" in page.inner_text("#products")
    # Undo from the duplicates page: the dropped producer and its product come back.
    page.goto("/duplicates")
    entry = page.locator("#recent-merges .merge-entry", has_text=f"กล้วยตาก ดอนฉิมพลี {tag}")
    entry.first.get_by_role("button", name="เลิกทำการรวม").click()
    page.wait_for_url("**/duplicates?undone=**")
    assert "เลิกทำการรวมแล้ว" in page.inner_text(".flash")
    with office.engine.connect() as conn:
        restored = get_record(conn, drop)
    assert restored is not None and not restored.deleted
    page.goto(f"/producers/{drop}")
    assert "กล้วยตากอบน้ำผึ้ง" in page.inner_text("#products")
    page.context.close()
