"""The repository API the screens and the sync client share, on every storage."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from fieldapp.store import (
    DeviceStore,
    DuplicateRecordError,
    InvalidRecordError,
    RecordNotFoundError,
)
from recordsync.hlc import Timestamp

from .conftest import DEVICE, ManualClock

MakeStore = Callable[..., DeviceStore]


def _producer(store: DeviceStore, **fields: object) -> dict:
    base = {
        "producer_type": "community_group",
        "name_th": "กลุ่มแม่บ้านเกษตรกรบางขนาก",
        "phone": "0812345678",
        "address": {"moo": 4, "subdistrict_code": "240302", "district_code": "2403",
                    "province_code": "24"},
    }
    return store.create("producer", {**base, **fields})


def test_create_makes_a_device_id_and_stamps_every_field(store: DeviceStore) -> None:
    producer = _producer(store)
    assert re.fullmatch(r"[0-9a-f]{32}", producer["id"])
    assert producer["name_th"] == "กลุ่มแม่บ้านเกษตรกรบางขนาก"
    assert producer["schema_version"] == 1
    clocks = store.clocks("producer", producer["id"])
    assert set(clocks) == set(producer) - {"id"}
    assert {Timestamp.decode(c).node for c in clocks.values()} == {DEVICE}
    assert "_clocks" not in store.get("producer", producer["id"])  # type: ignore[operator]


def test_returned_records_are_copies(store: DeviceStore) -> None:
    producer = _producer(store)
    producer["address"]["moo"] = 99
    fetched = store.get("producer", producer["id"])
    assert fetched is not None and fetched["address"]["moo"] == 4


def test_update_stamps_only_fields_that_really_changed(store: DeviceStore, clock: ManualClock
                                                       ) -> None:
    producer = _producer(store)
    before = store.clocks("producer", producer["id"])
    clock.advance(1000)
    updated = store.update("producer", producer["id"], {
        "name_th": producer["name_th"],  # the form saved again unchanged
        "members_count": 25,
    })
    assert updated["members_count"] == 25
    after = store.clocks("producer", producer["id"])
    assert after["name_th"] == before["name_th"]
    assert after["members_count"] > before["name_th"]
    # saving again with no change stores nothing new
    count = store.pending_count()
    store.update("producer", producer["id"], {"members_count": 25})
    assert store.pending_count() == count


def test_delete_leaves_a_tombstone(make_store: MakeStore) -> None:
    store = make_store()
    producer = _producer(store)
    store.delete("producer", producer["id"])
    assert store.get("producer", producer["id"]) is None
    kept = store.get("producer", producer["id"], include_deleted=True)
    assert kept is not None and kept["_deleted"] is True and kept["name_th"]
    clocks = store.clocks("producer", producer["id"])
    assert clocks["_deleted"] > max(c for k, c in clocks.items() if k != "_deleted")
    assert store.list("producer") == []
    assert [r["id"] for r in store.list("producer", include_deleted=True)] == [producer["id"]]
    tomb = store.pending_changes()[-1]
    assert tomb.deleted and tomb.clocks["_deleted"] == clocks["_deleted"]
    with pytest.raises(RecordNotFoundError, match="ไม่พบ"):
        store.update("producer", producer["id"], {"phone": "0899999999"})
    with pytest.raises(RecordNotFoundError):
        store.delete("producer", producer["id"])
    store.close()
    again = make_store()
    assert again.get("producer", producer["id"]) is None


@pytest.mark.parametrize(
    ("record_type", "fields", "error", "words"),
    [
        ("farmer", {"name_th": "x"}, InvalidRecordError, "unknown record type"),
        ("producer", {"_clocks": {}}, InvalidRecordError, "not allowed"),
        ("producer", {"": 1}, InvalidRecordError, "not allowed"),
        ("producer", {"id": "not-hex"}, InvalidRecordError, "UUID4"),
        ("photo", {"id": "ab" * 16}, InvalidRecordError, "SHA-256"),
        ("producer", {"name_th": "ก", "price": float("inf")}, InvalidRecordError, "JSON"),
        ("producer", {"name_th": "ก", "when": object()}, InvalidRecordError, "JSON"),
    ],
)
def test_bad_input_is_refused_in_thai_and_english_and_nothing_is_stored(
    store: DeviceStore, record_type: str, fields: dict, error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words) as raised:
        store.create(record_type, fields)
    assert re.search(r"[\u0E00-\u0E7F]", str(raised.value))  # Thai message too
    assert store.pending_count() == 0
    assert store.list("producer") == []


def test_a_photo_keeps_its_content_id_and_a_duplicate_is_refused(store: DeviceStore) -> None:
    sha = "3f" * 32
    photo = store.create("photo", {"id": sha, "producer_id": "p" * 32, "subject": "label"})
    assert photo["id"] == sha
    with pytest.raises(DuplicateRecordError, match="already exists"):
        store.create("photo", {"id": sha, "subject": "label"})


def test_list_filters_and_the_per_producer_views(store: DeviceStore) -> None:
    a, b = _producer(store), _producer(store, name_th="ผ้าทอมือโยธะกา")
    chili = store.create("product", {"producer_id": a["id"], "name_th": "น้ำพริกเผา",
                                     "category": "food"})
    store.create("product", {"producer_id": b["id"], "name_th": "ผ้าขาวม้า", "category": "textile"})
    visit = store.create("visit", {"producer_id": a["id"]})
    plan = store.create("plan_item", {"producer_id": a["id"], "need": "packaging"})
    photo = store.create("photo", {"id": "0a" * 32, "producer_id": a["id"], "subject": "product"})
    link = store.create("network_link", {"from_producer_id": b["id"], "to_producer_id": a["id"],
                                         "kind": "raw_material_supply"})
    assert [p["id"] for p in store.products_of(a["id"])] == [chili["id"]]
    assert [p["id"] for p in store.list("product", category="textile")] != [chili["id"]]
    assert [v["id"] for v in store.visits_of(a["id"])] == [visit["id"]]
    assert [p["id"] for p in store.plan_items_of(a["id"])] == [plan["id"]]
    assert [p["id"] for p in store.photos_of(a["id"])] == [photo["id"]]
    assert [x["id"] for x in store.links_of(a["id"])] == [link["id"]]
    assert [x["id"] for x in store.links_of(b["id"])] == [link["id"]]
    store.delete("product", chili["id"])
    assert store.products_of(a["id"]) == []


def test_a_tinydb_query_finds_records(store: DeviceStore) -> None:
    from tinydb import Query

    product = Query()
    store.create("product", {"name_th": "น้ำพริกเผา", "price_thb": 35, "category": "food"})
    dear = store.create("product", {"name_th": "ผ้าไหมมัดหมี่", "price_thb": 1200,
                                    "category": "textile"})
    found = store.find("product", (product.price_thb > 100) & (product.category == "textile"))
    assert [p["id"] for p in found] == [dear["id"]]
    assert [p["name_th"] for p in store.find("product", product.name_th.search("^น้ำพริก"))] == [
        "น้ำพริกเผา"]
    store.delete("product", dear["id"])
    assert store.find("product", product.price_thb > 100) == []
    assert len(store.find("product", product.price_thb > 100, include_deleted=True)) == 1


def test_search_producers_by_thai_and_latin_name_area_category_and_state(store: DeviceStore
                                                                          ) -> None:
    basket = _producer(store, name_th="กลุ่มจักสานผักตบชวาบ้านหมอนทอง", name_en="Mon Thong Basketry",
                       address={"subdistrict_code": "240304"})
    _producer(store, name_th="วิสาหกิจชุมชนผ้าทอบางขนาก", name_en="Bang Khanak Weavers")
    store.create("product", {"producer_id": basket["id"], "name_th": "กระเป๋าผักตบชวา",
                             "category": "household"})
    assert [p["id"] for p in store.search_producers("ผักตบ")] == [basket["id"]]
    assert [p["id"] for p in store.search_producers("basketry")] == [basket["id"]]
    assert [p["id"] for p in store.search_producers("  MON   thong ")] == [basket["id"]]
    assert len(store.search_producers("")) == 2
    assert [p["id"] for p in store.search_producers(subdistrict_code="240304")] == [basket["id"]]
    assert [p["id"] for p in store.search_producers(category="household")] == [basket["id"]]
    assert store.search_producers("ผ้าทอ", category="household") == []
    assert len(store.search_producers(sync_state="waiting")) == 2
    store.acknowledge([c.change_id for c in store.pending_changes()])
    assert store.search_producers(sync_state="waiting") == []
    assert len(store.search_producers(sync_state="sent")) == 2


def test_finalize_visit_reports_what_is_missing_then_finalizes(
    store: DeviceStore, clock: ManualClock
) -> None:
    producer = _producer(store, phone="")
    product = store.create("product", {"producer_id": producer["id"], "name_th": "ข้าวเกรียบ"})
    visit = store.create("visit", {"producer_id": producer["id"], "product_ids": [product["id"]]})
    assert visit["status"] == "draft"
    issues = store.finalize_visit(visit["id"])
    missing = {(i["record_type"], i["field"]) for i in issues}
    assert all(i["message_th"] and i["message_en"] and i["code"] for i in issues)
    assert ("visit", "purpose") in missing and ("producer", "phone") in missing
    assert ("product", "category") in missing and ("product", "price_thb") in missing
    assert store.get("visit", visit["id"])["status"] == "draft"  # type: ignore[index]

    store.update("producer", producer["id"], {"phone": "0812345678"})
    store.update("product", product["id"], {"category": "food", "price_thb": 40})
    store.update("visit", visit["id"], {
        "purpose": "follow_up", "started_at": "2026-11-25T03:00:00Z", "needs": ["packaging"],
        "gps": {"lat": 13.84, "lon": 101.05, "accuracy_m": 6,
                "captured_at": "2026-11-25T03:01:00Z"},
    })
    assert store.finalize_visit(visit["id"]) == []
    final = store.get("visit", visit["id"])
    assert final is not None and final["status"] == "final"
    assert final["finalized_at"].endswith("Z")


def test_meta_is_durable(make_store: MakeStore) -> None:
    store = make_store()
    assert store.get_meta("sync_cursor") is None
    assert store.get_meta("sync_cursor", 0) == 0
    store.set_meta("sync_cursor", 1234)
    store.set_meta("server", {"url": "https://bnp.example.th", "district": "2403"})
    store.close()
    again = make_store()
    assert again.get_meta("sync_cursor") == 1234
    assert again.get_meta("server")["district"] == "2403"


def test_everything_is_back_after_reopening(make_store: MakeStore) -> None:
    store = make_store()
    producer = _producer(store)
    store.update("producer", producer["id"], {"members_count": 30})
    pending = [c.to_json() for c in store.pending_changes()]
    last = store.clock.last
    store.close()
    again = make_store()
    assert again.get("producer", producer["id"])["members_count"] == 30  # type: ignore[index]
    assert [c.to_json() for c in again.pending_changes()] == pending
    assert again.clock.now() > last
