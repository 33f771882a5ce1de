"""Pure helpers for the outbox: folding a new local change into an unsent one."""

from __future__ import annotations

import uuid

from recordsync.changes import Change

__all__ = ["coalesce", "restamp"]


def coalesce(earlier: Change, later: Change) -> Change:
    """One change equivalent to sending `earlier` then `later` (same record, same device).

    Only for a change the sync client has never been handed: once a change may have reached
    the server under its id, its content must never change. The earlier base clock of a field
    wins: it is what this device saw before its first unsent edit, which is what the server
    must compare with to detect a concurrent edit.
    """
    if (earlier.record_type, earlier.record_id) != (later.record_type, later.record_id):
        raise ValueError("only changes to the same record can be coalesced")
    base = dict(later.base_clocks)
    base.update(earlier.base_clocks)
    return Change(
        change_id=earlier.change_id,
        record_type=earlier.record_type,
        record_id=earlier.record_id,
        device_id=later.device_id,
        fields={**earlier.fields, **later.fields},
        clocks={**earlier.clocks, **later.clocks},
        base_clocks=base,
        deleted=earlier.deleted or later.deleted,
        schema_version=max(earlier.schema_version, later.schema_version),
    )


def restamp(change: Change, stamp: str, record_clocks: dict[str, str]) -> Change:
    """`change` under a new id with every clock set to `stamp`; the record's clocks that
    still hold this change's old clocks move to `stamp` too (in place).

    A new id because the server refused the old one (its clock was too far ahead), and a
    change id must never carry two different contents."""
    for name, old in change.clocks.items():
        if record_clocks.get(name) == old:
            record_clocks[name] = stamp
    return Change(
        change_id=uuid.uuid4().hex,
        record_type=change.record_type,
        record_id=change.record_id,
        device_id=change.device_id,
        fields=change.fields,
        clocks=dict.fromkeys(change.clocks, stamp),
        base_clocks=change.base_clocks,
        deleted=change.deleted,
        schema_version=change.schema_version,
    )
