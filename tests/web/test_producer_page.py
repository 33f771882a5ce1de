"""The producer page over HTTP: profile, products, photos, standards, visits, plan, links."""

from __future__ import annotations

import io
from datetime import date, timedelta

import sqlalchemy as sa
from PIL import Image

from recordsync.hlc import Timestamp
from schemas import validate_record
from sync_server.db.records import get_record
from sync_server.db.tables import audit_log, records
from tests.support.blobs import store_blob
from tests.web.conftest import (
    OTHER_DISTRICT,
    Office,
    add_agency,
    csrf_of,
    producer,
    put,
    signed_in,
)


def jpeg(colour: tuple[int, int, int], size: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(out, "JPEG")
    return out.getvalue()


def store_photo(office: Office, data: bytes) -> str:
    """Put a photo where a finished upload by a device of district 2403 leaves it."""
    return store_blob(office.engine, office.server.data_dir / "photos", "2403", data)


def test_producer_page_shows_everything_the_office_needs(office: Office) -> None:
    pid = producer(office.engine, "วิสาหกิจชุมชนผ้าทอบ้านศาลาแดง", "240309", phone="0812345678",
                   contact_person="นางบุญมี ทองดี", members_count=25)
    friend = producer(office.engine, "กลุ่มย้อมสีธรรมชาติศาลาแดง", "240309")
    expired = (date.today() - timedelta(days=3)).isoformat()
    soon = (date.today() + timedelta(days=20)).isoformat()
    product = put(office.engine, "product", {
        "producer_id": pid, "name_th": "ผ้าซิ่นตีนจก", "category": "textile", "price_thb": 1500,
        "opc_stars": 5, "certifications": [
            {"standard": "mpc", "number": "มผช. 12/2565", "expires_on": expired},
            {"standard": "q_mark", "number": "Q-99", "expires_on": soon}]})
    full = store_photo(office, jpeg((200, 30, 30), 64))
    thumb = store_photo(office, jpeg((200, 30, 30), 16))
    put(office.engine, "photo", {"producer_id": pid, "product_id": product, "subject": "product",
                                 "thumb_sha256": thumb}, record_id=full)
    put(office.engine, "visit", {"producer_id": pid, "officer_name": "สมชาย ใจดี",
                                 "started_at": "2026-11-20T03:00:00+00:00", "purpose": "standards",
                                 "needs": ["standards"], "status": "final"})
    put(office.engine, "network_link", {"from_producer_id": pid, "to_producer_id": friend,
                                        "kind": "raw_material_supply"})
    client = signed_in(office, "somchai")
    page = client.get(f"/producers/{pid}")
    assert page.status_code == 200
    html = page.text
    for text in ("วิสาหกิจชุมชนผ้าทอบ้านศาลาแดง", "นางบุญมี ทองดี", "ศาลาแดง", "ผ้าซิ่นตีนจก",
                 "1,500", "หมดอายุแล้ว", "ใกล้หมดอายุ", "สมชาย ใจดี", "20 พ.ย. 2569",
                 "กลุ่มย้อมสีธรรมชาติศาลาแดง", "ส่งวัตถุดิบ", f"/api/v1/photos/{full}?size=thumb"):
        assert text in html, text
    # Thumbnail, then full size, through the photo API with the session cookie; only for
    # this district.
    assert client.get(f"/api/v1/photos/{full}?size=thumb").content == jpeg((200, 30, 30), 16)
    assert client.get(f"/api/v1/photos/{full}").content == jpeg((200, 30, 30), 64)
    other = signed_in(office, "other")
    assert other.get(f"/api/v1/photos/{full}").status_code == 404
    assert office.client().get(f"/api/v1/photos/{full}").status_code == 401
    assert other.get(f"/producers/{pid}").status_code == 404
    # The friend's page shows the link coming in.
    assert "วิสาหกิจชุมชนผ้าทอบ้านศาลาแดง" in client.get(f"/producers/{friend}").text


def test_partner_cannot_open_a_producer_page(office: Office) -> None:
    pid = producer(office.engine, "น้ำตาลมะพร้าวบางขนาก", "240302", id_number="3240300012345")
    response = signed_in(office, "commerce").get(f"/producers/{pid}")
    assert response.status_code == 403
    assert "3240300012345" not in response.text


def test_plan_items_are_written_as_records_with_server_clocks(office: Office) -> None:
    pid = producer(office.engine, "กลุ่มแม่บ้านเกษตรกรดอนเกาะกา", "240306")
    client = signed_in(office, "malee")
    agency_id = add_agency(client, f"สำนักงานพาณิชย์จังหวัด {pid[:6]}")
    page = client.get(f"/producers/{pid}")
    with office.engine.connect() as conn:
        seq_before = conn.execute(sa.select(sa.func.max(records.c.seq))).scalar()
    added = client.post(f"/producers/{pid}/plan", data={
        "csrf_token": csrf_of(page.text), "need": "packaging", "action": "ออกแบบฉลากใหม่",
        "agency_id": agency_id, "budget_thb": "15,000", "due_on": "2027-03-31",
        "status": "planned"})
    assert added.status_code == 303
    with office.engine.connect() as conn:
        item_id = conn.execute(sa.select(records.c.id).where(
            records.c.producer_id == pid, records.c.record_type == "plan_item")).scalar_one()
        item = get_record(conn, item_id)
    assert item is not None
    assert item.data["budget_thb"] == 15000 and item.data["action"] == "ออกแบบฉลากใหม่"
    assert item.data["agency_id"] == agency_id
    assert item.data["agency"] == f"สำนักงานพาณิชย์จังหวัด {pid[:6]}"
    assert item.data["fiscal_year_be"] == 2570  # due 31 Mar 2027: fiscal year 2570
    assert {Timestamp.decode(c).node for c in item.clocks.values()} == {"server"}
    # What the office writes is a valid record for the phones too.
    assert validate_record("plan_item", {**item.data, "id": item.id, "schema_version": 1},
                           "final") == []
    assert item.seq > (seq_before or 0)
    page = client.get(f"/producers/{pid}?saved=plan")
    assert "ออกแบบฉลากใหม่" in page.text and "บันทึกแล้ว" in page.text
    # Edit only the status: only that field gets a newer clock.
    edited = client.post(f"/producers/{pid}/plan/{item_id}", data={
        "csrf_token": csrf_of(page.text), "need": "packaging", "action": "ออกแบบฉลากใหม่",
        "agency_id": agency_id, "budget_thb": "15000", "due_on": "2027-03-31",
        "fiscal_year_be": "2570", "status": "in_progress", "follow_up_notes": ""})
    assert edited.status_code == 303
    with office.engine.connect() as conn:
        after = get_record(conn, item_id)
        actions = conn.execute(sa.select(audit_log.c.action).where(
            audit_log.c.target_id == item_id)).scalars().all()
    assert after is not None and after.data["status"] == "in_progress"
    assert after.clocks["status"] > item.clocks["status"]
    assert after.clocks["action"] == item.clocks["action"]
    assert after.seq > item.seq
    assert sorted(actions) == ["plan.create", "plan.update"]


def test_bad_plan_input_is_explained_and_nothing_is_stored(office: Office) -> None:
    pid = producer(office.engine, "กลุ่มจักสานโยธะกา", "240307")
    client = signed_in(office, "somchai")
    page = client.get(f"/producers/{pid}")
    response = client.post(f"/producers/{pid}/plan", data={
        "csrf_token": csrf_of(page.text), "action": "", "budget_thb": "-5", "due_on": "31/03/70",
        "status": "planned"})
    assert response.status_code == 400
    for text in ("กรุณาระบุกิจกรรม", "งบประมาณต้องเป็นจำนวนเงินไม่ติดลบ", "วันที่ไม่ถูกต้อง"):
        assert text in response.text
    with office.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(records).where(
            records.c.producer_id == pid, records.c.record_type == "plan_item")).scalar() == 0
    missing_csrf = client.post(f"/producers/{pid}/plan", data={"action": "x"})
    assert missing_csrf.status_code == 403


def test_plan_of_another_district_cannot_be_touched(office: Office) -> None:
    far = producer(office.engine, "ผ้าไหมเมืองแปด", OTHER_DISTRICT + "01")
    client = signed_in(office, "malee")
    page = client.get("/producers")
    response = client.post(f"/producers/{far}/plan", data={
        "csrf_token": csrf_of(page.text), "action": "แทรก", "status": "planned"})
    assert response.status_code == 404
