"""Which typed changes may be stored: a field is saved only when the record stays valid as a
draft, so the outbox never carries a value the server would reject. Pure: the validator is
passed in."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["DraftDecision", "decide_draft_save"]

Validator = Callable[[dict[str, Any]], list[Any]]


@dataclass
class DraftDecision:
    to_save: dict[str, Any] = field(default_factory=dict)
    # the issues to show: those on the fields just changed, and for a record not created
    # yet, the missing required ones
    issues: list[Any] = field(default_factory=list)
    can_create: bool = False
    # top-level fields whose new value the schema refuses (kept as typed, not stored)
    bad_fields: set[str] = field(default_factory=set)


def _top(path: str) -> str:
    return path.split(".", 1)[0]


def decide_draft_save(
    stored: Mapping[str, Any], changes: Mapping[str, Any], validate: Validator, exists: bool
) -> DraftDecision:
    candidate = {k: v for k, v in {**stored, **changes}.items() if v is not None}
    issues = validate(candidate)
    bad_fields = {_top(str(i.path)) for i in issues}
    decision = DraftDecision()
    decision.issues = [i for i in issues if _top(str(i.path)) in changes or not exists]
    decision.to_save = {k: v for k, v in changes.items() if k not in bad_fields}
    decision.bad_fields = bad_fields & set(changes) if exists else bad_fields
    if not exists:
        # a new record is created from its valid fields; a bad one waits, as typed
        valid = {k: v for k, v in candidate.items() if k not in bad_fields}
        decision.can_create = bool(valid) and not validate(valid)
    return decision
