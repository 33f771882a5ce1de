"""How fast the record model does what the sync server does for every pushed record, against
the code of an earlier commit in the same run; and validate_record against jsonschema.

What the server does per record (issue 10): `validate_record(record_type, record, "draft")`
(sync_server/sync/routes.py), and for the record writer `sort_key(title)` and
`search_blob(...)` (sync_server/db/record_text.py). Measured here on the records below, on
producers as bench_merge_peer.py pushes them (`survey_fields`, with the id and
schema_version the writer adds) and on a producer with 4 errors.

Before/after (default): the schemas package of `--baseline` (a commit; default: the last
one before the 2026-12-05 speed-ups) is extracted with `git archive` into a temporary
folder, and the same measurements run in child processes, alternately on that copy and on
this tree, `--rounds` times each; the best time of each is kept.

`--jsonschema`: the older table: records/s of jsonschema's Draft202012Validator on the
plain documents (the straightforward implementation), jsonschema and the pure collector on
the compiled schema, and validate_record as shipped.

    .venv/bin/python -m benchmarks.bench_schemas [--baseline REV] [--rounds 3] [--jsonschema]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "6351925"  # main before the speed-ups of schemas and textfold (2026-12-05)

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
# What the record writer searches (sync_server/db/record_text.py SEARCHED_FIELDS)
SEARCHED_FIELDS = ("name_th", "name_en", "contact_person", "brand", "id_number", "phone",
                   "action", "agency")


def broken_producer() -> dict[str, Any]:
    broken = copy.deepcopy(RECORDS["producer"])
    broken.update(phone="12345", id_number="1103702071812", year_founded_be=2999)
    broken["address"] = {**broken["address"], "postal_code": "24000"}
    return broken


def pushed_producers(count: int = 20) -> list[dict[str, Any]]:
    """One push of producers as bench_merge_peer.py makes them, as the writer checks them."""
    from benchmarks.bench_merge_peer import survey_fields

    rng = random.Random(20261205)
    return [{**survey_fields(rng, n), "id": f"{rng.getrandbits(128):032x}",
             "schema_version": 1} for n in range(count)]


def best_us(func: Callable[[], object], number: int, repeat: int = 5) -> float:
    """The best time of one call, in µs."""
    return min(timeit.repeat(func, number=number, repeat=repeat)) / number * 1e6


def measure() -> dict[str, float]:
    """µs per call of what the server does, with whichever `schemas` is imported."""
    from schemas import validate_record
    from schemas.textfold import search_blob, sort_key

    pushed = pushed_producers()
    broken = broken_producer()
    results: dict[str, float] = {}
    for name, record in RECORDS.items():
        for mode in ("draft", "final"):
            results[f"validate_record {name}, {mode}"] = best_us(
                lambda: validate_record(name, record, mode), 2000)  # noqa: B023
    results["validate_record producer with 4 errors, draft"] = best_us(
        lambda: validate_record("producer", broken, "draft"), 300)
    results["validate_record pushed producer, draft (per record)"] = best_us(
        lambda: [validate_record("producer", r, "draft") for r in pushed], 100) / len(pushed)
    titles = [r["name_th"] for r in [*pushed, *RECORDS.values()] if "name_th" in r]
    results["sort_key (per title)"] = best_us(
        lambda: [sort_key(t) for t in titles], 300) / len(titles)
    searched = [[r["id"], *(r.get(k) for k in SEARCHED_FIELDS)]
                for r in [*pushed, *RECORDS.values()]]
    results["search_blob (per record)"] = best_us(
        lambda: [search_blob(v) for v in searched], 300) / len(searched)
    results["sort_key + search_blob (per record)"] = (
        results["sort_key (per title)"] + results["search_blob (per record)"])
    return results


def _child(tree: Path) -> dict[str, float]:
    """`measure()` in a new process with the schemas package of `tree` imported."""
    code = ("import json, sys\n"
            f"sys.path[:0] = [{str(tree)!r}, {str(ROOT)!r}]\n"
            "import schemas\n"
            f"assert schemas.__file__.startswith({str(tree)!r}), schemas.__file__\n"
            "from benchmarks.bench_schemas import measure\n"
            "print(json.dumps(measure()))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, env={**os.environ, "PYTHONPATH": ""})
    if done.returncode:
        raise RuntimeError(f"measuring {tree} failed:\n{done.stderr}")
    result: dict[str, float] = json.loads(done.stdout)
    return result


def before_after(baseline: str, rounds: int) -> None:
    from benchmarks._machine import machine_inline

    with tempfile.TemporaryDirectory(prefix="bench-schemas-") as folder:
        old = Path(folder)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", baseline, "schemas",
                                  "recordsync"], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        before: dict[str, float] = {}
        after: dict[str, float] = {}
        for _ in range(rounds):  # alternately, so both meet the same load
            for tree, best in ((old, before), (ROOT, after)):
                for key, value in _child(tree).items():
                    best[key] = min(value, best.get(key, value))
    print(f"- {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {machine_inline()}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"- before: `{baseline}`; after: this tree; best of {rounds} rounds × 5 repeats")
    print()
    print("| µs per call | before | after | speed-up |")
    print("|---|---:|---:|---:|")
    for key, old_us in before.items():
        new_us = after[key]
        print(f"| {key} | {old_us:,.1f} | {new_us:,.1f} | {old_us / new_us:.1f}× |")


def rate(func: Callable[[], object], seconds: float) -> float:
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(50):
            func()
        count += 50
    return count / elapsed


def against_jsonschema(seconds: float) -> None:
    from schemas import validate_record
    from schemas._collect import collect_errors
    from schemas._loader import collector, compiled_validator, reference_validator

    cases = [*RECORDS.items(), ("producer (4 errors)", broken_producer())]
    print("| record | baseline: jsonschema on the documents | jsonschema, compiled schema | "
          "pure collector, compiled schema | validate_record (final) | speed-up |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, record in cases:
        record_type = name.split(" ")[0]
        reference, compiled = reference_validator(record_type), compiled_validator(record_type)
        baseline = rate(lambda: list(reference.iter_errors(record)), seconds)  # noqa: B023
        inlined = rate(lambda: list(compiled.iter_errors(record)), seconds)  # noqa: B023
        walk = collector(record_type)
        pure = rate(lambda: list(collect_errors(walk, record)), seconds)  # noqa: B023
        shipped = rate(lambda: validate_record(record_type, record, "final"),  # noqa: B023
                       seconds)
        print(f"| {name} | {baseline:,.0f}/s | {inlined:,.0f}/s | {pure:,.0f}/s | "
              f"{shipped:,.0f}/s | {shipped / baseline:.1f}× |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", default=BASELINE, help="the commit to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jsonschema", action="store_true",
                        help="the table against jsonschema instead")
    parser.add_argument("--seconds", type=float, default=1.0, help="per cell, --jsonschema")
    args = parser.parse_args()
    from benchmarks._machine import require_readme_environment
    require_readme_environment()
    if args.jsonschema:
        against_jsonschema(args.seconds)
    else:
        before_after(args.baseline, args.rounds)


if __name__ == "__main__":
    main()
