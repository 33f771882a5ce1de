"""What the sync screen says before and during a sync: counts, megabytes, minutes left."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["SendSummary", "eta_minutes", "megabytes", "summarize"]

# A thumbnail is about this share of its photo (320 px against 1600 px, JPEG).
THUMB_SHARE = 0.04
# A record change on the wire, JSON with clocks; a conservative average.
RECORD_BYTES = 1_500


@dataclass(frozen=True)
class SendSummary:
    records: int
    photos: int
    photo_bytes: int

    @property
    def total_bytes(self) -> int:
        thumbs = int(self.photo_bytes * THUMB_SHARE)
        return self.records * RECORD_BYTES + thumbs + self.photo_bytes


def summarize(
    pending_changes: int,
    photos: Iterable[Mapping[str, Any]],
    photo_state: Callable[[Mapping[str, Any]], str],
) -> SendSummary:
    """`photo_state` says whether a photo's file still waits ("waiting"/"draft") or is "sent"."""
    waiting = [p for p in photos if photo_state(p) != "sent"]
    return SendSummary(
        records=pending_changes,
        photos=len(waiting),
        photo_bytes=sum(int(p.get("bytes") or 0) for p in waiting),
    )


def megabytes(nbytes: int) -> str:
    """One decimal place, never "0.0" for something non-empty."""
    if nbytes <= 0:
        return "0"
    return f"{max(nbytes / 1_000_000, 0.1):.1f}"


def eta_minutes(eta_s: float | None) -> int | None:
    if eta_s is None:
        return None
    return max(1, math.ceil(eta_s / 60))
