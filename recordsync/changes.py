"""The wire shape of a change: what a device's outbox holds and what a push carries.

A change is the unit of idempotency (its `change_id` is made on the device) and of merge
(each field it sets carries that field's HLC timestamp). Records are flat dicts of top-level
fields; a nested object such as an address is one field and merges as a whole.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["RECORD_TYPES", "SERVER_OWNED_FIELDS", "Change"]

RECORD_TYPES = ("producer", "product", "visit", "photo", "plan_item", "network_link")

# Fields only the district office sets. The server ignores them in pushes from phones and
# sends them down with every pull.
SERVER_OWNED_FIELDS: dict[str, tuple[str, ...]] = {
    "visit": ("review_status", "review_comments"),
}


@dataclass(slots=True)
class Change:
    change_id: str
    record_type: str
    record_id: str
    device_id: str
    # field name -> new value; only the fields this change sets
    fields: dict[str, Any] = field(default_factory=dict)
    # field name -> encoded HLC timestamp of this write (same keys as `fields`, plus
    # "_deleted" for a tombstone)
    clocks: dict[str, str] = field(default_factory=dict)
    # field name -> the timestamp the editor saw for that field before editing (None: the
    # field was empty). A server clock that differs from it means a concurrent edit.
    base_clocks: dict[str, str | None] = field(default_factory=dict)
    deleted: bool = False
    schema_version: int = 1

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Change:
        return cls(**data)
