"""CPU per pull page: the feed query and its JSON, without HTTP (a few seconds per database).

    python benchmarks/bench_pull_page.py [--records 5000] [--page 200] [--seconds 3] [--pg]
        [--contention]

A fresh migrated database holds `--records` producers like the load benchmark's
(`bench_merge_peer.survey_fields`, about 1 KB of JSON each), stored by the real
`RecordWriter`. Each round pages the whole feed from 0, `--page` records a page, on one
connection per page as the pull route does, to the bytes the route sends. Printed per
implementation: CPU (process time: Python and SQLite, both in this process; PostgreSQL's
own work is in wall time only) and wall time per page, median and p95, and µs of CPU per
record.

Same-run baseline: `before` is the page as it was built before 2026-12-05 (seven columns
through SQLAlchemy rows, each record's JSON formatted by an f-string in Python, then
encoded), kept here verbatim; `now` is `sync_server.sync.pull.pull_page_body`. `--pg`
runs the same on a throwaway PostgreSQL database (TAMBON_PG_ADMIN_URL).

`--contention`: the same pages answered from an asyncio event loop while a thread of the
same process burns CPU in Python (as the push writer does under load), read in the thread
pool (`run_in_threadpool`, as the route does) or on the loop itself: wall time per page as
the caller waits for it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.engine import Connection, Engine  # noqa: E402
from starlette.concurrency import run_in_threadpool  # noqa: E402

from benchmarks._machine import machine_inline, require_readme_environment  # noqa: E402
from benchmarks.bench_merge_peer import survey_fields  # noqa: E402
from recordsync.hlc import HybridLogicalClock  # noqa: E402
from recordsync.merge import RecordState  # noqa: E402
from sync_server.accounts import create_district  # noqa: E402
from sync_server.db.engine import make_engine, migrate, read_only  # noqa: E402
from sync_server.db.records import RecordWriter  # noqa: E402
from sync_server.db.tables import records  # noqa: E402
from sync_server.sync.pull import MAX_PAGE, pull_page_body  # noqa: E402
from tests.support.pg import create_database, drop_database  # noqa: E402

DISTRICT = "2403"
PageFn = Callable[[Connection, str, int, int, Sequence[str]], tuple[bytes, int, bool]]


def before_pull_page_json(conn: Connection, district_code: str, since: int, limit: int,
                          subdistricts: Sequence[str] = ()) -> tuple[str, int, bool]:
    """`pull_page_json` as it was before 2026-12-05 (the baseline), verbatim."""
    limit = max(1, min(limit, MAX_PAGE))
    query = (
        sa.select(records.c.id, records.c.record_type, sa.cast(records.c.data, sa.Text),
                  sa.cast(records.c.clocks, sa.Text), records.c.deleted,
                  records.c.schema_version, records.c.seq)
        .where(records.c.district_code == district_code, records.c.seq > since)
        .order_by(records.c.seq)
        .limit(limit + 1)
    )
    if subdistricts:
        query = query.where(records.c.subdistrict_code.in_(list(subdistricts)))
    rows = conn.execute(query).all()
    more = len(rows) > limit
    rows = rows[:limit]
    dumps = json.dumps
    parts = [
        f'{{"id":{dumps(r[0])},"type":{dumps(r[1])},"data":{r[2]},"clocks":{r[3]},'
        f'"deleted":{"true" if r[4] else "false"},"schema_version":{int(r[5])},'
        f'"seq":{int(r[6])}}}'
        for r in rows
    ]
    return "[" + ",".join(parts) + "]", int(rows[-1][6]) if rows else since, more


def before_page_body(conn: Connection, district_code: str, since: int, limit: int,
                     subdistricts: Sequence[str] = ()) -> tuple[bytes, int, bool]:
    """What the route sent before: that page's text, encoded."""
    text, next_cursor, more = before_pull_page_json(conn, district_code, since, limit,
                                                    subdistricts)
    return text.encode(), next_cursor, more


def seed(engine: Engine, count: int) -> None:
    rng = random.Random(5)
    clock = HybridLogicalClock("bench_phone")
    with engine.begin() as conn:
        create_district(conn, DISTRICT)
    now = datetime.now(UTC)
    for start in range(0, count, 500):
        with engine.begin() as conn:
            writer = RecordWriter(conn, DISTRICT)
            for n in range(start, min(count, start + 500)):
                data = survey_fields(rng, n)
                clocks = {name: clock.now().encode() for name in data}
                writer.put(uuid.uuid4().hex, "producer", RecordState(data, clocks, False), 1)
            writer.flush(now)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:  # as autovacuum would after such a load
            conn.exec_driver_sql("ANALYZE records")


def time_pages(engine: Engine, fn: PageFn, page: int, seconds: float
               ) -> tuple[list[float], list[float], int]:
    """CPU and wall ms per page, and records read, paging the feed from 0 until `seconds`."""
    engine = read_only(engine)
    cpu: list[float] = []
    wall: list[float] = []
    read = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        cursor, more = 0, True
        while more:
            c0, w0 = time.process_time(), time.perf_counter()
            with engine.connect() as conn:
                body, cursor, more = fn(conn, DISTRICT, cursor, page, ())
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
            read += body.count(b'"schema_version"')  # one per record
    return cpu, wall, read


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def run(label: str, engine: Engine, args: argparse.Namespace) -> None:
    seed(engine, args.records)
    impls: dict[str, PageFn] = {"before": before_page_body, "now": pull_page_body}
    # Both must give the same records (decoded) before either is timed.
    with read_only(engine).connect() as conn:
        a = before_page_body(conn, DISTRICT, 0, args.page)
        b = pull_page_body(conn, DISTRICT, 0, args.page)
    assert json.loads(a[0]) == json.loads(b[0]) and a[1:] == b[1:], "results differ"
    for fn in impls.values():
        time_pages(engine, fn, args.page, 0.5)  # warm the caches and the pool
    results: dict[str, tuple[list[float], list[float], int]] = {}
    for _ in range(2):  # alternate, so drift hits both alike
        for name, fn in impls.items():
            cpu, wall, read = time_pages(engine, fn, args.page, args.seconds / 2)
            prev = results.get(name, ([], [], 0))
            results[name] = (prev[0] + cpu, prev[1] + wall, prev[2] + read)
    for name, (cpu, wall, read) in results.items():
        print(f"{label:10} {name:6} pages {len(cpu):5}  CPU/page median "
              f"{statistics.median(cpu):6.2f} ms p95 {p95(cpu):6.2f} ms  wall/page median "
              f"{statistics.median(wall):6.2f} ms p95 {p95(wall):6.2f} ms  "
              f"CPU/record {sum(cpu) * 1000 / read:5.2f} µs")
    if args.contention:
        contention(label, engine, impls, args.page, args.seconds / 2)


def contention(label: str, engine: Engine, impls: dict[str, PageFn], page: int,
               seconds: float) -> None:
    """Wall ms per page while another thread of this process burns CPU in Python."""
    ro = read_only(engine)
    stop = threading.Event()

    def burn() -> None:
        n = 0
        while not stop.is_set():
            n += sum(i * i for i in range(200))

    async def pages(fn: PageFn, in_pool: bool) -> list[float]:
        def read(cursor: int) -> tuple[bytes, int, bool]:
            with ro.connect() as conn:
                return fn(conn, DISTRICT, cursor, page, ())
        wall: list[float] = []
        end = time.perf_counter() + seconds
        cursor = 0
        while time.perf_counter() < end:
            w0 = time.perf_counter()
            _body, cursor, more = await run_in_threadpool(read, cursor) if in_pool \
                else read(cursor)
            wall.append((time.perf_counter() - w0) * 1000)
            cursor = cursor if more else 0
        return wall

    burner = threading.Thread(target=burn, daemon=True)
    burner.start()
    try:
        for name, fn in impls.items():
            for in_pool in (True, False):
                wall = asyncio.run(pages(fn, in_pool))
                where = "pool" if in_pool else "loop"
                print(f"{label:10} {name:6} {where}  pages {len(wall):5}  wall/page with a "
                      f"CPU-bound thread: median {statistics.median(wall):7.2f} ms p95 "
                      f"{p95(wall):7.2f} ms")
    finally:
        stop.set()
        burner.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--page", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--pg", action="store_true", help="also on PostgreSQL")
    parser.add_argument("--contention", action="store_true",
                        help="also with a CPU-bound thread, in the pool and on the loop")
    args = parser.parse_args()
    require_readme_environment()
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine_inline()}")
    print(f"{args.records} producers, {args.page} a page")
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'district.sqlite3'}")
        migrate(engine)
        try:
            run("sqlite", engine, args)
        finally:
            engine.dispose()
    if args.pg:
        admin = os.environ["TAMBON_PG_ADMIN_URL"]
        url = create_database(admin, "tambon_bench")
        engine = make_engine(url)
        try:
            migrate(engine)
            run("postgresql", engine, args)
        finally:
            engine.dispose()
            drop_database(admin, url)


if __name__ == "__main__":
    main()
