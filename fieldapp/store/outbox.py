"""Pure helpers for the outbox: folding a new local change into an unsent one."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping

from recordsync.changes import Change

__all__ = ["coalesce", "restamp", "seen_clocks"]


def seen_clocks(record_clocks: Mapping[str, str], written: Iterable[str]
                ) -> dict[str, str | None]:
    """The base clocks of an edit: every field's clock as the editor saw the record before
    the edit (the tombstone's too), and None for a written field that was empty.

    Listing the fields the edit does not set is what lets the server flag a soft conflict
    (recordsync.merge): someone changed a field this editor was looking at. After a pull the
    phone's clocks equal the server's, so ordinary sequential edits raise no flag."""
    base: dict[str, str | None] = dict(record_clocks)
    for name in written:
        base.setdefault(name, None)
    return base


def coalesce(earlier: Change, later: Change) -> Change:
    """One change equivalent to sending `earlier` then `later` (same record, same device).

    Only for a change the sync client has never been handed: once a change may have reached
    the server under its id, its content must never change. The earlier base clock of a field
    wins: it is what this device saw before its first unsent edit, which is what the server
    must compare with to detect a concurrent edit. A field first written by `later` keeps
    `later`'s base for it (what the editor saw when writing it, perhaps after a pull); every
    other field's base is the one from before the first unsent edit.
    """
    if (earlier.record_type, earlier.record_id) != (later.record_type, later.record_id):
        raise ValueError("only changes to the same record can be coalesced")
    base = dict(later.base_clocks)
    base.update(earlier.base_clocks)
    for name in later.fields.keys() - earlier.fields.keys():
        base[name] = later.base_clocks.get(name)
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
