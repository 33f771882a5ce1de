"""A pre-forking runner for crash tests: `python -m tests.sync.forkserver --fd N --workers W`.

It imports the real application once, then forks workers that each build the app
(`sync_server.asgi.create`) and serve the shared socket with uvicorn. A worker that dies (the
crash tests SIGKILL them) is replaced by a new fork in milliseconds instead of a new
interpreter's two seconds of imports, so a test can kill the server a hundred times quickly.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import sys

import uvicorn

import sync_server.app  # noqa: F401  (imported before forking: the expensive part)
from sync_server.asgi import create


def _serve(sock: socket.socket) -> None:
    config = uvicorn.Config(create(), log_level="warning", access_log=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    sock = socket.socket(fileno=args.fd)
    children: set[int] = set()
    stopping = False

    def spawn() -> None:
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            try:
                _serve(sock)
            finally:
                os._exit(0)
        children.add(pid)

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    signal.signal(signal.SIGTERM, stop)
    for _ in range(args.workers):
        spawn()
    while children:
        try:
            pid, _status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        children.discard(pid)
        if not stopping:
            spawn()
    return 0


if __name__ == "__main__":
    sys.exit(main())
