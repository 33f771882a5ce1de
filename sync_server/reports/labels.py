"""Labels for reports: the record model's code labels (`schemas.code_label`, the one label
source) with "ไม่ระบุ" for an empty value, plus subdistrict names from geothai.

A new code added to the schema shows up in charts, exports and filters with no edit here.
"""

from __future__ import annotations

from functools import lru_cache

import geothai

import schemas
from schemas.codes import KIND_FIELDS, MISSING, codes

__all__ = ["KIND_FIELDS", "UNKNOWN", "code_label", "codes", "subdistrict_name"]

UNKNOWN = MISSING


def code_label(kind: str, code: object, lang: str = "th") -> str:
    """The label of `code`; an unknown code shows as itself, a missing one as "ไม่ระบุ"."""
    return schemas.code_label(kind, code, lang, missing=UNKNOWN[1] if lang == "en" else
                              UNKNOWN[0])


@lru_cache(maxsize=8192)
def subdistrict_name(code: str | None, lang: str = "th") -> str:
    """`240301` → บางน้ำเปรี้ยว (from geothai, offline); unknown codes show as themselves."""
    if not code:
        return UNKNOWN[0] if lang == "th" else UNKNOWN[1]
    found = geothai.subdistrict(str(code))
    if found is None:
        return str(code)
    return found.name_th if lang == "th" else found.name_en
