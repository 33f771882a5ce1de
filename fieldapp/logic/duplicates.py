"""A cheap on-phone warning that a new producer may already exist (same phone, or a name
that contains or is contained in another). The office's duplicates page does the real job."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fieldapp.store.search import normalise

__all__ = ["possible_duplicates"]


def possible_duplicates(
    candidate: Mapping[str, Any], producers: Iterable[Mapping[str, Any]], limit: int = 3
) -> list[str]:
    """Names of stored producers that look like `candidate` (never itself)."""
    name = normalise(str(candidate.get("name_th") or ""))
    phone = str(candidate.get("phone") or "")
    found: list[str] = []
    for other in producers:
        if other.get("id") == candidate.get("id"):
            continue
        other_name = normalise(str(other.get("name_th") or ""))
        same_phone = bool(phone) and phone == other.get("phone")
        similar = len(name) >= 4 and bool(other_name) and (name in other_name or other_name in name)
        if same_phone or similar:
            found.append(str(other.get("name_th") or ""))
            if len(found) >= limit:
                break
    return found
