"""The filter an export or a partner-API call is made for, parsed from query parameters.

Pure: `RecordFilter.parse` checks every value against the record model's codes and raises
`FilterError` with Thai and English messages; the query layer applies it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .labels import codes

__all__ = ["FilterError", "RecordFilter", "has_fda_number", "parse_code"]

# ASCII digits and no trailing newline: `^\d{6}$` also took "๒๔๐๓๐๑" and "240301\n", which
# then matched nothing and gave an empty export instead of a 400.
_SUBDISTRICT = re.compile(r"[0-9]{6}")


class FilterError(ValueError):
    def __init__(self, parameter: str, message_en: str, message_th: str) -> None:
        super().__init__(message_en)
        self.parameter = parameter
        self.message_en = message_en
        self.message_th = message_th


def _flag(name: str, value: str | None) -> bool:
    if value is None or value == "":
        return False
    lowered = value.lower()
    if lowered in ("1", "true", "yes"):
        return True
    if lowered in ("0", "false", "no"):
        return False
    raise FilterError(name, f"{name} must be true or false, got {value!r}",
                      f"{name} ต้องเป็น true หรือ false")


def parse_code(name: str, field_name: str, value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if value not in codes(field_name):
        allowed = ", ".join(codes(field_name))
        raise FilterError(name, f"unknown {name} {value!r}; use one of: {allowed}",
                          f"ไม่รู้จัก {name} '{value}' ใช้ได้: {allowed}")
    return value


@dataclass(frozen=True, slots=True)
class RecordFilter:
    subdistrict: str | None = None
    category: str | None = None
    producer_type: str | None = None
    no_fda: bool = False  # only products (and their producers) without an FDA (อย.) number

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> RecordFilter:
        subdistrict = params.get("subdistrict") or None
        if subdistrict is not None and not _SUBDISTRICT.fullmatch(subdistrict):
            raise FilterError("subdistrict",
                              f"subdistrict must be a 6-digit code, got {subdistrict!r}",
                              "รหัสตำบลต้องเป็นตัวเลข 6 หลัก เช่น 240301")
        return cls(
            subdistrict=subdistrict,
            category=parse_code("category", "category", params.get("category")),
            producer_type=parse_code("producer_type", "producer_type", params.get("producer_type")),
            no_fda=_flag("no_fda", params.get("no_fda")),
        )

    def as_params(self) -> dict[str, str]:
        """Back to query parameters (for links from the pages and the audit log)."""
        out: dict[str, str] = {}
        if self.subdistrict:
            out["subdistrict"] = self.subdistrict
        if self.category:
            out["category"] = self.category
        if self.producer_type:
            out["producer_type"] = self.producer_type
        if self.no_fda:
            out["no_fda"] = "true"
        return out

    @property
    def filters_products(self) -> bool:
        """Producers are chosen by their products (a pass over products comes first)."""
        return self.category is not None or self.no_fda

    def product_matches(self, product: Mapping[str, Any]) -> bool:
        if self.category is not None and product.get("category") != self.category:
            return False
        return not (self.no_fda and has_fda_number(product))

    def producer_matches(self, producer: Mapping[str, Any]) -> bool:
        """The producer's own fields; the product condition is checked by the caller."""
        address = producer.get("address") or {}
        if self.subdistrict is not None and address.get("subdistrict_code") != self.subdistrict:
            return False
        return self.producer_type is None or producer.get("producer_type") == self.producer_type


def has_fda_number(product: Mapping[str, Any]) -> bool:
    """An FDA (อย.) certification with its number recorded.

    `packaging.fda_number_shown` alone does not count: it says a number is printed on the
    label, not which one, and a training plan needs the products whose number is unknown.
    """
    return any(
        isinstance(cert, Mapping) and cert.get("standard") == "fda" and cert.get("number")
        for cert in product.get("certifications") or ()
    )
