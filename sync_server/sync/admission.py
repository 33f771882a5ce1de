"""Bounded admission of pushes onto the event loop (no HTTP here).

Why: one server process has one event loop. Reading, inflating, JSON-decoding and
shape-checking a push body is CPU work done on it; with 100 phones pushing at once, 100
bodies were decoded as fast as they arrived and piled up in the district writer's queue,
and a pull (a few hundred microseconds of the loop's time) waited behind all of them
(pull p95 ~4 s while 100 phones pushed, docs/bench-sync.md).

Now a push first takes a slot here, after its token is checked and before its body is
read. A slot is held while the push is read, decoded, checked and queued, and given back
as soon as the district's writer TAKES the push into a transaction (not when it commits):
so at most `limit` pushes are being decoded or waiting for the writer, enough to fill the
writer's next group while it writes the current one, and no more. A push waiting for a
slot holds nothing (no thread, no connection, its body unread); waiters are served first
come, first served; past `max_waiting` waiters a push is refused at once (`Saturated`,
503 + Retry-After). Pulls never pass through here.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field

from sync_server.sync.writer import Saturated

__all__ = ["PushAdmission", "Slot"]


@dataclass
class Slot:
    """One admitted push; `release` is idempotent (taken by the writer, or finished)."""

    admission: PushAdmission
    released: bool = False

    def release(self) -> None:
        if not self.released:
            self.released = True
            self.admission._release()


@dataclass
class PushAdmission:
    """FIFO admission of pushes, per server process (all districts share its loop)."""

    limit: int = 24
    max_waiting: int = 1000
    # Pushes per second the writers took lately: only for Retry-After.
    per_s: float = 50.0
    active: int = 0
    admitted: int = 0  # counters for tests and benchmarks
    waited: int = 0
    refused: int = 0
    _waiters: deque[asyncio.Future[None]] = field(default_factory=deque)

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    async def acquire(self) -> Slot:
        """A slot, at once or in arrival order. Raises `Saturated` when the wait list is
        full."""
        if self.active < self.limit and not self._waiters:
            self.active += 1
            self.admitted += 1
            return Slot(self)
        if len(self._waiters) >= self.max_waiting:
            self.refused += 1
            raise Saturated(max(1, min(60, round(len(self._waiters) / max(self.per_s, 1.0)))))
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
        self.waited += 1
        try:
            await future  # `_release` handed its slot over: `active` already counts us
        except BaseException:
            if future.done() and not future.cancelled():
                self._release()  # handed over just as we were cancelled: pass it on
            elif future in self._waiters:
                self._waiters.remove(future)
            raise
        self.admitted += 1
        return Slot(self)

    def _release(self) -> None:
        while self._waiters:
            future = self._waiters.popleft()
            if not future.done():
                future.set_result(None)  # the slot passes to the first waiter
                return
        self.active -= 1

    def stats(self) -> dict[str, int]:
        return {"active": self.active, "waiting": self.waiting, "admitted": self.admitted,
                "waited": self.waited, "refused": self.refused}
