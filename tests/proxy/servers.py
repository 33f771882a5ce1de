"""Tiny real TCP servers on 127.0.0.1 for the proxy tests: echo, sink, source and HTTP."""

from __future__ import annotations

import contextlib
import socketserver
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class EchoHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        with contextlib.suppress(OSError):
            while data := self.request.recv(65536):
                self.request.sendall(data)


class SinkHandler(socketserver.BaseRequestHandler):
    """Reads until the peer goes away and records how many bytes arrived on this connection."""

    def handle(self) -> None:
        received = 0
        with contextlib.suppress(OSError):
            while data := self.request.recv(65536):
                received += len(data)
        server: SinkServer = self.server  # type: ignore[assignment]
        with server.lock:
            server.received.append(received)
        server.done.release()


class SinkServer(_Server):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SinkHandler)
        self.lock = threading.Lock()
        self.received: list[int] = []
        self.done = threading.Semaphore(0)


class SourceHandler(socketserver.BaseRequestHandler):
    """Sends `server.payload` then closes: a download."""

    def handle(self) -> None:
        with contextlib.suppress(OSError):
            self.request.sendall(self.server.payload)  # type: ignore[attr-defined]


class PhotoHandler(BaseHTTPRequestHandler):
    """GET returns a fixed body; PUT echoes the length it received."""

    body = "ผลิตภัณฑ์ OTOP บางน้ำเปรี้ยว".encode() * 100

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def do_PUT(self) -> None:
        length = int(self.headers["Content-Length"])
        data = self.rfile.read(length)
        reply = str(len(data)).encode()
        self.send_response(201)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


@contextlib.contextmanager
def serving(server: socketserver.BaseServer) -> Iterator[tuple[str, int]]:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        address = server.server_address
        assert isinstance(address, tuple)
        yield str(address[0]), int(address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def echo_server() -> _Server:
    return _Server(("127.0.0.1", 0), EchoHandler)


def source_server(payload: bytes) -> _Server:
    server = _Server(("127.0.0.1", 0), SourceHandler)
    server.payload = payload  # type: ignore[attr-defined]
    return server


def http_server() -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), PhotoHandler)
    server.daemon_threads = True
    return server
