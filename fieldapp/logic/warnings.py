"""Warnings the officer should look at before deciding (pure): the shared schemas'
`record_warnings`, which never block a save, a sync or a finalize.

Shown in amber, Thai first with the English beneath (`RecordWarning.th`, `RecordWarning.en`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["RecordWarning", "record_warning_list", "visit_warnings"]


@dataclass(frozen=True)
class RecordWarning:
    code: str
    th: str
    en: str
    record_type: str
    record_id: str | None = None


def record_warning_list(
    record_type: str,
    record: Mapping[str, Any],
    *,
    record_id: str | None = None,
    prefix: str = "",
    today: dt.date | None = None,
) -> list[RecordWarning]:
    """The schemas' warnings about one record; `prefix` (e.g. a product's name) names it
    where several records are listed together."""
    from schemas import record_warnings

    lead = f"{prefix}: " if prefix else ""
    return [
        RecordWarning(str(w.code), lead + w.message("th"), lead + w.message("en"), record_type,
                record_id)
        for w in record_warnings(record_type, dict(record), today=today)
    ]


def visit_warnings(
    products_seen: Sequence[Mapping[str, Any]], *, today: dt.date | None = None
) -> list[RecordWarning]:
    """Warnings about the products seen on a visit, each named by its product."""
    found: list[RecordWarning] = []
    for product in products_seen:
        record_id = product.get("id")
        found.extend(record_warning_list(
            "product", product, record_id=record_id if isinstance(record_id, str) else None,
            prefix=str(product.get("name_th") or ""), today=today,
        ))
    return found
