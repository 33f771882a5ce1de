"""The sync protocol's messages, encoded and decoded without I/O (see docs/sync.md)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from recordsync.changes import Change

__all__ = ["PushOutcome", "encode_push", "plan_push_outcome", "pulled_to_store"]

PUSH_PATH = "/api/v1/sync/push"
PULL_PATH = "/api/v1/sync/pull"
UPLOADS_PATH = "/api/v1/uploads"
ENROL_PATH = "/api/v1/devices/enrol"


def encode_push(changes: Sequence[Change]) -> bytes:
    """The gzip JSON body of a push. Compact JSON, Thai kept as UTF-8 (a third of \\u escapes)."""
    text = json.dumps({"changes": [c.to_json() for c in changes]}, ensure_ascii=False,
                      separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)


@dataclass
class PushOutcome:
    """What to do with the outbox after a push answer."""

    acknowledge: list[str] = field(default_factory=list)  # the server has them for good
    conflicts: dict[str, dict[str, Any]] = field(default_factory=dict)  # record id -> detail
    rejected: dict[str, dict[str, Any]] = field(default_factory=dict)  # change id -> detail
    clock_ahead: bool = False  # re-stamp the outbox from the server's time and push again
    counts: dict[str, int] = field(default_factory=dict)


def plan_push_outcome(sent: Sequence[Change], answer: Mapping[str, Any]) -> PushOutcome:
    """Decide, per change sent, what the phone does with the server's answer (pure).

    - applied / already_had / superseded: acknowledged (the server holds the change or
      something later; anything that lost is kept on the server as a conflict);
    - a change that took part in a conflict flags its record for the officer;
    - rejected `clock_ahead`: stays in the outbox; the caller resets the clock;
    - other rejections stay in the outbox (so the phone is not "safe to wipe") and flag the
      record with the reason, so the officer can fix it.
    """
    by_id = {c.change_id: c for c in sent}
    outcome = PushOutcome()
    results = answer.get("results")
    if not isinstance(results, list):
        raise ValueError("push answer has no results list")
    for result in results:
        change = by_id.get(str(result.get("change_id")))
        if change is None:
            continue
        status = result.get("status")
        outcome.counts[str(status)] = outcome.counts.get(str(status), 0) + 1
        if status in ("applied", "already_had", "superseded"):
            outcome.acknowledge.append(change.change_id)
            if result.get("conflicts") or status == "superseded":
                outcome.conflicts[change.record_id] = {
                    "kind": "server_conflict", "change_id": change.change_id,
                    "status": status, "fields": sorted(change.fields),
                    "message_th": "มีการแก้ไขข้อมูลนี้พร้อมกันจากเครื่องอื่น สำนักงานจะตรวจสอบค่าทั้งสอง",
                    "message_en": "Someone else edited this at the same time; the office will "
                                  "review both values.",
                }
        elif status == "rejected":
            if result.get("code") == "clock_ahead":
                outcome.clock_ahead = True
                continue
            detail = {"kind": "rejected", "change_id": change.change_id,
                      "code": result.get("code"), "paths": result.get("paths") or [],
                      "message_th": result.get("reason_th"),
                      "message_en": result.get("reason_en")}
            outcome.rejected[change.change_id] = detail
            outcome.conflicts[change.record_id] = detail
    return outcome


def pulled_to_store(records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Pulled records in the shape `DeviceStore.apply_remote` takes."""
    return [{"record_type": r["type"], "id": r["id"], "data": r.get("data") or {},
             "clocks": r.get("clocks") or {}, "deleted": bool(r.get("deleted"))}
            for r in records]
