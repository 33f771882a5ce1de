"""One writer per district and server process, with group commit (no HTTP here).

Why: a push used to take the district's write lock (SQLite's `BEGIN IMMEDIATE`, or the
feed-counter row lock on PostgreSQL) in the request's auth dependency, on a thread of the
worker's pool, before its body was read. Past ~40 concurrent pushes the thread pool was
full of pushes waiting for the lock, the push holding it could not get a thread to finish,
and everything timed out into 500s (docs/bench-sync.md).

Now a push is read, decoded, authenticated and shape-checked on the event loop, and then
waits in its district's FIFO queue as a future: no thread, no pooled connection, no lock.
The district's writer thread takes everything that queued while its previous transaction
ran and merges it in ONE transaction (`apply_push_group`: one BEGIN, one read of the
records, one feed-counter update, one executemany per table, one COMMIT and so one fsync),
then answers each push with its own results, only after the COMMIT returned (durable).

Bounded: when the queue holds `max_queued_changes`, a new push is refused at once with
`Saturated` (the route answers 503 with Retry-After, which the phone's client honours).
Across server processes (`--workers N`, several servers on one PostgreSQL) each process
has its own writer; the district's counter row lock (`lock_district`) still orders their
transactions, so the feed stays gap-free and in commit order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from recordsync.changes import Change
from recordsync.hlc import HybridLogicalClock
from sync_server.db.engine import WriterFileLock
from sync_server.db.tables import devices
from sync_server.sync.push import (
    ChangeResult,
    ParsedPush,
    PushContext,
    Validator,
    apply_push_group,
    speculate,
)

__all__ = ["CRASH_ENV", "DistrictWriter", "Saturated", "WriterPool"]

log = logging.getLogger("sync_server.sync.writer")

# Test hook: with TAMBON_TEST_CRASH_POINT set, the server process SIGKILLs itself at that
# point of a push transaction (`before_commit` or `after_commit`, optionally `:N` for the
# N-th time). Never set in production.
CRASH_ENV = "TAMBON_TEST_CRASH_POINT"
_crash_counts: dict[str, int] = {}


def _crash(point: str) -> None:
    spec = os.environ.get(CRASH_ENV)
    if not spec:
        return
    name, _, nth = spec.partition(":")
    if name != point:
        return
    _crash_counts[point] = _crash_counts.get(point, 0) + 1
    if _crash_counts[point] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)


class Saturated(Exception):
    """The district's queue is full; try again after `retry_after_s`."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"push queue full, retry after {retry_after_s} s")
        self.retry_after_s = retry_after_s


Outcome = list[ChangeResult] | BaseException


@dataclass(slots=True)
class _Job:
    ctx: PushContext
    parsed: ParsedPush
    size: int
    done: Callable[[Outcome], None]
    taken: Callable[[], None] | None = None


@dataclass(slots=True)
class _Rate:
    """Changes per second the writer managed lately (for Retry-After)."""

    per_s: float = 2000.0

    def observe(self, changes: int, seconds: float) -> None:
        if changes and seconds > 0:
            self.per_s = 0.8 * self.per_s + 0.2 * (changes / seconds)


@dataclass
class DistrictWriter:
    """The queue and writer thread of one district in this process."""

    engine: Engine
    district_code: str
    validate: Validator | None
    max_queued_changes: int = 20_000
    max_group_changes: int = 2_000
    clock: HybridLogicalClock = field(default_factory=lambda: HybridLogicalClock("server"))
    _queue: deque[_Job] = field(default_factory=deque)
    _queued: int = 0
    _touches: dict[str, datetime] = field(default_factory=dict)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _thread: threading.Thread | None = None
    _rate: _Rate = field(default_factory=_Rate)
    groups: int = 0  # transactions committed (for tests and benchmarks)

    def __post_init__(self) -> None:
        self._file_lock = WriterFileLock(self.engine)

    def submit(self, ctx: PushContext, parsed: ParsedPush,
               done: Callable[[Outcome], None],
               taken: Callable[[], None] | None = None) -> None:
        """Queue a push; `done` is called from the writer thread with its results (after
        the commit) or the exception that failed it; `taken` (if given) from the writer
        thread when a transaction takes the push. Raises `Saturated` when full."""
        size = max(1, sum(isinstance(p, Change) for p in parsed))
        with self._cond:
            if self._queued and self._queued + size > self.max_queued_changes:
                wait = self._queued / max(self._rate.per_s, 1.0)
                raise Saturated(max(1, min(60, round(wait))))
            self._queue.append(_Job(ctx, parsed, size, done, taken))
            self._queued += size
            self._start()
            self._cond.notify()

    def touch(self, device_id: str, at: datetime) -> None:
        """Refresh a device's `last_seen_at` in the next transaction (no answer awaited)."""
        with self._cond:
            self._touches[device_id] = at
            self._start()
            self._cond.notify()

    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, daemon=True,
                                            name=f"district-writer-{self.district_code}")
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._touches:
                    self._cond.wait()
                group: list[_Job] = []
                size = 0
                while self._queue and (not group or
                                       size + self._queue[0].size <= self.max_group_changes):
                    job = self._queue.popleft()
                    group.append(job)
                    size += job.size
                self._queued -= size
                touches, self._touches = self._touches, {}
            for job in group:
                if job.taken is not None:
                    job.taken()
            try:
                self._write(group, touches)
            except BaseException as exc:  # pragma: no cover - never leave a push hanging
                log.exception("district writer failed")
                for job in group:
                    job.done(exc)

    def _write(self, group: list[_Job], touches: Mapping[str, datetime]) -> None:
        started = time.perf_counter()
        pushes = [(j.ctx, j.parsed) for j in group]
        try:
            # Before the lock: what needs no database (merging, validating and deriving the
            # columns of new records). With several server processes on one database the
            # others write meanwhile; only the read-merge-write below is one at a time.
            speculations = speculate(pushes, self.validate, self.clock)
            with self._file_lock, self.engine.begin() as conn:
                answers = apply_push_group(conn, pushes, clock=self.clock,
                                           validate=self.validate, now=datetime.now(UTC),
                                           speculations=speculations)
                if touches:
                    conn.execute(
                        devices.update().where(devices.c.id == sa.bindparam("b_id"))
                        .values(last_seen_at=sa.bindparam("at")),
                        [{"b_id": d, "at": at} for d, at in touches.items()])
                if group:
                    _crash("before_commit")
            # The COMMIT returned: the group is durable, and only now is anyone answered.
            if group:
                _crash("after_commit")
        except Exception as exc:
            if len(group) > 1 and not isinstance(exc, sa.exc.OperationalError):
                # One push broke the group (a bug, not the database): the others must not
                # pay for it. Each again alone; only the broken one fails.
                log.warning("group of %d pushes failed (%r); writing them one by one",
                            len(group), exc)
                for job in group:
                    self._write([job], {})
                return
            for job in group:
                job.done(exc)
            return
        self.groups += 1
        self._rate.observe(sum(j.size for j in group), time.perf_counter() - started)
        for job, results in zip(group, answers, strict=True):
            job.done(results)


class WriterPool:
    """The district writers of one app (one server process)."""

    def __init__(self, engine: Engine, validate: Validator | None, *,
                 max_queued_changes: int = 20_000, max_group_changes: int = 2_000) -> None:
        self.engine = engine
        self.validate = validate
        self.max_queued_changes = max_queued_changes
        self.max_group_changes = max_group_changes
        self._writers: dict[str, DistrictWriter] = {}
        self._lock = threading.Lock()

    def writer(self, district_code: str) -> DistrictWriter:
        writer = self._writers.get(district_code)
        if writer is None:
            with self._lock:
                writer = self._writers.get(district_code)
                if writer is None:
                    writer = DistrictWriter(self.engine, district_code, self.validate,
                                            self.max_queued_changes, self.max_group_changes)
                    self._writers[district_code] = writer
        return writer

    async def push(self, ctx: PushContext, parsed: ParsedPush,
                   taken: Callable[[], None] | None = None) -> list[ChangeResult]:
        """Queue the push in its district's writer and wait (no thread held) for its
        results; `taken` is called on the event loop when a transaction takes the push.
        Raises `Saturated`, or what failed the transaction."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[ChangeResult]] = loop.create_future()

        def settle(outcome: Outcome) -> None:
            if future.done():  # the client went away; the push still committed
                return
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)

        def done(outcome: Outcome) -> None:
            # RuntimeError: the event loop closed (the server is stopping).
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(settle, outcome)

        def on_taken() -> None:
            if taken is not None:
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(taken)

        self.writer(ctx.district_code).submit(ctx, parsed, done,
                                              on_taken if taken is not None else None)
        return await future

    def stats(self) -> dict[str, Any]:
        return {code: {"queued_changes": w._queued, "groups": w.groups}
                for code, w in self._writers.items()}
