"""Office sign-in throttling: growing delays per (username, client address).

Replaces a 15-minute account lock-out that anyone who knew a username could renew forever.
Now a wrong password slows down only the guesser's own (username, address) pair: the
supervisor signing in from the office is not held up by someone guessing from elsewhere.
A per-address limit (in `sign_in`, with `ratelimit`) caps guesses spread over many usernames.

- `FREE_FAILURES` wrong passwords in a row cost nothing; after the n-th, the pair must wait
  `delay_after(n)`: 2 s, 4 s, 8 s, ... up to `MAX_DELAY`. A success forgets the pair; so does
  a day without failures.
- Each attempt is counted *before* the password is checked, in one short transaction that
  locks the pair (PostgreSQL advisory lock; SQLite's BEGIN IMMEDIATE), so parallel guesses
  queue behind each other's delays instead of all passing at once; a success undoes it.
- Rows are keyed by the username as typed, whether or not it exists, so unknown and known
  usernames are throttled, and answered, alike.
- `clear(engine, username)` lifts the delays: `python -m sync_server unlock-user`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync_server.db.tables import signin_throttle

__all__ = ["FORGET_AFTER", "FREE_FAILURES", "MAX_DELAY", "Gate", "clear", "delay_after",
           "forget", "reserve"]

FREE_FAILURES = 3
MAX_DELAY = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=24)
_KEY_LENGTH = 64


def delay_after(failures: int) -> timedelta:
    """How long a pair waits after its `failures`-th wrong password in a row."""
    if failures <= FREE_FAILURES:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(failures - FREE_FAILURES, 20)), MAX_DELAY)


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _key(username: str, address: str) -> tuple[str, str]:
    return username.strip()[:_KEY_LENGTH], address[:_KEY_LENGTH]


@dataclass(frozen=True, slots=True)
class Gate:
    """What the throttle says about one attempt. `wait`: seconds until the pair may try
    again (the attempt is refused), else None. `failures`: the wrong passwords in a row,
    counting this attempt as one until it succeeds."""

    wait: int | None
    failures: int

    @property
    def attempts_left(self) -> int:
        """Attempts still admitted at once if this one is wrong (the last of them, when
        wrong too, starts the delays)."""
        return max(0, FREE_FAILURES + 1 - self.failures)

    @property
    def next_wait(self) -> int:
        """Seconds the pair must wait if this attempt turns out wrong."""
        return math.ceil(delay_after(self.failures).total_seconds())


def reserve(engine: Engine, username: str, address: str, now: datetime | None = None) -> Gate:
    """Admit or refuse an attempt of `username` from `address`. An admitted attempt counts
    as a failure (and sets the next delay) until `forget` says it succeeded."""
    now = now or datetime.now(UTC)
    name, addr = _key(username, address)
    where = (signin_throttle.c.username == name, signin_throttle.c.address == addr)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(
                sa.func.hashtext(f"signin:{name}\n{addr}"))))
        row = conn.execute(sa.select(signin_throttle).where(*where)).mappings().first()
        failures = 0
        if row is not None and now - _as_utc(row["last_failure_at"]) < FORGET_AFTER:
            next_allowed = _as_utc(row["next_allowed_at"])
            if next_allowed > now:
                wait = max(1, math.ceil((next_allowed - now).total_seconds()))
                return Gate(wait, int(row["failures"]))
            failures = int(row["failures"])
        failures += 1
        values = {"failures": failures, "last_failure_at": now,
                  "next_allowed_at": now + delay_after(failures)}
        if row is None:
            conn.execute(signin_throttle.insert().values(username=name, address=addr,
                                                         **values))
        else:
            conn.execute(signin_throttle.update().where(*where).values(**values))
        return Gate(None, failures)


def forget(engine: Engine, username: str, address: str) -> None:
    """The attempt succeeded: the pair starts afresh."""
    name, addr = _key(username, address)
    with engine.begin() as conn:
        conn.execute(signin_throttle.delete().where(signin_throttle.c.username == name,
                                                    signin_throttle.c.address == addr))


def clear(engine: Engine, username: str, address: str | None = None) -> int:
    """Lift the delays of `username` (from every address, or one); returns how many pairs
    were waiting or counting."""
    name = username.strip()[:_KEY_LENGTH]
    query = signin_throttle.delete().where(signin_throttle.c.username == name)
    if address is not None:
        query = query.where(signin_throttle.c.address == address[:_KEY_LENGTH])
    with engine.begin() as conn:
        return int(conn.execute(query).rowcount or 0)
