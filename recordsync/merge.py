"""The per-field merge every replica runs: pure functions, no I/O.

A record's state is `{"data": {field: value}, "clocks": {field: hlc}, "deleted": bool}`.
Each top-level field is a last-writer-wins register ordered by its hybrid logical clock, so
merging is a join: for every field keep the (clock, value) pair with the larger clock. A join
is commutative, associative and idempotent, which is why replicas that see the same changes in
any order, with duplicates, end up identical.

Deletes are a tombstone clock under the pseudo-field `_deleted`. The record counts as deleted
while that clock is later than every field's clock, so an edit made after the delete brings
the record back (the edit wins; the delete is recorded as a conflict) and the data is kept.

Conflicts never change the merged state; they are the audit of what lost. Rules:
- hard: an incoming write of field F whose `base_clocks[F]` differs from the clock F had
  when the change arrived is concurrent with that write. The larger clock wins; the loser's
  value and clock are returned for the office to review. An incoming write that loses is
  always reported (unless it is an exact duplicate), so no edit disappears silently.
- soft: the change's fields merged cleanly, but other fields the editor saw (listed in
  `base_clocks` without being set) have changed since. Reported with kind "soft".
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from recordsync.changes import Change
from recordsync.hlc import Timestamp

__all__ = [
    "DELETED_KEY",
    "FieldOutcome",
    "MergeConflict",
    "MergeResult",
    "Outcome",
    "RecordState",
    "empty_state",
    "is_deleted",
    "merge_change",
    "merge_states",
    "node_of",
    "state_from_json",
]

DELETED_KEY = "_deleted"

Outcome = Literal["applied", "already_had", "superseded"]
# won: the field took this value; same: exact duplicate; lost: a later clock already holds it;
# ignored: a server-owned field sent by a device (the caller decides, see `ignore_fields`).
FieldOutcome = Literal["won", "same", "lost", "ignored"]


@dataclass(frozen=True, slots=True)
class RecordState:
    data: dict[str, Any]
    clocks: dict[str, str]
    deleted: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"data": dict(self.data), "clocks": dict(self.clocks), "deleted": self.deleted}


@dataclass(frozen=True, slots=True)
class MergeConflict:
    field: str
    kind: Literal["hard", "soft"]
    winning_value: Any
    winning_clock: str | None
    losing_value: Any
    losing_clock: str | None

    @property
    def winning_device_id(self) -> str | None:
        return node_of(self.winning_clock)

    @property
    def losing_device_id(self) -> str | None:
        return node_of(self.losing_clock)

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "kind": self.kind,
            "winning_value": self.winning_value,
            "winning_clock": self.winning_clock,
            "losing_value": self.losing_value,
            "losing_clock": self.losing_clock,
        }


@dataclass(frozen=True, slots=True)
class MergeResult:
    new_state: RecordState
    outcome: Outcome
    conflicts: tuple[MergeConflict, ...] = ()
    field_outcomes: dict[str, FieldOutcome] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.outcome == "applied"


def empty_state() -> RecordState:
    return RecordState(data={}, clocks={}, deleted=False)


def state_from_json(raw: Mapping[str, Any] | None) -> RecordState | None:
    if raw is None:
        return None
    clocks = dict(raw.get("clocks") or {})
    return RecordState(data=dict(raw.get("data") or {}), clocks=clocks,
                       deleted=is_deleted(clocks))


def node_of(clock: str | None) -> str | None:
    """The device (HLC node) that made a timestamp."""
    if clock is None:
        return None
    return Timestamp.decode(clock).node


def is_deleted(clocks: Mapping[str, str]) -> bool:
    """A tombstone holds while its clock is later than every field's last write."""
    tomb = clocks.get(DELETED_KEY)
    if tomb is None:
        return False
    return all(clock < tomb for name, clock in clocks.items() if name != DELETED_KEY)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _wins(new_clock: str, new_value: Any, old_clock: str | None, old_value: Any) -> bool:
    """Whether (new_clock, new_value) beats the current register; total and deterministic.

    Encoded HLC strings compare in clock order. Equal clocks can only come from the same write
    on one device; should two values ever share a clock anyway, the canonical JSON breaks the
    tie so that every replica still picks the same one.
    """
    if old_clock is None:
        return True
    if new_clock != old_clock:
        return new_clock > old_clock
    return _canonical(new_value) > _canonical(old_value)


def _validate(change: Change) -> None:
    for name in change.fields:
        if name not in change.clocks:
            raise ValueError(f"change {change.change_id}: field {name!r} has no clock")
        Timestamp.decode(change.clocks[name])
    if change.deleted and DELETED_KEY not in change.clocks:
        raise ValueError(f"change {change.change_id}: a delete needs a {DELETED_KEY!r} clock")
    if DELETED_KEY in change.clocks:
        Timestamp.decode(change.clocks[DELETED_KEY])


def merge_change(
    current: RecordState | None,
    change: Change,
    *,
    ignore_fields: Iterable[str] = (),
) -> MergeResult:
    """Merge one change into a record's current state (None: the record is new here).

    `ignore_fields` are fields this replica refuses from this change (the server passes the
    office-owned fields when the change comes from a phone); they are reported as "ignored".
    Raises ValueError for a change that is malformed (a field without a clock).
    """
    _validate(change)
    state = current or empty_state()
    data = dict(state.data)
    clocks = dict(state.clocks)
    ignored = set(ignore_fields)
    outcomes: dict[str, FieldOutcome] = {}
    conflicts: list[MergeConflict] = []

    for name, value in change.fields.items():
        if name in ignored:
            outcomes[name] = "ignored"
            continue
        outcomes[name] = _merge_field(name, value, change, data, clocks, conflicts)

    if change.deleted:
        outcomes[DELETED_KEY] = _merge_tombstone(change, data, clocks, conflicts)
    elif state.deleted and any(o == "won" for o in outcomes.values()):
        # An edit that did not see the delete brings the record back (later edits beat
        # tombstones). Record that the delete lost, so the office can see it.
        tomb = clocks.get(DELETED_KEY)
        if change.base_clocks.get(DELETED_KEY) != tomb and not is_deleted(clocks):
            conflicts.append(MergeConflict(DELETED_KEY, "hard", False, _latest_field_clock(change),
                                           True, tomb))

    if not conflicts:
        conflicts.extend(_soft_conflicts(change, state, set(outcomes)))

    new_state = RecordState(data=data, clocks=clocks, deleted=is_deleted(clocks))
    return MergeResult(new_state, _overall(outcomes), tuple(conflicts), outcomes)


def _merge_field(
    name: str,
    value: Any,
    change: Change,
    data: dict[str, Any],
    clocks: dict[str, str],
    conflicts: list[MergeConflict],
) -> FieldOutcome:
    new_clock = change.clocks[name]
    old_clock = clocks.get(name)
    old_value = data.get(name)
    if old_clock == new_clock and _canonical(old_value) == _canonical(value):
        return "same"
    base = change.base_clocks.get(name)
    concurrent = old_clock is not None and base != old_clock
    if _wins(new_clock, value, old_clock, old_value):
        data[name], clocks[name] = value, new_clock
        if concurrent:
            conflicts.append(MergeConflict(name, "hard", value, new_clock, old_value, old_clock))
        return "won"
    # The incoming write loses: always keep it for review, so no edit vanishes.
    conflicts.append(MergeConflict(name, "hard", old_value, old_clock, value, new_clock))
    return "lost"


def _merge_tombstone(
    change: Change,
    data: dict[str, Any],
    clocks: dict[str, str],
    conflicts: list[MergeConflict],
) -> FieldOutcome:
    new_clock = change.clocks[DELETED_KEY]
    old_clock = clocks.get(DELETED_KEY)
    if old_clock == new_clock:
        return "same"
    if old_clock is None or new_clock > old_clock:
        clocks[DELETED_KEY] = new_clock
        if not is_deleted(clocks):
            # Someone edited the record after this delete: the edit wins, the delete is kept
            # as a conflict for the office.
            conflicts.append(MergeConflict(DELETED_KEY, "hard", False,
                                           _max_field_clock(clocks), True, new_clock))
        return "won"
    # A later tombstone is already here: this delete adds nothing.
    return "same"


def _soft_conflicts(change: Change, state: RecordState, touched: set[str]) -> list[MergeConflict]:
    """Other fields the editor saw that have changed since (ODK's "soft" conflict)."""
    soft = []
    for name, base in sorted(change.base_clocks.items()):
        if name in touched or name == DELETED_KEY:
            continue
        now = state.clocks.get(name)
        if now is not None and now != base and (base is None or now > base):
            soft.append(MergeConflict(name, "soft", state.data.get(name), now, None, base))
    return soft


def _max_field_clock(clocks: Mapping[str, str]) -> str | None:
    fields = [c for n, c in clocks.items() if n != DELETED_KEY]
    return max(fields) if fields else None


def _latest_field_clock(change: Change) -> str | None:
    fields = [c for n, c in change.clocks.items() if n != DELETED_KEY and n in change.fields]
    return max(fields) if fields else None


def _overall(outcomes: Mapping[str, FieldOutcome]) -> Outcome:
    relevant = [o for o in outcomes.values() if o != "ignored"]
    if "won" in relevant:
        return "applied"
    return "superseded" if "lost" in relevant else "already_had"


def merge_states(local: RecordState | None, remote: RecordState) -> RecordState:
    """Join two full states (a pulled record into the phone's copy): per field, later clock wins.

    No conflicts are reported here: the server already recorded them when the changes
    arrived, and the phone's own unsent edits still travel in its outbox with their base
    clocks, so the server will see and record any clash.
    """
    if local is None:
        return RecordState(dict(remote.data), dict(remote.clocks), is_deleted(remote.clocks))
    data = dict(local.data)
    clocks = dict(local.clocks)
    for name, clock in remote.clocks.items():
        value = remote.data.get(name)
        if name == DELETED_KEY:
            if clocks.get(name) is None or clock > clocks[name]:
                clocks[name] = clock
            continue
        if _wins(clock, value, clocks.get(name), data.get(name)):
            data[name], clocks[name] = value, clock
    return RecordState(data, clocks, is_deleted(clocks))
