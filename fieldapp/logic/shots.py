"""The shot list for a product's photos: which subjects to take and which are done.

Subjects follow the photo schema's `subject` codes. ID cards and people are never subjects
(PDPA: an ID card shows religion, a sensitive datum), and the screen says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["SHOT_LIST", "Shot", "shot_list"]

SHOT_LIST = ("product", "label", "packaging", "production_site")


@dataclass(frozen=True)
class Shot:
    subject: str
    photo: Mapping[str, Any] | None  # the latest photo of this subject, if any
    count: int


def shot_list(photos: Iterable[Mapping[str, Any]], product_id: str) -> list[Shot]:
    """One entry per subject of the shot list, plus a certificate entry if one was taken."""
    mine = [p for p in photos if p.get("product_id") == product_id]
    mine.sort(key=lambda p: str(p.get("captured_at") or ""))
    subjects = list(SHOT_LIST)
    if any(p.get("subject") == "certificate" for p in mine):
        subjects.append("certificate")
    shots = []
    for subject in subjects:
        taken = [p for p in mine if p.get("subject") == subject]
        shots.append(Shot(subject, taken[-1] if taken else None, len(taken)))
    return shots
