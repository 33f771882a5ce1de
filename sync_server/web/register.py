"""The producer register: search, filters and paging over one district's producers.

`parse_filters` (pure) turns query parameters into a `RegisterFilters` or a list of errors
in Thai and English; `search_producers` runs it. Search uses the denormalised
`records.search_text` (names, ID numbers and phones folded by `schemas.textfold`, kept by
the record writer): each term of `schemas.textfold.search_terms` must be a substring, so
Thai digits, `+66`, part of a number and text typed without tone marks all find. Product
filters (category, OPC stars, quadrant, standards) and visit filters (need, review status)
are EXISTS subqueries over the producer's records, found through `ix_records_producer`.
Paging is offset + limit with a total count, in Thai dictionary order (`records.sort_key`,
compared in binary order on both databases; ties by id).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from schemas import codes, validate_record
from schemas.textfold import search_terms
from sync_server.db.tables import records

__all__ = [
    "EXPIRY_WARNING_DAYS",
    "PER_PAGE",
    "QUADRANTS",
    "REVIEW_FILTERS",
    "STANDARD_FILTERS",
    "FilterError",
    "RegisterFilters",
    "RegisterPage",
    "RegisterRow",
    "parse_filters",
    "search_producers",
]

PER_PAGE = 25
EXPIRY_WARNING_DAYS = 90
STANDARD_FILTERS = ("held", "expiring", "none")
REVIEW_FILTERS = ("received", "has_issues", "approved", "rejected", "waiting")
QUADRANTS = ("A", "B", "C", "D")


@dataclass(frozen=True)
class FilterError:
    param: str
    message_th: str
    message_en: str


@dataclass(frozen=True)
class RegisterFilters:
    q: str = ""
    subdistrict: str | None = None
    category: str | None = None
    stars: int | None = None
    quadrant: str | None = None
    standard: str | None = None  # held | expiring | none
    need: str | None = None
    review: str | None = None  # a review status, or "waiting" (final, not reviewed)
    page: int = 1
    per_page: int = PER_PAGE

    def query_string(self, **override: Any) -> str:
        """The filters as a query string (for paging links), with some values replaced."""
        values = {
            "q": self.q, "subdistrict": self.subdistrict, "category": self.category,
            "stars": self.stars, "quadrant": self.quadrant, "standard": self.standard,
            "need": self.need, "review": self.review, "page": self.page,
        }
        values.update(override)
        if values["page"] == 1:
            del values["page"]
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


@dataclass(frozen=True)
class RegisterRow:
    id: str
    name_th: str
    producer_type: str | None
    subdistrict_code: str | None
    phone: str | None
    products: int
    updated_at: Any
    # not complete by the schema's "final" rules (a phone's draft): the register says so
    draft: bool = False


@dataclass(frozen=True)
class RegisterPage:
    rows: list[RegisterRow]
    total: int
    page: int
    per_page: int
    filters: RegisterFilters = field(default_factory=RegisterFilters)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _choice(params: Mapping[str, str], name: str, allowed: tuple[str, ...] | list[str],
            errors: list[FilterError]) -> str | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    if value not in allowed:
        errors.append(FilterError(name, f"ค่าตัวกรอง {name} ไม่ถูกต้อง: {value}",
                                  f"Unknown value for filter {name}: {value}"))
        return None
    return value


def parse_filters(params: Mapping[str, str], subdistricts: list[str]) -> tuple[
        RegisterFilters, list[FilterError]]:
    """Read the register's query parameters; bad values are dropped and reported."""
    errors: list[FilterError] = []
    q = (params.get("q") or "").strip()[:100]
    stars_text = _choice(params, "stars", ["1", "2", "3", "4", "5"], errors)
    page_text = (params.get("page") or "1").strip()
    # isdecimal() alone is not enough either: int() reads Thai digits, so keep to ASCII.
    page = (int(page_text) if page_text.isascii() and page_text.isdecimal()
            and 0 < int(page_text) < 100_000 else 1)
    if page_text != str(page) and page_text not in ("", "1"):
        errors.append(FilterError("page", f"หมายเลขหน้าไม่ถูกต้อง: {page_text}",
                                  f"Not a page number: {page_text}"))
    filters = RegisterFilters(
        q=q,
        subdistrict=_choice(params, "subdistrict", subdistricts, errors),
        category=_choice(params, "category", codes("category"), errors),
        stars=int(stars_text) if stars_text else None,
        quadrant=_choice(params, "quadrant", QUADRANTS, errors),
        standard=_choice(params, "standard", STANDARD_FILTERS, errors),
        need=_choice(params, "need", codes("need"), errors),
        review=_choice(params, "review", REVIEW_FILTERS, errors),
        page=page,
    )
    return filters, errors


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _json_array_exists(dialect: str, alias: str, key: str, condition_sqlite: str,
                       condition_pg: str) -> str:
    """SQL for "some element of `alias`.data[key] satisfies a condition" on each database."""
    if dialect == "postgresql":
        return (f"EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof("
                f"{alias}.data->'{key}') = 'array' THEN {alias}.data->'{key}' ELSE "
                f"'[]'::jsonb END) AS e(value) WHERE {condition_pg})")
    # json_each also walks a lone scalar: only arrays count.
    return (f"EXISTS (SELECT 1 FROM json_each({alias}.data, '$.{key}') AS e "
            f"WHERE json_type({alias}.data, '$.{key}') = 'array' AND {condition_sqlite})")


def _conditions(filters: RegisterFilters, district_code: str, dialect: str,
                today: date) -> list[Any]:
    r = records
    # 'producer' as a literal, not a bound parameter: the planner can then use the partial
    # index ix_records_register (record_type = 'producer'), which covers this whole query.
    where: list[Any] = [r.c.district_code == district_code,
                        r.c.record_type == sa.literal_column("'producer'"),
                        r.c.deleted == sa.false()]
    for term in search_terms(filters.q):
        where.append(r.c.search_text.like(f"%{_like_escape(term)}%", escape="\\"))
    if filters.subdistrict:
        where.append(r.c.subdistrict_code == filters.subdistrict)

    product = records.alias("p")
    product_where: list[Any] = []
    if filters.category:
        product_where.append(product.c.data["category"].as_string() == filters.category)
    if filters.stars:
        product_where.append(product.c.data["opc_stars"].as_integer() == filters.stars)
    if filters.quadrant:
        product_where.append(product.c.data["quadrant"].as_string() == filters.quadrant)
    if filters.standard == "held":
        product_where.append(sa.text(
            _json_array_exists(dialect, "p", "certifications", "1=1", "true")))
    elif filters.standard == "expiring":
        product_where.append(sa.text(_json_array_exists(
            dialect, "p", "certifications",
            "json_extract(e.value, '$.expires_on') BETWEEN :exp_from AND :exp_to",
            "e.value->>'expires_on' BETWEEN :exp_from AND :exp_to",
        )).bindparams(
            exp_from=today.isoformat(),
            exp_to=(today + timedelta(days=EXPIRY_WARNING_DAYS)).isoformat()))
    if product_where:
        where.append(sa.exists().where(
            product.c.producer_id == r.c.id, product.c.record_type == "product",
            product.c.deleted == sa.false(), *product_where))
    if filters.standard == "none":
        held = _json_array_exists(dialect, "p", "certifications", "1=1", "true")
        where.append(~sa.exists().where(
            product.c.producer_id == r.c.id, product.c.record_type == "product",
            product.c.deleted == sa.false(), sa.text(held)))

    visit = records.alias("v")
    visit_where: list[Any] = []
    if filters.need:
        visit_where.append(sa.text(_json_array_exists(
            dialect, "v", "needs", "e.value = :need", "e.value #>> '{}' = :need",
        )).bindparams(need=filters.need))
    if filters.review == "waiting":
        visit_where.append(visit.c.data["status"].as_string() == "final")
        visit_where.append(visit.c.data["review_status"].as_string().is_(None))
    elif filters.review:
        visit_where.append(visit.c.data["review_status"].as_string() == filters.review)
    if visit_where:
        where.append(sa.exists().where(
            visit.c.producer_id == r.c.id, visit.c.record_type == "visit",
            visit.c.deleted == sa.false(), *visit_where))
    return where


def search_producers(conn: Connection, district_code: str, filters: RegisterFilters,
                     *, today: date | None = None) -> RegisterPage:
    """One page of the district's producers matching `filters`, with the total count."""
    dialect = conn.dialect.name
    where = _conditions(filters, district_code, dialect, today or date.today())
    total = conn.execute(sa.select(sa.func.count()).select_from(records).where(*where)).scalar()
    product = records.alias("pc")
    product_count = (
        sa.select(sa.func.count()).where(
            product.c.producer_id == records.c.id, product.c.record_type == "product",
            product.c.deleted == sa.false())
        .scalar_subquery()
    )
    rows = conn.execute(
        sa.select(records.c.id, records.c.title, records.c.subdistrict_code,
                  records.c.data, records.c.updated_at, product_count.label("products"))
        .where(*where)
        .order_by(records.c.sort_key, records.c.id)
        .limit(filters.per_page)
        .offset((filters.page - 1) * filters.per_page)
    ).all()
    return RegisterPage(
        rows=[RegisterRow(
            id=row.id, name_th=row.title or "", producer_type=(row.data or {}).get(
                "producer_type"), subdistrict_code=row.subdistrict_code,
            phone=(row.data or {}).get("phone"), products=int(row.products),
            updated_at=row.updated_at,
            draft=bool(validate_record("producer", dict(row.data or {}), "final")),
        ) for row in rows],
        total=int(total or 0), page=filters.page, per_page=filters.per_page, filters=filters,
    )
