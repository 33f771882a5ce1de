"""The cross-record check run before a visit is finalized."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from schemas._issues import ValidationIssue, issue
from schemas._validate import validate_record

__all__ = ["missing_for_finalize"]


def _tag(issues: list[ValidationIssue], record_type: str, record: Mapping[str, Any]
         ) -> list[ValidationIssue]:
    record_id = record.get("id")
    return [replace(i, record_type=record_type,
                    record_id=record_id if isinstance(record_id, str) else None)
            for i in issues]


def missing_for_finalize(visit: Mapping[str, Any], producer: Mapping[str, Any] | None,
                         products: Iterable[Mapping[str, Any]] = (),
                         photos: Iterable[Mapping[str, Any]] = ()) -> list[ValidationIssue]:
    """Everything that stops this visit from being finalized, across the records it touches.

    The visit and its producer must pass the "final" rules; each product listed in the
    visit's `product_ids` must be among `products` and pass the "final" rules (category and
    price); photos must be valid and belong to the visit's producer. Each issue names its
    record (`record_type`, `record_id`) and the field (`path`). An empty list: go ahead.
    """
    issues = _tag(validate_record("visit", visit, "final"), "visit", visit)
    visit_id = visit.get("id") if isinstance(visit.get("id"), str) else None
    producer_id = visit.get("producer_id")
    if producer is None:
        issues.append(issue(["producer_id"], "producer_missing",
                            "ไม่พบข้อมูลผู้ผลิตของการเยี่ยมนี้ในเครื่อง",
                            "The producer of this visit is not on this phone",
                            record_type="visit", record_id=visit_id))
    else:
        if producer.get("id") is not None and producer.get("id") != producer_id:
            issues.append(issue(["producer_id"], "producer_mismatch",
                                "ผู้ผลิตที่ส่งมาไม่ตรงกับผู้ผลิตของการเยี่ยมนี้",
                                "The producer given is not this visit's producer",
                                record_type="visit", record_id=visit_id))
        issues.extend(_tag(validate_record("producer", producer, "final"), "producer",
                           producer))
    by_id = {p["id"]: p for p in products if isinstance(p.get("id"), str)}
    product_ids = visit.get("product_ids")
    for index, product_id in enumerate(product_ids if isinstance(product_ids, list) else []):
        if not isinstance(product_id, str):
            continue  # the visit's own issues already name the bad id
        product = by_id.get(product_id)
        if product is None:
            issues.append(issue(["product_ids", index], "product_missing",
                                "ไม่พบข้อมูลผลิตภัณฑ์ที่บันทึกว่าพบในการเยี่ยมนี้",
                                "A product listed on this visit is not on this phone",
                                record_type="visit", record_id=visit_id))
            continue
        issues.extend(_tag(validate_record("product", product, "final"), "product", product))
    for photo in photos:
        photo_issues = validate_record("photo", photo, "draft")
        if producer_id is not None and photo.get("producer_id") not in (None, producer_id):
            photo_issues.append(issue(["producer_id"], "photo_producer_mismatch",
                                      "รูปนี้เป็นของผู้ผลิตรายอื่น",
                                      "This photo belongs to another producer"))
        issues.extend(_tag(photo_issues, "photo", photo))
    return issues
