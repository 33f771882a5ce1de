"""When to try again: exponential back-off with full jitter (pure, no sleeping here).

Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter") spreads the retries of
many phones that lost signal together, so they do not hammer the server in step.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["RetryPolicy", "plan_delays", "retry_delay"]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 12  # tries per request before the sync stops and reports
    base_s: float = 0.5
    cap_s: float = 60.0


def retry_delay(attempt: int, policy: RetryPolicy, rand: random.Random,
                retry_after_s: float | None = None) -> float:
    """Seconds to wait before try number `attempt + 1` (attempt counts from 0).

    The ceiling doubles each time up to `cap_s`; the delay is uniform below it. A server's
    Retry-After is a floor (capped too, so a broken header cannot park the phone for hours),
    with jitter above it: the many phones a busy server told "1 s" at once come back spread
    over 1-2 s, not all in the same millisecond to be refused again together.
    """
    if attempt < 0:
        raise ValueError("attempt counts from 0")
    ceiling = min(policy.cap_s, policy.base_s * (2 ** min(attempt, 30)))
    delay = rand.uniform(0, ceiling)
    if retry_after_s is not None:
        floor = min(max(retry_after_s, 0.0), policy.cap_s)
        delay = max(delay, floor + rand.uniform(0, min(floor, policy.cap_s - floor)))
    return delay


def plan_delays(policy: RetryPolicy, rand: random.Random) -> list[float]:
    """Every delay a request would wait if each of its tries failed."""
    return [retry_delay(a, policy, rand) for a in range(policy.max_attempts - 1)]
