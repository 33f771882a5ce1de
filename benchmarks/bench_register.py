"""Benchmark: the office register with 80,000 producers, on SQLite and PostgreSQL.

Measures, against a real server process (`python -m sync_server serve`) signed in through
the real form, the two pages an officer opens most:
- the register's first page (`GET /producers`: count + first 25 by Thai name), and
- a search (`GET /producers?q=ทอผ้า`: LIKE over `records.search_text`),
plus the same queries without HTTP (`search_producers`) to show where the time goes.
Baseline, measured in the same run on the same data: the cheapest possible page, 25 producer
ids of the district with no count, no order and no search (what any register costs at least).

Two data sets, each with 80,000 producers:
- `national` (the server engineer's `benchmarks/gen_national.py`): 80,000 producers and
  250,000 products over all 928 districts; district 2403, the one measured, has ~120,
  like a real district office.
- `one-district`: all 80,000 producers (one product each) in district 2403: the worst case,
  a register 700 times larger than any real district's.
Target: <= 300 ms per page.

    .venv/bin/python benchmarks/bench_register.py                # SQLite, and PostgreSQL if
                                                                 # TAMBON_PG_ADMIN_URL is set
    .venv/bin/python benchmarks/bench_register.py --producers 20000 --db sqlite --data national
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sync_server.accounts import create_district, create_user  # noqa: E402
from sync_server.db.record_text import title_sort_key  # noqa: E402
from sync_server.db.records import record_meta  # noqa: E402
from sync_server.db.tables import feed_counters, records  # noqa: E402
from sync_server.web.register import RegisterFilters, search_producers  # noqa: E402
from tests.support.pg import create_database, drop_database  # noqa: E402
from tests.support.server import start_server  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
import gen_national  # noqa: E402

DISTRICT = "2403"
SUBDISTRICTS = [f"2403{n:02d}" for n in range(1, 11)]
PASSWORD = "bench-password-2569"
_CRAFTS = ["ทอผ้า", "จักสาน", "น้ำพริก", "ขนมไทย", "ปลาสลิด", "ข้าวกล้อง", "สมุนไพร", "กล้วยตาก",
           "ผ้ามัดย้อม", "เครื่องปั้นดินเผา", "น้ำตาลมะพร้าว", "ไข่เค็ม", "กะปิ", "ดอกไม้ประดิษฐ์"]
_PLACES = ["บ้านหมอนทอง", "บางขนาก", "โยธะกา", "ดอนฉิมพลี", "ศาลาแดง", "โพรงอากาศ", "สิงโตทอง",
           "บึงน้ำรักษ์", "ดอนเกาะกา", "บางน้ำเปรี้ยว"]
_KINDS = ["กลุ่ม", "วิสาหกิจชุมชน", "กลุ่มแม่บ้าน", ""]
_CATEGORIES = ["food", "beverage", "textile", "household", "herbal"]


def generate_one_district(engine: sa.Engine, producers: int, seed: int = 2569) -> None:
    """Bulk-load producers and one product each, with the denormalised columns computed by
    the same `record_meta` the merge uses."""
    rnd = random.Random(seed)
    now = datetime.now(UTC)
    stamp = f"{int(now.timestamp() * 1000):013d}-00000-bench"
    seq = 0
    batch: list[dict[str, Any]] = []

    def row(record_id: str, record_type: str, data: dict[str, Any], sub: str) -> dict[str, Any]:
        nonlocal seq
        seq += 1
        producer_id, title, search_text = record_meta(record_type, record_id, data)
        return {"id": record_id, "record_type": record_type, "district_code": DISTRICT,
                "subdistrict_code": sub, "producer_id": producer_id, "data": data,
                "clocks": dict.fromkeys(data, stamp), "deleted": False, "schema_version": 1,
                "seq": seq, "title": title, "search_text": search_text,
                "sort_key": title_sort_key(title),
                "created_at": now, "updated_at": now}

    with engine.begin() as conn:
        for n in range(producers):
            sub = rnd.choice(SUBDISTRICTS)
            name = (f"{rnd.choice(_KINDS)}{rnd.choice(_CRAFTS)}{rnd.choice(_PLACES)} "
                    f"หมู่ {rnd.randint(1, 15)} #{n}")
            pid = uuid.UUID(int=rnd.getrandbits(128)).hex
            batch.append(row(pid, "producer", {
                "name_th": name, "producer_type": "community_group",
                "phone": f"08{rnd.randint(0, 99_999_999):08d}",
                "address": {"subdistrict_code": sub, "district_code": DISTRICT,
                            "province_code": "24", "moo": rnd.randint(1, 15)}}, sub))
            batch.append(row(uuid.UUID(int=rnd.getrandbits(128)).hex, "product", {
                "producer_id": pid, "name_th": f"ผลิตภัณฑ์ {n}",
                "category": rnd.choice(_CATEGORIES), "opc_stars": rnd.randint(1, 5)}, sub))
            if len(batch) >= 5000:
                conn.execute(records.insert(), batch)
                batch.clear()
        if batch:
            conn.execute(records.insert(), batch)
        conn.execute(feed_counters.update().where(feed_counters.c.district_code == DISTRICT)
                     .values(last_seq=seq))


def analyze(engine: sa.Engine) -> None:
    if engine.dialect.name == "postgresql":
        # What autovacuum does soon after a bulk load; also sets the visibility map that
        # index-only scans need.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE records"))
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    fn()  # warm: connection pool, template compile, page cache
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(times: list[float]) -> str:
    return (f"median {statistics.median(times):7.1f} ms  max {max(times):7.1f} ms  "
            f"(n={len(times)})")


@contextmanager
def database(kind: str, data_dir: Path) -> Iterator[str | None]:
    if kind == "sqlite":
        yield None
        return
    admin = os.environ["TAMBON_PG_ADMIN_URL"]
    url = create_database(admin, prefix="tambon_bench")
    try:
        yield url
    finally:
        drop_database(admin, url)


def run(kind: str, data: str, producers: int, repeat: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory(prefix="tambon-bench-") as temp, \
            database(kind, Path(temp)) as url:
        server = start_server(Path(temp), database_url=url)
        try:
            started = time.perf_counter()
            if data == "national":
                counts = gen_national.generate(server.engine, producers=producers,
                                               products=producers * 25 // 8, log=lambda _: None)
                loaded = f"{counts['producer']:,} producers + {counts['product']:,} products"
            else:
                with server.engine.begin() as conn:
                    create_district(conn, DISTRICT)
                generate_one_district(server.engine, producers)
                loaded = f"{producers:,} producers + {producers:,} products"
            analyze(server.engine)
            with server.engine.begin() as conn:
                create_user(conn, district_code=DISTRICT, role="officer",
                            display_name="ผู้ทดสอบความเร็ว", username="bench", password=PASSWORD)
            print(f"  [{kind}/{data}] loaded {loaded} in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
            results: dict[str, list[float]] = {}
            with server.engine.connect() as conn:
                # A real phone of the district, typed as people do: with dashes.
                digits = conn.execute(sa.select(records.c.data).where(
                    records.c.district_code == DISTRICT, records.c.record_type == "producer"
                ).limit(1)).scalar_one()["phone"]
            phone = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
            with httpx.Client(base_url=server.base_url, timeout=60) as client:
                login = client.get("/login").text
                token = re.search(r'name="csrf_token" value="([^"]+)"', login)
                assert token is not None
                signed = client.post("/login", data={"username": "bench", "password": PASSWORD,
                                                     "csrf_token": token[1], "next": "/"})
                assert signed.status_code == 303, signed.text

                def page(params: dict[str, str]) -> Callable[[], Any]:
                    def get() -> None:
                        response = client.get("/producers", params=params)
                        assert response.status_code == 200, response.text[:500]
                    return get

                results["http first page"] = timed(page({}), repeat)
                results["http search 'ทอผ้า'"] = timed(page({"q": "ทอผ้า"}), repeat)
                results["http search phone"] = timed(page({"q": phone}), repeat)
                # Issue 14: the same phone in Thai digits with +66, its last 4 digits, and
                # a name typed without tone marks (what the shared folding rule finds).
                thai = phone.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
                results["http search +66 Thai digits"] = timed(
                    page({"q": "+๖๖ " + thai[1:]}), repeat)
                results["http search last 4 digits"] = timed(page({"q": digits[-4:]}), repeat)
                results["http search 'ทอผา' (no tone mark)"] = timed(page({"q": "ทอผา"}),
                                                                    repeat)
                results["http filter subdistrict"] = timed(page({"subdistrict": "240301"}),
                                                           repeat)
                results["http filter category (info)"] = timed(page({"category": "food"}),
                                                               repeat)
            engine = server.engine
            with engine.connect() as conn:
                results["query first page"] = timed(
                    lambda: search_producers(conn, DISTRICT, RegisterFilters()), repeat)
                results["query search 'ทอผ้า'"] = timed(
                    lambda: search_producers(conn, DISTRICT, RegisterFilters(q="ทอผ้า")), repeat)
                results["baseline: 25 ids, no count/order"] = timed(lambda: conn.execute(
                    sa.select(records.c.id).where(
                        records.c.district_code == DISTRICT,
                        records.c.record_type == "producer").limit(25)).all(), repeat)
                first = search_producers(conn, DISTRICT, RegisterFilters())
                in_district = conn.execute(sa.select(sa.func.count()).select_from(records).where(
                    records.c.district_code == DISTRICT,
                    records.c.record_type == "producer")).scalar_one()
                assert first.total == in_district > 0, (first.total, in_district)
                print(f"  [{kind}/{data}] district {DISTRICT} register: {first.total:,} "
                      "producers", flush=True)
        finally:
            server.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--producers", type=int, default=80_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--data", choices=["national", "one-district", "both"], default="both")
    args = parser.parse_args()
    from benchmarks._machine import require_readme_environment
    require_readme_environment()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    if "postgresql" in kinds and not os.environ.get("TAMBON_PG_ADMIN_URL"):
        print("TAMBON_PG_ADMIN_URL not set: run `source scripts/lib.sh && start_postgres`; "
              "skipping PostgreSQL")
        kinds.remove("postgresql")
    datasets = ["national", "one-district"] if args.data == "both" else [args.data]
    for kind in kinds:
        for data in datasets:
            results = run(kind, data, args.producers, args.repeat)
            print(f"{kind}, {data}: {args.producers:,} producers")
            for name, times in results.items():
                info = name.startswith(("baseline", "query")) or "(info)" in name
                verdict = "OK" if statistics.median(times) <= 300 else "OVER 300 ms"
                print(f"  {name:36s} {summary(times)}{'' if info else '  ' + verdict}")

if __name__ == "__main__":
    main()
