"""What a supervisor needs before a visit is final, on top of the schemas' own check
(`schemas.missing_for_finalize`: required fields of the visit, its producer and products,
the visit's GPS): at least one product marked as seen, and for each product seen, the
shot list (product, label, packaging, production site) photographed during this visit.

Pure; the device store runs it as its finalize check (`open_store(finalize_check=...)`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from fieldapp.logic.shots import SHOT_LIST

__all__ = ["field_finalize_check", "supervisor_issues"]

SUBJECTS_TH = {
    "product": "รูปผลิตภัณฑ์",
    "label": "รูปฉลาก",
    "packaging": "รูปบรรจุภัณฑ์",
    "production_site": "รูปสถานที่ผลิต",
}
SUBJECTS_EN = {
    "product": "product photo",
    "label": "label photo",
    "packaging": "packaging photo",
    "production_site": "production-site photo",
}


def supervisor_issues(
    visit: Mapping[str, Any],
    products: Sequence[Mapping[str, Any]],
    photos: Iterable[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    visit_id = visit.get("id") if isinstance(visit.get("id"), str) else None
    issues: list[dict[str, Any]] = []
    if not visit.get("product_ids"):
        issues.append({
            "record_type": "visit", "record_id": visit_id, "field": "product_ids",
            "code": "no_product_seen",
            "message_th": "ยังไม่ได้เลือกผลิตภัณฑ์ที่พบในการเยี่ยมนี้",
            "message_en": "No product is marked as seen on this visit",
        })
    taken = [p for p in photos if not p.get("_deleted")]
    for product in products:
        product_id = product.get("id")
        have = {p.get("subject") for p in taken if p.get("product_id") == product_id}
        lacking = [s for s in SHOT_LIST if s not in have]
        if not lacking:
            continue
        name = str(product.get("name_th") or "")
        issues.append({
            "record_type": "product", "record_id": product_id, "field": "photos",
            "code": "shot_list_incomplete",
            "message_th": f"{name}: ยังไม่มี" + " ".join(SUBJECTS_TH[s] for s in lacking),
            "message_en": f"{name}: missing " + ", ".join(SUBJECTS_EN[s] for s in lacking),
        })
    return issues


SchemaCheck = Callable[..., Iterable[Any]]


def field_finalize_check(schema_check: SchemaCheck) -> Callable[..., list[Any]]:
    """The schemas' check followed by the supervisor's."""

    def check(
        visit: Mapping[str, Any],
        producer: Mapping[str, Any] | None,
        products: Sequence[Mapping[str, Any]],
        photos: Sequence[Mapping[str, Any]],
    ) -> list[Any]:
        return [*schema_check(visit, producer, products, photos),
                *supervisor_issues(visit, products, photos)]

    return check
