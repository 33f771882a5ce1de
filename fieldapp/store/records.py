"""How a record is kept in the store, and the pure checks and merges on it (no I/O).

A stored document is the record's own fields plus `_clocks` (field -> encoded HLC
timestamp, "_deleted" for a tombstone) and, when the sync flagged a clash, `_conflict`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from recordsync.changes import RECORD_TYPES, SERVER_OWNED_FIELDS
from recordsync.merge import RecordState, is_deleted, merge_states

from .errors import InvalidRecordError

__all__ = [
    "CLOCKS",
    "CONFLICT",
    "Record",
    "check_fields",
    "check_new_id",
    "check_type",
    "deep_copy",
    "merged_doc",
    "new_id",
    "user_fields",
]

Record = dict[str, Any]
CLOCKS = "_clocks"
CONFLICT = "_conflict"
_RECORD_ID = re.compile(r"^[0-9a-f]{32}$")
_PHOTO_ID = re.compile(r"^[0-9a-f]{64}$")


def new_id() -> str:
    return uuid.uuid4().hex


def user_fields(doc: Mapping[str, Any]) -> Record:
    return {k: v for k, v in doc.items() if not k.startswith("_")}


def deep_copy(value: Any) -> Any:
    """A deep copy of JSON-shaped data (dicts, lists, scalars), faster than copy.deepcopy."""
    if isinstance(value, dict):
        return {k: deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [deep_copy(v) for v in value]
    return value


def check_type(record_type: str) -> None:
    if record_type not in RECORD_TYPES:
        raise InvalidRecordError(
            f"ไม่รู้จักประเภทข้อมูล {record_type!r}",
            f"unknown record type {record_type!r}; expected one of {', '.join(RECORD_TYPES)}",
        )


def check_new_id(record_type: str, record_id: object) -> str:
    """A UUID4 as 32 lowercase hex chars; a photo's id is the SHA-256 of its JPEG."""
    pattern = _PHOTO_ID if record_type == "photo" else _RECORD_ID
    if not isinstance(record_id, str) or not pattern.match(record_id):
        kind = "a SHA-256" if record_type == "photo" else "a UUID4"
        raise InvalidRecordError(
            f"รหัสข้อมูล {record_id!r} ไม่ถูกรูปแบบ",
            f"record id {record_id!r} is not {kind} in lowercase hex",
        )
    return record_id


def check_fields(fields: Mapping[str, Any]) -> None:
    if not isinstance(fields, Mapping):
        raise InvalidRecordError("ข้อมูลต้องเป็นชุดของช่องและค่า", "fields must be a mapping")
    for name in fields:
        if not isinstance(name, str) or not name or name.startswith("_"):
            raise InvalidRecordError(
                f"ชื่อช่องข้อมูล {name!r} ใช้ไม่ได้ (ห้ามว่างหรือขึ้นต้นด้วย _)",
                f"field name {name!r} is not allowed (must be a non-empty string not starting "
                "with '_')",
            )


def merged_doc(record_type: str, local: Mapping[str, Any] | None, data: Record,
               clocks: dict[str, str]) -> Record:
    """The stored document after merging pulled server state into the local one.

    Per field the later clock wins (recordsync.merge), so newer local unsent edits stay.
    Office-owned fields sent without a clock are taken as the server has them; a local
    conflict flag is kept."""
    remote_state = RecordState(data, clocks, is_deleted(clocks))
    local_state = None
    if local is not None:
        local_state = RecordState(user_fields(local), dict(local[CLOCKS]))
    merged = merge_states(local_state, remote_state)
    fields = dict(merged.data)
    for name in SERVER_OWNED_FIELDS.get(record_type, ()):
        if name in data and name not in clocks:
            fields[name] = data[name]
    doc: Record = {**deep_copy(fields), CLOCKS: dict(merged.clocks)}
    if local is not None and local.get(CONFLICT) is not None:
        doc[CONFLICT] = local[CONFLICT]
    return doc
