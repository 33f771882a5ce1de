"""The pure per-field merge: examples first, then properties over arbitrary deliveries."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from recordsync.changes import Change
from recordsync.hlc import Timestamp
from recordsync.merge import (
    DELETED_KEY,
    RecordState,
    merge_change,
    merge_states,
    state_from_json,
)

PRODUCER = "5f0c1e2a9b8d4c7e8a6b5c4d3e2f1a0b"


def ts(wall: int, node: str = "phoneA", counter: int = 0) -> str:
    return Timestamp(wall, counter, node).encode()


def change(cid: str, fields: dict, clocks: dict, base: dict | None = None,
           deleted: bool = False, device: str = "phoneA") -> Change:
    return Change(change_id=cid, record_type="producer", record_id=PRODUCER, device_id=device,
                  fields=fields, clocks=clocks, base_clocks=base or {}, deleted=deleted)


def test_new_record_is_applied_with_every_field() -> None:
    c = change("c1", {"name_th": "กลุ่มแม่บ้านบางขนาก", "phone": "0812345678"},
               {"name_th": ts(1000), "phone": ts(1000)}, {"name_th": None, "phone": None})
    result = merge_change(None, c)
    assert result.outcome == "applied"
    assert result.new_state.data == {"name_th": "กลุ่มแม่บ้านบางขนาก", "phone": "0812345678"}
    assert result.conflicts == ()
    assert result.field_outcomes == {"name_th": "won", "phone": "won"}


def test_replay_is_already_had_and_changes_nothing() -> None:
    c = change("c1", {"name_th": "ขนมไทยป้าแดง"}, {"name_th": ts(1000)}, {"name_th": None})
    first = merge_change(None, c).new_state
    again = merge_change(first, c)
    assert again.outcome == "already_had"
    assert again.new_state == first
    assert again.conflicts == ()


def test_sequential_edit_that_saw_the_previous_value_is_no_conflict() -> None:
    state = merge_change(None, change("c1", {"name_th": "ก"}, {"name_th": ts(1000)})).new_state
    result = merge_change(state, change("c2", {"name_th": "ข"}, {"name_th": ts(2000, "phoneB")},
                                        {"name_th": ts(1000)}, device="phoneB"))
    assert result.outcome == "applied"
    assert result.new_state.data["name_th"] == "ข"
    assert result.conflicts == ()


def test_concurrent_edit_of_same_field_keeps_both_values() -> None:
    base = merge_change(None, change("c0", {"phone": "0811111111"}, {"phone": ts(500)})).new_state
    a = change("a", {"phone": "0822222222"}, {"phone": ts(1000, "phoneA")}, {"phone": ts(500)})
    b = change("b", {"phone": "0833333333"}, {"phone": ts(2000, "phoneB")}, {"phone": ts(500)},
               device="phoneB")
    for first, second in ((a, b), (b, a)):
        mid = merge_change(base, first).new_state
        result = merge_change(mid, second)
        assert result.new_state.data["phone"] == "0833333333"  # the later clock wins
        [conflict] = result.conflicts
        assert conflict.kind == "hard" and conflict.field == "phone"
        assert conflict.losing_value == "0822222222"
        assert conflict.winning_value == "0833333333"
        assert conflict.losing_device_id == "phoneA"
    late = merge_change(merge_change(base, b).new_state, a)
    assert late.outcome == "superseded"


def test_different_fields_merge_and_are_flagged_soft() -> None:
    base = merge_change(None, change("c0", {"phone": "0811111111", "notes": "เดิม"},
                                     {"phone": ts(500), "notes": ts(500)})).new_state
    a = change("a", {"phone": "0822222222"}, {"phone": ts(1000)},
               {"phone": ts(500), "notes": ts(500)})
    b = change("b", {"notes": "ย้ายร้าน"}, {"notes": ts(900, "phoneB")},
               {"phone": ts(500), "notes": ts(500)}, device="phoneB")
    after_b = merge_change(base, b).new_state
    result = merge_change(after_b, a)
    assert result.outcome == "applied"
    assert result.new_state.data == {"phone": "0822222222", "notes": "ย้ายร้าน"}
    assert [(c.kind, c.field) for c in result.conflicts] == [("soft", "notes")]


def test_delete_is_a_tombstone_that_loses_to_a_later_edit() -> None:
    state = merge_change(None, change("c0", {"name_th": "ก"}, {"name_th": ts(500)})).new_state
    delete = change("d", {}, {DELETED_KEY: ts(1000)}, {"name_th": ts(500)}, deleted=True)
    deleted = merge_change(state, delete)
    assert deleted.new_state.deleted and deleted.outcome == "applied"
    assert deleted.new_state.data["name_th"] == "ก"  # kept, so a later edit can revive it
    edit = change("e", {"name_th": "ข"}, {"name_th": ts(2000, "phoneB")},
                  {"name_th": ts(500)}, device="phoneB")
    revived = merge_change(deleted.new_state, edit)
    assert not revived.new_state.deleted
    assert any(c.field == DELETED_KEY for c in revived.conflicts)
    # The other order gives the same state and also records the lost delete.
    edited = merge_change(state, edit).new_state
    other = merge_change(edited, delete)
    assert other.new_state == revived.new_state
    assert any(c.field == DELETED_KEY for c in other.conflicts)


def test_earlier_edit_does_not_revive_a_later_delete() -> None:
    state = merge_change(None, change("c0", {"name_th": "ก"}, {"name_th": ts(500)})).new_state
    deleted = merge_change(state, change("d", {}, {DELETED_KEY: ts(3000)}, deleted=True))
    result = merge_change(deleted.new_state,
                          change("e", {"name_th": "ข"}, {"name_th": ts(2000, "phoneB")},
                                 {"name_th": ts(500)}, device="phoneB"))
    assert result.new_state.deleted


def test_ignored_fields_are_reported_and_not_stored() -> None:
    c = Change("c1", "visit", "v1", "phoneA", {"review_status": "approved", "problems": "น้ำท่วม"},
               {"review_status": ts(1), "problems": ts(1)}, {})
    result = merge_change(None, c, ignore_fields=("review_status",))
    assert result.field_outcomes["review_status"] == "ignored"
    assert "review_status" not in result.new_state.data


def test_field_without_clock_is_refused() -> None:
    bad = change("c1", {"name_th": "ก"}, {})
    try:
        merge_change(None, bad)
    except ValueError as exc:
        assert "name_th" in str(exc)
    else:
        raise AssertionError("a field without a clock must be refused")


def test_merge_states_takes_later_clock_per_field() -> None:
    local = RecordState({"a": 1, "b": 1}, {"a": ts(5), "b": ts(1)})
    remote = RecordState({"a": 2, "b": 2}, {"a": ts(3), "b": ts(4)})
    assert merge_states(local, remote) == RecordState({"a": 1, "b": 2}, {"a": ts(5), "b": ts(4)})
    assert state_from_json(local.to_json()) == local


# --- properties -------------------------------------------------------------------------

FIELDS = ("name_th", "phone", "notes")
NODES = ("phoneA", "phoneB", "phoneC")


@st.composite
def histories(draw: st.DrawFn) -> list[Change]:
    """Changes as three devices would make them: each edit's base is a clock it had seen."""
    n = draw(st.integers(1, 12))
    made: list[Change] = []
    seen: dict[str, list[str | None]] = {f: [None] for f in FIELDS}
    seen[DELETED_KEY] = [None]
    for i in range(n):
        node = draw(st.sampled_from(NODES))
        wall = draw(st.integers(1, 40))
        clock = Timestamp(wall, i, node).encode()  # counter i keeps clocks unique
        if draw(st.integers(0, 6)) == 0:
            c = Change(f"c{i}", "producer", PRODUCER, node, {}, {DELETED_KEY: clock},
                       {f: draw(st.sampled_from(seen[f])) for f in FIELDS}, deleted=True)
            seen[DELETED_KEY].append(clock)
        else:
            names = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=3, unique=True))
            c = Change(f"c{i}", "producer", PRODUCER, node,
                       {f: draw(st.sampled_from(["ก", "ข", "ค", None, 7])) for f in names},
                       {f: clock for f in names},
                       {f: draw(st.sampled_from(seen[f])) for f in FIELDS})
            for f in names:
                seen[f].append(clock)
        made.append(c)
    return made


def deliver(changes: list[Change]) -> tuple[RecordState | None, list]:
    state: RecordState | None = None
    conflicts: list = []
    for c in changes:
        result = merge_change(state, c)
        state = result.new_state
        conflicts.extend(result.conflicts)
    return state, conflicts


@settings(max_examples=300, deadline=None)
@given(history=histories(), data=st.data())
def test_any_order_with_duplicates_converges(history: list[Change], data: st.DataObject) -> None:
    clean, _ = deliver(history)
    dupes = data.draw(st.lists(st.sampled_from(history), max_size=6))
    shuffled = data.draw(st.permutations(history + dupes))
    messy, _ = deliver(shuffled)
    assert messy == clean


@settings(max_examples=300, deadline=None)
@given(history=histories(), data=st.data())
def test_no_edit_disappears_without_a_conflict(history: list[Change], data: st.DataObject) -> None:
    order = data.draw(st.permutations(history))
    final, conflicts = deliver(order)
    assert final is not None
    losing = {(c.field, c.losing_clock) for c in conflicts if c.kind == "hard"}
    based_on = {(f, b) for c in history for f, b in c.base_clocks.items()}
    for c in history:
        for f in c.fields:
            clock = c.clocks[f]
            kept = final.clocks.get(f) == clock
            assert kept or (f, clock) in losing or (f, clock) in based_on, (f, clock)


@settings(max_examples=200, deadline=None)
@given(history=histories(), data=st.data())
def test_merging_states_is_commutative_and_idempotent(
    history: list[Change], data: st.DataObject
) -> None:
    cut = data.draw(st.integers(0, len(history)))
    left, _ = deliver(history[:cut])
    right, _ = deliver(history[cut:])
    whole, _ = deliver(history)
    if left is None or right is None:
        return
    assert merge_states(left, right) == merge_states(right, left) == whole
    assert merge_states(whole, whole) == whole
