"""Pushes that still name a producer the office merged away follow `producer_forwards`.

A phone offline during the merge still holds the dropped producer's id. Its edit of that
producer must land on the survivor (not revive the tombstone and make two producers again),
its new records must belong to the survivor, and after its next pull it must hold exactly
what the server holds. Real server process, real device stores, SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from fieldapp.sync import SyncReport
from recordsync.hlc import Timestamp, wall_clock_ms
from sync_server.auth import Principal
from sync_server.db.forwards import find_forward, resolve_forwards
from sync_server.db.tables import change_log, conflicts, producer_forwards, records
from sync_server.web.merge import merge_producers
from tests.support.pg import throwaway_database
from tests.sync.harness import DISTRICT, Device, District, make_district, running_server
from tests.sync.phones import Phone, make_phone, producer_fields


def _merge(district: District, keep: str, drop: str) -> None:
    """The office's merge, as a supervisor of the district."""
    supervisor = Principal(user_id=district.devices[0].user_id, device_id=None,
                           district_code=DISTRICT, role="supervisor",
                           display_name="หัวหน้าฝ่าย")
    engine = district.engine()
    try:
        with engine.begin() as conn:
            merge_producers(conn, supervisor, keep, drop)
    finally:
        engine.dispose()


def _server_records(district: District) -> dict[str, Any]:
    engine = district.engine()
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(records.c.id, records.c.record_type, records.c.data,
                                          records.c.clocks, records.c.deleted)).all()
    finally:
        engine.dispose()
    return {r.id: r for r in rows}


def _conflict_count(district: District) -> int:
    engine = district.engine()
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(conflicts)
                                    ).scalar_one())
    finally:
        engine.dispose()


def _sync(phone: Phone, base_url: str) -> SyncReport:
    report = asyncio.run(phone.client(base_url).sync())
    assert report.completed, report.error_en
    return report


def _assert_phone_holds_server_state(phone: Phone, district: District) -> None:
    """Converged: every record the phone has equals the server's, field by field."""
    server = _server_records(district)
    for record_id, row in server.items():
        local = phone.store.get(row.record_type, record_id, include_deleted=True)
        assert local is not None, (row.record_type, record_id)
        deleted = bool(local.pop("_deleted", False))
        local.pop("id", None)
        assert deleted == bool(row.deleted), (row.record_type, record_id)
        assert local == {k: v for k, v in dict(row.data).items() if k != "id"}
        assert phone.store.clocks(row.record_type, record_id) == dict(row.clocks)


def _offline_phone_after_merge(district: District, tmp_path: Path) -> None:
    office_phone = make_phone(tmp_path / "a", district.devices[0])
    offline = make_phone(tmp_path / "b", district.devices[1])
    try:
        with running_server(district) as server:
            keep = office_phone.store.create("producer", producer_fields(1))["id"]
            without_phone = {k: v for k, v in producer_fields(1).items() if k != "phone"}
            drop = office_phone.store.create("producer", {**without_phone, "notes": "ซ้ำ"})["id"]
            assert _sync(office_phone, server.base_url).statuses == {"applied": 2}
            _sync(offline, server.base_url)  # the phone now holds both, then goes offline

            _merge(district, keep, drop)
            time.sleep(0.01)  # the phone's edits are made after the merge: they would win

            offline.store.update("producer", drop, {"phone": "0899999999"})
            product = offline.store.create("product", {"producer_id": drop,
                                                       "name_th": "ข้าวเกรียบกุ้ง"})["id"]
            link = offline.store.create("network_link", {
                "from_producer_id": drop, "to_producer_id": keep,
                "kind": "co_selling"})["id"]
            report = _sync(offline, server.base_url)
            assert report.statuses.get("rejected", 0) == 0, report.statuses
            assert offline.store.pending_count() == 0

            rows = _server_records(district)
            # Nothing revived: one producer, holding the phone's edit.
            assert rows[drop].deleted
            assert not rows[keep].deleted
            assert rows[keep].data["phone"] == "0899999999"
            assert [r for r in rows.values()
                    if r.record_type == "producer" and not r.deleted] == [rows[keep]]
            assert rows[product].data["producer_id"] == keep and not rows[product].deleted
            # A link between the two duplicates would link the survivor to itself.
            assert rows[link].deleted

            # The phone converged on its pull: the old producer is gone there too and the
            # product is the survivor's.
            assert offline.store.get("producer", drop) is None
            assert offline.store.get("product", product)["producer_id"] == keep  # type: ignore[index]
            assert [p["id"] for p in offline.store.products_of(keep)] == [product]
            _assert_phone_holds_server_state(offline, district)
            _sync(office_phone, server.base_url)
            _assert_phone_holds_server_state(office_phone, district)
            # The edit is in the survivor's history, and the normal merge filed the survivor's
            # phone number it overwrote (the officer never saw it) for review.
            engine = district.engine()
            try:
                with engine.connect() as conn:
                    logged = conn.execute(sa.select(change_log.c.record_id, change_log.c.detail)
                                          .where(change_log.c.device_id
                                                 == district.devices[1].device_id)).all()
                    filed = conn.execute(sa.select(
                        conflicts.c.record_id, conflicts.c.field, conflicts.c.winning_value,
                        conflicts.c.losing_value)).all()
            finally:
                engine.dispose()
            assert (keep, {"forwarded_to": keep, "conflicts": 1}) in [
                (r.record_id, r.detail) for r in logged]
            assert [tuple(r) for r in filed] == [(keep, "phone", "0899999999", "0812345678")]
    finally:
        office_phone.store.close()
        offline.store.close()


def test_offline_phone_edits_follow_the_merge(tmp_path: Path) -> None:
    _offline_phone_after_merge(make_district(tmp_path / "server", phones=2), tmp_path)


@pytest.mark.postgres
def test_offline_phone_edits_follow_the_merge_on_postgres(tmp_path: Path) -> None:
    with throwaway_database() as url:
        _offline_phone_after_merge(make_district(tmp_path / "server", url, phones=2), tmp_path)


# --- the push answer, chains, deletes and retries, with hand-made changes -----------------


def _change(device: Device, record_type: str, record_id: str, fields: dict[str, Any], *,
            deleted: bool = False, base: dict[str, str | None] | None = None
            ) -> dict[str, Any]:
    stamp = Timestamp(wall_clock_ms(), 0, device.device_id).encode()
    clocks = dict.fromkeys(fields, stamp)
    if deleted:
        clocks["_deleted"] = stamp
    return {"change_id": uuid.uuid4().hex, "record_type": record_type,
            "record_id": record_id, "device_id": device.device_id, "fields": fields,
            "clocks": clocks, "base_clocks": base or {}, "deleted": deleted,
            "schema_version": 1}


def _push(client: httpx.Client, device: Device, changes: list[dict[str, Any]]
          ) -> list[dict[str, Any]]:
    answer = client.post("/api/v1/sync/push", json={"changes": changes},
                         headers=device.headers)
    assert answer.status_code == 200, answer.text
    results: list[dict[str, Any]] = answer.json()["results"]
    return results


def _brief(result: dict[str, Any]) -> tuple[str, str | None, dict[str, str], int]:
    return (result["status"], result.get("forwarded_to"), result.get("forwarded_refs", {}),
            result.get("conflicts", 0))


def test_push_answer_names_the_survivor_and_follows_chains(tmp_path: Path) -> None:
    district = make_district(tmp_path / "server", phones=1)
    device = district.devices[0]
    p1, p2, p3 = (uuid.uuid4().hex for _ in range(3))
    with running_server(district) as server, httpx.Client(base_url=server.base_url) as client:
        created = _push(client, device, [
            _change(device, "producer", pid, producer_fields(n)) for n, pid in
            enumerate((p1, p2, p3))])
        assert [r["status"] for r in created] == ["applied"] * 3
        _merge(district, p2, p3)  # p3 -> p2, then p2 -> p1: a chain
        _merge(district, p1, p2)
        time.sleep(0.005)

        edit = _change(device, "producer", p3, {"notes": "ย้ายร้าน"})
        visit_id = uuid.uuid4().hex
        visit = _change(device, "visit", visit_id, {
            "producer_id": p3, "started_at": "2026-11-25T09:00:00+07:00", "status": "draft"})
        delete_old = _change(device, "producer", p2, {}, deleted=True)
        bad = _change(device, "producer", p3, {"phone": "not a phone"})
        results = _push(client, device, [edit, visit, delete_old, bad])
        by_id = {r["change_id"]: r for r in results}
        assert _brief(by_id[edit["change_id"]]) == ("applied", p1, {}, 0)
        assert by_id[visit["change_id"]]["status"] == "applied", by_id[visit["change_id"]]
        assert by_id[visit["change_id"]]["forwarded_refs"] == {"producer_id": p1}
        # Deleting the merged-away producer deletes nothing more: the survivor stays.
        assert _brief(by_id[delete_old["change_id"]]) == ("already_had", p1, {}, 0)
        # An invalid edit is refused as usual (judged on the survivor) and stored nowhere.
        assert by_id[bad["change_id"]]["status"] == "rejected"
        assert by_id[bad["change_id"]]["code"] == "validation_failed"

        rows = _server_records(district)
        assert rows[p1].data["notes"] == "ย้ายร้าน" and not rows[p1].deleted
        assert rows[p2].deleted and rows[p3].deleted
        assert rows[p3].data["notes"] == "ย้ายร้าน"  # folded into the tombstone, still deleted
        assert rows[p3].data["phone"] != "not a phone"
        assert rows[visit_id].data["producer_id"] == p1
        assert rows[visit_id].clocks["producer_id"] > visit["clocks"]["producer_id"]

        # A retry after a lost answer is answered from the log, nothing doubled.
        again = _push(client, device, [edit, visit])
        assert [r["status"] for r in again] == ["already_had", "already_had"]
        pulled = client.get("/api/v1/sync/pull", params={"since": "0"},
                            headers=device.headers).json()["records"]
        alive = [r["id"] for r in pulled if r["type"] == "producer" and not r["deleted"]]
        assert alive == [p1]


def test_child_edit_naming_the_old_id_again_is_not_a_conflict(tmp_path: Path) -> None:
    """The office re-pointed the product; the phone's own edit of the same field with the
    old id means the same producer, so no conflict is filed for review."""
    district = make_district(tmp_path / "server", phones=1)
    device = district.devices[0]
    keep, drop, product = (uuid.uuid4().hex for _ in range(3))
    with running_server(district) as server, httpx.Client(base_url=server.base_url) as client:
        first = _change(device, "product", product, {"producer_id": drop, "name_th": "น้ำพริก"})
        _push(client, device, [_change(device, "producer", keep, producer_fields(1)),
                               _change(device, "producer", drop, producer_fields(2)), first])
        _merge(district, keep, drop)
        time.sleep(0.005)
        edit = _change(device, "product", product, {"producer_id": drop, "price_thb": 45},
                       base={"producer_id": first["clocks"]["producer_id"],
                             "price_thb": None})
        [result] = _push(client, device, [edit])
        assert _brief(result) == ("applied", None, {"producer_id": keep}, 0)
        rows = _server_records(district)
        assert rows[product].data["producer_id"] == keep
        assert rows[product].data["price_thb"] == 45
        assert _conflict_count(district) == 0


def test_resolve_forwards_follows_chains_and_stops_at_cycles(tmp_path: Path) -> None:
    district = make_district(tmp_path / "server", phones=1)
    engine = district.engine()
    try:
        with engine.begin() as conn:
            now = datetime.now(UTC)
            for old, new in (("a", "b"), ("b", "c"), ("x", "y"), ("y", "x")):
                conn.execute(producer_forwards.insert().values(
                    old_id=old, new_id=new, district_code=DISTRICT, merged_at=now))
            assert resolve_forwards(conn, DISTRICT, ["a", "b", "c", "x", "q"]) == {
                "a": "c", "b": "c", "x": "y"}
            assert find_forward(conn, DISTRICT, "a") == "c"
            assert find_forward(conn, DISTRICT, "c") is None
            assert resolve_forwards(conn, "9999", ["a"]) == {}
    finally:
        engine.dispose()


def test_forwarded_edit_seen_values_the_survivor_shares_are_not_flagged(tmp_path: Path
                                                                        ) -> None:
    """The officer saw the duplicate's values; where the survivor holds the same values
    (the merge filled `notes` in from the duplicate; name and address were the same) the
    edit missed nothing, so the normal merge applies it without a soft conflict."""
    district = make_district(tmp_path / "server", phones=1)
    device = district.devices[0]
    keep, drop = uuid.uuid4().hex, uuid.uuid4().hex
    shared = {k: v for k, v in producer_fields(1).items() if k != "phone"}
    with running_server(district) as server, httpx.Client(base_url=server.base_url) as client:
        dropped = _change(device, "producer", drop, {**shared, "notes": "ขายที่ตลาดนัด"})
        _push(client, device, [_change(device, "producer", keep, producer_fields(1)), dropped])
        _merge(district, keep, drop)
        time.sleep(0.005)
        seen: dict[str, str | None] = {**dropped["clocks"], "members_count": None}
        edit = _change(device, "producer", drop, {"members_count": 12}, base=seen)
        [result] = _push(client, device, [edit])
        assert _brief(result) == ("applied", keep, {}, 0)
        rows = _server_records(district)
        assert rows[keep].data["members_count"] == 12
        assert rows[keep].data["notes"] == "ขายที่ตลาดนัด"
        assert _conflict_count(district) == 0
