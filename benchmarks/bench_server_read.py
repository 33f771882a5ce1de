"""Read one district's records page by page through the read API of a REAL server process
(uvicorn), on a national-size database, on SQLite and PostgreSQL.

Targets: first page ≤ 100 ms, the whole district ≤ 2 s.
Baselines measured in the same run: the HTTP floor (GET /api/v1/health) and the same keyset
queries run directly with SQLAlchemy (no HTTP, no JSON encoding).

    python benchmarks/bench_server_read.py                 # SQLite, and PostgreSQL if
                                                           # TAMBON_PG_ADMIN_URL is set
    python benchmarks/bench_server_read.py --scale 0.1 --write docs/bench-server.md
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from benchmarks._machine import machine_lines, require_readme_environment  # noqa: E402
from benchmarks.gen_national import DEMO_DISTRICT, PRODUCERS, PRODUCTS, generate  # noqa: E402
from sync_server.accounts import create_user  # noqa: E402
from sync_server.auth import create_device  # noqa: E402
from sync_server.db.engine import make_engine, migrate  # noqa: E402
from sync_server.db.tables import records  # noqa: E402
from tests.support.pg import create_database, drop_database  # noqa: E402
from tests.support.server import start_server  # noqa: E402

PAGE = 200
TYPES = ("producer", "product")
RUNS = 15


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _p95_ms(samples: list[float]) -> float:
    return sorted(samples)[max(0, int(len(samples) * 0.95) - 1)] * 1000


def read_district_http(client: httpx.Client, headers: dict[str, str]) -> tuple[float, float,
                                                                                int]:
    """(first page seconds, whole district seconds, records read)."""
    start = time.perf_counter()
    first = None
    count = 0
    for record_type in TYPES:
        cursor = None
        while True:
            params = {"type": record_type, "limit": str(PAGE)}
            if cursor:
                params["cursor"] = cursor
            response = client.get("/api/v1/records", params=params, headers=headers)
            response.raise_for_status()
            body = response.json()
            if first is None:
                first = time.perf_counter() - start
            count += len(body["items"])
            cursor = body["next_cursor"]
            if cursor is None:
                break
    return first or 0.0, time.perf_counter() - start, count


def read_district_sql(engine: sa.Engine) -> tuple[float, int]:
    start = time.perf_counter()
    count = 0
    with engine.connect() as conn:
        for record_type in TYPES:
            cursor = ""
            while True:
                rows = conn.execute(
                    sa.select(records).where(records.c.district_code == DEMO_DISTRICT,
                                             records.c.record_type == record_type,
                                             records.c.id > cursor)
                    .order_by(records.c.id).limit(PAGE)).all()
                count += len(rows)
                if len(rows) < PAGE:
                    break
                cursor = rows[-1].id
    return time.perf_counter() - start, count


def bench(database: str, database_url: str, data_dir: Path, scale: float,
          log: Callable[[str], None]) -> dict[str, float | int | str]:
    engine = make_engine(database_url)
    migrate(engine)
    started = time.perf_counter()
    totals = generate(engine, producers=int(PRODUCERS * scale),
                      products=int(PRODUCTS * scale), log=log)
    generate_s = time.perf_counter() - started
    if database == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    with engine.begin() as conn:
        user = create_user(conn, district_code=DEMO_DISTRICT, role="officer",
                           display_name="ผู้ทดสอบความเร็ว")
        _device, token = create_device(conn, user_id=user, name="bench")
    headers = {"Authorization": f"Bearer {token}"}
    server = start_server(data_dir, database_url=database_url, migrate_first=False)
    try:
        with httpx.Client(base_url=server.base_url, timeout=60) as client:
            read_district_http(client, headers)  # warm-up
            health, firsts, wholes = [], [], []
            count = 0
            for _ in range(RUNS):
                t = time.perf_counter()
                client.get("/api/v1/health").raise_for_status()
                health.append(time.perf_counter() - t)
                first, whole, count = read_district_http(client, headers)
                firsts.append(first)
                wholes.append(whole)
        sql = [read_district_sql(engine)[0] for _ in range(RUNS)]
    finally:
        server.stop()
        engine.dispose()
    return {
        "database": database, "producers": totals["producer"], "products": totals["product"],
        "district_records": count, "generate_s": round(generate_s, 1),
        "health_ms": round(_median_ms(health), 2),
        "first_page_ms": round(_median_ms(firsts), 1),
        "first_page_p95_ms": round(_p95_ms(firsts), 1),
        "whole_ms": round(_median_ms(wholes), 1), "whole_p95_ms": round(_p95_ms(wholes), 1),
        "sql_whole_ms": round(_median_ms(sql), 1),
    }


def report(results: list[dict[str, float | int | str]], scale: float) -> str:
    lines = [
        "# Benchmark: reading one district through the read API",
        "",
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Machine (shared with other jobs "
        "while measuring):",
        machine_lines(),
        "",
        f"Database: {results[0]['producers']:,} producers and {results[0]['products']:,} "
        f"products over 928 districts (scale {scale}); district 2403 holds "
        f"{results[0]['district_records']} of them (producers + products). A real uvicorn "
        f"process; `GET /api/v1/records?type=…&limit={PAGE}` keyset pages, producers then "
        f"products, median of {RUNS} runs after one warm-up.",
        "",
        "| database | first page (median / p95) | whole district (median / p95) | "
        "baseline: HTTP floor (health) | baseline: same queries in SQL, no HTTP | "
        "bulk generate |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['database']} | {r['first_page_ms']} / {r['first_page_p95_ms']} ms | "
            f"{r['whole_ms']} / {r['whole_p95_ms']} ms | {r['health_ms']} ms | "
            f"{r['sql_whole_ms']} ms | {r['generate_s']} s |")
    lines += [
        "",
        "Targets: first page ≤ 100 ms, whole district ≤ 2 s: "
        + ", ".join(f"{r['database']} "
                    f"{'met' if float(r['first_page_ms']) <= 100 and float(r['whole_ms']) <= 2000 else 'NOT met'}"  # noqa: E501
                    for r in results) + ".",
        "",
        "Reproduce: `python benchmarks/bench_server_read.py --write docs/bench-server.md` "
        "(PostgreSQL half when `TAMBON_PG_ADMIN_URL` is set, e.g. after "
        "`source scripts/lib.sh && start_postgres`).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="read-API benchmark")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--write", type=Path, help="write the Markdown report here")
    args = parser.parse_args(argv)
    require_readme_environment()
    results = []
    for database in args.databases.split(","):
        with tempfile.TemporaryDirectory(prefix="tambon-bench-") as temp:
            data_dir = Path(temp)
            if database == "sqlite":
                url = f"sqlite:///{data_dir / 'district.sqlite3'}"
                results.append(bench(database, url, data_dir, args.scale, print))
            else:
                admin = os.environ.get("TAMBON_PG_ADMIN_URL")
                if not admin:
                    print("skipping PostgreSQL: TAMBON_PG_ADMIN_URL is not set")
                    continue
                url = create_database(admin, "tambon_bench")
                try:
                    results.append(bench(database, url, data_dir, args.scale, print))
                finally:
                    drop_database(admin, url)
        print(results[-1] if results else "")
    text = report(results, args.scale)
    print(text)
    if args.write:
        args.write.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
