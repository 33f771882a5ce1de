"""The audit trail in words a supervisor reads: field labels from the schemas, who, what;
never raw action codes, record ids or field keys (`sync.applied photo 5b3c… ["bytes"]`)."""

from __future__ import annotations

import re
import uuid

from sync_server.auth import Principal
from sync_server.web.audit_words import describe_office, describe_phone, field_names
from sync_server.web.merge import merge_producers
from tests.support.server import create_actors
from tests.web.conftest import Office, csrf_of, producer, push, put, signed_in


def test_a_photo_from_a_phone_is_said_in_words() -> None:
    payload = {"fields": {"producer_id": "p1", "subject": "product", "bytes": 512000,
                          "mime": "image/jpeg", "width": 1600, "height": 1200,
                          "thumb_sha256": "5b3c" * 16},
               "base_clocks": {"producer_id": None, "subject": None, "bytes": None}}
    th = describe_phone("applied", "photo", "5b3c" * 16, payload, {"5b3c" * 16: "ผลิตภัณฑ์"})
    assert th == "บันทึกจากโทรศัพท์: เพิ่มรูปภาพ «ผลิตภัณฑ์»: ผู้ผลิต, สิ่งที่ถ่าย"
    en = describe_phone("applied", "photo", "5b3c" * 16, payload, {}, "en")
    assert en == "From a phone: added photo: Producer, Subject"


def test_an_edit_that_lost_to_a_newer_one_says_so() -> None:
    payload = {"fields": {"price_thb": 45, "opc_stars": 4},
               "base_clocks": {"price_thb": "1764000000000-00000-a", "opc_stars": None}}
    text = describe_phone("superseded", "product", "x", payload, {"x": "น้ำพริกเผา"})
    assert text.startswith("บันทึกจากโทรศัพท์: แก้ไขผลิตภัณฑ์ «น้ำพริกเผา»: ")
    assert "ราคา" in text and "ดาว" in text and "ใหม่กว่า" in text


def test_office_actions_are_said_in_words() -> None:
    titles = {"k": "กลุ่มกะปิ", "d": "กะปิบ้านนา", "v": "5 ธ.ค. 2569", "i": "ทำฉลาก"}
    merge = {"dropped": "d", "moved": 3, "filled": ["phone"]}
    assert describe_office("producer.merge", "producer", "k", merge, titles) == (
        "รวม «กะปิบ้านนา» เข้ากับผู้ผลิตนี้ ย้ายข้อมูล 3 รายการ คัดลอก หมายเลขโทรศัพท์")
    assert describe_office("producer.merge", "producer", "k", merge, titles, "en") == (
        "Merged “กะปิบ้านนา” into this producer; 3 records moved; copied Phone number")
    review = describe_office("review.rejected", "visit", "v", {"comment": "ขาดรูป"}, titles)
    assert review.startswith("ตรวจการเยี่ยมสำรวจ «5 ธ.ค. 2569»: ") and "«ขาดรูป»" in review
    plan = describe_office("plan.update", "plan_item", "i", {"fields": ["status"]}, titles)
    assert plan.startswith("แก้ไขแผนพัฒนา «ทำฉลาก»: ")
    assert describe_office("something.new", None, None, None, {}) == "something.new"


def test_internal_fields_are_not_listed() -> None:
    assert field_names("photo", ["bytes", "mime", "thumb_sha256", "_deleted"]) == ""


def test_producer_page_trail_reads_as_words(office: Office) -> None:
    phone = create_actors(office.engine, "2403", roles=("officer",))["officer"]
    tag = uuid.uuid4().hex[:6]
    pid = producer(office.engine, f"กลุ่มปลาสลิด {tag}", "240301")
    other = producer(office.engine, f"ปลาสลิดบ้านนา {tag}", "240301")
    product = uuid.uuid4().hex
    push(office, phone.token, phone.device_id, "product", product,
         {"producer_id": pid, "name_th": "ปลาสลิดแดดเดียว", "price_thb": 120})
    photo = uuid.uuid4().hex * 2
    push(office, phone.token, phone.device_id, "photo", photo,
         {"producer_id": pid, "subject": "product", "bytes": 200000, "mime": "image/jpeg"})
    visit = put(office.engine, "visit", {"producer_id": pid, "status": "final",
                                         "started_at": "2026-11-20T09:30:00+07:00"})
    client = signed_in(office, "malee")
    review = client.get(f"/review/{visit}")
    client.post(f"/review/{visit}", data={"csrf_token": csrf_of(review.text),
                                          "status": "approved", "comment": "ครบถ้วน"})
    with office.engine.begin() as conn:
        boss = Principal(office.ids["malee"], None, "2403", "supervisor", "มาลี ศรีสุข")
        merge_producers(conn, boss, pid, other)
    page = client.get(f"/producers/{pid}").text
    trail = page[page.index('id="audit"'):]
    assert "บันทึกจากโทรศัพท์: เพิ่มผลิตภัณฑ์ «ปลาสลิดแดดเดียว»" in trail
    assert "บันทึกจากโทรศัพท์: เพิ่มรูปภาพ «ผลิตภัณฑ์»" in trail
    assert "ตรวจการเยี่ยมสำรวจ «20 พ.ย. 2569»: อนุมัติแล้ว" in trail
    assert f"รวม «ปลาสลิดบ้านนา {tag}» เข้ากับผู้ผลิตนี้" in trail
    assert "มาลี ศรีสุข" in trail
    # nothing a supervisor cannot read: no codes, ids, field keys or JSON
    for raw in ("sync.", "review.approved", "producer.merge", photo[:12], product[:12],
                "bytes", "price_thb", '["'):
        assert raw not in trail, raw
    assert not re.search(r"[0-9a-f]{32}", re.sub(r'href="[^"]*"', "", trail))
    client.cookies.set("lang", "en")
    english = client.get(f"/producers/{pid}").text
    assert "From a phone: added product “ปลาสลิดแดดเดียว”" in english
