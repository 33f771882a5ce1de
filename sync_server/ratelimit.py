"""Rate limits counted in the database (`rate_events`), so every worker shares them.

The attempt is recorded in its own short transaction: a failed enrolment rolls back the
request's transaction, but the attempt must still count.

Limits that should count only failures (enrolment: twenty officers enrolling on one office
Wi-Fi must all succeed, while guessing codes stays throttled) take an `attempt` first and
`refund` it when the request succeeded. Taking it before the work, not recording it after a
failure, keeps the limit exact under parallel guesses: at most `limit` attempts of a bucket
are ever in flight or failed within the window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync_server.db.tables import rate_events

__all__ = ["Attempt", "attempt", "hit", "refund", "reset"]


@dataclass(frozen=True, slots=True)
class Attempt:
    """`wait`: None if allowed, else the seconds to wait (Retry-After). `event_id`: the row
    that counts this attempt (None when refused: a refused attempt is not counted)."""

    bucket: str
    wait: int | None
    event_id: int | None = None


def attempt(engine: Engine, bucket: str, *, limit: int, window: timedelta,
            now: datetime | None = None) -> Attempt:
    """Count one attempt in `bucket`, unless `limit` attempts were already made within
    `window`; a refused attempt is not counted, so waiting always helps."""
    now = now or datetime.now(UTC)
    since = now - window
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # One attempt of a bucket at a time: under READ COMMITTED, parallel attempts each
            # count the others' uncommitted rows as absent, and all pass (9 of 12 at limit 3).
            # SQLite needs nothing: every transaction starts with BEGIN IMMEDIATE.
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(bucket))))
        # Old events of this bucket are of no further use.
        conn.execute(rate_events.delete().where(rate_events.c.bucket == bucket,
                                                rate_events.c.at <= since))
        times = conn.execute(
            sa.select(rate_events.c.at).where(rate_events.c.bucket == bucket)
            .order_by(rate_events.c.at).limit(limit)
        ).scalars().all()
        if len(times) >= limit:
            wait = (times[0] + window - now).total_seconds()
            return Attempt(bucket, max(1, math.ceil(wait)))
        event_id = conn.execute(rate_events.insert().values(bucket=bucket, at=now)
                                .returning(rate_events.c.id)).scalar_one()
        return Attempt(bucket, None, int(event_id))


def refund(engine: Engine, counted: Attempt) -> None:
    """The attempt succeeded: it no longer counts against the limit."""
    if counted.event_id is None:
        return
    with engine.begin() as conn:
        conn.execute(rate_events.delete().where(rate_events.c.id == counted.event_id,
                                                rate_events.c.bucket == counted.bucket))


def hit(engine: Engine, bucket: str, *, limit: int, window: timedelta,
        now: datetime | None = None) -> int | None:
    """Count one attempt in `bucket`. Returns None if allowed, or the seconds to wait
    (Retry-After) if `limit` attempts were already made within `window`."""
    return attempt(engine, bucket, limit=limit, window=window, now=now).wait


def reset(engine: Engine, bucket: str) -> int:
    """Forget every attempt counted in `bucket` (an administrator lifting a limit)."""
    with engine.begin() as conn:
        return int(conn.execute(rate_events.delete().where(rate_events.c.bucket == bucket))
                   .rowcount or 0)
