"""Warnings: what a person should look at, which never stops a record being saved or sent.

`validate_record` returns errors only (every caller treats an issue as blocking); this
module's `record_warnings` returns issues with severity "warning", from rules about a valid
record that still deserves a second look:

- `fda_number_legacy`: an อย. number in the letters-and-year shape the 13-digit food serial
  replaced (still printed on older labels);
- `fda_number_unknown`: an อย. number of no shape listed in `schemas.fda_numbers`;
- `starred_without_standard`: a 4- or 5-star OTOP Product Champion product with no
  standard in force (entering the OPC selection needs at least one legal standard).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from schemas._issues import ValidationIssue, issue
from schemas.fda_numbers import classify

__all__ = ["STARRED", "has_valid_standard", "record_warnings"]

STARRED = 4  # stars from which a product is expected to hold a standard in force


def _certifications(record: Mapping[str, Any]) -> list[tuple[int, Mapping[str, Any]]]:
    certs = record.get("certifications")
    return [(i, c) for i, c in enumerate(certs if isinstance(certs, list) else [])
            if isinstance(c, Mapping)]


def _in_force(cert: Mapping[str, Any], today: dt.date) -> bool:
    expires = cert.get("expires_on")
    if isinstance(expires, str):
        try:
            if dt.date.fromisoformat(expires) < today:
                return False
        except ValueError:
            return False
    if cert.get("standard") == "fda":
        number = cert.get("number")
        return isinstance(number, str) and classify(number).valid
    return True


def has_valid_standard(product: Mapping[str, Any], today: dt.date) -> bool:
    """At least one certification not expired (and, for อย., with a current number)."""
    return any(_in_force(c, today) for _, c in _certifications(product))


def record_warnings(record_type: str, record: Mapping[str, Any], *,
                    today: dt.date | None = None) -> list[ValidationIssue]:
    """Warnings about one record (severity "warning"); an empty list for most records."""
    if record_type != "product" or not isinstance(record, Mapping):
        return []
    today = today or dt.date.today()
    found: list[ValidationIssue] = []
    for index, cert in _certifications(record):
        number = cert.get("number")
        if cert.get("standard") != "fda" or not isinstance(number, str) or not number.strip():
            continue
        kind = classify(number).kind
        if kind == "food_legacy":
            found.append(issue(
                ["certifications", index, "number"], "fda_number_legacy",
                f"เลข อย. «{number}» เป็นรูปแบบเดิม (ก่อนเลขสารบบอาหาร 13 หลัก) "
                "กรุณาตรวจฉลากรุ่นใหม่และบันทึกเลข 13 หลักถ้ามี",
                f"The FDA number “{number}” is in the old format (before the 13-digit food "
                "serial); check a newer label and record the 13-digit number if there is one",
                severity="warning"))
        elif kind == "unknown":
            found.append(issue(
                ["certifications", index, "number"], "fda_number_unknown",
                f"เลข อย. «{number}» ไม่ตรงกับรูปแบบที่รู้จัก (อาหาร 13 หลัก, ยาแผนโบราณ/"
                "สมุนไพร เช่น G 123/2560, เครื่องสำอาง 10 หรือ 13 หลัก) กรุณาตรวจทาน",
                f"The FDA number “{number}” matches no known format (food: 13 digits; "
                "herbal/traditional medicine: e.g. G 123/2560; cosmetics: 10 or 13 digits); "
                "please check it", severity="warning"))
    stars = record.get("opc_stars")
    if isinstance(stars, int) and not isinstance(stars, bool) and stars >= STARRED \
            and not has_valid_standard(record, today):
        found.append(issue(
            ["certifications"], "starred_without_standard",
            f"ผลิตภัณฑ์ระดับ {stars} ดาวแต่ไม่มีมาตรฐานที่ยังไม่หมดอายุ "
            "(การคัดสรร OPC ต้องมีมาตรฐานตามกฎหมายอย่างน้อยหนึ่งอย่าง)",
            f"A {stars}-star product with no standard in force (OTOP Product Champion "
            "entry needs at least one legal standard)", severity="warning"))
    return found
