"""The district's summary, counted from record dicts (no database, no HTTP).

Each section is one chart and one table on the summary page. Records are the merged
`data` dicts with their `id`; deleted records are left out by the caller.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import schemas

from . import strength
from .fiscal import fiscal_year_be, fiscal_year_bounds, parse_iso_date, plan_fiscal_year
from .labels import code_label, codes, subdistrict_name

__all__ = ["Row", "Section", "Summary", "summarise"]

Record = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Row:
    code: str
    label_th: str
    label_en: str
    value: float
    short: str = ""  # what a chart draws instead of the label (an agency's short name)


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
    budget_year_be: int = 0  # the fiscal year the budget section counts
    budget_years: tuple[int, ...] = ()  # the fiscal years plan items fall in
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


def _typed_agency(item: Record) -> tuple[str, str]:
    name = " ".join(str(item.get("agency") or "").split())
    return name, name


def summarise(
    *,
    producers: Iterable[Record],
    products: Iterable[Record],
    visits: Iterable[Record],
    plan_items: Iterable[Record],
    today: date,
    subdistrict_codes: Iterable[str] = (),
    budget_year_be: int | None = None,
    agency_of: Callable[[Record], tuple[str, str]] | None = None,
    agency_short_names: Mapping[str, str] | None = None,
) -> Summary:
    """Count everything the summary page shows.

    `subdistrict_codes` lists the district's subdistricts so ones without producers still
    show as zero. Standards "expiring" are those whose `expires_on` falls inside the fiscal
    year that contains `today`. The budget counts plan items of `budget_year_be` (default:
    this fiscal year; an item's year is its `fiscal_year_be`, else its due date's), by
    agency as `agency_of(item)` -> (key, label) groups them (the district's agency list;
    default: the typed name); `agency_short_names` maps such a key to the short name the
    chart draws (none: the chart draws the full name).
    """
    fy = fiscal_year_be(today)
    budget_year = budget_year_be or fy
    fy_start, fy_end = fiscal_year_bounds(fy)

    by_subdistrict: Counter[str] = Counter()
    strength_sum: Counter[str] = Counter()
    strength_n: Counter[str] = Counter()
    producer_count = 0
    for p in producers:
        producer_count += 1
        address = p.get("address") or {}
        by_subdistrict[str(address.get("subdistrict_code") or "")] += 1
        for strength_item, score in strength.scores(p).items():
            strength_sum[strength_item] += score
            strength_n[strength_item] += 1

    by_category: Counter[str] = Counter()
    by_stars: Counter[str] = Counter()
    by_quadrant: Counter[str] = Counter()
    by_channel: Counter[str] = Counter()
    held: Counter[str] = Counter()
    expiring: Counter[str] = Counter()
    product_count = 0
    for pr in products:
        product_count += 1
        by_category[str(pr.get("category") or "")] += 1
        stars = pr.get("opc_stars")
        by_stars[str(stars) if stars else ""] += 1
        by_quadrant[str(pr.get("quadrant") or "")] += 1
        for channel in pr.get("sales_channels") or ():
            by_channel[str(channel)] += 1
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
    agency_labels: dict[str, str] = {}
    years: set[int] = set()
    for item in plan_items:
        status = str(item.get("status") or "")
        plan_status[status] += 1
        year = plan_fiscal_year(item)
        if year is not None:
            years.add(year)
        if status != "cancelled" and year == budget_year:
            key, name = agency_of(item) if agency_of else _typed_agency(item)
            amount = item.get("budget_thb")
            if isinstance(amount, int | float) and not isinstance(amount, bool):
                budget[key] += amount
                agency_labels[key] = name

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
        Row(a, agency_labels[a] or "ไม่ระบุหน่วยงาน", agency_labels[a] or "No agency",
            round(v, 2), short=(agency_short_names or {}).get(a) or "")
        for a, v in sorted(budget.items(), key=lambda kv: (-kv[1], agency_labels[kv[0]]))
    )
    strength_rows = tuple(
        Row(name, schemas.field_label("producer", f"group_strength.{name}"),
            schemas.field_label("producer", f"group_strength.{name}", "en"),
            round(strength_sum[name] / strength_n[name], 2) if strength_n[name] else 0)
        for name in strength.ITEMS
    )
    groups_scored = max(strength_n.values(), default=0)
    return Summary(
        fiscal_year_be=fy,
        producers=producer_count,
        products=product_count,
        budget_year_be=budget_year,
        budget_years=tuple(sorted(years | {fy})),
        sections=(
            Section("subdistrict", "ผู้ผลิตรายตำบล", "Producers by subdistrict", "ราย",
                    subdistrict_rows),
            Section("category", "ผลิตภัณฑ์ตามประเภท", "Products by category", "รายการ",
                    _rows("category", by_category, codes("category"))),
            Section("stars", "ระดับดาว OPC", "OPC stars", "รายการ", star_rows),
            Section("quadrant", "กลุ่มผลิตภัณฑ์ (Quadrant)", "Quadrant", "รายการ",
                    _rows("quadrant", by_quadrant, codes("quadrant"))),
            Section("channels", "ช่องทางจำหน่าย", "Sales channels", "รายการ",
                    _rows("sales_channel", by_channel, codes("sales_channel"))),
            Section("strength",
                    f"ความเข้มแข็งของกลุ่มตามหลัก 5 ก (คะแนนเฉลี่ย เต็ม {strength.MAX_SCORE}, "
                    f"{groups_scored} กลุ่ม)",
                    f"Group strength, 5 Kor (average score of {strength.MAX_SCORE}, "
                    f"{groups_scored} groups)", "คะแนน", strength_rows),
            Section("standards_held", "มาตรฐานที่ได้รับ", "Standards held", "ใบ",
                    _rows("standard", held, codes("standard"))),
            Section("standards_expiring", f"มาตรฐานที่หมดอายุในปีงบประมาณ {fy}",
                    f"Standards expiring in fiscal year {fy}", "ใบ",
                    _rows("standard", expiring, codes("standard"))),
            Section("needs", "ความต้องการของผู้ผลิต", "Producers' needs", "ราย",
                    _rows("need", needs, codes("need"))),
            Section("plan_status", "สถานะแผนพัฒนา", "Development-plan status", "รายการ",
                    _rows("plan_status", plan_status, codes("plan_status"))),
            Section("budget", f"งบประมาณตามหน่วยงาน ปีงบประมาณ {budget_year}",
                    f"Budget by agency, fiscal year {budget_year}", "บาท", agency_rows),
        ),
    )
