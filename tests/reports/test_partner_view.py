from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

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


# Every key a partner item may have, across the five lists.
_ALLOWED = {
    "id", "name_th", "name_en", "producer_type", "producer_type_th", "members_count",
    "year_founded_be", "registration_year_be", "community_link", "address", "subdistrict_th",
    "gps_approx", "categories", "needs", "producer_id", "brand", "category", "category_th",
    "price_thb", "unit", "monthly_capacity", "sales_channels", "local_material_pct",
    "opc_stars", "opc_year_be", "quadrant", "story", "certifications", "packaging",
    "product_id", "product_name_th", "standard", "standard_th", "number", "issued_on",
    "expires_on", "visit_id", "visited_on", "problems", "need", "agency", "budget_thb",
    "due_on", "status", "action", "follow_up_notes",
    # issue 14: group strength, participation, fiscal years and funding, network links
    "group_strength", "group_strength_total", "members_present", "agencies_present",
    "agency_id", "fiscal_year_be", "funding_source", "from_producer_id", "to_producer_id",
    "kind", "kind_th", "from_name_th", "to_name_th", "notes",
}
_digits = st.text(alphabet="0123456789", min_size=9, max_size=13)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20) | _digits,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(["phone", "id_number", "house_no", "contact", "note",
                                       "number", "x"]), children, max_size=3),
    max_leaves=12)


@given(extra=st.dictionaries(st.sampled_from(sorted(_ALLOWED)) | st.text(max_size=12), _json,
                             max_size=6),
       secret=_digits)
def test_fields_outside_the_allow_list_never_reach_a_partner(extra: dict[str, object],
                                                              secret: str) -> None:
    """Whatever a future schema or a buggy phone adds (a nested contact with a phone, an
    ID under a new name, even inside an allow-listed field), the partner sees only the
    allow-listed fields and never the phone."""
    extra = {key: {"phone": secret, "contact": {"phone": secret}, "value": value}
             for key, value in extra.items()
             if key not in {"id", "producer_id", "name_th", "category", "needs", "address"}}
    producer = {**extra, "id": "p1", "name_th": "กลุ่มทอผ้า", "phone": secret,
                "id_number": secret, "contact": {"phone": secret},
                "address": {"house_no": secret, "subdistrict_code": "240301",
                            "contact": {"phone": secret}}}
    product = {**extra, "id": "x1", "producer_id": "p1", "name_th": "ผ้าขาวม้า",
               "category": "textile", "story": f"โทร {secret}",
               "packaging": {"notes": secret, "contact": {"phone": secret}},
               "certifications": [{"standard": "mpc", "number": "มผช. 1/2565",
                                   "holder_phone": secret}]}
    visit = {**extra, "id": "v1", "producer_id": "p1", "needs": ["packaging"],
             "problems": f"ติดต่อ {secret[:3]}-{secret[3:6]}-{secret[6:]}"}
    plan = {**extra, "id": "i1", "producer_id": "p1", "action": "อบรม",
            "follow_up_notes": f"โทร {secret}", "contact": {"phone": secret}}
    out = [partner_producer(producer, categories=[], needs=[]), partner_product(product),
           *partner_standards(product), partner_visit_needs(visit), partner_plan(plan)]
    text = json.dumps(out, ensure_ascii=False)
    assert secret not in text
    assert secret[:3] + "-" + secret[3:6] not in text
    for item in out:
        assert set(item) <= _ALLOWED, set(item) - _ALLOWED
