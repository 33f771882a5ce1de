"""The review page's history tells every review, however it was written.

Regression: the history was read from `review_events` only, while the demo seed (and any
other writer of the visit record) puts reviews in the record's own `review_status` and
`review_comments`, so a reviewed demo visit said "ยังไม่มี" (none yet).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html import unescape

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync_server.demo import seed_demo
from sync_server.demo_data import demo_id
from sync_server.web.review import REVIEW_STATUSES, combine_history
from sync_server.web.session import SESSION_COOKIE, start_session
from tests.support.server import ServerProcess, create_actors, server_factory  # noqa: F401
from tests.web.conftest import Office, csrf_of, producer, push, put, signed_in


def history_of(html: str) -> list[str]:
    """The history entries as text, one per review, in page order."""
    section = html.split("review-history", 1)[1]
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", m)).split())
            for m in re.findall(r'<p class="review-entry">(.*?)</p>', section, re.S)]


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_demo_visits_show_the_reviews_the_seed_wrote(
        server_factory: Callable[..., ServerProcess], database: str) -> None:  # noqa: F811
    server = server_factory(database)
    with server.engine.begin() as conn:
        users = seed_demo(conn)
        token = start_session(conn, users["supervisor"], datetime.now(UTC))
    with httpx.Client(base_url=server.base_url, cookies={SESSION_COOKIE: token},
                      timeout=30) as client:
        page = client.get(f"/review/{demo_id('visit:visit_hyacinth')}")
        assert page.status_code == 200
        assert history_of(page.text) == [
            "มีประเด็นต้องแก้ไข · นางวิไลวรรณ รักษ์ชุมชน · 10 ต.ค. 2569 10:00 "
            "ยังไม่มีรูปบรรจุภัณฑ์ กรุณาถ่ายเพิ่มในครั้งหน้า"]
        # Reviewing it now adds to what the seed wrote; nothing is shown twice.
        response = client.post(f"/review/{demo_id('visit:visit_hyacinth')}", data={
            "csrf_token": csrf_of(page.text), "status": "approved",
            "comment": "ถ่ายรูปบรรจุภัณฑ์ครบแล้ว"})
        assert response.status_code == 303
        entries = history_of(client.get(response.headers["location"]).text)
        assert len(entries) == 2
        assert entries[0].startswith("อนุมัติแล้ว · ") and "ถ่ายรูปบรรจุภัณฑ์ครบแล้ว" in entries[0]
        assert "ยังไม่มีรูปบรรจุภัณฑ์" in entries[1]


def test_office_reviews_show_once_each_with_or_without_a_comment(office: Office) -> None:
    visit = put(office.engine, "visit", {"producer_id": producer(
        office.engine, "น้ำพริกเผาบ้านโยธะกา", "240303"), "status": "final"})
    client = signed_in(office, "malee")
    assert "ยังไม่มี" in client.get(f"/review/{visit}").text.split("review-history", 1)[1]
    for status, comment in (("has_issues", "รูปฉลากเบลอ"), ("received", ""),
                            ("approved", "ครบถ้วน")):
        page = client.get(f"/review/{visit}")
        assert client.post(f"/review/{visit}", data={
            "csrf_token": csrf_of(page.text), "status": status,
            "comment": comment}).status_code == 303
    entries = history_of(client.get(f"/review/{visit}").text)
    assert [e.split(" · ")[0] for e in entries] == ["อนุมัติแล้ว", "ได้รับแล้ว",
                                                   "มีประเด็นต้องแก้ไข"]
    assert all("มาลี ศรีสุข" in e for e in entries)
    assert entries[0].endswith("ครบถ้วน") and entries[2].endswith("รูปฉลากเบลอ")


def test_a_review_status_in_the_record_without_comments_is_shown(office: Office) -> None:
    visit = put(office.engine, "visit", {"producer_id": producer(
        office.engine, "ปลาสลิดแดดเดียวบางพระ", "240302"), "status": "final",
        "review_status": "approved"})
    client = signed_in(office, "somchai")
    assert history_of(client.get(f"/review/{visit}").text) == ["อนุมัติแล้ว"]


def test_a_phone_sync_after_a_review_keeps_the_history(office: Office) -> None:
    """The phone pushes its edit with the review fields it pulled (stale or forged): the
    server keeps its own, so the history is unchanged and says the same as the phone."""
    phone = create_actors(office.engine, "2403", roles=("officer",))["officer"]
    producer_id, visit_id = uuid.uuid4().hex, uuid.uuid4().hex
    push(office, phone.token, phone.device_id, "producer", producer_id, {
        "name_th": "ขนมจากบ้านดอนฉิมพลี", "producer_type": "community_group",
        "address": {"subdistrict_code": "240302", "district_code": "2403",
                    "province_code": "24"}})
    push(office, phone.token, phone.device_id, "visit", visit_id, {
        "producer_id": producer_id, "purpose": "follow_up", "status": "final"})
    client = signed_in(office, "malee")
    page = client.get(f"/review/{visit_id}")
    client.post(f"/review/{visit_id}", data={"csrf_token": csrf_of(page.text),
                                             "status": "has_issues", "comment": "ขาดรูปฉลาก"})
    before = history_of(client.get(f"/review/{visit_id}").text)
    push(office, phone.token, phone.device_id, "visit", visit_id, {
        "problems": "ถ่ายรูปฉลากเพิ่มแล้ว", "review_status": "approved",
        "review_comments": [{"text": "ปลอม", "status": "approved"}]})
    after = client.get(f"/review/{visit_id}").text
    assert history_of(after) == before and len(before) == 1
    assert "ขาดรูปฉลาก" in before[0] and "ปลอม" not in after


# --- the pure join ------------------------------------------------------------------------

_T0 = datetime(2026, 10, 1, 3, 0, tzinfo=UTC)


def test_an_event_and_its_comment_in_the_record_are_one_review() -> None:
    events = [{"at": _T0, "status": "has_issues", "comment": "แก้ฉลาก", "who": "มาลี"}]
    data = {"review_status": "has_issues", "review_comments": [
        {"by": "มาลี", "at": _T0.isoformat(), "text": "แก้ฉลาก", "status": "has_issues"},
        {"by": "วิไลวรรณ", "at": "2026-09-01T03:00:00Z", "text": "ข้อมูลครบ",
         "status": "approved"}]}
    history = combine_history(events, data)
    assert [(h["status"], h["who"], h["comment"]) for h in history] == [
        ("has_issues", "มาลี", "แก้ฉลาก"), ("approved", "วิไลวรรณ", "ข้อมูลครบ")]


def test_malformed_comments_never_break_the_page() -> None:
    data = {"review_status": "rejected", "review_comments": [
        "not an object", {"text": ""}, {"text": "ไม่มีเวลา", "at": "เมื่อวาน", "status": "x"}]}
    history = combine_history([], data)
    assert history == [
        {"at": None, "status": "rejected", "comment": None, "who": None},
        {"at": None, "status": None, "comment": "ไม่มีเวลา", "who": None}]
    assert combine_history([], {"review_comments": "nonsense"}) == []


_texts = st.text(st.characters(codec="utf-8"), min_size=1,
                 max_size=12).filter(str.strip)


@given(st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(REVIEW_STATUSES),
                          st.one_of(st.just(""), _texts), st.booleans())
                .filter(lambda r: bool(r[2] or r[3])), max_size=8))
def test_every_review_is_listed_exactly_once(reviews: list[tuple[int, str, str, bool]]
                                             ) -> None:
    """Each review is an office event, a record comment, or both (what apply_review writes)."""
    events, comments = [], []
    for minutes, status, text, office_action in reviews:
        at = _T0 + timedelta(minutes=minutes)
        if office_action:
            events.append({"at": at, "status": status, "comment": text or None, "who": "ม"})
        if text:
            comments.append({"by": "ม", "at": at.isoformat(), "text": text, "status": status})
    current = reviews[-1][1] if reviews else None
    history = combine_history(events, {"review_status": current, "review_comments": comments})
    assert len(history) == len(reviews)
    assert [h["at"] for h in history] == sorted((h["at"] for h in history), reverse=True)
    assert sorted(h["comment"] or "" for h in history) == sorted(r[2] for r in reviews)
