"""Server merge throughput: 50 phones pushing at once to a real server process.

    .venv/bin/python benchmarks/bench_merge.py [--pg] [--devices 50] [--batches 4] [--size 50]

Each phone pushes `batches` gzip pushes of `size` new-record changes concurrently (httpx,
one connection per phone) to `uvicorn sync_server.asgi:create` on 127.0.0.1. Reported:
changes/s over the whole run and p50/p95 push latency. Baseline, measured in the same run:
one phone pushing the same number of changes alone, one push after another.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from recordsync.hlc import HybridLogicalClock  # noqa: E402
from tests.sync.harness import Device, make_district, running_server  # noqa: E402

RETRIED: list[str] = []  # 5xx answers met (and retried) during the run


def batch(device: Device, clock: HybridLogicalClock, size: int, n: int) -> bytes:
    changes = []
    for i in range(size):
        stamp = clock.now().encode()
        fields = {"name_th": f"วิสาหกิจชุมชนทดสอบ {n}-{i}", "producer_type": "community_group",
                  "phone": "0812345678",
                  "address": {"moo": 4, "subdistrict_code": "240303", "district_code": "2403",
                              "province_code": "24"}}
        changes.append({"change_id": uuid.uuid4().hex, "record_type": "producer",
                        "record_id": uuid.uuid4().hex, "device_id": device.device_id,
                        "fields": fields, "clocks": dict.fromkeys(fields, stamp),
                        "base_clocks": dict.fromkeys(fields), "deleted": False,
                        "schema_version": 1})
    return gzip.compress(json.dumps({"changes": changes}, ensure_ascii=False).encode())


async def phone(base_url: str, device: Device, batches: int, size: int,
                latencies: list[float]) -> None:
    clock = HybridLogicalClock(device.device_id)
    bodies = [batch(device, clock, size, n) for n in range(batches)]
    headers = {**device.headers, "Content-Encoding": "gzip", "Content-Type": "application/json"}
    async with httpx.AsyncClient(base_url=base_url, timeout=120) as http:
        for body in bodies:
            start = time.perf_counter()
            while True:
                answer = await http.post("/api/v1/sync/push", content=body, headers=headers)
                if answer.status_code < 500:
                    break
                # As the phone's client does: a 5xx is retried (idempotent by change id).
                RETRIED.append(answer.text[:200])
                await asyncio.sleep(0.2)
            latencies.append(time.perf_counter() - start)
            answer.raise_for_status()
            assert all(r["status"] in ("applied", "already_had")
                       for r in answer.json()["results"])


async def run(base_url: str, devices: list[Device], batches: int, size: int
              ) -> tuple[float, list[float]]:
    latencies: list[float] = []
    start = time.perf_counter()
    await asyncio.gather(*(phone(base_url, d, batches, size, latencies) for d in devices))
    return time.perf_counter() - start, latencies


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def measure(database_url: str | None, root: Path, devices: int, batches: int, size: int,
            workers: int) -> dict[str, float]:
    district = make_district(root, database_url, phones=devices)
    with running_server(district, workers=workers) as server:
        try:
            # Baseline: one phone, a tenth of the changes, one push after another.
            alone_s, alone = asyncio.run(run(server.base_url, district.devices[:1],
                                             batches * devices // 10, size))
            alone_changes = batches * devices // 10 * size
            total_s, latencies = asyncio.run(run(server.base_url, district.devices, batches,
                                                 size))
        except httpx.HTTPError:
            log = server.log_path.read_text(errors="replace")
            print(log[log.find("Traceback"):][:4000] if "Traceback" in log else log[-4000:])
            raise
    changes = devices * batches * size
    retried = len(RETRIED)
    RETRIED.clear()
    return {"retried_5xx": retried, "changes": changes, "seconds": total_s,
            "changes_per_s": changes / total_s,
            "p50_ms": statistics.median(latencies) * 1000, "p95_ms": p95(latencies) * 1000,
            "baseline_changes_per_s": alone_changes / alone_s,
            "baseline_p95_ms": p95(alone) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", action="store_true", help="also PostgreSQL (needs "
                        "TAMBON_PG_ADMIN_URL: source scripts/lib.sh && start_postgres)")
    parser.add_argument("--devices", type=int, default=50)
    parser.add_argument("--batches", type=int, default=4)
    parser.add_argument("--size", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    from benchmarks._machine import require_readme_environment
    require_readme_environment()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = measure(None, Path(tmp) / "sqlite", args.devices, args.batches,
                                    args.size, args.workers)
        if args.pg:
            import os

            from tests.support.pg import create_database, drop_database
            admin = os.environ["TAMBON_PG_ADMIN_URL"]
            url = create_database(admin, "tambon_bench")
            try:
                results["postgresql"] = measure(url, Path(tmp) / "pg", args.devices,
                                                args.batches, args.size, args.workers)
            finally:
                drop_database(admin, url)
    for name, r in results.items():
        print(f"{name}: {r['changes']} changes from {args.devices} phones in "
              f"{r['seconds']:.1f} s = {r['changes_per_s']:.0f} changes/s, push p50 "
              f"{r['p50_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms; baseline one phone alone "
              f"{r['baseline_changes_per_s']:.0f} changes/s, p95 {r['baseline_p95_ms']:.0f} ms; "
              f"5xx answers retried: {r['retried_5xx']}")


if __name__ == "__main__":
    main()
