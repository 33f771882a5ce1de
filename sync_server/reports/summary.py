"""The district's summary, counted from record dicts (no database, no HTTP).

Each section is one chart and one table on the summary page. Records are the merged
`data` dicts with their `id`; deleted records are left out by the caller.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .fiscal import fiscal_year_be, fiscal_year_bounds, parse_iso_date
from .labels import code_label, codes, subdistrict_name

__all__ = ["Row", "Section", "Summary", "summarise"]

Record = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Row:
    code: str
    label_th: str
    label_en: str
    value: float


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title_th: str
    title_en: str
    unit_th: str
    rows: tuple[Row, ...]

    @property
    def total(self) -> float:
        return sum(r.value for r in self.rows)


@dataclass(frozen=True, slots=True)
class Summary:
    fiscal_year_be: int
    producers: int
    products: int
    sections: tuple[Section, ...] = field(default=())

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


def _rows(
    field_name: str, counts: Mapping[str, float], order: Iterable[str] = ()
) -> tuple[Row, ...]:
    """Known codes in the model's order first (also when zero), then anything else."""
    known = list(order)
    extra = sorted(k for k in counts if k not in known)
    return tuple(
        Row(
            code,
            code_label(field_name, code or None, "th"),
            code_label(field_name, code or None, "en"),
            counts.get(code, 0),
        )
        for code in known + extra
    )


def summarise(
    *,
    producers: Iterable[Record],
    products: Iterable[Record],
    visits: Iterable[Record],
    plan_items: Iterable[Record],
    today: date,
    subdistrict_codes: Iterable[str] = (),
) -> Summary:
    """Count everything the summary page shows.

    `subdistrict_codes` lists the district's subdistricts so ones without producers still
    show as zero. Standards "expiring" are those whose `expires_on` falls inside the fiscal
    year that contains `today`.
    """
    fy = fiscal_year_be(today)
    fy_start, fy_end = fiscal_year_bounds(fy)

    by_subdistrict: Counter[str] = Counter()
    producer_count = 0
    for p in producers:
        producer_count += 1
        address = p.get("address") or {}
        by_subdistrict[str(address.get("subdistrict_code") or "")] += 1

    by_category: Counter[str] = Counter()
    by_stars: Counter[str] = Counter()
    by_quadrant: Counter[str] = Counter()
    held: Counter[str] = Counter()
    expiring: Counter[str] = Counter()
    product_count = 0
    for pr in products:
        product_count += 1
        by_category[str(pr.get("category") or "")] += 1
        stars = pr.get("opc_stars")
        by_stars[str(stars) if stars else ""] += 1
        by_quadrant[str(pr.get("quadrant") or "")] += 1
        for cert in pr.get("certifications") or ():
            standard = str(cert.get("standard") or "")
            held[standard] += 1
            expires = parse_iso_date(cert.get("expires_on"))
            if expires is not None and fy_start <= expires <= fy_end:
                expiring[standard] += 1

    # A need counts once per producer, however many visits named it.
    needs_by_producer: dict[str, set[str]] = defaultdict(set)
    for v in visits:
        for need in v.get("needs") or ():
            needs_by_producer[str(v.get("producer_id") or v.get("id"))].add(str(need))
    needs: Counter[str] = Counter(n for ns in needs_by_producer.values() for n in ns)

    plan_status: Counter[str] = Counter()
    budget: defaultdict[str, float] = defaultdict(float)
    for item in plan_items:
        status = str(item.get("status") or "")
        plan_status[status] += 1
        if status != "cancelled":
            agency = str(item.get("agency") or "").strip()
            amount = item.get("budget_thb")
            if isinstance(amount, int | float) and not isinstance(amount, bool):
                budget[agency] += amount

    subdistrict_rows = tuple(
        Row(code, subdistrict_name(code or None, "th"), subdistrict_name(code or None, "en"),
            by_subdistrict.get(code, 0))
        for code in list(subdistrict_codes) + sorted(
            c for c in by_subdistrict if c not in set(subdistrict_codes))
    )
    star_rows = tuple(
        Row(s, f"{s} ดาว" if s else "ไม่มีดาว", f"{s} stars" if s else "No stars",
            by_stars.get(s, 0))
        for s in ["5", "4", "3", "2", "1", ""]
    )
    agency_rows = tuple(
        Row(a, a or "ไม่ระบุหน่วยงาน", a or "No agency", round(v, 2))
        for a, v in sorted(budget.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return Summary(
        fiscal_year_be=fy,
        producers=producer_count,
        products=product_count,
        sections=(
            Section("subdistrict", "ผู้ผลิตรายตำบล", "Producers by subdistrict", "ราย",
                    subdistrict_rows),
            Section("category", "ผลิตภัณฑ์ตามประเภท", "Products by category", "รายการ",
                    _rows("category", by_category, codes("category"))),
            Section("stars", "ระดับดาว OPC", "OPC stars", "รายการ", star_rows),
            Section("quadrant", "กลุ่มผลิตภัณฑ์ (Quadrant)", "Quadrant", "รายการ",
                    _rows("quadrant", by_quadrant, codes("quadrant"))),
            Section("standards_held", "มาตรฐานที่ได้รับ", "Standards held", "ใบ",
                    _rows("standard", held, codes("standard"))),
            Section("standards_expiring", f"มาตรฐานที่หมดอายุในปีงบประมาณ {fy}",
                    f"Standards expiring in fiscal year {fy}", "ใบ",
                    _rows("standard", expiring, codes("standard"))),
            Section("needs", "ความต้องการของผู้ผลิต", "Producers' needs", "ราย",
                    _rows("need", needs, codes("need"))),
            Section("plan_status", "สถานะแผนพัฒนา", "Development-plan status", "รายการ",
                    _rows("plan_status", plan_status, codes("plan_status"))),
            Section("budget", "งบประมาณตามหน่วยงาน", "Budget by agency", "บาท", agency_rows),
        ),
    )
