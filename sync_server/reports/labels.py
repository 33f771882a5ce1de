"""Labels for the codes reports show, from the record model (`schemas`), plus place names.

Reports speak of "kinds" of codes (a category, a need, a standard); each kind is one field
of the JSON Schema, whose choices carry the Thai and English titles. One source of truth:
a new code added to the schema shows up in charts, exports and filters with no edit here.
"""

from __future__ import annotations

from functools import cache, lru_cache

import geothai

import schemas

__all__ = ["KIND_FIELDS", "code_label", "codes", "subdistrict_name"]

# kind -> (record type, field path in the schema)
KIND_FIELDS: dict[str, tuple[str, str]] = {
    "producer_type": ("producer", "producer_type"),
    "id_kind": ("producer", "id_kind"),
    "category": ("product", "category"),
    "quadrant": ("product", "quadrant"),
    "standard": ("product", "certifications.standard"),
    "sales_channel": ("product", "sales_channels"),
    "need": ("visit", "needs"),
    "visit_status": ("visit", "status"),
    "visit_purpose": ("visit", "purpose"),
    "review_status": ("visit", "review_status"),
    "plan_status": ("plan_item", "status"),
    "link_kind": ("network_link", "kind"),
    "photo_subject": ("photo", "subject"),
}

UNKNOWN = ("ไม่ระบุ", "Not given")


@cache
def codes(kind: str) -> tuple[str, ...]:
    """The codes of a kind in the order the record model lists them."""
    record_type, field = KIND_FIELDS[kind]
    spec = schemas.find_field(record_type, field)
    if spec is None:
        raise KeyError(f"{record_type}.{field} is not in the record model")
    return tuple(str(c.code) for c in spec.choices)


def code_label(kind: str, code: object, lang: str = "th") -> str:
    """The label of `code`; an unknown code shows as itself, a missing one as "ไม่ระบุ"."""
    if code is None or code == "":
        return UNKNOWN[0] if lang == "th" else UNKNOWN[1]
    record_type, field = KIND_FIELDS[kind]
    return schemas.label(record_type, field, code, lang)


@lru_cache(maxsize=8192)
def subdistrict_name(code: str | None, lang: str = "th") -> str:
    """`240301` → บางน้ำเปรี้ยว (from geothai, offline); unknown codes show as themselves."""
    if not code:
        return UNKNOWN[0] if lang == "th" else UNKNOWN[1]
    found = geothai.subdistrict(str(code))
    if found is None:
        return str(code)
    return found.name_th if lang == "th" else found.name_en
