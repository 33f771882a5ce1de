"""Undoing a merge of duplicate producers, on SQLite and PostgreSQL, and through the real
server with a phone that pulled the merge and then pulls the undo."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from recordsync.merge import is_deleted
from sync_server.auth import Principal
from sync_server.db.records import get_record
from sync_server.db.tables import audit_log, producer_forwards
from sync_server.web.merge import MergeError, merge_producers, undo_merge
from sync_server.web.office_writes import write_fields
from tests.support.server import create_actors
from tests.web.conftest import Office, csrf_of, pull_all, push, signed_in
from tests.web.conftest import producer as web_producer
from tests.web.conftest import put as web_put
from tests.web.test_office_storage import engine, producer, put, supervisor

__all__ = ["engine", "supervisor"]  # fixtures used here


def _forwards(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(sa.select(producer_forwards.c.old_id,
                                           producer_forwards.c.new_id)).all())


def test_undo_gives_everything_back(engine: Engine, supervisor: Principal) -> None:
    keep = producer(engine, "กลุ่มกะปิบางน้ำเปรี้ยว", "240301", contact_person="")
    drop = producer(engine, "กะปิบางน้ำเปรี้ยว", "240301", phone="0891112222",
                    contact_person="นางสาย")
    friend = producer(engine, "โรงน้ำปลา", "240301")
    product = put(engine, "product", {"producer_id": drop, "name_th": "กะปิกุ้ง"})
    visit = put(engine, "visit", {"producer_id": drop, "status": "final"})
    link_in = put(engine, "network_link", {"from_producer_id": friend, "to_producer_id": drop,
                                           "kind": "raw_material_supply"})
    link_between = put(engine, "network_link", {"from_producer_id": drop,
                                                "to_producer_id": keep, "kind": "shared_brand"})
    with engine.begin() as conn:
        merged = merge_producers(conn, supervisor, keep, drop)
    assert merged.merge_id > 0 and set(merged.filled) == {"phone", "contact_person"}
    with engine.begin() as conn:
        undone = undo_merge(conn, supervisor, merged.merge_id)
    assert (undone.moved_back, undone.left) == (4, 0)
    assert undone.kept_fields == ("phone",)  # keep had no phone at all: left in place
    with engine.connect() as conn:
        back = {rid: get_record(conn, rid) for rid in (drop, keep, product, visit, link_in,
                                                       link_between)}
    assert all(r is not None for r in back.values())
    assert not back[drop].deleted and back[drop].data["name_th"] == "กะปิบางน้ำเปรี้ยว"  # type: ignore[union-attr]
    assert back[product].data["producer_id"] == drop  # type: ignore[union-attr]
    assert back[visit].data["producer_id"] == drop  # type: ignore[union-attr]
    assert back[link_in].data["to_producer_id"] == drop  # type: ignore[union-attr]
    assert not back[link_between].deleted  # type: ignore[union-attr]
    assert back[keep].data["contact_person"] == ""  # type: ignore[union-attr]
    assert drop not in _forwards(engine)
    with engine.begin() as conn, pytest.raises(MergeError, match="already undone"):
        undo_merge(conn, supervisor, merged.merge_id)


def test_records_changed_after_the_merge_stay_where_they_were_put(
        engine: Engine, supervisor: Principal) -> None:
    keep = producer(engine, "ข้าวเกรียบ ก", "240301")
    drop = producer(engine, "ข้าวเกรียบ ข", "240301")
    other = producer(engine, "ข้าวเกรียบ ค", "240301")
    moved = put(engine, "product", {"producer_id": drop, "name_th": "ข้าวเกรียบกุ้ง"})
    refiled = put(engine, "product", {"producer_id": drop, "name_th": "ข้าวเกรียบปลา"})
    with engine.begin() as conn:
        merged = merge_producers(conn, supervisor, keep, drop)
    with engine.begin() as conn:  # an officer files one product elsewhere afterwards
        record = get_record(conn, refiled)
        assert record is not None
        write_fields(conn, record, {"producer_id": other})
    with engine.begin() as conn:
        undone = undo_merge(conn, supervisor, merged.merge_id)
    assert (undone.moved_back, undone.left) == (1, 1)
    with engine.connect() as conn:
        assert get_record(conn, moved).data["producer_id"] == drop  # type: ignore[union-attr]
        assert get_record(conn, refiled).data["producer_id"] == other  # type: ignore[union-attr]


def test_chained_forwards_point_back_and_a_later_merge_blocks_undo(
        engine: Engine, supervisor: Principal) -> None:
    a = producer(engine, "ไข่เค็ม ก", "240301")
    b = producer(engine, "ไข่เค็ม ข", "240301")
    c = producer(engine, "ไข่เค็ม ค", "240301")
    with engine.begin() as conn:
        merge_producers(conn, supervisor, b, a)  # a -> b
    with engine.begin() as conn:
        second = merge_producers(conn, supervisor, c, b)  # b -> c (a -> c)
    assert _forwards(engine) == {a: c, b: c}
    with engine.begin() as conn:
        undo_merge(conn, supervisor, second.merge_id)
    assert _forwards(engine) == {a: b}  # a is b's again, b is itself
    with engine.begin() as conn:
        third = merge_producers(conn, supervisor, c, b)
    d = producer(engine, "ไข่เค็ม ง", "240301")
    with engine.begin() as conn:
        merge_producers(conn, supervisor, d, c)  # the kept producer is merged away
    with engine.begin() as conn, pytest.raises(MergeError, match="Cannot be undone"):
        undo_merge(conn, supervisor, third.merge_id)
    with engine.connect() as conn:  # refused before anything was written
        assert get_record(conn, b).deleted  # type: ignore[union-attr]
        unmerges = conn.execute(sa.select(sa.func.count()).where(
            audit_log.c.action == "producer.unmerge")).scalar()
    assert unmerges == 1


def test_other_districts_merges_cannot_be_undone(engine: Engine,
                                                 supervisor: Principal) -> None:
    with engine.begin() as conn, pytest.raises(MergeError, match="not found"):
        undo_merge(conn, Principal("x", None, "2401", "supervisor", "x"), 1)


def test_phone_that_pulled_the_merge_converges_on_the_undo(office: Office) -> None:
    phone = create_actors(office.engine, "2403", roles=("officer",))["officer"]
    tag = uuid.uuid4().hex[:6]
    keep = web_producer(office.engine, f"กลุ่มน้ำพริกบ้านนา {tag}", "240302")
    drop = web_producer(office.engine, f"น้ำพริกบ้านนา {tag}", "240302", phone="0861234567")
    product = web_put(office.engine, "product", {"producer_id": drop, "name_th": "น้ำพริกเผา"})
    client = signed_in(office, "malee")
    confirm = client.get("/duplicates/confirm", params={"keep": keep, "pair": f"{keep} {drop}"})
    assert "น้ำพริกเผา" not in confirm.text and "ผลิตภัณฑ์: 1" in confirm.text
    response = client.post("/duplicates/merge", data={
        "csrf_token": csrf_of(confirm.text), "keep": keep, "pair": f"{keep} {drop}",
        "confirm": "yes"})
    assert response.status_code == 303
    merge_id = response.headers["location"].split("merged=")[1].split("#")[0]
    merged = pull_all(office, phone.token)
    assert merged[drop]["deleted"] and merged[product]["data"]["producer_id"] == keep

    page = client.get(response.headers["location"])
    assert f"รวม «น้ำพริกบ้านนา {tag}» เข้ากับ «กลุ่มน้ำพริกบ้านนา {tag}» แล้ว" in page.text
    undone = client.post("/duplicates/undo", data={"csrf_token": csrf_of(page.text),
                                                   "merge": merge_id})
    assert undone.status_code == 303
    assert "เลิกทำการรวมแล้ว: ย้ายข้อมูลกลับ 1 รายการ" in client.get(
        undone.headers["location"]).text
    after = pull_all(office, phone.token)
    assert not after[drop]["deleted"] and not is_deleted(after[drop]["clocks"])
    assert after[drop]["seq"] > merged[drop]["seq"]
    assert after[product]["data"]["producer_id"] == drop
    assert after[product]["seq"] > merged[product]["seq"]
    # A phone edit of the restored producer is applied to it, not forwarded any more.
    push(office, phone.token, phone.device_id, "producer", drop, {"phone": "0869999999"})
    with office.engine.connect() as conn:
        restored = get_record(conn, drop)
        kept = get_record(conn, keep)
    assert restored is not None and restored.data["phone"] == "0869999999"
    assert kept is not None and kept.data.get("phone") == "0861234567"  # copied, kept
    again = client.post("/duplicates/undo", data={"csrf_token": csrf_of(page.text),
                                                  "merge": merge_id})
    assert again.status_code == 409 and "การรวมนี้ถูกเลิกทำไปแล้ว" in again.text
