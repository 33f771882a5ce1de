"""How many records per second validate_record checks, against jsonschema on the documents.

Baseline, measured in the same run: jsonschema's Draft202012Validator on the plain documents
(`$ref`s resolved at run time through a referencing.Registry), collecting every error. That
is what a straightforward implementation would do. Then: jsonschema on the compiled schema,
the pure-Python error collector on the compiled schema (what validate_record uses for a
record that fails the fast check: the phone has no jsonschema), and validate_record as
shipped (fast yes/no check, full errors only when it says no).

    .venv/bin/python -m benchmarks.bench_schemas [--seconds 1.0]   (from the repository root)
"""

from __future__ import annotations

import argparse
import copy
import time
from collections.abc import Callable
from typing import Any

from schemas import validate_record
from schemas._collect import collect_errors
from schemas._loader import collector, compiled_validator, reference_validator

PRODUCER_ID = "3f0c6f1e9d2b4a7c8e5f1a2b3c4d5e6f"
RECORDS: dict[str, dict[str, Any]] = {
    "producer": {
        "id": PRODUCER_ID, "schema_version": 1, "name_th": "กลุ่มแม่บ้านเกษตรกรบางขนาก",
        "producer_type": "community_group", "contact_person": "นางสมศรี ใจดี",
        "id_kind": "national", "id_number": "1103702071811", "phone": "0812345678",
        "address": {"house_no": "12", "moo": 4, "village": "บ้านคลองบางขนาก",
                    "subdistrict_code": "240302", "district_code": "2403",
                    "province_code": "24", "postal_code": "24150"},
        "gps": {"lat": 13.84, "lon": 101.06, "accuracy_m": 8.5,
                "captured_at": "2026-11-25T02:15:00Z"},
        "community_link": ["production", "benefit"], "members_count": 25,
        "year_founded_be": 2548, "registration_year_be": 2550,
        "group_strength": {"members": 3, "committee": 2, "rules": 2, "fund": 1,
                           "activities": 3},
        "notes": "ผลิตปลาสลิดแดดเดียวส่งตลาดในจังหวัด",
    },
    "product": {
        "id": "a1b2c3d4e5f60718293a4b5c6d7e8f90", "schema_version": 1,
        "producer_id": PRODUCER_ID, "name_th": "ปลาสลิดแดดเดียว", "brand": "บางขนาก",
        "category": "food", "price_thb": 250, "unit": "กิโลกรัม", "monthly_capacity": 400,
        "sales_last_year_thb": 960000, "sales_channels": ["local_shop", "otop_fair", "online"],
        "local_material_pct": 90, "opc_stars": 4, "opc_year_be": 2566, "quadrant": "B",
        "certifications": [
            {"standard": "fda", "number": "24-1-12345-2-0001", "issued_on": "2023-05-01"},
            {"standard": "mpc", "number": "มผช. 1/2546", "issued_on": "2024-01-10",
             "expires_on": "2027-01-09"},
        ],
        "packaging": {"material": "ถุงสุญญากาศ", "has_label": True,
                      "barcode": "8850999320014", "fda_number_shown": True,
                      "needs_redesign": False},
    },
    "visit": {
        "id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "schema_version": 1,
        "producer_id": PRODUCER_ID, "officer_id": "officer-07", "device_id": "device-1234",
        "started_at": "2026-11-25T02:15:00Z", "status": "draft", "purpose": "registration",
        "gps": {"lat": 13.84, "lon": 101.06, "accuracy_m": 6.0},
        "product_ids": ["a1b2c3d4e5f60718293a4b5c6d7e8f90"],
        "needs": ["packaging", "marketing_channels"],
        "problems": "ฉลากไม่มีวันหมดอายุ ช่องทางขายออนไลน์ยังน้อย",
        "review_status": "received",
    },
}


def rate(func: Callable[[], object], seconds: float) -> float:
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(50):
            func()
        count += 50
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=1.0)
    args = parser.parse_args()
    broken = copy.deepcopy(RECORDS["producer"])
    broken.update(phone="12345", id_number="1103702071812", year_founded_be=2999)
    broken["address"] = {**broken["address"], "postal_code": "24000"}
    cases = [*RECORDS.items(), ("producer (4 errors)", broken)]
    print("| record | baseline: jsonschema on the documents | jsonschema, compiled schema | "
          "pure collector, compiled schema | validate_record (final) | speed-up |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, record in cases:
        record_type = name.split(" ")[0]
        reference, compiled = reference_validator(record_type), compiled_validator(record_type)
        baseline = rate(lambda: list(reference.iter_errors(record)), args.seconds)  # noqa: B023
        inlined = rate(lambda: list(compiled.iter_errors(record)), args.seconds)  # noqa: B023
        walk = collector(record_type)
        pure = rate(lambda: list(collect_errors(walk, record)), args.seconds)  # noqa: B023
        shipped = rate(lambda: validate_record(record_type, record, "final"),  # noqa: B023
                       args.seconds)
        print(f"| {name} | {baseline:,.0f}/s | {inlined:,.0f}/s | {pure:,.0f}/s | "
              f"{shipped:,.0f}/s | {shipped / baseline:.1f}× |")


if __name__ == "__main__":
    main()
