"""Several server processes on one port, each with its own listening socket (SO_REUSEPORT).

Why not uvicorn's `--workers`: its workers share ONE listening socket and take connections
as they happen to wake up, and asyncio accepts every waiting connection at once when one
does. With 50 phones each keeping its connection, one process served 65-74 % of the pushes
in three benchmark runs (130/370, 170/330, 180/320), and the busier one set the p95. With a
socket per process bound with SO_REUSEPORT the kernel spreads connections by their address
hash (180/320-210/290 in three runs): 5,191-6,092 records/s and p95 208-254 ms at 50 phones
against 4,620-5,223 and 248-310 ms (2026-12-05, docs/bench-sync.md).

Each worker is a spawned process running `uvicorn.Server` on `sync_server.asgi:create`
(the factory builds the app in the worker) with its own socket. The parent starts them,
forwards SIGINT/SIGTERM, restarts a worker that dies on its own (not one that fails while
starting, three times in a row: then it stops everything and exits 1), and returns when
all have stopped; a worker whose parent was killed stops by itself. Only processes of the
same user can join the port (Linux rule). `serve_one` runs a single process in place.

Every process runs on uvloop's event loop and httptools' parser when they are installed
(the server extra pins both; uvicorn's "auto" picks them) and says so in its log; on
asyncio's own loop it warns.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import sys
import time
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import uvicorn

__all__ = ["port_free", "runtime", "serve_one", "serve_processes"]

log = logging.getLogger("sync_server.serving")

_FAST_FAILURE_S = 5.0  # a worker that dies this soon after starting failed to start
_MAX_FAST_FAILURES = 3


def _socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def port_free(host: str, port: int) -> bool:
    """Whether this process may listen on host:port (shared with its own workers); when
    not, says why on stderr in English and Thai."""
    try:
        _socket(host, port).close()
    except OSError as exc:
        print(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}\n"
              f"ข้อผิดพลาด: เปิดพอร์ต {host}:{port} ไม่ได้: {exc.strerror or exc}",
              file=sys.stderr)
        return False
    return True


def runtime() -> tuple[str, str]:
    """The event loop and HTTP parser uvicorn's "auto" picks in this environment: uvloop
    and httptools when installed (the server extra pins both), else asyncio and h11."""
    import uvicorn
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    loop_factory = uvicorn.Config("sync_server.asgi:create").get_loop_factory()
    loop = (loop_factory.__module__ if loop_factory is not None else "asyncio").split(".")[0]
    http = "httptools" if AutoHTTPProtocol.__name__ == "HttpToolsProtocol" else "h11"
    return loop, http


def _config(host: str, port: int) -> uvicorn.Config:
    """One configuration for every server process; logs what it will run on. The 50-phone
    benchmark does 18 % more pushes per second on uvloop than on asyncio's own loop
    (2026-12-06, docs/bench-sync.md), so falling back to it is a warning."""
    import uvicorn

    loop, http = runtime()
    if (loop, http) == ("uvloop", "httptools"):
        log.info("server process %d: event loop uvloop, HTTP parser httptools", os.getpid())
    else:
        log.warning("server process %d: event loop %s, HTTP parser %s; uvloop and httptools "
                    "(in the server extra) serve about a fifth more pushes per second",
                    os.getpid(), loop, http)
    return uvicorn.Config("sync_server.asgi:create", factory=True, host=host, port=port,
                          access_log=False, log_config=None, proxy_headers=False)


def serve_one(host: str, port: int) -> int:
    """One server process, in this process, until SIGINT/SIGTERM; the exit status (2: the
    port is taken; 3: the server could not start, as `uvicorn.run` says it)."""
    import uvicorn

    if not port_free(host, port):
        return 2
    server = uvicorn.Server(_config(host, port))
    server.run()
    return 0 if server.started else 3


def _worker(host: str, port: int, parent: int) -> None:  # pragma: no cover - in the child
    import threading

    import uvicorn

    from sync_server.middleware import configure_logging

    def orphaned() -> None:
        # The parent was killed (SIGKILL, no chance to stop us): stop, do not hold the port.
        while os.getppid() == parent:
            time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=orphaned, daemon=True, name="parent-watch").start()
    configure_logging()
    sock = _socket(host, port)
    uvicorn.Server(_config(host, port)).run(sockets=[sock])


def serve_processes(host: str, port: int, workers: int) -> int:
    """Run `workers` server processes on host:port until SIGINT/SIGTERM; the exit status."""
    if not port_free(host, port):
        return 2
    context = multiprocessing.get_context("spawn")
    stopping = False

    def start() -> tuple[BaseProcess, float]:
        process = context.Process(target=_worker, args=(host, port, os.getpid()),
                                  name="sync-server-worker")
        process.start()
        return process, time.monotonic()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        # SIGTERM to each (a Ctrl-C already sent them SIGINT; a second SIGINT would make
        # uvicorn skip its graceful shutdown).
        nonlocal stopping
        stopping = True
        for process, _started in running:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)

    running = [start() for _ in range(workers)]
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    fast_failures = 0
    status = 0
    try:
        while running:
            time.sleep(0.2)
            for entry in list(running):
                process, started = entry
                if process.is_alive():
                    continue
                process.join()
                if stopping:
                    running.remove(entry)
                    continue
                fast_failures = (fast_failures + 1
                                 if time.monotonic() - started < _FAST_FAILURE_S else 0)
                if fast_failures >= _MAX_FAST_FAILURES:
                    log.error("server workers keep failing as they start; stopping")
                    status = 1
                    stop(signal.SIGTERM, None)
                    running.remove(entry)
                    continue
                log.warning("server worker %s exited with %s; starting another",
                            process.pid, process.exitcode)
                running[running.index(entry)] = start()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status
