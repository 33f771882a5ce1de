"""The denormalised search text and Thai sort key of a stored record (pure).

Both are computed by `schemas.textfold`, the rule the phone uses too, so the office
register, the exports and the phone find and order names the same way. The record writer
stores them in `records.search_text` and `records.sort_key`; migration
0004_thai_sort_search recomputes them for rows stored before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from schemas.textfold import search_blob, sort_key

__all__ = ["SEARCHED_FIELDS", "record_search_text", "title_sort_key"]

# What the register's search looks in: names, contact, brand, ID number and phone
# (numbers also as canonical digits), plan texts; and the record id.
SEARCHED_FIELDS = ("name_th", "name_en", "contact_person", "brand", "id_number", "phone",
                   "action", "agency")


def record_search_text(record_id: str, data: Mapping[str, Any]) -> str:
    """The stored search text of a record: see `schemas.textfold.search_blob`."""
    return search_blob([record_id, *(data.get(key) for key in SEARCHED_FIELDS)])


def title_sort_key(title: str | None) -> str | None:
    """The stored Thai sort key of a record's title (None without a title)."""
    return sort_key(title) if title else None
