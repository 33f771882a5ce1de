"""Push and pull against the real server process over 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import uuid

import httpx

from recordsync.hlc import Timestamp, wall_clock_ms
from tests.sync.harness import DISTRICT, District, running_server


def producer_change(device: str, record_id: str, wall: int, **fields: object) -> dict:
    clock = Timestamp(wall, 0, device).encode()
    return {"change_id": uuid.uuid4().hex, "record_type": "producer", "record_id": record_id,
            "device_id": device, "fields": fields, "clocks": {k: clock for k in fields},
            "base_clocks": {k: None for k in fields}, "deleted": False, "schema_version": 1}


def test_push_is_idempotent_and_pull_pages_the_feed(district: District) -> None:
    phone = district.devices[0]
    now = wall_clock_ms()
    changes = [producer_change(phone.device_id, uuid.uuid4().hex, now + i,
                               name_th=f"กลุ่มจักสานบ้านโพรงอากาศ {i}", producer_type="community_group",
                               address={"subdistrict_code": "240310" if i % 2 else "240301",
                                        "district_code": DISTRICT, "province_code": "24"})
               for i in range(7)]
    with running_server(district) as server, httpx.Client(base_url=server.base_url,
                                                          headers=phone.headers) as http:
        body = gzip.compress(json.dumps({"changes": changes}).encode())
        first = http.post("/api/v1/sync/push", content=body,
                          headers={"Content-Encoding": "gzip",
                                   "Content-Type": "application/json"})
        assert first.status_code == 200, first.text
        assert [r["status"] for r in first.json()["results"]] == ["applied"] * 7
        assert abs(first.json()["server_time_ms"] - wall_clock_ms()) < 60_000
        again = http.post("/api/v1/sync/push", json={"changes": changes})
        assert [r["status"] for r in again.json()["results"]] == ["already_had"] * 7

        seen, cursor = [], "0"
        while True:
            page = http.get("/api/v1/sync/pull", params={"since": cursor, "limit": 3}).json()
            seen += [r["id"] for r in page["records"]]
            cursor = page["next"]
            if not page["more"]:
                break
        assert seen == [c["record_id"] for c in changes]
        only = http.get("/api/v1/sync/pull", params={"since": 0, "subdistricts": "240310"}).json()
        assert [r["id"] for r in only["records"]] == [c["record_id"] for c in changes[1::2]]

        bad = http.get("/api/v1/sync/pull", params={"since": 0, "subdistricts": "100101"})
        assert bad.status_code == 404 and bad.json()["code"] == "bad_subdistricts"
        # '²' passes str.isdigit() but is no subdistrict code: refused, not silently empty
        odd = http.get("/api/v1/sync/pull", params={"since": 0, "subdistricts": "2403²²"})
        assert odd.status_code == 400 and odd.json()["code"] == "bad_subdistricts"
        anonymous = httpx.post(server.base_url + "/api/v1/sync/push", json={"changes": []})
        assert anonymous.status_code == 401
        assert district.partner is not None
        partner = httpx.post(server.base_url + "/api/v1/sync/push", json={"changes": []},
                             headers=district.partner.headers)
        assert partner.status_code == 403


def test_clock_far_ahead_is_refused_with_server_time(district: District) -> None:
    phone = district.devices[0]
    year_ahead = wall_clock_ms() + 365 * 24 * 3600 * 1000
    change = producer_change(phone.device_id, uuid.uuid4().hex, year_ahead, name_th="ร้านป้าศรี")
    with running_server(district) as server:
        answer = httpx.post(server.base_url + "/api/v1/sync/push", json={"changes": [change]},
                            headers=phone.headers).json()
    [result] = answer["results"]
    assert result["status"] == "rejected" and result["code"] == "clock_ahead"
    assert "นาฬิกา" in result["reason_th"] and "clock" in result["reason_en"]
    assert answer["server_time_ms"] < year_ahead


def test_bad_changes_are_rejected_with_paths(district: District) -> None:
    phone, other = district.devices[0], district.devices[1]
    good = producer_change(phone.device_id, uuid.uuid4().hex, wall_clock_ms(), name_th="ก")
    wrong_device = producer_change(other.device_id, uuid.uuid4().hex, wall_clock_ms(),
                                   name_th="ข")
    wrong_type = {**producer_change(phone.device_id, uuid.uuid4().hex, wall_clock_ms()),
                  "record_type": "spaceship"}
    no_clock = {**producer_change(phone.device_id, uuid.uuid4().hex, wall_clock_ms(),
                                  name_th="ค"), "clocks": {}}
    with running_server(district) as server:
        answer = httpx.post(server.base_url + "/api/v1/sync/push",
                            json={"changes": [good, wrong_device, wrong_type, no_clock]},
                            headers=phone.headers)
        corrupt = httpx.post(server.base_url + "/api/v1/sync/push", content=b"\x1f\x8bnope",
                             headers={**phone.headers, "Content-Encoding": "gzip"})
    results = answer.json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected", "rejected", "rejected"]
    assert results[1]["paths"] == ["/device_id"]
    assert results[2]["paths"] == ["/record_type"]
    assert results[3]["paths"] == ["/clocks/name_th"]
    assert corrupt.status_code == 400 and corrupt.json()["code"] == "malformed_push"


def test_clearing_a_field_the_record_type_lacks_is_refused(district: District) -> None:
    """None reads as empty, so the merged record would pass and keep the unknown field's
    clock (and a null) for good; it is refused as a value for that field is. Clearing a
    field the type has is an edit like any other."""
    phone = district.devices[0]
    record_id = uuid.uuid4().hex
    created = producer_change(phone.device_id, record_id, wall_clock_ms(), name_th="ร้านลุงมี",
                              notes="ขายดี")
    clutter = producer_change(phone.device_id, record_id, wall_clock_ms() + 1, nickname=None)
    mixed = producer_change(phone.device_id, record_id, wall_clock_ms() + 2, notes=None,
                            nickname=None)
    cleared = producer_change(phone.device_id, record_id, wall_clock_ms() + 3, notes=None)
    with running_server(district) as server:
        results = httpx.post(server.base_url + "/api/v1/sync/push",
                             json={"changes": [created, clutter, mixed, cleared]},
                             headers=phone.headers).json()["results"]
        [record] = httpx.get(server.base_url + "/api/v1/sync/pull",
                             headers=phone.headers).json()["records"]
    assert [r["status"] for r in results] == ["applied", "rejected", "rejected", "applied"]
    for refused in results[1:3]:
        assert refused["code"] == "validation_failed" and refused["paths"] == ["/nickname"]
        assert "ไม่รู้จักช่องข้อมูล 'nickname'" in refused["reason_th"]
        assert "Unknown field 'nickname'" in refused["reason_en"]
    assert "nickname" not in record["data"] and "nickname" not in record["clocks"]
    assert record["data"].get("notes") is None and "notes" in record["clocks"]


def test_invalid_record_is_rejected_and_nothing_stored(district: District) -> None:
    phone = district.devices[0]
    record_id = uuid.uuid4().hex
    bad = producer_change(phone.device_id, record_id, wall_clock_ms(), name_th="ร้านลุงมี",
                          phone="12345")
    with running_server(district) as server:
        [result] = httpx.post(server.base_url + "/api/v1/sync/push", json={"changes": [bad]},
                              headers=phone.headers).json()["results"]
        pulled = httpx.get(server.base_url + "/api/v1/sync/pull", headers=phone.headers).json()
    assert result["status"] == "rejected" and result["code"] == "validation_failed"
    assert "/phone" in result["paths"]
    assert result["reason_th"] and result["reason_en"]
    assert pulled["records"] == []
