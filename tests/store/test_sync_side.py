"""The outbox, sync states, remote merges and clock resets: what the sync client relies on."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from fieldapp.store import DeviceStore, InvalidRecordError, JournalStorage, open_store
from fieldapp.store import journal as jr
from recordsync.hlc import Timestamp

from .conftest import DEVICE, ManualClock

MakeStore = Callable[..., DeviceStore]
OTHER = "phone_bnp_02"


def _stamp(wall_ms: int, node: str = OTHER) -> str:
    return Timestamp(wall_ms, 0, node).encode()


def test_a_change_records_what_the_device_saw_before_the_edit(
    store: DeviceStore, clock: ManualClock
) -> None:
    product = store.create("product", {"name_th": "น้ำพริกเผา", "price_thb": 35})
    created = store.pending_changes()
    assert len(created) == 1
    assert created[0].base_clocks == {"name_th": None, "price_thb": None, "schema_version": None}
    assert created[0].device_id == DEVICE and created[0].record_type == "product"
    seen = store.clocks("product", product["id"])
    clock.advance(500)
    store.update("product", product["id"], {"price_thb": 40, "unit": "ขวด"})
    edit = store.pending_changes()[-1]
    assert edit.fields == {"price_thb": 40, "unit": "ขวด"}
    # Every field as the editor saw it (so the server can flag a soft conflict on the
    # fields it does not set), and None for the field that was empty.
    assert edit.base_clocks == {**seen, "unit": None}
    assert set(edit.base_clocks) == {"name_th", "price_thb", "schema_version", "unit"}
    assert edit.clocks["price_thb"] == store.clocks("product", product["id"])["price_thb"]


def test_unsent_changes_are_folded_together_but_handed_out_ones_never_change(
    store: DeviceStore, clock: ManualClock
) -> None:
    product = store.create("product", {"name_th": "ข้าวเกรียบกุ้ง"})
    store.update("product", product["id"], {"price_thb": 50})
    store.update("product", product["id"], {"price_thb": 55, "unit": "ห่อ"})
    [folded] = store.pending_changes()
    assert folded.fields == {"name_th": "ข้าวเกรียบกุ้ง", "schema_version": 1, "price_thb": 55,
                             "unit": "ห่อ"}
    assert folded.base_clocks["price_thb"] is None  # the earliest base wins
    price_clock = folded.clocks["price_thb"]
    clock.advance(10)
    store.update("product", product["id"], {"price_thb": 60})
    sent, new = store.pending_changes()
    assert sent.to_json() == folded.to_json()  # a handed-out change keeps its content
    assert new.fields == {"price_thb": 60} and new.base_clocks["price_thb"] == price_clock
    assert set(new.base_clocks) == {"name_th", "schema_version", "price_thb", "unit"}


def test_a_folded_change_keeps_the_base_from_before_its_first_edit(
    store: DeviceStore, clock: ManualClock
) -> None:
    product = store.create("product", {"name_th": "ปลาร้าบอง", "price_thb": 20})
    store.acknowledge([c.change_id for c in store.pending_changes()])
    seen = store.clocks("product", product["id"])
    clock.advance(10)
    store.update("product", product["id"], {"price_thb": 25})
    clock.advance(10)
    store.update("product", product["id"], {"name_th": "ปลาร้าบองสมุนไพร"})
    [folded] = store.pending_changes()
    assert folded.fields == {"price_thb": 25, "name_th": "ปลาร้าบองสมุนไพร"}
    assert folded.base_clocks == seen  # not the clocks written by the first unsent edit


def test_a_delete_lists_every_field_it_saw(store: DeviceStore) -> None:
    product = store.create("product", {"name_th": "ผ้าไหม", "price_thb": 900})
    store.acknowledge([c.change_id for c in store.pending_changes()])
    seen = store.clocks("product", product["id"])
    store.delete("product", product["id"])
    [tomb] = store.pending_changes()
    assert tomb.deleted and tomb.base_clocks == {**seen, "_deleted": None}


def test_acknowledge_moves_a_record_from_waiting_to_sent(store: DeviceStore) -> None:
    product = store.create("product", {"name_th": "ผ้าขาวม้า"})
    assert store.sync_state("product", product["id"]) == "waiting"
    changes = store.pending_changes()
    store.acknowledge([c.change_id for c in changes])
    assert store.sync_state("product", product["id"]) == "sent"
    assert store.pending_changes() == [] and store.pending_count() == 0
    store.acknowledge([c.change_id for c in changes] + ["f" * 32])  # twice: harmless
    store.update("product", product["id"], {"price_thb": 120})
    assert store.sync_state("product", product["id"]) == "waiting"


def test_a_draft_visit_stays_on_the_phone_until_finalized(store: DeviceStore) -> None:
    visit = store.create("visit", {"producer_id": "a" * 32, "purpose": "follow_up"})
    product = store.create("product", {"name_th": "สบู่สมุนไพร"})
    assert store.sync_state("visit", visit["id"]) == "draft"
    assert [c.record_id for c in store.pending_changes()] == [product["id"]]
    assert not store.is_safe_to_wipe()
    store.update("visit", visit["id"], {"status": "final"})
    assert store.sync_state("visit", visit["id"]) == "waiting"
    # oldest first: the held-back create, the product, the finalizing edit
    assert [c.record_id for c in store.pending_changes()] == [visit["id"], product["id"],
                                                              visit["id"]]


def test_conflicts_are_flagged_listed_and_cleared(make_store: MakeStore) -> None:
    store = make_store()
    product = store.create("product", {"name_th": "กล้วยตาก"})
    detail = {"field": "price_thb", "theirs": 45, "ours": 40}
    store.mark_conflict(product["id"], detail)
    assert store.sync_state("product", product["id"]) == "conflict"
    store.close()
    store = make_store()
    assert store.conflicts() == [{"record_type": "product", "id": product["id"], "detail": detail}]
    store.clear_conflict(product["id"])
    assert store.conflicts() == []
    assert store.sync_state("product", product["id"]) == "waiting"


def test_apply_remote_merges_field_by_field(store: DeviceStore, clock: ManualClock) -> None:
    product = store.create("product", {"name_th": "น้ำพริก", "price_thb": 35, "unit": "กระปุก"})
    store.acknowledge([c.change_id for c in store.pending_changes()])
    clock.advance(60_000)
    store.update("product", product["id"], {"price_thb": 40})  # local, unsent, newer
    local_price_clock = store.clocks("product", product["id"])["price_thb"]
    older, newer = clock.ms - 30_000, clock.ms + 90_000
    new_id = "b" * 32
    store.apply_remote([
        {"record_type": "product", "id": product["id"], "deleted": False,
         "data": {"price_thb": 38, "unit": "ขวด"},
         "clocks": {"price_thb": _stamp(older), "unit": _stamp(older)}},
        {"record_type": "product", "id": new_id, "deleted": False,
         "data": {"name_th": "ข้าวหลาม", "id": new_id}, "clocks": {"name_th": _stamp(newer)}},
    ])
    merged = store.get("product", product["id"])
    assert merged is not None
    assert merged["price_thb"] == 40  # the newer local edit stays, and is still to be sent
    assert merged["unit"] == "ขวด"  # the remote edit is newer than the local create
    assert store.clocks("product", product["id"])["price_thb"] == local_price_clock
    assert store.sync_state("product", product["id"]) == "waiting"
    assert store.get("product", new_id) == {"id": new_id, "name_th": "ข้าวหลาม"}
    assert store.sync_state("product", new_id) == "sent"
    # the clock moved past the remote clock, so the next local edit orders after it
    assert store.clock.now() > Timestamp.decode(_stamp(newer))


def test_apply_remote_tombstones_and_office_fields(store: DeviceStore, clock: ManualClock) -> None:
    product = store.create("product", {"name_th": "ตะกร้าผักตบ"})
    visit = store.create("visit", {"producer_id": "c" * 32, "status": "final"})
    later = clock.ms + 5_000
    store.apply_remote([
        {"record_type": "product", "id": product["id"], "deleted": True, "data": {},
         "clocks": {"_deleted": _stamp(later, "server")}},
        {"record_type": "visit", "id": visit["id"], "deleted": False,
         "data": {"review_status": "has_issues",
                  "review_comments": [{"by": "หัวหน้า", "text": "ถ่ายรูปฉลากใหม่"}]},
         "clocks": {}},
    ])
    assert store.get("product", product["id"]) is None
    reviewed = store.get("visit", visit["id"])
    assert reviewed is not None and reviewed["review_status"] == "has_issues"


def test_apply_remote_refuses_garbage_and_stores_nothing(store: DeviceStore) -> None:
    good = {"record_type": "product", "id": "d" * 32, "data": {"name_th": "ก"},
            "clocks": {"name_th": _stamp(1)}}
    bad = {"record_type": "product", "id": "e" * 32, "data": {"name_th": "ข"},
           "clocks": {"name_th": "yesterday"}}
    with pytest.raises(InvalidRecordError, match="hybrid logical clock") as error:
        store.apply_remote([good, bad])
    assert "ไม่ได้บันทึก" in error.value.message_th
    with pytest.raises(InvalidRecordError, match="unknown record type"):
        store.apply_remote([good, {**bad, "record_type": "farmer"}])
    assert store.get("product", "d" * 32) is None


def test_wipe_is_safe_only_when_the_server_has_everything(store: DeviceStore) -> None:
    assert store.is_safe_to_wipe()
    store.create("producer", {"name_th": "กลุ่มทอผ้า"})
    assert not store.is_safe_to_wipe()
    assert "1 changes not yet confirmed" in store.wipe_blockers()[0]
    store.acknowledge([c.change_id for c in store.pending_changes()])
    photos_left = ["รูป 3 รูปยังไม่ได้ส่ง / 3 photos not uploaded"]
    store.add_wipe_check("photos", lambda: photos_left[0] if photos_left else None)
    assert store.wipe_blockers() == photos_left
    photos_left.clear()
    assert store.is_safe_to_wipe()


def test_reset_clock_restamps_unsent_changes_after_a_clock_far_ahead(
    make_store: MakeStore, clock: ManualClock
) -> None:
    real_now = clock.ms
    clock.ms = real_now + 365 * 24 * 3600 * 1000  # the phone thought it was next year
    store = make_store()
    product = store.create("product", {"name_th": "ผ้าไหม"})
    store.update("visit", store.create("visit", {"producer_id": "a" * 32})["id"],
                 {"status": "final"})
    refused = store.pending_changes()
    clock.ms = real_now  # the officer fixed the date
    assert store.reset_clock() == 2
    restamped = store.pending_changes()
    assert {c.change_id for c in restamped}.isdisjoint({c.change_id for c in refused})
    assert [c.fields for c in restamped] == [c.fields for c in refused]
    assert all(Timestamp.decode(t).wall_ms == real_now
               for c in restamped for t in c.clocks.values())
    assert store.clocks("product", product["id"])["name_th"] == restamped[0].clocks["name_th"]
    store.close()
    again = make_store()  # the reset clock reading was persisted, not the one from next year
    assert again.clock.now().wall_ms == real_now


def test_a_new_device_id_from_enrolment_relabels_unsent_changes(make_store: MakeStore) -> None:
    store = make_store()
    store.create("producer", {"name_th": "กลุ่มข้าวซ้อมมือ"})
    store.close()
    again = make_store("server_named_7")
    [change] = again.pending_changes()
    assert change.device_id == "server_named_7"
    assert again.clock.now().node == "server_named_7"


def test_an_unusable_device_id_is_refused(tmp_path: Path, clock: ManualClock) -> None:
    with pytest.raises(InvalidRecordError, match="clock node id"):
        open_store(tmp_path / "s", "มือถือ-1", clock)
    open_store(tmp_path / "s", "ok_1", clock).close()  # the failed open released the lock


def test_a_save_lands_whole_or_not_at_all_record_outbox_and_clock(
    tmp_path: Path, clock: ManualClock
) -> None:
    """Cut the journal at every byte of the last save, as a kill during the write would."""
    store = open_store(tmp_path / "s", DEVICE, clock)
    first = store.create("product", {"name_th": "ปลาร้าบอง"})
    clock.advance(3)
    second = store.create("product", {"name_th": "ไข่เค็ม", "price_thb": 10})
    store.close()
    path = tmp_path / "s" / "records.journal"
    whole = path.read_bytes()
    last = jr.scan(whole).payloads[-1]
    start = len(whole) - len(jr.encode_entry(last))
    # every byte of the entry's header and of its end, every 7th in between (each reopening
    # costs fsyncs, which a busy machine makes slow)
    cuts = {*range(start, start + 12), *range(start, len(whole), 7),
            *range(len(whole) - 12, len(whole) + 1)}
    for cut in sorted(cuts):
        path.write_bytes(whole[:cut])
        reopened = open_store(tmp_path / "s", DEVICE, clock)
        try:
            has_record = reopened.get("product", second["id"]) is not None
            has_change = reopened.pending_count() == 2
            assert reopened.get("product", first["id"]) is not None
            assert has_record == has_change == (cut == len(whole))
            assert (reopened.clock.last.wall_ms == clock.ms) == has_record
        finally:
            reopened.close()


def test_the_ui_and_a_sync_thread_can_work_at_once(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s", DEVICE, storage=JournalStorage)
    made: list[str] = []
    acked: set[str] = set()
    errors: list[BaseException] = []
    done = threading.Event()

    def officer() -> None:
        try:
            for n in range(150):
                record = store.create("product", {"name_th": f"สินค้า {n}", "price_thb": n})
                store.update("product", record["id"], {"price_thb": n + 1})
                made.append(record["id"])
        except BaseException as error:
            errors.append(error)
        finally:
            done.set()

    def sync() -> None:
        try:
            while True:
                finished = done.is_set()
                changes = store.pending_changes(limit=40)
                store.apply_remote([
                    {"record_type": "product", "id": c.record_id, "data": {"checked": True},
                     "clocks": {"checked": c.clocks[next(iter(c.clocks))]}}
                    for c in changes
                ])
                store.acknowledge([c.change_id for c in changes])
                acked.update(c.change_id for c in changes)
                if finished and not changes:
                    return
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=officer), threading.Thread(target=sync)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert store.pending_count() == 0 and store.is_safe_to_wipe()
    products = {p["id"]: p for p in store.list("product")}
    assert set(products) == set(made) and len(made) == 150
    assert all(p["price_thb"] == int(p["name_th"].split()[1]) + 1 for p in products.values())
    assert all(store.sync_state("product", pid) == "sent" for pid in made)
    store.close()
    again = open_store(tmp_path / "s", DEVICE)
    try:
        assert {p["id"]: p for p in again.list("product")} == products
    finally:
        again.close()
