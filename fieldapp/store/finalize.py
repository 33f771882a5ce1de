"""What a visit still needs before it can be finalized (record-model.md, "visit").

`schemas.missing_for_finalize` is the source of truth once it exists; this pure fallback
applies the same rules from docs/record-model.md so the phone works before and without it.
An issue is a dict: {"record_type", "record_id", "field", "message_th", "message_en"}.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["FinalizeCheck", "Issue", "default_finalize_check", "missing_for_finalize"]

Issue = dict[str, Any]
# (visit, producer or None, products seen on the visit) -> issues
FinalizeCheck = Callable[[Mapping[str, Any], Mapping[str, Any] | None, Sequence[Mapping[str, Any]]],
                         list[Issue]]

_VISIT_REQUIRED = {
    "purpose": ("วัตถุประสงค์ของการเยี่ยม", "visit purpose"),
    "started_at": ("เวลาเริ่มเยี่ยม", "visit start time"),
    "gps": ("พิกัด GPS", "GPS position"),
}
_PRODUCER_REQUIRED = {
    "producer_type": ("ประเภทผู้ผลิต", "producer type"),
    "name_th": ("ชื่อผู้ผลิต (ไทย)", "producer name (Thai)"),
    "phone": ("เบอร์โทรศัพท์", "phone number"),
}
_PRODUCT_REQUIRED = {
    "category": ("ประเภทผลิตภัณฑ์", "product category"),
    "price_thb": ("ราคา (บาท)", "price (THB)"),
}


def _issue(record_type: str, record_id: Any, field: str, label: tuple[str, str]) -> Issue:
    return {
        "record_type": record_type,
        "record_id": record_id,
        "field": field,
        "message_th": f"ยังไม่ได้กรอก{label[0]}",
        "message_en": f"{label[1]} is missing",
    }


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def missing_for_finalize(
    visit: Mapping[str, Any],
    producer: Mapping[str, Any] | None,
    products: Sequence[Mapping[str, Any]],
) -> list[Issue]:
    issues = [
        _issue("visit", visit.get("id"), name, label)
        for name, label in _VISIT_REQUIRED.items()
        if _blank(visit.get(name))
    ]
    if _blank(visit.get("needs")) and _blank(visit.get("problems")):
        issues.append(_issue("visit", visit.get("id"), "needs",
                             ("ความต้องการหรือปัญหาอย่างน้อยหนึ่งข้อ", "at least one need or problem")))
    if producer is None:
        issues.append(_issue("producer", visit.get("producer_id"), "producer_id",
                             ("ผู้ผลิตของการเยี่ยมนี้", "the visit's producer")))
    else:
        issues.extend(
            _issue("producer", producer.get("id"), name, label)
            for name, label in _PRODUCER_REQUIRED.items()
            if _blank(producer.get(name))
        )
        address = producer.get("address") or {}
        if _blank(address.get("subdistrict_code") if isinstance(address, Mapping) else None):
            issues.append(_issue("producer", producer.get("id"), "address.subdistrict_code",
                                 ("ตำบลในที่อยู่", "address subdistrict")))
    for product in products:
        issues.extend(
            _issue("product", product.get("id"), name, label)
            for name, label in _PRODUCT_REQUIRED.items()
            if _blank(product.get(name))
        )
    return issues


def default_finalize_check() -> FinalizeCheck:
    """schemas.missing_for_finalize when the schemas package provides it, else the fallback."""
    try:
        schemas = importlib.import_module("schemas")
    except ImportError:
        return missing_for_finalize
    check = getattr(schemas, "missing_for_finalize", None)
    return check if callable(check) else missing_for_finalize
