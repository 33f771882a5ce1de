"""Hybrid logical clocks (Kulkarni et al., 2014).

Every field of every record carries the timestamp of its last write. Comparing timestamps
decides which concurrent edit wins a field. A plain wall clock cannot do that on phones: their
clocks drift, jump back after a battery swap, or sit at 1970. An HLC stays close to physical
time when clocks are sane, never goes backwards on one device, and always moves past every
timestamp the device has seen, so causality is kept whatever the phone's clock says.

Timestamps encode to fixed-width strings whose lexicographic order is the clock order, so
they can be compared, stored and indexed as plain text on TinyDB, SQLite and PostgreSQL.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "MAX_FORWARD_DRIFT_MS",
    "ClockDriftError",
    "HybridLogicalClock",
    "Timestamp",
    "wall_clock_ms",
]

# How far ahead of the server's clock a device's timestamp may be before the server refuses
# it (CockroachDB's max-offset idea). Without this, a phone set to next year would win
# every merge until next year.
MAX_FORWARD_DRIFT_MS = 5 * 60 * 1000

_WALL_DIGITS = 13  # milliseconds since 1970 stay 13 digits until the year 2286
_COUNTER_DIGITS = 5
_MAX_COUNTER = 10**_COUNTER_DIGITS - 1
_ENCODED = re.compile(r"^(\d{13})-(\d{5})-([A-Za-z0-9_.:]{1,64})$")


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


class ClockDriftError(ValueError):
    """A timestamp is further ahead of this clock's physical time than allowed."""

    def __init__(self, remote: Timestamp, physical_ms: int, max_drift_ms: int) -> None:
        self.remote = remote
        self.physical_ms = physical_ms
        self.max_drift_ms = max_drift_ms
        ahead_s = (remote.wall_ms - physical_ms) / 1000
        super().__init__(
            f"timestamp {remote.encode()} is {ahead_s:.0f} s ahead of this clock "
            f"(at most {max_drift_ms / 1000:.0f} s allowed): check the device's date and time"
        )


@dataclass(frozen=True, order=True, slots=True)
class Timestamp:
    """One HLC reading. Field order gives the total order: wall time, counter, then node."""

    wall_ms: int
    counter: int
    node: str

    def encode(self) -> str:
        return f"{self.wall_ms:0{_WALL_DIGITS}d}-{self.counter:0{_COUNTER_DIGITS}d}-{self.node}"

    @classmethod
    def decode(cls, text: str) -> Timestamp:
        return _decode(text)

    @classmethod
    def zero(cls, node: str = "0") -> Timestamp:
        return cls(0, 0, node)


@functools.lru_cache(maxsize=4096)
def _decode(text: str) -> Timestamp:
    # Cached: the fields of one edit share a stamp, and a push checks each stamp, then merges
    # it. Timestamps are immutable, and a text that fails raises each time (not cached).
    match = _ENCODED.match(text)
    if match is None:
        raise ValueError(f"not a hybrid logical clock timestamp: {text!r}")
    return Timestamp(int(match[1]), int(match[2]), match[3])


class HybridLogicalClock:
    """The clock of one node (a device id, or "server").

    `now_ms` is passed in so tests can drive the physical clock; `last` restores the clock
    after a restart (the device store persists the last reading), which keeps it monotonic
    even if the phone's clock went backwards while the app was closed.

    Not thread-safe on its own: the owner (the device store, the server's merge transaction)
    serialises calls.
    """

    def __init__(
        self,
        node: str,
        now_ms: Callable[[], int] = wall_clock_ms,
        last: Timestamp | None = None,
        max_drift_ms: int = MAX_FORWARD_DRIFT_MS,
    ) -> None:
        if not node or not re.fullmatch(r"[A-Za-z0-9_.:]{1,64}", node):
            raise ValueError(f"clock node id must be 1-64 of [A-Za-z0-9_.:], got {node!r}")
        self.node = node
        self._now_ms = now_ms
        self._wall = last.wall_ms if last else 0
        self._counter = last.counter if last else 0
        self.max_drift_ms = max_drift_ms

    @property
    def last(self) -> Timestamp:
        return Timestamp(self._wall, self._counter, self.node)

    def now(self) -> Timestamp:
        """A timestamp for a local event (an edit): strictly after every earlier reading."""
        physical = self._now_ms()
        if physical > self._wall:
            self._wall, self._counter = physical, 0
        else:
            self._bump_counter()
        return self.last

    def observe(self, remote: Timestamp, *, check_drift: bool = False) -> Timestamp:
        """Merge a timestamp received from another node; the result is after both.

        With `check_drift` (the server does this for everything a device sends), a remote
        timestamp too far ahead of our physical clock raises ClockDriftError instead of
        dragging this clock into the future.
        """
        physical = self._now_ms()
        if check_drift and remote.wall_ms - physical > self.max_drift_ms:
            raise ClockDriftError(remote, physical, self.max_drift_ms)
        wall = max(self._wall, remote.wall_ms, physical)
        if wall == self._wall and wall == remote.wall_ms:
            counter = max(self._counter, remote.counter) + 1
        elif wall == self._wall:
            counter = self._counter + 1
        elif wall == remote.wall_ms:
            counter = remote.counter + 1
        else:
            counter = 0
        self._wall, self._counter = wall, counter
        self._overflow_into_wall()
        return self.last

    def _bump_counter(self) -> None:
        self._counter += 1
        self._overflow_into_wall()

    def _overflow_into_wall(self) -> None:
        # 100,000 events within one millisecond cannot happen on a phone; if it ever does,
        # borrow a millisecond rather than produce an unencodable timestamp.
        if self._counter > _MAX_COUNTER:
            self._wall += 1
            self._counter = 0
