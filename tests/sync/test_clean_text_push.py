"""Issue 11 item 6 on the real server: a pushed name with a NUL byte, a right-to-left
override, 50 stacked tone marks or a non-NFC spelling is rejected per change (with the
field's path and a Thai and English reason) while the rest of the batch applies (a NUL as
`unstorable_value`, before validation: PostgreSQL cannot store it anywhere in a change); the phone's
store saves what an officer types in NFC, so its own changes pass."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import httpx
import sqlalchemy as sa

from recordsync.hlc import wall_clock_ms
from sync_server.db.tables import records
from tests.sync.harness import District, running_server
from tests.sync.phones import Phone
from tests.sync.test_push_pull_server import producer_change

GARBAGE = ["กลุ่ม\x00แม่บ้าน", "ร้าน\u202eคิดเงิน", "ก" + "\u0e48" * 50, "กุ่ม".replace(
    "\u0e38\u0e48", "\u0e48\u0e38")]


def test_garbage_is_rejected_per_change_and_the_rest_applies(district: District) -> None:
    phone = district.devices[0]
    now = wall_clock_ms()
    good_id = uuid.uuid4().hex
    bad = [producer_change(phone.device_id, uuid.uuid4().hex, now + n, name_th=text)
           for n, text in enumerate(GARBAGE)]
    good = producer_change(phone.device_id, good_id, now + 10, name_th="กลุ่มแม่บ้านบางขนาก")
    with running_server(district) as server:
        answer = httpx.post(server.base_url + "/api/v1/sync/push",
                            json={"changes": [*bad, good]}, headers=phone.headers)
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * len(GARBAGE) + ["applied"]
    for text, result in zip(GARBAGE, results[:-1], strict=True):
        if "\x00" in text:  # refused before validation, as no database can hold it
            assert result["code"] == "unstorable_value" and result["paths"] == ["/fields/name_th"]
            assert "NUL" in result["reason_th"] and "NUL" in result["reason_en"]
        else:
            assert result["code"] == "validation_failed" and "/name_th" in result["paths"]
        assert result["reason_th"] and result["reason_en"]
    with district.engine().connect() as conn:
        stored = set(conn.execute(sa.select(records.c.id)).scalars())
    assert stored == {good_id}


def test_what_an_officer_types_is_saved_in_nfc_and_syncs(
    district: District, phone_factory: Callable[..., Phone]
) -> None:
    phone = phone_factory("a", district.devices[0])
    typed = "ปุ๋ยหมัก กุ่ม".replace("\u0e38\u0e48", "\u0e48\u0e38")  # tone typed first
    record = phone.store.create("producer", {"name_th": typed, "notes": "บรรทัด 1\r\nบรรทัด 2"})
    assert record["name_th"] == "ปุ๋ยหมัก กุ่ม" and record["notes"] == "บรรทัด 1\nบรรทัด 2"
    with running_server(district) as server:
        report = asyncio.run(phone.client(server.base_url).sync())
    assert report.completed and report.statuses == {"applied": 1}, report
