"""Generate a national-scale district database: 80,000 producers and 250,000 products over
every district of Thailand (~928, from geothai), written with bulk inserts.

District 2403 (Bang Nam Priao) gets ~120 producers, like a real district. The data looks
real enough for the read benchmark: Thai names, checksummed IDs, phones, subdistrict codes,
GPS near the district, products in the five OTOP categories.

    python benchmarks/gen_national.py --database-url sqlite:///var/national.sqlite3
    python benchmarks/gen_national.py --database-url postgresql+psycopg:///national --scale 0.1

The database is migrated first; existing records are left alone (run on an empty database).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import geothai
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from schemas import check_digit
from sync_server.db.engine import make_engine, migrate
from sync_server.db.record_text import title_sort_key
from sync_server.db.records import record_meta
from sync_server.db.tables import districts, feed_counters, records

__all__ = ["generate", "main"]

PRODUCERS = 80_000
PRODUCTS = 250_000
DEMO_DISTRICT = "2403"
DEMO_PRODUCERS = 120
BATCH = 5_000

_GIVEN = ["สมศรี", "บุญมา", "ประเสริฐ", "วิไล", "สมชาย", "จันทร์เพ็ญ", "มาลี", "ทองดี",
          "สุนทร", "พรทิพย์", "อำนาจ", "ละเอียด", "กาญจนา", "ชูชาติ", "ศิริพร"]
_FAMILY = ["ใจดี", "ศรีสุข", "แก้วประเสริฐ", "ทองคำ", "มั่นคง", "รักษ์ชุมชน", "พึ่งบุญ",
           "วงศ์ใหญ่", "สุขสบาย", "เจริญสุข", "อินทร์แก้ว", "ชื่นใจ"]
_GROUP = ["กลุ่มแม่บ้าน", "วิสาหกิจชุมชน", "กลุ่มอาชีพ", "กลุ่มเกษตรกร", "กลุ่มทอผ้า"]
_THING = ["ข้าวแต๋น", "ปลาร้า", "ผ้าไหม", "จักสาน", "สมุนไพร", "น้ำพริก", "กล้วยตาก",
          "ผ้ามัดย้อม", "ขนมไทย", "น้ำผึ้ง", "ไม้แกะสลัก", "เครื่องปั้นดินเผา"]
_PRODUCT = {
    "food": ["น้ำพริกเผา", "กล้วยอบเนย", "ปลาสลิดแดดเดียว", "ข้าวหอมมะลิ", "ทองม้วน"],
    "beverage": ["น้ำกระเจี๊ยบ", "ชาตะไคร้", "กาแฟคั่วบด", "น้ำอัญชัน"],
    "textile": ["ผ้าขาวม้า", "ผ้าไหมมัดหมี่", "เสื้อมัดย้อม", "ผ้าซิ่น"],
    "household": ["ตะกร้าผักตบชวา", "กระเป๋าสาน", "เทียนหอม", "โคมไฟไม้ไผ่"],
    "herbal": ["ยาหม่อง", "ลูกประคบ", "สบู่สมุนไพร", "น้ำมันเหลือง"],
}
_STANDARDS = ["mpc", "fda", "gmp", "halal", "organic_thailand"]


def _thai_id(rng: random.Random) -> str:
    first12 = str(rng.randint(1, 8)) + "".join(str(rng.randint(0, 9)) for _ in range(11))
    return first12 + str(check_digit(first12))


def _all_districts() -> list[tuple[Any, Any]]:
    out = []
    for province in geothai.provinces():
        for district in geothai.districts(province.code):
            out.append((district, province))
    return out


def _producer_counts(codes: list[str], total: int, rng: random.Random) -> dict[str, int]:
    """~120 for the demo district, the rest spread unevenly over the others."""
    demo = min(DEMO_PRODUCERS, total)
    others = [c for c in codes if c != DEMO_DISTRICT]
    weights = [rng.uniform(0.5, 1.5) for _ in others]
    scale = (total - demo) / sum(weights)
    counts = {code: int(w * scale) for code, w in zip(others, weights, strict=True)}
    short = (total - demo) - sum(counts.values())
    for code in others[:short]:
        counts[code] += 1
    counts[DEMO_DISTRICT] = demo
    return counts


def _rows(district: Any, province: Any, n_producers: int, product_ratio: float,
          rng: random.Random, now: datetime, clock: str) -> Iterator[dict[str, Any]]:
    subdistricts: list[str | None] = [s.code for s in geothai.subdistricts(district.code)] or [None]
    lat0, lon0 = rng.uniform(6.0, 20.0), rng.uniform(98.0, 105.0)
    if district.code == DEMO_DISTRICT:
        lat0, lon0 = 13.84, 101.06
    seq = 0
    for _ in range(n_producers):
        producer_id = uuid.UUID(int=rng.getrandbits(128), version=4).hex
        sub = rng.choice(subdistricts)
        name = f"{rng.choice(_GROUP)}{rng.choice(_THING)}บ้าน{rng.choice(_FAMILY)}"
        data = {
            "producer_type": rng.choice(["community_group", "community_enterprise",
                                         "single_owner", "sme"]),
            "name_th": name,
            "contact_person": f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}",
            "id_kind": "national", "id_number": _thai_id(rng),
            "phone": "0" + rng.choice("689") + "".join(str(rng.randint(0, 9)) for _ in range(8)),
            "address": {"house_no": str(rng.randint(1, 300)), "moo": rng.randint(1, 15),
                        "subdistrict_code": sub, "district_code": district.code,
                        "province_code": province.code},
            "gps": {"lat": round(lat0 + rng.uniform(-0.08, 0.08), 6),
                    "lon": round(lon0 + rng.uniform(-0.08, 0.08), 6), "accuracy_m": 10},
            "members_count": rng.randint(1, 60),
        }
        seq += 1
        yield _row("producer", producer_id, district.code, sub, data, seq, now, clock)
        n_products = int(product_ratio) + (1 if rng.random() < product_ratio % 1 else 0)
        for _ in range(n_products):
            category = rng.choice(list(_PRODUCT))
            product = {
                "producer_id": producer_id, "name_th": rng.choice(_PRODUCT[category]),
                "category": category, "price_thb": rng.choice([25, 35, 50, 80, 120, 250, 450]),
                "unit": "ชิ้น", "quadrant": rng.choice("ABCD"),
                "opc_stars": rng.randint(1, 5),
                "certifications": [{"standard": rng.choice(_STANDARDS),
                                    "number": f"{rng.randint(1, 9999)}/{rng.randint(2557, 2568)}"}],
            }
            seq += 1
            yield _row("product", uuid.UUID(int=rng.getrandbits(128), version=4).hex,
                       district.code, sub, product, seq, now, clock)


def _row(record_type: str, record_id: str, district_code: str, sub: str | None,
         data: dict[str, Any], seq: int, now: datetime, clock: str) -> dict[str, Any]:
    producer_id, title, search_text = record_meta(record_type, record_id, data)
    return {
        "id": record_id, "record_type": record_type, "district_code": district_code,
        "subdistrict_code": sub, "producer_id": producer_id, "data": data,
        "clocks": {field: clock for field in data}, "deleted": False, "schema_version": 1,
        "seq": seq, "title": title, "search_text": search_text,
        "sort_key": title_sort_key(title),
        "created_at": now, "updated_at": now,
    }


def generate(engine: Engine, *, producers: int = PRODUCERS, products: int = PRODUCTS,
             seed: int = 2403, log: Any = print) -> dict[str, int]:
    """Fill an empty, migrated database. Returns counts per record type."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    clock = f"{int(now.timestamp() * 1000):013d}-00000-server"
    all_districts = _all_districts()
    counts = _producer_counts([d.code for d, _ in all_districts], producers, rng)
    ratio = products / producers
    totals = {"producer": 0, "product": 0}
    batch: list[dict[str, Any]] = []
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(districts.insert(), [
            {"code": d.code, "name_th": d.name_th, "name_en": d.name_en,
             "province_code": p.code, "province_name_th": p.name_th,
             "province_name_en": p.name_en, "created_at": now} for d, p in all_districts])
        last_seq: dict[str, int] = {}
        for district, province in all_districts:
            seq = 0
            for row in _rows(district, province, counts[district.code], ratio, rng, now,
                             clock):
                batch.append(row)
                totals[row["record_type"]] += 1
                seq = row["seq"]
                if len(batch) >= BATCH:
                    conn.execute(records.insert(), batch)
                    batch.clear()
            last_seq[district.code] = seq
        if batch:
            conn.execute(records.insert(), batch)
        conn.execute(feed_counters.insert(), [
            {"district_code": code, "last_seq": seq} for code, seq in last_seq.items()])
    log(f"generated {totals['producer']} producers and {totals['product']} products in "
        f"{len(all_districts)} districts in {time.perf_counter() - started:.1f} s")
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the national size (district 2403 keeps ~120)")
    args = parser.parse_args(argv)
    engine = make_engine(args.database_url)
    try:
        migrate(engine)
        with engine.connect() as conn:
            if conn.execute(sa.select(sa.func.count()).select_from(records)).scalar():
                print("the database already holds records: use an empty one", file=sys.stderr)
                return 2
        generate(engine, producers=int(PRODUCERS * args.scale),
                 products=int(PRODUCTS * args.scale))
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
