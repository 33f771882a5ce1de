from __future__ import annotations

from collections import Counter
from datetime import date

from sync_server.reports.summary import summarise

from .thai_data import SUBDISTRICTS, make_dataset


def test_summary_counts_match_the_records() -> None:
    ds = make_dataset(40)
    s = summarise(producers=ds.producers, products=ds.products, visits=ds.visits,
                  plan_items=ds.plan_items, today=date(2026, 2, 1),
                  subdistrict_codes=SUBDISTRICTS)
    assert s.fiscal_year_be == 2569
    assert s.producers == 40 and s.products == len(ds.products)

    by_sub = {r.code: r.value for r in s.section("subdistrict").rows}
    assert by_sub == {code: 4 for code in SUBDISTRICTS}
    assert s.section("subdistrict").rows[0].label_th == "บางน้ำเปรี้ยว"

    categories = Counter(p["category"] for p in ds.products)
    assert {r.code: r.value for r in s.section("category").rows if r.value} == categories
    assert next(r for r in s.section("category").rows if r.code == "food").label_th == "อาหาร"

    expiring = Counter(
        c["standard"] for p in ds.products for c in p["certifications"]
        if "2025-10-01" <= c["expires_on"] <= "2026-09-30")
    assert {r.code: r.value for r in s.section("standards_expiring").rows if r.value} == expiring
    assert "2569" in s.section("standards_expiring").title_th

    budget: Counter[str] = Counter()
    for item in ds.plan_items:  # fiscal year 2569: due 30 Jun 2026 and no year of its own
        if item["status"] != "cancelled" and "fiscal_year_be" not in item:
            budget[item["agency"]] += item["budget_thb"]
    assert {r.code: r.value for r in s.section("budget").rows} == {
        k: round(v, 2) for k, v in budget.items()}

    assert s.section("stars").total == len(ds.products)


def test_a_need_counts_once_per_producer() -> None:
    visits = [{"id": "v1", "producer_id": "p1", "needs": ["packaging"]},
              {"id": "v2", "producer_id": "p1", "needs": ["packaging", "budget"]},
              {"id": "v3", "producer_id": "p2", "needs": ["packaging"]}]
    s = summarise(producers=[], products=[], visits=visits, plan_items=[],
                  today=date(2026, 1, 1))
    values = {r.code: r.value for r in s.section("needs").rows}
    assert values["packaging"] == 2 and values["budget"] == 1 and values["networks"] == 0


def test_bad_dates_and_amounts_do_not_break_the_page() -> None:
    products = [{"id": "x", "certifications": [{"standard": "fda", "expires_on": "31/12/2569"}]}]
    plans = [{"id": "y", "status": "planned", "agency": "อบต.", "budget_thb": "ห้าพัน"}]
    s = summarise(producers=[], products=products, visits=[], plan_items=plans,
                  today=date(2026, 1, 1))
    assert s.section("standards_expiring").total == 0
    assert s.section("standards_held").total == 1
    assert s.section("budget").rows == ()
