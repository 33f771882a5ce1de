"""Pure helpers for the outbox: folding a new local change into an unsent one."""

from __future__ import annotations

from recordsync.changes import Change

__all__ = ["coalesce"]


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
