"""Group strength by หลัก 5 ก: the five items, their scores and a producer's total.

The items and their labels are the schema's (`producer.group_strength.*`, each 0-3); this
module only adds them up, the same way for the producer page, the exports, the summary and
the partner API.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["ITEMS", "MAX_SCORE", "MAX_TOTAL", "scores", "total"]

ITEMS = ("members", "committee", "rules", "fund", "activities")
MAX_SCORE = 3
MAX_TOTAL = MAX_SCORE * len(ITEMS)


def scores(producer: Mapping[str, Any]) -> dict[str, int]:
    """The items scored on this producer (0-3 each); malformed values left out."""
    strength = producer.get("group_strength")
    if not isinstance(strength, Mapping):
        return {}
    return {item: value for item in ITEMS
            if isinstance(value := strength.get(item), int) and not isinstance(value, bool)
            and 0 <= value <= MAX_SCORE}


def total(producer: Mapping[str, Any]) -> int | None:
    """The sum of the five scores (0-15); None when no item is scored."""
    found = scores(producer)
    return sum(found.values()) if found else None
