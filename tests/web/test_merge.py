"""Merging duplicate producers: everything moves, the old id forwards, phones converge."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from sync_server.db.records import get_record
from sync_server.db.tables import producer_forwards
from tests.support.server import create_actors
from tests.web.conftest import Office, csrf_of, producer, pull_all, put, signed_in


def test_merging_moves_everything_and_forwards_the_old_id(office: Office) -> None:
    phone = create_actors(office.engine, "2403", roles=("officer",))["officer"]
    tag = uuid.uuid4().hex[:6]
    keep = producer(office.engine, f"กลุ่มวิสาหกิจชุมชนขนมจากบ้านบางขนาก {tag}", "240302",
                    phone="0891234567")
    drop = producer(office.engine, f"ขนมจากบ้านบางขนาก {tag}", "240302",
                    id_number="3240300012345", contact_person="นายสมหมาย รักถิ่น")
    friend = producer(office.engine, f"โรงน้ำตาลมะพร้าว {tag}", "240302")
    product = put(office.engine, "product", {"producer_id": drop, "name_th": "ขนมจากใบจาก"})
    visit = put(office.engine, "visit", {"producer_id": drop, "status": "final"})
    plan = put(office.engine, "plan_item", {"producer_id": drop, "action": "ทำบรรจุภัณฑ์"})
    photo = put(office.engine, "photo", {"producer_id": drop, "product_id": product,
                                         "subject": "product"}, record_id=uuid.uuid4().hex * 2)
    link_in = put(office.engine, "network_link", {"from_producer_id": friend,
                                                  "to_producer_id": drop,
                                                  "kind": "raw_material_supply"})
    link_between = put(office.engine, "network_link", {"from_producer_id": drop,
                                                       "to_producer_id": keep,
                                                       "kind": "shared_brand"})
    before = pull_all(office, phone.token)

    client = signed_in(office, "malee")
    page = client.get("/duplicates")
    assert f"pair-{min(keep, drop)}-{max(keep, drop)}" in page.text
    assert "ชื่อคล้ายกันในตำบลเดียวกัน (100%)" in page.text
    # Choosing the pair only asks: nothing is merged before the confirmation.
    confirm = client.get("/duplicates/confirm", params={"keep": keep, "pair": f"{drop} {keep}"})
    assert confirm.status_code == 200 and "ยืนยันการรวมผู้ผลิต" in confirm.text
    with office.engine.connect() as conn:
        assert not get_record(conn, drop).deleted  # type: ignore[union-attr]
    response = client.post("/duplicates/merge", data={
        "csrf_token": csrf_of(confirm.text), "keep": keep, "pair": f"{drop} {keep}",
        "confirm": "yes"})
    assert response.status_code == 303 and response.headers["location"].startswith(
        "/duplicates?merged=")

    after = pull_all(office, phone.token)
    for record_id in (product, visit, plan, photo):
        assert after[record_id]["data"]["producer_id"] == keep
        assert after[record_id]["seq"] > before[record_id]["seq"]
        assert after[record_id]["clocks"]["producer_id"].endswith("-server")
    assert after[link_in]["data"]["to_producer_id"] == keep
    assert after[link_between]["deleted"] is True  # would link the producer to itself
    assert after[drop]["deleted"] is True
    kept = after[keep]["data"]
    assert kept["id_number"] == "3240300012345" and kept["phone"] == "0891234567"
    assert kept["contact_person"] == "นายสมหมาย รักถิ่น"
    with office.engine.connect() as conn:
        forward = conn.execute(sa.select(producer_forwards.c.new_id).where(
            producer_forwards.c.old_id == drop)).scalar()
        moved_product = get_record(conn, product)
    assert forward == keep
    assert moved_product is not None and moved_product.subdistrict_code == "240302"
    # The old address still works: it forwards to the kept producer.
    old_page = client.get(f"/producers/{drop}", follow_redirects=True)
    assert old_page.url.path == f"/producers/{keep}"
    assert "ขนมจากใบจาก" in old_page.text
    after_page = client.get("/duplicates").text
    assert f"pair-{min(keep, drop)}-{max(keep, drop)}" not in after_page  # no longer a pair
    assert "รวม «ขนมจากบ้านบางขนาก" not in after_page  # the flash is only after merging


def test_only_supervisors_merge_and_only_their_own_district(office: Office) -> None:
    tag = uuid.uuid4().hex[:6]
    a = producer(office.engine, f"ปลาร้าบองแม่ทองใบ {tag}", "240308", phone="0876543210")
    b = producer(office.engine, f"ปลาร้าบอง แม่ทองใบ {tag}", "240308", phone="0876543210")
    officer = signed_in(office, "somchai")
    page = officer.get("/duplicates")
    assert page.status_code == 200 and 'name="keep"' not in page.text
    assert officer.post("/duplicates/merge", data={
        "csrf_token": csrf_of(page.text), "keep": a, "pair": f"{a} {b}",
        "confirm": "yes"}).status_code == 403
    other = signed_in(office, "other")
    other_page = other.get("/duplicates")
    response = other.post("/duplicates/merge", data={
        "csrf_token": csrf_of(other_page.text), "keep": a, "pair": f"{a} {b}",
        "confirm": "yes"})
    assert response.status_code == 400
    assert "ไม่พบผู้ผลิตที่จะรวมในอำเภอของคุณ" in response.text
    with office.engine.connect() as conn:
        assert not get_record(conn, b).deleted  # type: ignore[union-attr]


def test_merging_a_producer_with_itself_is_refused(office: Office) -> None:
    a = producer(office.engine, "ข้าวเกรียบกุ้งหมอนทอง", "240304")
    client = signed_in(office, "malee")
    page = client.get("/duplicates")
    response = client.post("/duplicates/merge", data={
        "csrf_token": csrf_of(page.text), "keep": a, "pair": f"{a} {a}"})
    assert response.status_code == 400
    client.cookies.set("lang", "en")
    response = client.post("/duplicates/merge", data={
        "csrf_token": csrf_of(page.text), "keep": a, "pair": f"{a} {a}"})
    assert "Choose two different producers" in response.text
