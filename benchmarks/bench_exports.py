"""Benchmark: the XLSX export of 80,000 producers and their products, and the summary page.

Targets (issue 7): XLSX of 80,000 producers with their products ≤ 60 s and ≤ 500 MB peak
RSS of the exporting process; the summary page ≤ 500 ms. On SQLite and, when
TAMBON_PG_ADMIN_URL is set, PostgreSQL. Data: the server's `benchmarks/gen_national.py`
(80,000 producers, 250,000 products over every district; 2403 holds ~120).

Baselines measured in the same run, on the same data:
- export: reading every producer and product the export reads, writing nothing (the floor
  any export pays); each measurement runs in its own process so its peak RSS is its own;
- summary page: reading the district's records the page counts, in-process, no HTML.

    .venv/bin/python benchmarks/bench_exports.py                 # full size, SQLite (+PG)
    .venv/bin/python benchmarks/bench_exports.py --scale 0.1     # a quick look
    .venv/bin/python benchmarks/bench_exports.py --write docs/bench-reports.md
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from benchmarks._machine import machine_lines, require_readme_environment  # noqa: E402
from sync_server.db.engine import make_engine, migrate  # noqa: E402

TARGET_SECONDS = 60.0
TARGET_MB = 500.0
TARGET_PAGE_MS = 500.0


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM). Not `ru_maxrss`: on Linux a child
    started by fork+exec inherits its parent's maximum there, which would count the
    generator's memory against the export."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(mode: str, database_url: str) -> dict[str, Any]:
    """One measurement in this (fresh) process: time and peak RSS."""
    from sync_server.db.engine import read_only
    from sync_server.reports.exports import xlsx_to_file
    from sync_server.reports.filters import RecordFilter
    from sync_server.reports.queries import iter_records

    engine = make_engine(database_url)
    started_mb = _peak_mb()
    started = time.perf_counter()
    rows = 0
    size = 0
    if mode == "read":
        with read_only(engine).connect() as conn:
            for record_type in ("producer", "product"):
                for _ in iter_records(conn, None, record_type):
                    rows += 1
        seconds, peak = time.perf_counter() - started, _peak_mb()
    else:
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "export.xlsx"
            xlsx_to_file(engine, None, RecordFilter(), True, target)
            seconds, peak = time.perf_counter() - started, _peak_mb()
            size = target.stat().st_size
            # Check the file holds every row (after the measurement; read-only streaming).
            from openpyxl import load_workbook
            wb = load_workbook(target, read_only=True)
            rows = sum(sum(1 for _ in wb[name].iter_rows(min_row=2, max_col=1))
                       for name in ("ผู้ผลิต", "ผลิตภัณฑ์"))
            wb.close()
    engine.dispose()
    return {"mode": mode, "seconds": seconds, "peak_mb": peak, "start_mb": started_mb,
            "rows": rows, "bytes": size}


def _run_child(mode: str, database_url: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--child", mode, "--database-url",
                          database_url], capture_output=True, text=True, timeout=1800, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"{mode} measurement failed:\n{out.stderr}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _summary_timings(data_dir: Path, database_url: str, runs: int) -> dict[str, Any]:
    """GET /reports for district 2403 on a real server process, and the in-process read."""
    from sync_server.accounts import create_user
    from sync_server.db.engine import read_only
    from sync_server.reports.filters import RecordFilter
    from sync_server.reports.queries import matching_producers, select_children
    from sync_server.web.session import SESSION_COOKIE, start_session
    from tests.support.server import start_server

    server = start_server(data_dir, database_url=database_url, migrate_first=False)
    try:
        with server.engine.begin() as conn:
            user_id = create_user(conn, district_code="2403", role="supervisor",
                                  display_name="ผู้ทดสอบความเร็ว")
            token = start_session(conn, user_id, datetime.now(UTC))
        page_ms: list[float] = []
        with httpx.Client(base_url=server.base_url, cookies={SESSION_COOKIE: token},
                          timeout=60) as client:
            client.get("/reports").raise_for_status()  # warm up
            for _ in range(runs):
                started = time.perf_counter()
                response = client.get("/reports")
                page_ms.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
        read_ms: list[float] = []
        for _ in range(runs):
            started = time.perf_counter()
            with read_only(server.engine).connect() as conn:
                ids = {p["id"] for p in matching_producers(conn, "2403", RecordFilter())}
                for record_type in ("product", "visit", "plan_item"):
                    _ = [r for r in select_children(conn, "2403", record_type, RecordFilter())
                         if r.get("producer_id") in ids]
            read_ms.append((time.perf_counter() - started) * 1000)
        return {"page_median_ms": statistics.median(page_ms), "page_max_ms": max(page_ms),
                "read_median_ms": statistics.median(read_ms), "producers": len(ids)}
    finally:
        server.stop()


def bench_database(kind: str, database_url: str, data_dir: Path, scale: float,
                   runs: int) -> dict[str, Any]:
    from benchmarks.gen_national import PRODUCERS, PRODUCTS, generate

    engine = make_engine(database_url)
    try:
        migrate(engine)
        started = time.perf_counter()
        totals = generate(engine, producers=int(PRODUCERS * scale),
                          products=int(PRODUCTS * scale), log=lambda *_: None)
        generated_s = time.perf_counter() - started
    finally:
        engine.dispose()
    print(f"[{kind}] generated {totals} in {generated_s:.0f} s", file=sys.stderr)
    read = _run_child("read", database_url)
    print(f"[{kind}] read baseline {read}", file=sys.stderr)
    xlsx = _run_child("xlsx", database_url)
    print(f"[{kind}] xlsx {xlsx}", file=sys.stderr)
    summary = _summary_timings(data_dir, database_url, runs)
    print(f"[{kind}] summary {summary}", file=sys.stderr)
    return {"kind": kind, "totals": totals, "read": read, "xlsx": xlsx, "summary": summary}


def _report(results: list[dict[str, Any]], scale: float) -> str:
    ok = "✅"
    bad = "❌"
    lines = [
        "# Benchmarks: reports and exports",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `benchmarks/bench_exports.py"
        f"{'' if scale == 1 else f' --scale {scale}'}` on a machine shared with other work.",
        "",
        machine_lines(),
        "",
        "## XLSX export of every producer and product (4 sheets, streamed SpreadsheetML)",
        "",
        "Each measurement runs in its own process; peak RSS is that process's VmHWM "
        "(Python, SQLAlchemy, the driver and the export code included).",
        "Baseline: the same process reading every producer and product, writing nothing.",
        "",
        "| database | producers + products | baseline read | XLSX export | XLSX peak RSS | "
        "file | targets (60 s, 500 MB) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        x, b = r["xlsx"], r["read"]
        met = ok if x["seconds"] <= TARGET_SECONDS and x["peak_mb"] <= TARGET_MB else bad
        lines.append(
            f"| {r['kind']} | {r['totals']['producer']:,} + {r['totals']['product']:,} | "
            f"{b['seconds']:.1f} s, {b['peak_mb']:.0f} MB | {x['seconds']:.1f} s | "
            f"{x['peak_mb']:.0f} MB | {x['bytes'] / 1e6:.1f} MB | {met} |")
    lines += [
        "",
        "## Summary page (`GET /reports`, district 2403, real server process)",
        "",
        "Baseline: reading the records the page counts, in-process, without HTML or charts.",
        "",
        "| database | producers in district | baseline read (median) | page median | page max "
        "| target 500 ms |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        s = r["summary"]
        met = ok if s["page_max_ms"] <= TARGET_PAGE_MS else bad
        lines.append(f"| {r['kind']} | {s['producers']} | {s['read_median_ms']:.0f} ms | "
                     f"{s['page_median_ms']:.0f} ms | {s['page_max_ms']:.0f} ms | {met} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--write", type=Path, help="write the Markdown report here")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--child", choices=("read", "xlsx"), help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    require_readme_environment()
    if args.child:
        print(json.dumps(child(args.child, args.database_url)))
        return 0
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-exports-") as tmp:
        sqlite_dir = Path(tmp) / "sqlite"
        sqlite_dir.mkdir()
        results.append(bench_database("SQLite", f"sqlite:///{sqlite_dir / 'bench.sqlite3'}",
                                      sqlite_dir, args.scale, args.runs))
        admin_url = os.environ.get("TAMBON_PG_ADMIN_URL")
        if admin_url and not args.no_postgres:
            from tests.support.pg import create_database, drop_database
            url = create_database(admin_url, "bench_exports")
            try:
                pg_dir = Path(tmp) / "pg"
                pg_dir.mkdir()
                results.append(bench_database("PostgreSQL", url, pg_dir, args.scale,
                                              args.runs))
            finally:
                drop_database(admin_url, url)
    report = _report(results, args.scale)
    print(report)
    if args.write:
        args.write.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
