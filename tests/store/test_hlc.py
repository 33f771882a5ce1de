"""The hybrid logical clock as the device store drives it (hypothesis): monotonic whatever the
phone's clock does, monotonic across restarts, and always past what it has seen."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.store import open_store
from recordsync.hlc import HybridLogicalClock, Timestamp

from .conftest import DEVICE

# Phone clocks: sane, at 1970, or years ahead; each step may jump back or forward.
wall_times = st.integers(min_value=0, max_value=4_000_000_000_000)
remote_stamps = st.builds(
    Timestamp,
    wall_ms=wall_times,
    counter=st.integers(min_value=0, max_value=99_998),
    node=st.sampled_from(["server", "phone_bnp_02", "phone_bnp_03"]),
)
# ("now", physical time) or ("observe", physical time, remote timestamp)
events = st.lists(
    st.one_of(
        st.tuples(st.just("now"), wall_times),
        st.tuples(st.just("observe"), wall_times, remote_stamps),
    ),
    min_size=1,
    max_size=60,
)


class PhoneClock:
    def __init__(self) -> None:
        self.ms = 0

    def __call__(self) -> int:
        return self.ms


@given(events)
def test_every_reading_is_later_than_the_one_before(steps: list[tuple]) -> None:
    phone = PhoneClock()
    clock = HybridLogicalClock(DEVICE, phone)
    previous = clock.last
    for step in steps:
        phone.ms = step[1]
        reading = clock.now() if step[0] == "now" else clock.observe(step[2])
        assert reading > previous
        assert Timestamp.decode(reading.encode()) == reading
        previous = reading


@given(wall_times, st.lists(remote_stamps, min_size=1, max_size=10))
def test_observe_moves_past_every_remote_timestamp(physical: int, remotes: list[Timestamp]
                                                   ) -> None:
    phone = PhoneClock()
    phone.ms = physical
    clock = HybridLogicalClock(DEVICE, phone)
    for remote in remotes:
        seen = clock.observe(remote)
        assert (seen.wall_ms, seen.counter) > (remote.wall_ms, remote.counter)
    after = clock.now()
    assert all((after.wall_ms, after.counter) > (r.wall_ms, r.counter) for r in remotes)


@settings(max_examples=25, deadline=None)
@given(st.lists(wall_times, min_size=1, max_size=6), wall_times)
def test_the_store_clock_stays_monotonic_across_restarts(before: list[int], after_restart: int
                                                          ) -> None:
    """The phone's clock may be anywhere (even far back) when the app opens again."""
    phone = PhoneClock()
    with tempfile.TemporaryDirectory() as folder:
        stamps = []
        store = open_store(Path(folder), DEVICE, phone)
        try:
            for ms in before:
                phone.ms = ms
                record = store.create("producer", {"name_th": "กลุ่มแม่บ้าน"})
                stamps.append(store.clocks("producer", record["id"])["name_th"])
        finally:
            store.close()
        phone.ms = after_restart
        store = open_store(Path(folder), DEVICE, phone)
        try:
            record = store.create("producer", {"name_th": "กลุ่มใหม่"})
            stamps.append(store.clocks("producer", record["id"])["name_th"])
        finally:
            store.close()
        assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


@settings(max_examples=25, deadline=None)
@given(wall_times, remote_stamps)
def test_a_local_edit_after_a_pull_orders_after_the_pulled_clocks(physical: int,
                                                                   remote: Timestamp) -> None:
    phone = PhoneClock()
    phone.ms = physical
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder), DEVICE, phone) as store:
        record_id = "a" * 32
        store.apply_remote([{"record_type": "product", "id": record_id,
                             "data": {"price_thb": 10}, "clocks": {"price_thb": remote.encode()}}])
        store.update("product", record_id, {"price_thb": 12})
        assert store.clocks("product", record_id)["price_thb"] > remote.encode()
        [change] = store.pending_changes()
        assert change.base_clocks == {"price_thb": remote.encode()}
