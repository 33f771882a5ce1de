"""Likely duplicate producers, found by pure functions (no I/O) with the evidence shown.

Two officers often register the same group twice: once as "กลุ่มวิสาหกิจชุมชนทอผ้าบ้านหมอนทอง",
once as "ทอผ้าบ้านหมอนทอง". A pair is reported when
- both carry the same national or juristic ID number, or
- the same phone number, or
- their names, normalised, are similar (difflib ratio >= `NAME_THRESHOLD`) in the same
  subdistrict, or
- their GPS points lie within `GPS_RADIUS_M` of each other and the names are at least loosely
  similar (>= `NEAR_NAME_THRESHOLD`): neighbours in one village are not duplicates, but a
  renamed group at the same workshop is.

Blocking keeps it cheap: IDs and phones are grouped by value, names are compared only within
a subdistrict, GPS points only within neighbouring grid cells of about 220 m. A district's
few hundred producers take milliseconds; `tests/web/test_duplicates.py` checks the blocked
search finds exactly what comparing every pair finds.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations
from typing import Any

from schemas.textfold import fold, phone_digits

__all__ = [
    "GPS_RADIUS_M",
    "NAME_THRESHOLD",
    "NEAR_NAME_THRESHOLD",
    "DuplicatePair",
    "Evidence",
    "ProducerFacts",
    "find_duplicates",
    "haversine_m",
    "name_similarity",
    "normalise_name",
    "normalise_phone",
    "pair_evidence",
]

NAME_THRESHOLD = 0.85
NEAR_NAME_THRESHOLD = 0.6
GPS_RADIUS_M = 200.0
_EARTH_RADIUS_M = 6_371_008.8
# 0.002 degrees of latitude is about 222 m, so two points within 200 m always fall in the
# same or a neighbouring cell (longitude cells are narrower than that in Thailand: fine).
_CELL_DEG = 0.002

# Words that say what kind of group it is, not which one. Longest first so that
# "วิสาหกิจชุมชน" goes before "กลุ่ม" eats part of "กลุ่มวิสาหกิจชุมชน".
_GENERIC_WORDS = ("วิสาหกิจชุมชน", "วสช.", "วสช", "กลุ่ม", "ห้างหุ้นส่วนจำกัด", "หจก.", "บริษัท",
                  "จำกัด")


@dataclass(frozen=True, slots=True)
class ProducerFacts:
    """What duplicate detection looks at, taken from a producer record."""

    id: str
    name_th: str = ""
    subdistrict_code: str | None = None
    id_number: str | None = None
    phone: str | None = None
    lat: float | None = None
    lon: float | None = None

    @classmethod
    def from_record(cls, record_id: str, data: Mapping[str, Any]) -> ProducerFacts:
        address = data.get("address") if isinstance(data.get("address"), Mapping) else {}
        gps = data.get("gps") if isinstance(data.get("gps"), Mapping) else {}
        assert isinstance(address, Mapping) and isinstance(gps, Mapping)
        lat, lon = gps.get("lat"), gps.get("lon")
        return cls(
            id=record_id,
            name_th=str(data.get("name_th") or ""),
            subdistrict_code=address.get("subdistrict_code") or None,
            id_number=str(data["id_number"]) if data.get("id_number") else None,
            phone=str(data["phone"]) if data.get("phone") else None,
            lat=float(lat) if isinstance(lat, int | float) else None,
            lon=float(lon) if isinstance(lon, int | float) else None,
        )


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason to think two producers are one. `kind`: same_id | same_phone |
    similar_name | near_gps; `value`: name similarity (0-1) or distance in metres."""

    kind: str
    value: float | None = None


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    a: str  # the smaller id, so a pair has one spelling
    b: str
    evidence: tuple[Evidence, ...]

    @property
    def strength(self) -> int:
        """For sorting: ID and phone matches count most."""
        weights = {"same_id": 8, "same_phone": 4, "similar_name": 2, "near_gps": 1}
        return sum(weights.get(item.kind, 0) for item in self.evidence)


def normalise_name(name: str) -> str:
    """A name reduced to what tells groups apart: NFC, lower case, generic words, spaces
    and punctuation removed."""
    text = unicodedata.normalize("NFC", name).lower()
    for word in _GENERIC_WORDS:
        text = text.replace(word, "")
    # Keep letters, marks (Thai vowels and tone marks are marks) and digits only.
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LMN")


def normalise_phone(phone: str | None) -> str | None:
    """The number's canonical digits by the shared rule (`schemas.textfold.phone_digits`:
    Thai digits, +66, any separators); a number with words around it keeps its digits.
    None if no digit is left."""
    if not phone:
        return None
    return phone_digits(phone) or re.sub(r"[^0-9]", "", fold(phone)) or None


def name_similarity(a: str, b: str) -> float:
    left, right = normalise_name(a), normalise_name(b)
    if not left or not right:
        return 0.0
    if left == right:
        return 1.0
    return SequenceMatcher(None, left, right, autojunk=False).ratio()


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def pair_evidence(p: ProducerFacts, q: ProducerFacts) -> tuple[Evidence, ...]:
    """Every reason to think `p` and `q` are one producer; empty if none is strong enough."""
    found: list[Evidence] = []
    if p.id_number and p.id_number == q.id_number:
        found.append(Evidence("same_id"))
    phone = normalise_phone(p.phone)
    if phone and phone == normalise_phone(q.phone):
        found.append(Evidence("same_phone"))
    similarity = name_similarity(p.name_th, q.name_th)
    if p.subdistrict_code and p.subdistrict_code == q.subdistrict_code \
            and similarity >= NAME_THRESHOLD:
        found.append(Evidence("similar_name", round(similarity, 3)))
    if p.lat is not None and p.lon is not None and q.lat is not None and q.lon is not None:
        distance = haversine_m(p.lat, p.lon, q.lat, q.lon)
        if distance <= GPS_RADIUS_M and (found or similarity >= NEAR_NAME_THRESHOLD):
            found.append(Evidence("near_gps", round(distance, 1)))
    return tuple(found)


def _candidate_pairs(producers: list[ProducerFacts]) -> set[tuple[int, int]]:
    """Index pairs that share a block: an ID, a phone, a subdistrict, or a GPS neighbourhood."""
    blocks: dict[tuple[str, Any], list[int]] = defaultdict(list)
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    for index, p in enumerate(producers):
        if p.id_number:
            blocks[("id", p.id_number)].append(index)
        phone = normalise_phone(p.phone)
        if phone:
            blocks[("phone", phone)].append(index)
        if p.subdistrict_code:
            blocks[("sub", p.subdistrict_code)].append(index)
        if p.lat is not None and p.lon is not None:
            cells[(math.floor(p.lat / _CELL_DEG), math.floor(p.lon / _CELL_DEG))].append(index)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        pairs.update(combinations(members, 2))
    for (row, col), members in cells.items():
        for drow in (-1, 0, 1):
            for dcol in (-1, 0, 1):
                for other in cells.get((row + drow, col + dcol), ()):
                    pairs.update((i, other) for i in members if i < other)
    return {(min(i, j), max(i, j)) for i, j in pairs if i != j}


def find_duplicates(producers: Iterable[ProducerFacts]) -> list[DuplicatePair]:
    """Likely duplicate pairs, strongest evidence first (ties by id, so the order is stable)."""
    items = sorted(producers, key=lambda p: p.id)
    found: list[DuplicatePair] = []
    for i, j in _candidate_pairs(items):
        p, q = items[i], items[j]
        if p.id == q.id:
            continue
        evidence = pair_evidence(p, q)
        if evidence:
            found.append(DuplicatePair(p.id, q.id, evidence))
    found.sort(key=lambda pair: (-pair.strength, pair.a, pair.b))
    return found
