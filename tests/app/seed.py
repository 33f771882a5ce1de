"""A phone's data folder filled with realistic Thai producers, for the browser tests and the
app benchmark (benchmarks/bench_app.py)."""

from __future__ import annotations

from pathlib import Path

from fieldapp.settings import AppSettings, save_settings
from fieldapp.store import open_store
from schemas import geo

__all__ = ["GOODS", "KINDS", "producer_name", "seed"]

SUBDISTRICTS = [a.code for a in geo.subdistricts("2403")]
KINDS = ["กลุ่มแม่บ้าน", "วิสาหกิจชุมชน", "กลุ่มทอผ้า", "กลุ่มจักสาน", "ร้าน"]
GOODS = ["ปลาสลิด", "น้ำพริก", "ผ้าขาวม้า", "ผักตบชวา", "ขนมไทย", "สมุนไพร", "มะม่วง"]


def producer_name(i: int) -> str:
    """The i-th seeded producer's Thai name (0-based), e.g. "กลุ่มแม่บ้านปลาสลิดบ้านที่ 1"."""
    return f"{KINDS[i % 5]}{GOODS[i % 7]}บ้านที่ {i + 1}"


def seed(folder: Path, producers: int, extra_records: int = 0) -> AppSettings:
    """A data folder as a phone would have it: settings (offline, district 2403) and a store."""
    settings = AppSettings(enrol_skipped=True, district_code="2403")
    save_settings(folder, settings)
    store = open_store(folder / "store", settings.device_id)
    try:
        ids = []
        for i in range(producers):
            record = store.create("producer", {
                "name_th": producer_name(i),
                "producer_type": "community_group",
                "phone": f"08{i:08d}",
                "address": {"subdistrict_code": SUBDISTRICTS[i % 10], "district_code": "2403",
                            "province_code": "24"},
            })  # fmt: skip
            ids.append(record["id"])
        for i in range(extra_records):
            store.create("product", {
                "producer_id": ids[i % len(ids)], "name_th": f"{GOODS[i % 7]} สูตร {i}",
                "category": "food", "price_thb": 20 + i % 200,
            })  # fmt: skip
    finally:
        store.close()
    return settings
