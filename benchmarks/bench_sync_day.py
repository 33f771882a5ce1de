"""A day's work synced over a weak rural link: 15 visits with 3 photos each.

    .venv/bin/python benchmarks/bench_sync_day.py [--visits 15] [--long-edge 800]

One phone (real DeviceStore and PhotoStore) records 15 visits (producer, product, visit and
three photos made by `fieldapp.photos.process_photo`), then syncs to a real server process
through tests/support/faultproxy.py at 256 kbit/s each way with 100 ms latency and every
connection reset every 20 s. Baseline, measured in the same run: the same day synced over
the same 256 kbit/s link without resets.

Payload = photo and thumbnail bytes + the gzip push bodies of the records. Reported: bytes
on the wire (both directions, TCP payload as the proxy counts it) ÷ payload, and wall time
÷ (payload ÷ bandwidth). A full day (45 photos of ~220 KB) takes about 6 minutes per run at
256 kbit/s; on a shared machine run a subset (`--visits 5`) and say so: the ratios, not the
absolute times, are the point.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fieldapp.photos import process_photo  # noqa: E402
from fieldapp.sync import RetryPolicy  # noqa: E402
from fieldapp.sync.wire import encode_push  # noqa: E402
from tests.support.faultproxy import FaultProxy, Faults  # noqa: E402
from tests.sync.harness import make_district, running_server  # noqa: E402
from tests.sync.phones import make_phone, producer_fields  # noqa: E402

BANDWIDTH = 256_000
CHUNK = 256 * 1024


def camera_jpeg(seed: int, size: tuple[int, int] = (3000, 2250), cell: int = 48) -> bytes:
    """A smooth, photo-like 6.75 MP JPEG: random colour blobs (about 200 KB once through the
    pipeline at 1600 px, like a typical product photo; pure noise would be twice that)."""
    rng = random.Random(seed)
    small = Image.new("RGB", (size[0] // cell, size[1] // cell))
    small.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256))
                   for _ in range(small.width * small.height)])
    out = io.BytesIO()
    small.resize(size, Image.Resampling.BICUBIC).save(out, "JPEG", quality=90)
    return out.getvalue()


def record_day(root: Path, device, visits: int, long_edge: int):  # type: ignore[no-untyped-def,unused-ignore]
    phone = make_phone(root, device)
    photo_bytes = 0
    for n in range(visits):
        producer = phone.store.create("producer", producer_fields(n))
        product = phone.store.create("product", {"producer_id": producer["id"],
                                                 "name_th": f"น้ำพริกเผาสูตรบ้านสวน {n}",
                                                 "category": "food", "price_thb": 60})
        visit = phone.store.create("visit", {"producer_id": producer["id"],
                                             "purpose": "follow_up",
                                             "product_ids": [product["id"]],
                                             "problems": "บรรจุภัณฑ์ยังไม่มีฉลากโภชนาการ"})
        phone.store.update("visit", visit["id"], {"status": "final"})
        for shot in range(3):
            processed = process_photo(camera_jpeg(n * 3 + shot), long_edge=long_edge)
            phone.photos.put(processed)
            phone.photos.put_blob(processed.thumb, processed.thumb_sha256)
            phone.store.create("photo", {**processed.record_fields(),
                                         "producer_id": producer["id"],
                                         "visit_id": visit["id"], "subject": "product"})
            photo_bytes += len(processed.jpeg) + len(processed.thumb)
    records_gz = len(encode_push(phone.store.pending_changes(limit=100_000)))
    return phone, photo_bytes, records_gz


def sync_once(visits: int, long_edge: int, faults: Faults) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        district = make_district(Path(tmp) / "server", phones=1)
        phone, photo_bytes, records_gz = record_day(Path(tmp) / "phone", district.devices[0],
                                                    visits, long_edge)
        payload = photo_bytes + records_gz
        with running_server(district) as server:
            proxy = FaultProxy(upstream=("127.0.0.1", server.port), faults=faults)
            with proxy.running() as (host, port):
                client = phone.client(f"http://{host}:{port}", chunk_size=CHUNK, timeout_s=30,
                                      policy=RetryPolicy(max_attempts=20, base_s=0.5, cap_s=4))
                start = time.perf_counter()
                report = asyncio.run(client.sync())
                wall = time.perf_counter() - start
                stats = proxy.stats
        phone.store.close()
    assert report.completed, report.error_en
    ideal = payload * 8 / BANDWIDTH
    return {"payload": payload, "photo_bytes": photo_bytes, "records_gz": records_gz,
            "up": stats.bytes_up, "down": stats.bytes_down, "resets": stats.resets,
            "wire_ratio": (stats.bytes_up + stats.bytes_down) / payload,
            "up_ratio": stats.bytes_up / payload, "wall": wall, "ideal": ideal,
            "time_ratio": wall / ideal, "photos": report.photos_uploaded,
            "thumbs": report.thumbnails_uploaded}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=15)
    parser.add_argument("--long-edge", type=int, default=1600)
    args = parser.parse_args()
    from benchmarks._machine import require_readme_environment
    require_readme_environment()
    link = {"bandwidth_bps": BANDWIDTH, "latency_ms": 100}
    runs = {
        "baseline: 256 kbit/s, no resets": Faults(**link),
        "256 kbit/s, every connection reset every 20 s": Faults(**link, reset_every_s=20),
    }
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    uname = subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout.strip()
    print(f"machine: {uname}")
    print(f"nproc: {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()}, "
          f"CPU: {cpu}")
    print(f"{args.visits} visits x 3 photos, long edge {args.long_edge} px, chunk {CHUNK} B")
    for name, faults in runs.items():
        r = sync_once(args.visits, args.long_edge, faults)
        print(f"{name}: payload {r['payload']} B (photos+thumbs {r['photo_bytes']} B, "
              f"records gzip {r['records_gz']} B); wire up {r['up']} B, down {r['down']} B "
              f"= {r['wire_ratio']:.3f}x payload (up only {r['up_ratio']:.3f}x); resets "
              f"{r['resets']}; wall {r['wall']:.1f} s = {r['time_ratio']:.2f}x payload/bandwidth "
              f"({r['ideal']:.1f} s); uploaded {r['photos']} photos, {r['thumbs']} thumbnails")


if __name__ == "__main__":
    main()
