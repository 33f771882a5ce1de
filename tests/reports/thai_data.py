"""Realistic Thai test records for the reports tests: Bang Nam Priao producers (district 2403).

Deterministic for a seed; every producer has a valid 13-digit national ID and a Thai mobile,
and free-text notes sometimes carry a phone number, as real officers' notes do.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from schemas import check_digit

SUBDISTRICTS = ["240301", "240302", "240303", "240304", "240305",
                "240306", "240307", "240308", "240309", "240310"]
# Rough centres of the subdistricts (lat, lon) so GPS points cluster per tambon.
CENTRES = {code: (13.84 + 0.03 * (i % 4), 101.02 + 0.035 * (i // 4))
           for i, code in enumerate(SUBDISTRICTS)}
GROUP_NAMES = ["กลุ่มแม่บ้านเกษตรกร", "วิสาหกิจชุมชนข้าวหอม", "กลุ่มจักสานผักตบชวา",
               "กลุ่มทอผ้าพื้นเมือง", "กลุ่มสมุนไพรบ้านคลอง", "วิสาหกิจชุมชนปลาสลิด",
               "กลุ่มขนมไทยโบราณ", "กลุ่มน้ำพริกแม่ศรี"]
PRODUCT_NAMES = {
    "food": ["ปลาสลิดแดดเดียว", "น้ำพริกเผา", "ขนมกง", "กล้วยกวน"],
    "beverage": ["น้ำตาลสด", "ชาตะไคร้", "น้ำมะพร้าวอ่อน"],
    "textile": ["ผ้าขาวม้าทอมือ", "เสื้อผ้าฝ้ายย้อมคราม"],
    "household": ["ตะกร้าผักตบชวา", "กระเป๋าจักสาน"],
    "herbal": ["ยาหม่องสมุนไพร", "สบู่ขมิ้นชัน", "ลูกประคบ"],
}
AGENCIES = ["พาณิชย์จังหวัดฉะเชิงเทรา", "อุตสาหกรรมจังหวัดฉะเชิงเทรา",
            "เกษตรอำเภอบางน้ำเปรี้ยว", "องค์การบริหารส่วนตำบลบางขนาก", ""]
NEEDS = ["raw_materials", "budget", "production_technology", "packaging", "standards",
         "identity_diversity", "marketing_channels", "management", "networks"]


def thai_id(rng: random.Random) -> str:
    first = str(rng.randint(1, 8)) + "".join(str(rng.randint(0, 9)) for _ in range(11))
    return first + str(check_digit(first))


def mobile(rng: random.Random) -> str:
    return rng.choice(["06", "08", "09"]) + "".join(str(rng.randint(0, 9)) for _ in range(8))


@dataclass
class Dataset:
    producers: list[dict[str, Any]] = field(default_factory=list)
    products: list[dict[str, Any]] = field(default_factory=list)
    visits: list[dict[str, Any]] = field(default_factory=list)
    plan_items: list[dict[str, Any]] = field(default_factory=list)
    photos: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)

    def by_type(self) -> dict[str, list[dict[str, Any]]]:
        return {"producer": self.producers, "product": self.products, "visit": self.visits,
                "plan_item": self.plan_items, "photo": self.photos,
                "network_link": self.links}


def make_dataset(n_producers: int = 30, seed: int = 7) -> Dataset:
    rng = random.Random(seed)
    ds = Dataset()

    def new_id() -> str:
        return uuid.UUID(int=rng.getrandbits(128), version=4).hex

    for i in range(n_producers):
        sub = SUBDISTRICTS[i % len(SUBDISTRICTS)]
        lat0, lon0 = CENTRES[sub]
        pid = new_id()
        phone = mobile(rng)
        producer: dict[str, Any] = {
            "id": pid, "schema_version": 1,
            "producer_type": rng.choice(["community_group", "community_enterprise",
                                         "single_owner", "sme"]),
            "name_th": f"{rng.choice(GROUP_NAMES)} หมู่ {i % 12 + 1}",
            "name_en": f"Producer {i}",
            "contact_person": rng.choice(["นางสมศรี ใจดี", "นายประยูร ทองคำ", "นางบุญมา แสงทอง"]),
            "id_kind": "national", "id_number": thai_id(rng), "phone": phone,
            "address": {"house_no": f"{rng.randint(1, 300)}/{rng.randint(1, 9)}",
                        "moo": i % 12 + 1, "village": "บ้านคลองหลวง", "subdistrict_code": sub,
                        "district_code": "2403", "province_code": "24", "postal_code": "24150"},
            "members_count": rng.randint(5, 60), "year_founded_be": rng.randint(2540, 2566),
            "networks": "เครือข่ายผู้ผลิตบางน้ำเปรี้ยว",
            "notes": f"ติดต่อคุณสมศรี โทร {phone[:3]}-{phone[3:6]}-{phone[6:]}" if i % 3 == 0
            else "=สูตรพิเศษ" if i % 7 == 0 else "ผลิตตลอดปี",
        }
        if i % 9 != 8:  # a few without GPS
            producer["gps"] = {"lat": round(lat0 + rng.uniform(-0.01, 0.01), 6),
                               "lon": round(lon0 + rng.uniform(-0.01, 0.01), 6),
                               "accuracy_m": 8.0}
        ds.producers.append(producer)
        for n in range(rng.randint(1, 3)):
            # The first product cycles through the categories, so every subdistrict has
            # producers of several categories for the filter tests.
            category = list(PRODUCT_NAMES)[i % 5] if n == 0 else rng.choice(list(PRODUCT_NAMES))
            certs = []
            if category in ("food", "beverage") and rng.random() < 0.5:
                certs.append({"standard": "fda",
                              "number": "".join(str(rng.randint(0, 9)) for _ in range(13)),
                              "issued_on": "2023-05-01",
                              "expires_on": rng.choice(["2026-03-31", "2027-12-31"])})
            if rng.random() < 0.4:
                certs.append({"standard": "mpc", "number": f"มผช.{rng.randint(1, 999)}/2565",
                              "issued_on": "2022-10-01",
                              "expires_on": rng.choice(["2025-10-01", "2026-09-30",
                                                        "2026-10-01"])})
            product_id = new_id()
            ds.products.append({
                "id": product_id, "schema_version": 1, "producer_id": pid,
                "name_th": rng.choice(PRODUCT_NAMES[category]), "brand": "ตราแม่ศรี",
                "category": category, "price_thb": rng.choice([35, 59.5, 120, 450]),
                "unit": "ชิ้น", "monthly_capacity": rng.randint(50, 2000),
                "sales_channels": rng.sample(["local_shop", "otop_fair", "online"], 2),
                "opc_stars": rng.choice([None, 1, 2, 3, 4, 5]), "opc_year_be": 2565,
                "quadrant": rng.choice(["A", "B", "C", "D"]), "certifications": certs,
                "packaging": {"material": "ถุงพลาสติก", "needs_redesign": rng.random() < 0.5},
                "story": "สูตรดั้งเดิมจากริมคลองบางน้ำเปรี้ยว",
            })
            ds.photos.append({"id": f"{rng.getrandbits(256):064x}", "producer_id": pid,
                              "product_id": product_id, "subject": "product",
                              "captured_at": "2026-02-01T03:00:00Z"})
        visit_id = new_id()
        ds.visits.append({
            "id": visit_id, "schema_version": 1, "producer_id": pid,
            "officer_name": "นายวิชัย พัฒนา", "started_at": "2026-02-01T02:30:00Z",
            "finalized_at": "2026-02-01T04:00:00Z", "status": "final", "purpose": "follow_up",
            "needs": rng.sample(NEEDS, 2), "problems": "ขาดบรรจุภัณฑ์ที่ได้มาตรฐาน",
            "follow_up": f"โทรนัดที่ {phone}", "review_status": "received",
        })
        for _ in range(rng.randint(0, 2)):
            ds.plan_items.append({
                "id": new_id(), "schema_version": 1, "producer_id": pid, "visit_id": visit_id,
                "need": rng.choice(NEEDS), "action": "อบรมการออกแบบบรรจุภัณฑ์",
                "agency": rng.choice(AGENCIES), "budget_thb": rng.choice([5000, 12500.5, 30000]),
                "due_on": "2026-06-30", "status": rng.choice(["planned", "in_progress", "done",
                                                              "cancelled"]),
                "follow_up_notes": "ติดตามเดือนหน้า",
            })
    _add_knowledge(ds)
    for a, b in zip(ds.producers[:12], ds.producers[1:13], strict=True):
        ds.links.append({"id": new_id(), "from_producer_id": a["id"], "to_producer_id": b["id"],
                         "kind": rng.choice(["raw_material_supply", "co_selling",
                                             "shared_brand", "mentoring"])})
    return ds


FUNDING = ["cdd", "province", "local_government", "partner_agency"]


def _add_knowledge(ds: Dataset) -> None:
    """Group strength, participation, fiscal years and funding, set by position (no draws
    from the generator, so every other value stays what earlier tests expect)."""
    for i, producer in enumerate(ds.producers):
        if producer["producer_type"] in ("community_group", "community_enterprise"):
            producer["group_strength"] = {"members": i % 4, "committee": (i + 1) % 4,
                                          "rules": (i + 2) % 4, "fund": 3,
                                          "activities": i % 2 + 1}
    for i, visit in enumerate(ds.visits):
        if i % 2 == 0:
            visit["members_present"] = 5 + i
            visit["agencies_present"] = ["พาณิชย์จังหวัดฉะเชิงเทรา", "อบต.บางขนาก"][: i % 3]
    for i, item in enumerate(ds.plan_items):
        item["funding_source"] = FUNDING[i % len(FUNDING)]
        if i % 3 == 0:
            item["fiscal_year_be"] = 2570  # the others: due 30 Jun 2026, fiscal year 2569
