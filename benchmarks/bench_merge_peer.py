"""Sync merge under load against a peer: our server vs a PouchDB server (CouchDB protocol).

    .venv/bin/python benchmarks/bench_merge_peer.py [--sizes 10,50,100,200] [--repeats 1]
        [--pg] [--pg-workers 2,4] [--pg-sizes 50] [--pull] [--profile DIR] [--link-mbps N]

The peer: `pouchdb-server` (LevelDB) installed from npm into a cache folder
(`$TAMBON_BENCH_CACHE`, default `~/.cache/tambon-bench`; `npm install pouchdb-server`) and
started on 127.0.0.1. Ours: started exactly as the README's run command starts it
(`python -m sync_server serve --host 127.0.0.1 --port P`: one process per core, SQLite in
the data directory, default settings), on a fresh migrated database with one enrolled device per
phone. Runs alternate, peer then ours, at each size.

Load shape: N phones at once, each sends 10 pushes of 20 new survey-size records, one push
after another on its own keep-alive connection (a raw HTTP/1.1 client, `RawHttp`). Ours:
the sync push, gzip as the phone sends it. Peer: `POST /{db}/_bulk_docs` with the same
documents (JSON, as PouchDB replication sends it). A 5xx is counted and retried (503:
after Retry-After, as the phone does); a push not answered within `--deadline` seconds of
the run's start is unfinished.

Printed per run: records/s (records acknowledged / wall time), push p50 and p95, 5xx met,
unfinished pushes, request bytes, and ours ÷ peer in the same round. `--pull`: pull p95
while 100 phones push (100 other phones page the feed meanwhile, asking for gzip as the
phone's httpx does; `BENCH_PULL_ENCODING=identity` for plain pages). `--link-mbps N`:
every run (peer and ours) through one shared link of N Mbit/s each way, as the phones at
the monthly meeting share the office's Wi-Fi. `--pg`: ours on
PostgreSQL (TAMBON_PG_ADMIN_URL) with `--workers` 2 and 4. `--profile DIR`: py-spy records
our server during each SQLite run (raw collapsed stacks of the GIL holder, summarised).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._machine import machine_inline, require_readme_environment  # noqa: E402
from recordsync.hlc import HybridLogicalClock  # noqa: E402
from sync_server.cli import default_workers  # noqa: E402

PUSHES = 10
# What pullers send as Accept-Encoding: httpx's default, as the phone's sync client.
PULL_ENCODING = os.environ.get("BENCH_PULL_ENCODING", "gzip, deflate")
RECORDS = 20
OURS_LABEL = f"ours, SQLite, as the README ({default_workers()} workers)"
CACHE = Path(os.environ.get("TAMBON_BENCH_CACHE", Path.home() / ".cache" / "tambon-bench"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def survey_fields(rng: random.Random, n: int) -> dict[str, Any]:
    """A producer as an officer records it on a visit (about 1 KB of JSON)."""
    sub = f"2403{rng.randint(1, 9):02d}"
    return {
        "name_th": f"วิสาหกิจชุมชนกลุ่มแม่บ้านเกษตรกรบ้านคลอง {n}",
        "name_en": f"Ban Khlong Housewives Farmers Group {n}",
        "producer_type": "community_enterprise",
        "contact_person": "นางสมศรี ใจดี",
        "phone": f"08{rng.randint(10_000_000, 99_999_999)}",
        "address": {"house_no": f"{rng.randint(1, 200)}/{rng.randint(1, 9)}",
                    "moo": rng.randint(1, 12), "subdistrict_code": sub,
                    "district_code": "2403", "province_code": "24"},
        "members_count": rng.randint(7, 60),
        "year_founded_be": 2560,
        "notes": "ผลิตปลาสลิดแดดเดียวและน้ำพริกปลาสลิด ส่งขายตลาดนัดชุมชนและร้านของฝาก"
                 " ต้องการสนับสนุนบรรจุภัณฑ์และการขอรับรองมาตรฐาน อย. กำลังการผลิตเดือนละ"
                 " 300 กิโลกรัม",
    }


@dataclass
class RunResult:
    target: str
    phones: int
    records: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors_5xx: int = 0
    unfinished: int = 0
    bytes_sent: int = 0
    refused: int = 0  # records the server answered but did not store (must stay 0)
    pull_latencies: list[float] = field(default_factory=list)
    pull_errors: int = 0  # pulls answered with an error status (must stay 0)
    pull_bytes: int = 0  # pull answers' bodies as sent (gzip when the server compressed)
    dropped: int = 0  # connections the server closed without answering (sent again)

    @property
    def per_s(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0

    def pct(self, values: list[float], q: int) -> float:
        if not values:
            return float("nan")
        if len(values) == 1:
            return values[0] * 1000
        return statistics.quantiles(values, n=100)[q - 1] * 1000

    def line(self, peer: RunResult | None = None) -> str:
        ratio = f" | {self.per_s / peer.per_s:.2f}×" if peer and peer.per_s else ""
        pull = (f" | pull p95 {self.pct(self.pull_latencies, 95):,.0f} ms "
                f"({len(self.pull_latencies)} pulls, {self.pull_errors} failed, "
                f"{self.pull_bytes // max(1, len(self.pull_latencies)):,} B each)"
                if self.pull_latencies or self.pull_errors else "")
        refused = f" ({self.refused} REFUSED)" if self.refused else ""
        refused += f" ({self.dropped} connections DROPPED)" if self.dropped else ""
        return (f"| {self.target}{refused} | {self.phones} | {self.per_s:,.0f} | "
                f"{self.pct(self.latencies, 50):,.0f} | {self.pct(self.latencies, 95):,.0f} | "
                f"{self.errors_5xx} | {self.unfinished} | {self.bytes_sent:,}{ratio}{pull} |")


# --- the two servers -------------------------------------------------------------------

def ensure_pouchdb() -> Path:
    binary = CACHE / "pouchdb" / "node_modules" / ".bin" / "pouchdb-server"
    if not binary.exists():
        (CACHE / "pouchdb").mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix",
                        str(CACHE / "pouchdb"), "pouchdb-server"], check=True)
    return binary


def wait_http(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: server exited")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


@contextmanager
def pouchdb_server(root: Path) -> Iterator[str]:
    binary = ensure_pouchdb()
    port = free_port()
    data = root / "pouchdb"
    data.mkdir(parents=True, exist_ok=True)
    with open(root / "pouchdb.log", "wb") as log:
        proc = subprocess.Popen([str(binary), "--host", "127.0.0.1", "--port", str(port),
                                 "--dir", str(data)], stdout=log, stderr=log, cwd=data)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/", proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@dataclass
class Ours:
    base_url: str
    tokens: list[tuple[str, str]]  # (device id, token)
    pid: int


@contextmanager
def our_server(root: Path, phones: int, database_url: str | None = None,
               workers: int | None = None) -> Iterator[Ours]:
    """Ours, started as the README's run command starts it (`workers=None`: no --workers,
    so one process per core), or with `--workers N`."""
    from sync_server.accounts import create_district, create_user
    from sync_server.auth import create_device
    from sync_server.db.engine import make_engine, migrate

    root.mkdir(parents=True, exist_ok=True)
    url = database_url or f"sqlite:///{root / 'district.sqlite3'}"
    engine = make_engine(url)
    tokens: list[tuple[str, str]] = []
    try:
        migrate(engine)
        with engine.begin() as conn:
            create_district(conn, "2403")
            for n in range(phones):
                user = create_user(conn, district_code="2403", role="officer",
                                   display_name=f"นักวิชาการพัฒนาชุมชน {n}")
                tokens.append(create_device(conn, user_id=user, name=f"phone {n}"))
    finally:
        engine.dispose()
    port = free_port()
    env = {**os.environ, "TAMBON_DATA_DIR": str(root), "DATABASE_URL": url,
           "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "sync_server", "serve", "--host", "127.0.0.1",
               "--port", str(port)]
    if workers is not None:
        command += ["--workers", str(workers)]
    expected = default_workers() if workers is None else workers
    with open(root / "server.log", "wb") as log:
        proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/api/v1/health", proc)
        deadline = time.monotonic() + 60
        while ((root / "server.log").read_text(errors="replace")
               .count("Application startup complete") < expected
               and time.monotonic() < deadline):
            time.sleep(0.1)  # every worker up
        yield Ours(base, tokens, proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        errors = [line for line in (root / "server.log").read_text(errors="replace")
                  .splitlines() if "Traceback" in line or '"level": "error"' in line]
        if errors:
            print(f"  server logged {len(errors)} errors, first: {errors[0][:300]}")


# --- the load -------------------------------------------------------------------------

def our_bodies(device_id: str, phone: int) -> list[bytes]:
    rng = random.Random(phone)
    clock = HybridLogicalClock(device_id)
    out = []
    for p in range(PUSHES):
        changes = []
        for i in range(RECORDS):
            fields = survey_fields(rng, phone * 1000 + p * RECORDS + i)
            stamp = clock.now().encode()
            changes.append({"change_id": uuid.uuid4().hex, "record_type": "producer",
                            "record_id": uuid.uuid4().hex, "device_id": device_id,
                            "fields": fields, "clocks": dict.fromkeys(fields, stamp),
                            "base_clocks": dict.fromkeys(fields), "deleted": False,
                            "schema_version": 1})
        out.append(gzip.compress(json.dumps({"changes": changes},
                                            ensure_ascii=False).encode()))
    return out


def peer_bodies(phone: int) -> list[bytes]:
    rng = random.Random(phone)
    out = []
    for p in range(PUSHES):
        docs = [{"_id": uuid.uuid4().hex, "type": "producer",
                 **survey_fields(rng, phone * 1000 + p * RECORDS + i)} for i in range(RECORDS)]
        out.append(json.dumps({"docs": docs}, ensure_ascii=False).encode())
    return out


class RawHttp:
    """A minimal HTTP/1.1 keep-alive client for the load: request bytes built once, the
    answer read by Content-Length. httpx cost the load generator ~3 ms of CPU per push on
    this 2-core machine, as much as half the server's, so the generator itself was part of
    what was measured (for the peer and for ours alike). Real phones are separate devices."""

    def __init__(self, base: str) -> None:
        host_port = base.split("://", 1)[1]
        self.host, port = host_port.rsplit(":", 1)
        self.port = int(port)
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def request_bytes(self, method: str, path: str, headers: dict[str, str],
                      body: bytes = b"") -> bytes:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                 *(f"{k}: {v}" for k, v in headers.items())]
        if method != "GET":
            lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    async def send(self, request: bytes, result: RunResult | None = None
                   ) -> tuple[int, dict[str, str], bytes]:
        """One request and its answer. A connection the server closed before answering is
        opened again and the request sent once more (as the phone's client does; a push is
        idempotent), counted in `result.dropped`."""
        for attempt in (1, 2):
            if self.writer is None:
                await self.connect()
            assert self.reader is not None and self.writer is not None
            self.writer.write(request)
            try:
                head = await self.reader.readuntil(b"\r\n\r\n")
                break
            except (asyncio.IncompleteReadError, ConnectionResetError) as exc:
                if (isinstance(exc, asyncio.IncompleteReadError) and exc.partial) or attempt == 2:
                    raise
                if result is not None:
                    result.dropped += 1
                self.writer.close()
                self.reader = self.writer = None
        assert self.reader is not None and self.writer is not None
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers = {}
        for line in header_lines:
            if ":" in line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.writer.close()
            self.reader = self.writer = None
        return status, headers, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


_NEXT = re.compile(rb'"next":"([0-9]+)","more":(true|false)')


async def run_load(result: RunResult, url: str, bodies: list[list[bytes]],
                   headers: list[dict[str, str]], deadline_s: float,
                   pullers: list[dict[str, str]] | None = None, pull_url: str = "") -> None:
    start_event = asyncio.Event()
    done_pushing = asyncio.Event()
    finished = 0
    base, path = url.split("/", 3)[:3], "/" + url.split("/", 3)[3]
    base_url = "/".join(base)

    async def phone(i: int) -> None:
        nonlocal finished
        http = RawHttp(base_url)
        await http.connect()  # connected before the start, as a phone on the Wi-Fi
        requests = [http.request_bytes("POST", path, headers[i], body) for body in bodies[i]]
        await start_event.wait()
        try:
            for request, body in zip(requests, bodies[i], strict=True):
                sent_at = time.perf_counter()
                while True:
                    result.bytes_sent += len(body)
                    status, answer_headers, answer = await http.send(request, result)
                    if status < 500:
                        break
                    result.errors_5xx += 1
                    wait = float(answer_headers.get("retry-after", "0.2") or 0.2)
                    await asyncio.sleep(min(wait, 5) * (1 + random.random()))
                if status >= 300:
                    raise RuntimeError(f"push answered {status}: {answer[:200]!r}")
                result.latencies.append(time.perf_counter() - sent_at)
                stored = _stored(json.loads(answer))
                result.refused += RECORDS - stored
                result.records += stored
                finished += 1
        finally:
            http.close()

    async def puller(h: dict[str, str]) -> None:
        http = RawHttp(base_url)
        await http.connect()
        pull_path = "/" + pull_url.split("/", 3)[3]
        await start_event.wait()
        since = "0"
        try:
            while not done_pushing.is_set():
                sent_at = time.perf_counter()
                status, answer_headers, answer = await http.send(http.request_bytes(
                    "GET", f"{pull_path}?since={since}&limit=200", h), result)
                if status != 200:
                    result.pull_errors += 1
                    await asyncio.sleep(0.2)
                    continue
                result.pull_latencies.append(time.perf_counter() - sent_at)
                result.pull_bytes += len(answer)
                if answer_headers.get("content-encoding") == "gzip":
                    answer = zlib.decompress(answer, wbits=31)
                # The page's tail says where to go on (the phone decodes the records on its
                # own CPU; decoding 200 KB here would make the generator the bottleneck).
                found = _NEXT.search(answer, max(0, len(answer) - 200))
                if found is None:
                    raise RuntimeError(f"pull page without next: {answer[-200:]!r}")
                since = found.group(1).decode()
                if found.group(2) == b"false":
                    await asyncio.sleep(0.2)
        finally:
            http.close()

    tasks = [asyncio.create_task(phone(i)) for i in range(len(bodies))]
    pull_tasks = [asyncio.create_task(puller(h)) for h in pullers or []]
    await asyncio.sleep(1.0)
    start = time.perf_counter()
    start_event.set()
    done, pending = await asyncio.wait(tasks, timeout=deadline_s)
    result.seconds = time.perf_counter() - start
    done_pushing.set()
    for task in pending:
        task.cancel()
    result.unfinished = len(bodies) * PUSHES - finished
    for task in done:
        if task.exception() is not None:
            print(f"  a phone failed: {task.exception()!r}")
    await asyncio.gather(*pull_tasks, return_exceptions=True)


def _stored(body: Any) -> int:
    """Records an answer acknowledges as stored (ours: `results`, PouchDB: a list)."""
    if isinstance(body, list):
        return sum(1 for r in body if r.get("ok"))
    return sum(1 for r in body["results"] if r["status"] in ("applied", "already_had"))


# `--link-mbps`: every phone of a run reaches the server through one shared link of this
# many Mbit/s each way (the district office's Wi-Fi at the monthly meeting), 2 ms each way.
LINK_MBPS: float | None = None


@contextlib.contextmanager
def through_link(base: str) -> Iterator[str]:
    """`base`, or the address of a proxy that gives all connections one shared link
    (`tests/support/faultproxy.py`: one token bucket per direction) when `LINK_MBPS`."""
    if LINK_MBPS is None:
        yield base
        return
    from tests.support.faultproxy import FaultProxy, Faults

    host, port = base.removeprefix("http://").rsplit(":", 1)
    proxy = FaultProxy(upstream=(host, int(port)),
                       faults=Faults(latency_ms=2, bandwidth_bps=int(LINK_MBPS * 1e6)))
    with proxy.running() as (proxy_host, proxy_port):
        yield f"http://{proxy_host}:{proxy_port}"


def run_peer(base: str, phones: int, deadline_s: float) -> RunResult:
    db = f"district_{uuid.uuid4().hex[:8]}"
    httpx.put(f"{base}/{db}", timeout=30).raise_for_status()
    bodies = [peer_bodies(i) for i in range(phones)]
    headers = [{"Content-Type": "application/json"} for _ in range(phones)]
    result = RunResult("PouchDB server", phones)
    with through_link(base) as url:
        asyncio.run(run_load(result, f"{url}/{db}/_bulk_docs", bodies, headers, deadline_s))
    return result


def run_ours(root: Path, phones: int, deadline_s: float, *, label: str,
             database_url: str | None = None, workers: int | None = None, pull: bool = False,
             profile: Path | None = None) -> RunResult:
    total = phones + (100 if pull else 0)
    with our_server(root, total, database_url, workers) as server:
        pushers = server.tokens[:phones]
        bodies = [our_bodies(device_id, i) for i, (device_id, _t) in enumerate(pushers)]
        headers = [{"Authorization": f"Bearer {t}", "Content-Encoding": "gzip",
                    "Content-Type": "application/json"} for _d, t in pushers]
        # As the phone's httpx asks by default: gzip pages (sync_server/encoding.py).
        pullers = [{"Authorization": f"Bearer {t}", "Accept-Encoding": PULL_ENCODING}
                   for _d, t in server.tokens[phones:]]
        result = RunResult(label, phones)
        spy = None
        if profile is not None:
            # --gil: only the thread holding the GIL is sampled, so the shares are of the
            # CPU the processes' Python spends (threads waiting for the GIL or I/O are not
            # counted as busy in the frame where they wait).
            spy = subprocess.Popen(["py-spy", "record", "--gil", "--format", "raw",
                                    "--rate", "200", "--pid", str(server.pid), "--subprocesses",
                                    "-o", str(profile)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)
        try:
            with through_link(server.base_url) as url:
                asyncio.run(run_load(result, f"{url}/api/v1/sync/push", bodies, headers,
                                     deadline_s, pullers, f"{url}/api/v1/sync/pull"))
        finally:
            if spy is not None:
                spy.send_signal(2)
                spy.wait(timeout=60)
        return result


def summarise_profile(path: Path, top: int = 30) -> str:
    """The top functions of a py-spy raw (collapsed) profile: share of samples in which
    each appears (inclusive) and at the top of the stack (self)."""
    if not path.exists():
        return "(no profile)"
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        try:
            count = int(count_text)
        except ValueError:
            continue
        # The process's name (its command line, which may span lines) is no function.
        frames = [f for f in stack.split(";")
                  if not f.startswith(("process ", " spawn_main("))]
        total += count
        names = [f.split(" (")[0] + " (" + f.split(" (")[1].split(":")[0].rsplit("/", 1)[-1]
                 + ")" if " (" in f else f for f in frames]
        for name in set(names):
            inclusive[name] += count
        own[names[-1]] += count
    if not total:
        return "(empty profile)"
    lines = [f"samples: {total}", "inclusive:"]
    lines += [f"  {100 * c / total:5.1f}%  {n}" for n, c in inclusive.most_common(top)]
    lines += ["self:"]
    lines += [f"  {100 * c / total:5.1f}%  {n}" for n, c in own.most_common(top)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10,50,100,200")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--deadline", type=float, default=90.0)
    parser.add_argument("--pg", action="store_true")
    parser.add_argument("--pg-workers", default="2,4")
    parser.add_argument("--pg-sizes", default="50")
    parser.add_argument("--pull", action="store_true", help="pull p95 while 100 push")
    parser.add_argument("--profile", type=Path, help="py-spy raw profiles into this folder")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--link-mbps", type=float,
                        help="every run through one shared link of this many Mbit/s")
    args = parser.parse_args()
    require_readme_environment()
    global LINK_MBPS
    LINK_MBPS = args.link_mbps
    sizes = [int(s) for s in args.sizes.split(",") if s]
    print(f"# bench_merge_peer {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine_inline()}")
    from sync_server.serving import runtime
    link = (f"; every run through one shared {LINK_MBPS:g} Mbit/s link, 2 ms each way"
            if LINK_MBPS else "")
    print(f"# {PUSHES} pushes of {RECORDS} records per phone; our server on "
          f"{', '.join(runtime())}, packages as in constraints.txt{link}\n")
    print("| server | phones | records/s | p50 ms | p95 ms | 5xx | unfinished | bytes sent"
          " | ÷ peer |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="bench-peer-") as tmp, \
            pouchdb_server(Path(tmp)) as peer_url:
        root = Path(tmp)
        for size in sizes:
            for rep in range(args.repeats):
                peer = None if args.no_peer else run_peer(peer_url, size, args.deadline)
                if peer:
                    print(peer.line(), flush=True)
                profile = (args.profile / f"ours-sqlite-{size}-{rep}.txt"
                           if args.profile else None)
                if profile:
                    profile.parent.mkdir(parents=True, exist_ok=True)
                ours = run_ours(root / f"ours-{size}-{rep}", size, args.deadline,
                                label=OURS_LABEL, profile=profile)
                print(ours.line(peer), flush=True)
                shutil.rmtree(root / f"ours-{size}-{rep}", ignore_errors=True)
        if args.pull:
            peer = None if args.no_peer else run_peer(peer_url, 100, args.deadline)
            if peer:
                print(peer.line(), flush=True)
            ours = run_ours(root / "ours-pull", 100, args.deadline,
                            label=OURS_LABEL + ", +100 pulling", pull=True)
            print(ours.line(peer), flush=True)
        if args.pg:
            from tests.support.pg import create_database, drop_database
            admin = os.environ["TAMBON_PG_ADMIN_URL"]
            for size in [int(s) for s in args.pg_sizes.split(",") if s]:
                for workers in [int(w) for w in args.pg_workers.split(",") if w]:
                    peer = None if args.no_peer else run_peer(peer_url, size, args.deadline)
                    if peer:
                        print(peer.line(), flush=True)
                    url = create_database(admin, "tambon_bench_peer")
                    try:
                        ours = run_ours(root / f"pg-{size}-{workers}", size, args.deadline,
                                        label=f"ours, PostgreSQL, {workers} workers",
                                        database_url=url, workers=workers)
                    finally:
                        drop_database(admin, url)
                    print(ours.line(peer), flush=True)
    if args.profile:
        for path in sorted(args.profile.glob("*.txt")):
            print(f"\n## {path.name}\n{summarise_profile(path)}")


if __name__ == "__main__":
    main()
