"""Which visits need the officer's attention after the office reviewed them, and what a
visit's status says: the office's verdict, once it has one, is the status the officer sees
(not "finalized, waiting to be sent" after the sync that brought the review)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["ATTENTION", "needs_attention", "visit_status_key"]

# review verdicts the officer must act on
ATTENTION = ("has_issues", "rejected")


def needs_attention(visits: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [v for v in visits if v.get("review_status") in ATTENTION]


def visit_status_key(visit: Mapping[str, Any], sync_state: str) -> tuple[str, str | None]:
    """(i18n key, review status code or None) for how the visit's state is shown.

    The office's review wins; else a draft; else final and sent, or final waiting to go."""
    review = visit.get("review_status")
    if isinstance(review, str) and review:
        return "visit.reviewed", review
    if visit.get("status") != "final":
        return "visit.draft", None
    return ("visit.final_sent" if sync_state == "sent" else "visit.final"), None
