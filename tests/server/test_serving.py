"""`serve --workers N` (and `serve` on a multi-core machine): one socket per process.

Real server processes on 127.0.0.1 (`sync_server/serving.py`):
- a burst of new connections is spread over the processes (each process listens on its
  own socket; the kernel hashes connections over them);
- SIGTERM stops every worker and the parent exits 0;
- a worker that dies is replaced and the server keeps answering;
- a worker whose parent was killed stops by itself (it must not keep the port);
- a port another program holds is a clear error in English and Thai, exit 2 (one process
  or several);
- every process runs on uvloop's event loop and httptools' parser (the installed server
  extra), says so in its log and has uvloop's library mapped;
- the app compiles every record validator as it is built, before the first push.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.server import ROOT, ServerProcess, start_server


def _children(pid: int) -> list[int]:
    """The server workers among `pid`'s children (multiprocessing's resource tracker is a
    child too)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"resource_tracker" not in command:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[ServerProcess]:
    server = start_server(tmp_path / "data", workers=2)
    yield server
    server.stop()


def test_connections_are_spread_over_the_processes(two_workers: ServerProcess) -> None:
    """60 phones connect at the same moment (the end of a meeting), then each asks once."""
    host, port = two_workers.base_url.removeprefix("http://").split(":")

    async def burst() -> None:
        opened = await asyncio.gather(*(asyncio.open_connection(host, int(port))
                                        for _ in range(60)))
        for _reader, writer in opened:
            writer.write(f"GET /api/v1/health HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        for reader, writer in opened:
            assert (await reader.readuntil(b"\r\n")).startswith(b"HTTP/1.1 200")
            writer.close()

    asyncio.run(burst())
    pids = Counter(json.loads(line)["pid"] for line in two_workers.log().splitlines()
                   if line.startswith("{") and '"/api/v1/health"' in line)
    assert sum(pids.values()) >= 60 and len(pids) == 2, pids
    # Binomial(60, 1/2): below 15 on one side has a chance of about 1 in 50,000.
    assert min(pids.values()) >= 15, pids


def test_sigterm_stops_every_worker(two_workers: ServerProcess) -> None:
    workers = _children(two_workers.process.pid)
    assert len(workers) == 2
    two_workers.process.send_signal(signal.SIGTERM)
    assert two_workers.process.wait(timeout=30) == 0
    assert _wait(lambda: not any(_alive(w) for w in workers))


def test_a_worker_that_dies_is_replaced(two_workers: ServerProcess) -> None:
    first = _children(two_workers.process.pid)
    os.kill(first[0], signal.SIGKILL)
    assert _wait(lambda: len(set(_children(two_workers.process.pid)) - set(first)) == 1)
    assert _wait(lambda: two_workers.log().count("Application startup complete") >= 3)
    for _ in range(20):
        assert httpx.get(f"{two_workers.base_url}/api/v1/health", timeout=10).status_code \
            == 200
    assert "starting another" in two_workers.log()


def test_workers_stop_when_their_parent_is_killed(two_workers: ServerProcess) -> None:
    workers = _children(two_workers.process.pid)
    two_workers.process.kill()
    two_workers.process.wait(timeout=10)
    assert _wait(lambda: not any(_alive(w) for w in workers))


def _maps_uvloop(pid: int) -> bool:
    return "/uvloop/loop." in Path(f"/proc/{pid}/maps").read_text()


def test_every_process_runs_on_uvloop_and_httptools(two_workers: ServerProcess,
                                                     tmp_path: Path) -> None:
    """The README's server gets 18 % more pushes per second from uvloop than from asyncio's
    own loop (docs/bench-sync.md); a venv without it must not pass unnoticed."""
    said = [json.loads(line) for line in two_workers.log().splitlines()
            if line.startswith("{") and "event loop" in line]
    assert sorted(entry["message"].split(":")[1] for entry in said) == \
        [" event loop uvloop, HTTP parser httptools"] * 2, said
    workers = _children(two_workers.process.pid)
    assert len(workers) == 2 and all(_maps_uvloop(pid) for pid in workers)
    one = start_server(tmp_path / "one", workers=1)
    try:
        assert "event loop uvloop, HTTP parser httptools" in one.log()
        assert _maps_uvloop(one.process.pid)
    finally:
        one.stop()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_port_in_use_is_a_clear_error(tmp_path: Path, workers: str) -> None:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]
    try:
        done = subprocess.run(
            [sys.executable, "-m", "sync_server", "serve", "--host", "127.0.0.1", "--port",
             str(port), "--workers", workers],
            cwd=ROOT, env={**os.environ, "TAMBON_DATA_DIR": str(tmp_path)},
            capture_output=True, text=True, timeout=60)
    finally:
        holder.close()
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "เปิดพอร์ต" in done.stderr


def test_the_app_compiles_every_validator_as_it_is_built(tmp_path: Path) -> None:
    """docs/record-model.md promises it: the first phone's push does not pay ~20 ms for
    compiling the record validators. In a fresh interpreter, so nothing else warmed them."""
    code = (
        "import os, sys\n"
        "from schemas import RECORD_TYPES\n"
        "from schemas._loader import collector, fast_check\n"
        "from sync_server.app import create_app\n"
        "from sync_server.settings import Settings\n"
        "assert fast_check.cache_info().currsize == 0\n"
        "create_app(Settings.for_data_dir(sys.argv[1]))\n"
        "want = 2 * len(RECORD_TYPES)\n"
        "got = (collector.cache_info().currsize, fast_check.cache_info().currsize)\n"
        "sys.exit(0 if got == (want, want) else f'compiled {got}, want {want}')\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr + done.stdout
