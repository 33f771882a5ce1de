"""Subdistrict names of a district, offline from geothai (cached: they never change)."""

from __future__ import annotations

from functools import lru_cache

import geothai

__all__ = ["subdistrict_label", "subdistricts_of"]


@lru_cache(maxsize=64)
def subdistricts_of(district_code: str) -> tuple[tuple[str, str, str], ...]:
    """(code, Thai name, English name) of every subdistrict of a district."""
    try:
        found = geothai.subdistricts(district_code)
    except (KeyError, ValueError):
        return ()
    return tuple((s.code, s.name_th, s.name_en) for s in found)


def subdistrict_label(code: str | None, lang: str) -> str:
    if not code:
        return ""
    for sub_code, name_th, name_en in subdistricts_of(code[:4]):
        if sub_code == code:
            return name_en if lang == "en" else name_th
    return code
