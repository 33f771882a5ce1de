"""The labels of the record model's codes, by "kind": the one label source of every part.

A kind names one choice field of the JSON Schema (a product's category, a visit's needs);
its codes and their Thai and English labels are the schema's `oneOf` titles. The office
pages, the reports, the exports, the partner API and the phone all ask here (or `label`
in `schemas._fields`, which this wraps), so a label edited in the schema changes
everywhere and no part keeps a copy that drifts.
"""

from __future__ import annotations

from functools import cache

from schemas._documents import raw_document as _raw
from schemas._fields import Choice, find_field

__all__ = ["KIND_FIELDS", "MISSING", "code_label", "codes", "kind_of"]

# kind -> (record type, field path in the schema, or "$defs/<name>" for a list of choices
# the document defines without a field of its own, such as the kinds of agencies)
KIND_FIELDS: dict[str, tuple[str, str]] = {
    "producer_type": ("producer", "producer_type"),
    "id_kind": ("producer", "id_kind"),
    "community_link": ("producer", "community_link"),
    "strength_score": ("producer", "group_strength.members"),
    "category": ("product", "category"),
    "quadrant": ("product", "quadrant"),
    "standard": ("product", "certifications.standard"),
    "sales_channel": ("product", "sales_channels"),
    "need": ("visit", "needs"),
    "visit_status": ("visit", "status"),
    "visit_purpose": ("visit", "purpose"),
    "review_status": ("visit", "review_status"),
    "plan_status": ("plan_item", "status"),
    "funding_source": ("plan_item", "funding_source"),
    "agency_kind": ("plan_item", "$defs/agency_kind"),
    "link_kind": ("network_link", "kind"),
    "photo_subject": ("photo", "subject"),
}

# What a report shows for a field left empty.
MISSING = ("ไม่ระบุ", "Not given")


def kind_of(kind: str) -> tuple[str, str]:
    """(record type, field path) of a kind; KeyError names the unknown kind."""
    try:
        return KIND_FIELDS[kind]
    except KeyError:
        raise KeyError(f"unknown code kind {kind!r}; known: {sorted(KIND_FIELDS)}") from None


@cache
def _choices(kind: str) -> tuple[Choice, ...]:
    record_type, path = kind_of(kind)
    if path.startswith("$defs/"):
        options = _raw(record_type)["$defs"][path.removeprefix("$defs/")]["oneOf"]
        return tuple(Choice(o["const"], o["title"], o["x-title-en"]) for o in options)
    spec = find_field(record_type, path)
    if spec is None or not spec.choices:
        raise KeyError(f"{record_type}.{path} is not a choice field of the record model")
    return spec.choices


@cache
def codes(kind: str) -> tuple[str, ...]:
    """The codes of a kind, in the order the record model lists them (as text)."""
    return tuple(str(c.code) for c in _choices(kind))


def code_label(kind: str, code: object, lang: str = "th", *, missing: str | None = None
               ) -> str:
    """The Thai (or English) label of `code`. An unknown code shows as itself, so old data
    never vanishes; an empty one as `missing` (default "")."""
    if code is None or code == "":
        if missing is not None:
            return missing
        return ""
    for choice in _choices(kind):
        # str(): scores are integers, forms and URLs carry them as text
        if choice.code == code or str(choice.code) == code:
            return choice.title(lang)
    return str(code)
