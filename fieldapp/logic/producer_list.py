"""The producer list's rows and filter choices, from plain records (no Flet, no store)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = [
    "CATEGORIES",
    "SYNC_STATES",
    "Filters",
    "ProducerRow",
    "producer_rows",
    "subdistrict_choices",
]

# (code, Thai, English) — the five OTOP categories (record model: product.category).
CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("food", "อาหาร", "Food"),
    ("beverage", "เครื่องดื่ม", "Beverages"),
    ("textile", "ผ้า เครื่องแต่งกาย", "Textiles and garments"),
    ("household", "ของใช้ ของตกแต่ง ของที่ระลึก", "Household, decorations, souvenirs"),
    ("herbal", "สมุนไพรที่ไม่ใช่อาหาร", "Non-food herbal products"),
)
# The device store's per-record states (fieldapp.store.SyncState).
SYNC_STATES = ("draft", "waiting", "sent", "conflict")


@dataclass(frozen=True)
class Filters:
    text: str = ""
    subdistrict_code: str | None = None
    category: str | None = None
    sync_state: str | None = None


@dataclass(frozen=True)
class ProducerRow:
    producer_id: str
    name: str
    place: str  # subdistrict name, or "" when the address is not known yet
    sync_state: str


@lru_cache(maxsize=20_000)
def name_key(name: str) -> str:
    """`schemas.textfold.sort_key`, remembered: the list re-sorts on every keystroke and a
    key costs about 25 µs (2,000 rows: 53 ms the first time, then 3.1 ms; 2.6 ms when the
    list sorted by code point; shared 2-core machine, 2026-12-05)."""
    from schemas.textfold import sort_key

    return sort_key(name)


def producer_rows(
    producers: Iterable[Mapping[str, Any]],
    subdistrict_name: Callable[[str], str],
    sync_state_of: Callable[[Mapping[str, Any]], str],
) -> list[ProducerRow]:
    """Rows in Thai dictionary order of their names (`schemas.textfold.sort_key`, the
    server's order: "ไข่เค็ม…" under ข, not after every consonant as code points put it)."""

    rows = []
    for record in producers:
        address = record.get("address") or {}
        code = address.get("subdistrict_code") if isinstance(address, dict) else None
        rows.append(
            ProducerRow(
                producer_id=str(record["id"]),
                name=str(record.get("name_th") or ""),
                place=subdistrict_name(code) if code else "",
                sync_state=sync_state_of(record),
            )
        )
    rows.sort(key=lambda r: (name_key(r.name), r.producer_id))
    return rows


def subdistrict_choices(
    district_code: str, producers: Iterable[Mapping[str, Any]], subdistricts: Callable[[str], Any]
) -> list[tuple[str, str, str]]:
    """(code, Thai, English) of the enrolled district's subdistricts, or, before enrolment,
    of the district(s) the stored producers are in."""
    districts = {district_code} if district_code else set()
    if not districts:
        for record in producers:
            address = record.get("address") or {}
            code = address.get("subdistrict_code") if isinstance(address, dict) else None
            if isinstance(code, str) and len(code) == 6:
                districts.add(code[:4])
    choices: list[tuple[str, str, str]] = []
    for district in sorted(districts):
        choices.extend((a.code, a.name_th, a.name_en) for a in subdistricts(district))
    return choices
