"""The finalize check the device store runs: `schemas.missing_for_finalize`, the one source
of truth for what a final visit needs, with its issues as plain dicts for the screens.

An issue: {"record_type", "record_id", "field" (dotted path), "code", "message_th",
"message_en"}.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

__all__ = ["FinalizeCheck", "Issue", "default_finalize_check", "issue_dict"]

Issue = dict[str, Any]
# (visit, its producer or None, the products it lists, its photos) -> issues (any shape
# `issue_dict` understands)
FinalizeCheck = Callable[
    [Mapping[str, Any], Mapping[str, Any] | None, Sequence[Mapping[str, Any]],
     Sequence[Mapping[str, Any]]],
    Iterable[Any],
]


def default_finalize_check() -> FinalizeCheck:
    from schemas import missing_for_finalize

    return missing_for_finalize


def issue_dict(issue: Any) -> Issue:
    """A schemas.ValidationIssue (or an issue dict already) as the dict the screens use."""
    if isinstance(issue, Mapping):
        return dict(issue)
    return {
        "record_type": issue.record_type,
        "record_id": issue.record_id,
        "field": issue.path,
        "code": issue.code,
        "message_th": issue.message_th,
        "message_en": issue.message_en,
    }
