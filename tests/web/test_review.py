"""Reviewing visits: the status and comments reach the officer's phone through sync."""

from __future__ import annotations

import re
import uuid

import sqlalchemy as sa

from schemas import validate_record
from sync_server.db.tables import audit_log, review_events
from tests.support.server import create_actors
from tests.web.conftest import (
    OTHER_DISTRICT,
    Office,
    csrf_of,
    producer,
    pull_all,
    push,
    put,
    signed_in,
)


def test_review_travels_back_to_the_officers_phone(office: Office) -> None:
    phone = create_actors(office.engine, "2403", roles=("officer",))["officer"]
    producer_id, visit_id = uuid.uuid4().hex, uuid.uuid4().hex
    push(office, phone.token, phone.device_id, "producer", producer_id, {
        "name_th": "กลุ่มน้ำพริกแกงบ้านบางขนาก", "producer_type": "community_group",
        "address": {"subdistrict_code": "240302", "district_code": "2403",
                    "province_code": "24"}})
    push(office, phone.token, phone.device_id, "visit", visit_id, {
        "producer_id": producer_id, "purpose": "follow_up", "needs": ["packaging"],
        "officer_name": "สมชาย ใจดี"})
    before = pull_all(office, phone.token)[visit_id]
    assert "review_status" not in before["data"]

    client = signed_in(office, "malee")
    queue = client.get("/review?status=all")
    assert "กลุ่มน้ำพริกแกงบ้านบางขนาก" in queue.text
    page = client.get(f"/review/{visit_id}")
    response = client.post(f"/review/{visit_id}", data={
        "csrf_token": csrf_of(page.text), "status": "has_issues",
        "comment": "ภาพฉลากไม่ชัด กรุณาถ่ายใหม่"})
    assert response.status_code == 303
    shown = client.get(response.headers["location"])
    assert "มีประเด็นต้องแก้" in shown.text and "ภาพฉลากไม่ชัด" in shown.text

    after = pull_all(office, phone.token)[visit_id]
    assert after["seq"] > before["seq"]
    assert after["data"]["review_status"] == "has_issues"
    (comment,) = after["data"]["review_comments"]
    assert comment["text"] == "ภาพฉลากไม่ชัด กรุณาถ่ายใหม่" and comment["by"] == "มาลี ศรีสุข"
    assert after["clocks"]["review_status"].endswith("-server")
    assert validate_record("visit", {**after["data"], "id": visit_id, "schema_version": 1},
                           "draft") == []
    assert after["clocks"]["review_status"] > max(before["clocks"].values())
    # The officer's own fields are untouched.
    assert after["data"]["needs"] == ["packaging"]
    assert after["clocks"]["needs"] == before["clocks"]["needs"]

    with office.engine.connect() as conn:
        events = conn.execute(sa.select(review_events.c.status, review_events.c.comment)
                              .where(review_events.c.visit_id == visit_id)).all()
        audited = conn.execute(sa.select(audit_log.c.action)
                               .where(audit_log.c.target_id == visit_id)).scalars().all()
    assert [tuple(e) for e in events] == [("has_issues", "ภาพฉลากไม่ชัด กรุณาถ่ายใหม่")]
    assert audited == ["review.has_issues"]


def test_officers_may_read_but_not_review(office: Office) -> None:
    pid = producer(office.engine, "ข้าวกล้องหอมมะลิหมอนทอง", "240304")
    visit = put(office.engine, "visit", {"producer_id": pid, "status": "final"})
    photo = put(office.engine, "photo", {"producer_id": pid, "visit_id": visit,
                                         "subject": "label"}, record_id=uuid.uuid4().hex * 2)
    client = signed_in(office, "somchai")
    page = client.get(f"/review/{visit}")
    assert page.status_code == 200 and 'name="comment"' not in page.text
    assert f"/api/v1/photos/{photo}?size=thumb" in page.text
    refused = client.post(f"/review/{visit}", data={"csrf_token": csrf_of(page.text),
                                                    "status": "approved"})
    assert refused.status_code == 403


def test_reviews_need_the_csrf_token_and_stay_in_the_district(office: Office) -> None:
    pid = producer(office.engine, "ผ้ามัดย้อมเมืองแปด", OTHER_DISTRICT + "01")
    visit = put(office.engine, "visit", {"producer_id": pid, "status": "final"},
                district=OTHER_DISTRICT)
    client = signed_in(office, "malee")
    page = client.get("/review")
    assert client.get(f"/review/{visit}").status_code == 404
    assert client.post(f"/review/{visit}", data={"csrf_token": csrf_of(page.text),
                                                 "status": "approved"}).status_code == 404
    own = put(office.engine, "visit", {"producer_id": producer(
        office.engine, "ขนมไทยบึงน้ำรักษ์", "240305"), "status": "final"})
    assert client.post(f"/review/{own}", data={"status": "approved"}).status_code == 403


def test_sending_back_without_a_comment_is_refused_in_both_languages(office: Office) -> None:
    pid = producer(office.engine, "ไข่เค็มสิงโตทอง", "240303")
    visit = put(office.engine, "visit", {"producer_id": pid, "status": "final"})
    client = signed_in(office, "malee")
    page = client.get(f"/review/{visit}")
    response = client.post(f"/review/{visit}", data={"csrf_token": csrf_of(page.text),
                                                     "status": "rejected", "comment": " "})
    assert response.status_code == 400 and "กรุณาระบุความเห็น" in response.text
    client.cookies.set("lang", "en")
    response = client.post(f"/review/{visit}", data={"csrf_token": csrf_of(page.text),
                                                     "status": "bogus"})
    assert response.status_code == 400 and "Choose a review status" in response.text
    with office.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(review_events).where(
            review_events.c.visit_id == visit)).scalar() == 0


def test_queue_lists_final_visits_waiting_for_review(office: Office) -> None:
    pid = producer(office.engine, "กะปิบางน้ำเปรี้ยวรอตรวจ", "240301")
    put(office.engine, "visit", {"producer_id": pid, "status": "final"})
    client = signed_in(office, "malee")
    assert "กะปิบางน้ำเปรี้ยวรอตรวจ" in client.get("/review").text
    assert "กะปิบางน้ำเปรี้ยวรอตรวจ" not in client.get("/review?status=approved").text


def test_review_page_shows_next_visit_and_gps(office: Office) -> None:
    pid = producer(office.engine, f"กลุ่มนัดเยี่ยม {uuid.uuid4().hex[:6]}")
    visit = put(office.engine, "visit", {
        "producer_id": pid, "status": "final", "purpose": "follow_up",
        "started_at": "2026-11-20T09:30:00+07:00", "next_visit_on": "2027-01-15",
        "gps": {"lat": 13.7431234, "lon": 101.1598765, "accuracy_m": 12.4}})
    bare = put(office.engine, "visit", {"producer_id": pid, "status": "final"})
    client = signed_in(office, "malee")
    page = client.get(f"/review/{visit}").text
    assert re.search(r'id="next-visit">15 ม\.ค\. 2570<', page)
    assert "13.74312, 101.15988" in page and "คลาดเคลื่อน ± 12 ม." in page
    client.cookies.set("lang", "en")
    english = client.get(f"/review/{visit}").text
    assert "Next visit" in english and "accuracy ± 12 m" in english
    client.cookies.set("lang", "th")
    empty = client.get(f"/review/{bare}").text
    assert 'id="next-visit">-<' in empty and 'id="visit-gps">-<' in empty
