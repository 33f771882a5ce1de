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
same user can join the port (Linux rule).
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

__all__ = ["serve_processes"]

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
    config = uvicorn.Config("sync_server.asgi:create", factory=True, host=host, port=port,
                            access_log=False, log_config=None, proxy_headers=False)
    uvicorn.Server(config).run(sockets=[sock])


def serve_processes(host: str, port: int, workers: int) -> int:
    """Run `workers` server processes on host:port until SIGINT/SIGTERM; the exit status."""
    try:
        _socket(host, port).close()  # the port is ours to share (else: a clear error now)
    except OSError as exc:
        print(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}\n"
              f"ข้อผิดพลาด: เปิดพอร์ต {host}:{port} ไม่ได้: {exc.strerror or exc}",
              file=sys.stderr)
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
