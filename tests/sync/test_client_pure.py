"""The client's pure parts: back-off planning, progress and ETA, push-answer planning."""

from __future__ import annotations

import gzip
import json
import random

import pytest

from fieldapp.sync import RetryPolicy, SyncProgress, plan_delays, retry_delay
from fieldapp.sync.errors import (
    NotAuthorisedError,
    RefusedError,
    ServerBusyError,
    error_for_response,
)
from fieldapp.sync.progress import ProgressMeter
from fieldapp.sync.wire import encode_push, plan_push_outcome, pulled_to_store
from recordsync.changes import Change


def test_backoff_grows_to_the_cap_with_full_jitter() -> None:
    policy = RetryPolicy(max_attempts=12, base_s=1.0, cap_s=60.0)
    delays = [[retry_delay(a, policy, random.Random(seed)) for a in range(12)]
              for seed in range(200)]
    for attempt in range(12):
        column = [row[attempt] for row in delays]
        ceiling = min(60.0, 2.0 ** attempt)
        assert all(0 <= d <= ceiling for d in column)
        assert max(column) > 0.8 * ceiling  # spread over the whole window, not fixed
    assert len(plan_delays(policy, random.Random(1))) == 11


def test_retry_after_is_a_floor_but_capped() -> None:
    policy = RetryPolicy(base_s=0.1, cap_s=30)
    assert retry_delay(0, policy, random.Random(1), retry_after_s=7) >= 7
    assert retry_delay(0, policy, random.Random(1), retry_after_s=10_000) == 30
    with pytest.raises(ValueError):
        retry_delay(-1, policy, random.Random(1))


def test_phones_told_the_same_retry_after_come_back_spread() -> None:
    # A busy server answers many phones "Retry-After: 1" at once: if they all waited
    # exactly 1 s they would be refused together again (a full queue, every second).
    policy = RetryPolicy(base_s=0.01, cap_s=30)
    delays = [retry_delay(0, policy, random.Random(seed), retry_after_s=1)
              for seed in range(100)]
    assert all(1 <= d <= 2 for d in delays)
    assert max(delays) - min(delays) > 0.5


def test_errors_by_status() -> None:
    busy = error_for_response(503, None, "4")
    assert isinstance(busy, ServerBusyError) and busy.retryable and busy.retry_after_s == 4
    assert isinstance(error_for_response(401, None, None), NotAuthorisedError)
    refused = error_for_response(422, {"code": "x", "detail": "bad", "detail_th": "ไม่ถูก"}, None)
    assert isinstance(refused, RefusedError) and not refused.retryable
    assert refused.message_th == "ไม่ถูก" and refused.code == "x"


def test_progress_estimates_time_left_from_the_byte_rate() -> None:
    now = [0.0]
    seen: list[SyncProgress] = []
    meter = ProgressMeter(seen.append, lambda: now[0])
    meter.stage("photos", total_items=3, bytes_total=300_000)
    assert seen[-1].eta_s is None and seen[-1].label_th == "กำลังส่งรูปถ่าย"
    for _ in range(2):
        now[0] += 1.0
        meter.advance(nbytes=50_000)
    assert seen[-1].bytes_done == 100_000
    assert seen[-1].eta_s == pytest.approx(4.0)
    meter.error("สัญญาณหลุด", "Signal lost")
    assert seen[-1].error_en == "Signal lost" and seen[-1].fraction == pytest.approx(1 / 3)


def change(cid: str, record: str) -> Change:
    return Change(cid, "producer", record, "phoneA", {"name_th": "ก"},
                  {"name_th": "0000000001000-00000-phoneA"}, {"name_th": None})


def test_push_outcome_plan() -> None:
    sent = [change(f"c{i}", f"r{i}") for i in range(5)]
    answer = {"server_time_ms": 1, "results": [
        {"change_id": "c0", "status": "applied"},
        {"change_id": "c1", "status": "already_had"},
        {"change_id": "c2", "status": "superseded", "conflicts": 1},
        {"change_id": "c3", "status": "rejected", "code": "validation_failed",
         "reason_th": "เบอร์โทรไม่ถูกต้อง", "reason_en": "bad phone", "paths": ["/phone"]},
        {"change_id": "c4", "status": "rejected", "code": "clock_ahead"},
    ]}
    outcome = plan_push_outcome(sent, answer)
    assert outcome.acknowledge == ["c0", "c1", "c2"]
    assert set(outcome.conflicts) == {"r2", "r3"}
    assert outcome.conflicts["r3"]["paths"] == ["/phone"]
    assert list(outcome.rejected) == ["c3"]
    assert outcome.clock_ahead


def test_push_body_is_gzip_json_with_thai_as_utf8() -> None:
    body = encode_push([change("c0", "r0")])
    text = gzip.decompress(body).decode("utf-8")
    assert "ก" in text and json.loads(text)["changes"][0]["change_id"] == "c0"
    assert pulled_to_store([{"id": "r", "type": "product", "data": {}, "clocks": {},
                             "deleted": False, "seq": 3}]) == [
        {"record_type": "product", "id": "r", "data": {}, "clocks": {}, "deleted": False}]


def test_photos_held_for_wifi_are_said_in_both_languages_until_the_end() -> None:
    seen: list[SyncProgress] = []
    meter = ProgressMeter(seen.append, lambda: 0.0)
    meter.stage("thumbnails", 2, 1000)
    assert seen[-1].wifi_note is None and seen[-1].label_en == "Sending thumbnails"
    meter.stage("photos", 0)
    meter.photos_held(3)
    held = seen[-1]
    assert held.label_th == "รูปถ่ายเต็ม 3 รูปรอส่งเมื่อต่อ Wi-Fi (ส่งข้อมูลและภาพย่อแล้ว)"
    assert held.label_en == "3 full photos wait for Wi-Fi (records and thumbnails were sent)"
    meter.stage("pull", 0)
    meter.stage("done", 0)
    assert seen[-1].label_en == "Sync finished" and seen[-1].wifi_note == (
        held.label_th, held.label_en)
