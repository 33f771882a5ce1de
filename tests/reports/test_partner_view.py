from __future__ import annotations

import json

from sync_server.reports.partner_view import (
    mask_digits,
    partner_plan,
    partner_producer,
    partner_product,
    partner_standards,
    partner_visit_needs,
)

from .thai_data import make_dataset


def test_partner_views_never_carry_ids_phones_or_house_numbers() -> None:
    ds = make_dataset(30)
    out = [partner_producer(p, categories=["food"], needs=["packaging"]) for p in ds.producers]
    out += [partner_product(p) for p in ds.products]
    out += [row for p in ds.products for row in partner_standards(p)]
    out += [partner_visit_needs(v) for v in ds.visits]
    out += [partner_plan(i) for i in ds.plan_items]
    text = json.dumps(out, ensure_ascii=False)
    for p in ds.producers:
        assert p["id_number"] not in text
        assert p["phone"] not in text
        assert p["phone"][:3] + "-" + p["phone"][3:6] not in text
        assert json.dumps(p["address"]["house_no"]) not in text  # short: as a whole value
    assert "contact_person" not in text and "house_no" not in text
    producer = out[0]
    assert producer["name_th"] == ds.producers[0]["name_th"]
    assert producer["subdistrict_th"] == "บางน้ำเปรี้ยว"
    assert producer["gps_approx"]["lat"] == round(ds.producers[0]["gps"]["lat"], 2)


def test_digit_runs_in_free_text_are_masked_but_short_numbers_stay() -> None:
    assert mask_digits("โทร 081-234-5678 หรือ 0812345678") == "โทร ••• หรือ •••"
    assert mask_digits("บัตร 1 2345 67890 12 1") == "บัตร •••"
    assert mask_digits("ราคา 120 บาท หมู่ 5 ปี 2569") == "ราคา 120 บาท หมู่ 5 ปี 2569"
    assert mask_digits(None) is None
