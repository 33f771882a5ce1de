"""A cheap on-phone warning, while a producer is being added, that it may already exist:
the same phone number or ID number (however written), or a similar name nearby (one name
contains the other once folded — tone marks, Thai digits and case aside — in the same
subdistrict, or where either has none yet). The office's duplicates page does the real job.

Folding is `schemas.textfold`, the rule the server's search uses too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from schemas.textfold import fold, phone_digits

__all__ = ["Duplicate", "find_duplicates", "possible_duplicates"]

# why a stored producer looks like the new one
SAME_PHONE, SAME_ID, SIMILAR_NAME = "phone", "id_number", "name"


@dataclass(frozen=True)
class Duplicate:
    name: str
    reasons: tuple[str, ...]


def _digits(value: Any) -> str:
    return (phone_digits(value) or "") if isinstance(value, str) else ""


def _subdistrict(record: Mapping[str, Any]) -> str | None:
    address = record.get("address")
    code = address.get("subdistrict_code") if isinstance(address, Mapping) else None
    return str(code) if code else None


def find_duplicates(
    candidate: Mapping[str, Any], producers: Iterable[Mapping[str, Any]], limit: int = 3
) -> list[Duplicate]:
    """Stored producers that look like `candidate` (never itself), with the reasons."""
    name = fold(str(candidate.get("name_th") or ""))
    phone = _digits(candidate.get("phone"))
    id_number = _digits(candidate.get("id_number"))
    place = _subdistrict(candidate)
    found: list[Duplicate] = []
    for other in producers:
        if other.get("id") == candidate.get("id"):
            continue
        reasons: list[str] = []
        if len(phone) >= 9 and phone == _digits(other.get("phone")):
            reasons.append(SAME_PHONE)
        if len(id_number) >= 10 and id_number == _digits(other.get("id_number")):
            reasons.append(SAME_ID)
        other_name = fold(str(other.get("name_th") or ""))
        other_place = _subdistrict(other)
        nearby = place is None or other_place is None or place == other_place
        if (len(name) >= 4 and other_name and nearby
                and (name in other_name or other_name in name)):
            reasons.append(SIMILAR_NAME)
        if reasons:
            found.append(Duplicate(str(other.get("name_th") or ""), tuple(reasons)))
            if len(found) >= limit:
                break
    return found


def possible_duplicates(
    candidate: Mapping[str, Any], producers: Iterable[Mapping[str, Any]], limit: int = 3
) -> list[str]:
    """Names of stored producers that look like `candidate` (never itself)."""
    return [d.name for d in find_duplicates(candidate, producers, limit)]
