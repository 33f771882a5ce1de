"""Pure filters for finding producers on the phone (no I/O, no store)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

__all__ = ["matches_text", "normalise"]

_SEARCHED_FIELDS = ("name_th", "name_en", "contact_person")


def normalise(text: str) -> str:
    """Thai typed on different keyboards can differ in code points (NFC fixes that); Latin
    text matches whatever its case."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def matches_text(record: Mapping[str, Any], text: str) -> bool:
    """Whether `text` is a substring of the producer's Thai or English name or contact."""
    wanted = normalise(text)
    if not wanted:
        return True
    for name in _SEARCHED_FIELDS:
        value = record.get(name)
        if isinstance(value, str) and wanted in normalise(value):
            return True
    return False
