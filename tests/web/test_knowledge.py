"""Issue 14 items 3 and 5 on the office pages: group strength, production, packaging, story
and channels on the producer page; network links made in the office; the agency list."""

from __future__ import annotations

import sqlalchemy as sa

from recordsync.hlc import Timestamp
from sync_server.db.records import get_record
from sync_server.db.tables import agencies, audit_log, records
from tests.web.conftest import (
    OTHER_DISTRICT,
    Office,
    add_agency,
    csrf_of,
    producer,
    put,
    signed_in,
)


def test_the_producer_page_shows_the_knowledge_collected(office: Office) -> None:
    pid = producer(office.engine, "วิสาหกิจชุมชนน้ำพริกโยธะกา", "240307",
                   group_strength={"members": 3, "committee": 2, "rules": 1, "fund": 3,
                                   "activities": 2},
                   community_link=["production", "benefit"])
    put(office.engine, "product", {
        "producer_id": pid, "name_th": "น้ำพริกปลาสลิด", "category": "food", "price_thb": 60,
        "unit": "กระปุก", "monthly_capacity": 1200, "sales_last_year_thb": 350000,
        "sales_channels": ["online", "otop_fair"], "local_material_pct": 80,
        "story": "สูตรของยายที่ใช้ปลาสลิดบางบ่อ", "opc_stars": 5, "quadrant": "C",
        "packaging": {"material": "ขวดแก้ว", "has_label": True, "needs_redesign": True,
                      "barcode": "8850999320014"}})
    html = signed_in(office, "somchai").get(f"/producers/{pid}").text
    for text in ("ความเข้มแข็งของกลุ่มตามหลัก 5 ก", "กรรมการ", "3 เข้มแข็ง", "1 มีบ้าง",
                 "11 / 15", "การผลิต, การแบ่งปันผลประโยชน์",
                 "กำลังการผลิตต่อเดือน", "1,200 กระปุก", "350,000", "ออนไลน์, งานแสดงสินค้า OTOP",
                 "80%", "ขวดแก้ว", "ต้องปรับปรุงบรรจุภัณฑ์", "8850999320014",
                 "สูตรของยายที่ใช้ปลาสลิดบางบ่อ", "C กลุ่มพัฒนาสู่ตลาด",
                 'data-code="starred_without_standard"'):
        assert text in html, text


def test_a_network_link_made_in_the_office_reaches_both_producers(office: Office) -> None:
    source = producer(office.engine, "กลุ่มเลี้ยงปลาสลิดบางน้ำเปรี้ยว", "240301")
    target = producer(office.engine, "กลุ่มแปรรูปปลาสลิดดอนฉิมพลี", "240308")
    far = producer(office.engine, "กลุ่มอำเภอเมือง", f"{OTHER_DISTRICT}01")
    client = signed_in(office, "somchai")
    page = client.get(f"/producers/{source}")
    assert 'action="/producers/' + source + '/links"' in page.text
    assert target in page.text and far not in page.text  # only this district's producers
    token = csrf_of(page.text)
    made = client.post(f"/producers/{source}/links", data={
        "csrf_token": token, "to_producer_id": target, "kind": "raw_material_supply",
        "notes": "ส่งปลาสดทุกสัปดาห์"})
    assert made.status_code == 303
    with office.engine.connect() as conn:
        link_id = conn.execute(sa.select(records.c.id).where(
            records.c.record_type == "network_link",
            records.c.producer_id == source)).scalar_one()
        link = get_record(conn, link_id)
        action = conn.execute(sa.select(audit_log.c.action).where(
            audit_log.c.target_id == link_id)).scalar_one()
    assert link is not None and link.data["to_producer_id"] == target
    assert {Timestamp.decode(c).node for c in link.clocks.values()} == {"server"}
    assert action == "link.create"
    assert "กลุ่มแปรรูปปลาสลิดดอนฉิมพลี" in client.get(f"/producers/{source}").text
    incoming = client.get(f"/producers/{target}").text
    assert "กลุ่มเลี้ยงปลาสลิดบางน้ำเปรี้ยว" in incoming and "ส่งวัตถุดิบให้กัน" in incoming
    # A link to itself, to another district's producer or of no kind: explained, not stored.
    for data, words in (({"to_producer_id": source, "kind": "co_selling"}, "คนละราย"),
                        ({"to_producer_id": far, "kind": "co_selling"}, "ไม่พบผู้ผลิตปลายทาง"),
                        ({"to_producer_id": target, "kind": "gossip"}, "ลักษณะความเชื่อมโยง")):
        refused = client.post(f"/producers/{source}/links", data={"csrf_token": token, **data})
        assert refused.status_code == 400 and words in refused.text
    with office.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).where(
            records.c.record_type == "network_link",
            records.c.producer_id == source)).scalar() == 1


def test_the_agency_list_is_kept_by_supervisors(office: Office) -> None:
    officer = signed_in(office, "somchai")
    page = officer.get("/agencies")
    assert page.status_code == 200 and 'id="agency-new"' not in page.text
    denied = officer.post("/agencies", data={"csrf_token": csrf_of(page.text),
                                             "name_th": "ไม่ควรเพิ่ม", "kind": "private"})
    assert denied.status_code == 403
    boss = signed_in(office, "malee")
    agency_id = add_agency(boss, "องค์การบริหารส่วนตำบลบางขนาก", "อบต.บางขนาก",
                           "local_government")
    listing = boss.get("/agencies").text
    assert "อบต.บางขนาก" in listing and "องค์กรปกครองส่วนท้องถิ่น" in listing  # schema label
    token = csrf_of(listing)
    again = boss.post("/agencies", data={"csrf_token": token,
                                         "name_th": "องค์การบริหารส่วนตำบลบางขนาก",
                                         "kind": "government"})
    assert again.status_code == 409 and "มีหน่วยงานชื่อนี้" in again.text
    bad = boss.post("/agencies", data={"csrf_token": token, "name_th": "x", "kind": "alien"})
    assert bad.status_code == 400 and "ประเภทหน่วยงาน" in bad.text
    renamed = boss.post(f"/agencies/{agency_id}", data={
        "csrf_token": token, "name_th": "องค์การบริหารส่วนตำบลบางขนาก", "short_name": "อบต.บข.",
        "kind": "local_government", "active": "1"})
    assert renamed.status_code == 303
    with office.engine.connect() as conn:
        short = conn.execute(sa.select(agencies.c.short_name).where(
            agencies.c.id == agency_id)).scalar_one()
    assert short == "อบต.บข."
    other = signed_in(office, "other")  # another district's supervisor
    moved = other.post(f"/agencies/{agency_id}", data={
        "csrf_token": csrf_of(other.get("/agencies").text), "name_th": "ยึด",
        "kind": "private"})
    assert moved.status_code == 404


def test_an_old_plan_item_finds_its_agency_by_short_name(office: Office) -> None:
    boss = signed_in(office, "malee")
    suffix = office.users["malee"][-4:]
    add_agency(boss, f"สำนักงานพาณิชย์จังหวัดฉะเชิงเทรา {suffix}", f"พาณิชย์ {suffix}")
    pid = producer(office.engine, "กลุ่มจักสานผักตบชวา", "240305")
    put(office.engine, "plan_item", {"producer_id": pid, "need": "marketing_channels",
                                     "action": "ออกบูธงานแสดงสินค้า",
                                     "agency": f"  พาณิชย์   {suffix} ", "budget_thb": 5000,
                                     "status": "planned"})
    html = boss.get(f"/producers/{pid}").text
    assert f'selected>สำนักงานพาณิชย์จังหวัดฉะเชิงเทรา {suffix}' in html


def test_the_review_page_shows_who_took_part(office: Office) -> None:
    pid = producer(office.engine, "กลุ่มทำขนมกงศาลาแดง", "240309")
    visit = put(office.engine, "visit", {
        "producer_id": pid, "status": "final", "purpose": "follow_up",
        "started_at": "2026-11-20T03:00:00+00:00", "needs": ["packaging"],
        "members_present": 14,
        "agencies_present": ["พาณิชย์จังหวัดฉะเชิงเทรา", "อบต.ศาลาแดง"]})
    html = signed_in(office, "malee").get(f"/review/{visit}").text
    assert "สมาชิกที่ร่วมให้ข้อมูล" in html and '<dd id="members-present">14</dd>' in html
    assert "พาณิชย์จังหวัดฉะเชิงเทรา, อบต.ศาลาแดง" in html
