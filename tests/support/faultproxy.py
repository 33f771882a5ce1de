"""A fault-injecting TCP proxy for sync tests and benchmarks.

It sits between a client and a real server on 127.0.0.1 and makes the link behave like a
weak rural mobile connection: added latency, a bandwidth cap, connections reset at random
byte counts or every few seconds, and stalls. It also counts every byte it forwards, so a
test can check how much a sync really put on the wire.

    proxy = FaultProxy(upstream=("127.0.0.1", port), faults=Faults(bandwidth_bps=256_000))
    with proxy.running() as (host, port):
        ...                                # point the client at host:port
        proxy.faults = Faults(reset_after_bytes=(20_000, 80_000), seed=3)   # change live
        print(proxy.stats.bytes_up, proxy.stats.resets)

The proxy runs its own asyncio event loop in a background thread, so synchronous test code
(httpx, tuspy, the sync client) can use it without any event-loop juggling.

Semantics, precisely (tests rely on them):
- ``latency_ms`` is one-way delay added in each direction, so a round trip grows by twice
  that. It does not reduce throughput: data is delayed, not serialised behind the delay.
- ``bandwidth_bps`` is in bits per second, one token bucket per direction shared by all
  connections (they share one phone's link). ``None`` means unlimited.
- ``reset_after_bytes`` counts the bytes of one connection in both directions together. When
  the count is reached the proxy forwards exactly that many bytes and then resets both
  sides with a TCP RST (SO_LINGER 0). A ``(lo, hi)`` pair draws the count for each new
  connection uniformly from lo..hi inclusive, from a generator seeded with ``seed``.
- ``reset_every_s`` resets every open connection each time that many seconds pass (the
  signal drops; connections opened after a drop live until the next one).
- ``stall_after_bytes`` (int or ``(lo, hi)``): after that many bytes of a connection (both
  directions), forwarding stops for ``stall_s`` seconds once, then goes on.
- ``stats`` counts TCP payload bytes forwarded (not TCP/IP headers): ``bytes_up`` is
  client to server, ``bytes_down`` server to client; ``reset_stats()`` zeroes them.
- Assigning ``proxy.faults`` takes effect at once for latency, bandwidth and
  ``reset_every_s``; the byte counts (reset, stall) are drawn when a connection opens, so
  they apply to connections opened after the change. ``reset_all()`` drops every open
  connection now. A proxy can be started again after it stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

__all__ = ["FaultProxy", "Faults", "ProxyStats"]

ByteCount = int | tuple[int, int] | None

_READ_SIZE = 64 * 1024
# Under a bandwidth cap, data leaves in slices of about this much time, so a slow link
# trickles like a real one instead of sending 64 KiB bursts after long pauses.
_SLICE_SECONDS = 0.02
_MIN_SLICE_BYTES = 256


@dataclass(frozen=True)
class Faults:
    latency_ms: float = 0
    bandwidth_bps: int | None = None
    reset_after_bytes: ByteCount = None
    reset_every_s: float | None = None
    stall_after_bytes: ByteCount = None
    stall_s: float = 0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.latency_ms < 0 or self.stall_s < 0:
            raise ValueError("latency_ms and stall_s must not be negative")
        if self.bandwidth_bps is not None and self.bandwidth_bps <= 0:
            raise ValueError("bandwidth_bps must be positive (bits per second) or None")
        if self.reset_every_s is not None and self.reset_every_s <= 0:
            raise ValueError("reset_every_s must be positive or None")
        for name in ("reset_after_bytes", "stall_after_bytes"):
            value = getattr(self, name)
            if isinstance(value, tuple) and not (len(value) == 2 and 0 <= value[0] <= value[1]):
                raise ValueError(f"{name} must be an int or a (lo, hi) pair with 0 <= lo <= hi")
            if isinstance(value, int) and value < 0:
                raise ValueError(f"{name} must not be negative")


@dataclass(frozen=True)
class ProxyStats:
    bytes_up: int = 0
    bytes_down: int = 0
    connections: int = 0
    active: int = 0
    resets: int = 0
    stalls: int = 0

    @property
    def bytes_total(self) -> int:
        return self.bytes_up + self.bytes_down


def _draw(value: ByteCount, rng: random.Random) -> int | None:
    if value is None or isinstance(value, int):
        return value
    lo, hi = value
    return rng.randint(lo, hi)


class _Pacer:
    """A token bucket for one direction, kept as the time the link is next free.

    Each slice reserves its transmission time on the shared link; waiting until that time
    is exactly a token bucket with a burst of one slice.
    """

    def __init__(self) -> None:
        self._free_at = 0.0

    async def send_slot(self, nbytes: int, bits_per_second: int) -> None:
        now = time.monotonic()
        start = max(now, self._free_at)
        self._free_at = start + nbytes * 8 / bits_per_second
        delay = self._free_at - now
        if delay > 0:
            await asyncio.sleep(delay)


@dataclass(eq=False)  # identity, so open connections can live in a set
class _Connection:
    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter
    reset_at: int | None
    stall_at: int | None
    born: float = field(default_factory=time.monotonic)
    moved: int = 0
    stall_until: float | None = None  # set once, when the stall starts
    closed: bool = False


class FaultProxy:
    def __init__(self, upstream: tuple[str, int], faults: Faults | None = None) -> None:
        self.upstream = upstream
        self._faults = faults or Faults()
        self._rng = random.Random(self._faults.seed)
        self._lock = threading.Lock()
        self._stats = ProxyStats()
        self._connections: set[_Connection] = set()
        self._handlers: set[asyncio.Task[None]] = set()
        self._pacers = {"up": _Pacer(), "down": _Pacer()}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._address: tuple[str, int] | None = None
        self._stop: asyncio.Event | None = None

    # ----- public, thread-safe -------------------------------------------------------------

    @property
    def faults(self) -> Faults:
        return self._faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        with self._lock:
            if faults.seed != self._faults.seed:
                self._rng = random.Random(faults.seed)
            self._faults = faults

    @property
    def stats(self) -> ProxyStats:
        with self._lock:
            return replace(self._stats, active=len(self._connections))

    def reset_stats(self) -> None:
        with self._lock:
            self._stats = ProxyStats()

    @property
    def address(self) -> tuple[str, int]:
        if self._address is None:
            raise RuntimeError("the proxy is not running")
        return self._address

    @contextlib.contextmanager
    def running(self) -> Iterator[tuple[str, int]]:
        self.start()
        try:
            yield self.address
        finally:
            self.stop()

    def start(self) -> tuple[str, int]:
        if self._thread is not None:
            raise RuntimeError("the proxy is already running")
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._serve(ready))
            except BaseException as exc:
                failure.append(exc)
                ready.set()
            finally:
                loop.close()

        self._thread = threading.Thread(target=run, name="fault-proxy", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure or self._address is None:
            self._thread.join(5)
            self._thread = None
            raise RuntimeError("the fault proxy could not start") from (
                failure[0] if failure else None
            )
        return self._address

    def stop(self) -> None:
        if self._thread is None:
            return
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop ended on its own
                loop.call_soon_threadsafe(stop.set)
        self._thread.join(10)
        self._thread = None
        self._address = None
        self._loop = None

    def reset_all(self) -> None:
        """Reset every open connection now, from any thread (a manual signal drop)."""
        if self._loop is None:
            raise RuntimeError("the proxy is not running")
        done = asyncio.run_coroutine_threadsafe(self._reset_all(), self._loop)
        done.result(5)

    # ----- the event loop side -------------------------------------------------------------

    async def _serve(self, ready: threading.Event) -> None:
        self._stop = asyncio.Event()
        server = await asyncio.start_server(self._handle, host="127.0.0.1", port=0)
        sockname = server.sockets[0].getsockname()
        self._address = (sockname[0], sockname[1])
        ready.set()
        ticker = asyncio.create_task(self._periodic_resets())
        try:
            await self._stop.wait()
        finally:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
            server.close()
            await self._reset_all(count=False)
            handlers = set(self._handlers)
            if handlers:
                _, pending = await asyncio.wait(handlers, timeout=2)
                for task in pending:
                    task.cancel()
                await asyncio.gather(*pending, return_exceptions=True)
            await server.wait_closed()

    async def _periodic_resets(self) -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.01)
            every = self._faults.reset_every_s
            now = time.monotonic()
            if every is None:
                last = now
            elif now - last >= every:
                last = now
                await self._reset_all()

    async def _reset_all(self, count: bool = True) -> None:
        for conn in list(self._connections):
            self._reset(conn, count=count)

    async def _handle(self, client_reader: asyncio.StreamReader,
                      client_writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
            task.add_done_callback(self._handlers.discard)
        with self._lock:
            self._stats = replace(self._stats, connections=self._stats.connections + 1)
            faults = self._faults
            reset_at = _draw(faults.reset_after_bytes, self._rng)
            stall_at = _draw(faults.stall_after_bytes, self._rng)
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            _abort_with_rst(client_writer)
            return
        conn = _Connection(client_writer, up_writer, reset_at, stall_at)
        self._connections.add(conn)
        try:
            await asyncio.gather(
                self._pump(conn, client_reader, up_writer, "up"),
                self._pump(conn, up_reader, client_writer, "down"),
            )
        finally:
            self._connections.discard(conn)
            if not conn.closed:
                conn.closed = True
                for writer in (client_writer, up_writer):
                    writer.close()

    async def _pump(self, conn: _Connection, reader: asyncio.StreamReader,
                    writer: asyncio.StreamWriter, direction: str) -> None:
        """Read one direction and hand chunks, with their arrival time, to a delayed writer."""
        # A short queue keeps back-pressure: under a bandwidth cap the sender must not believe
        # megabytes left when they sit in the proxy's memory (TCP buffers hold only so much).
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue(maxsize=4)
        sender = asyncio.create_task(self._send(conn, queue, writer, direction))
        try:
            while True:
                try:
                    data = await reader.read(_READ_SIZE)
                except (ConnectionError, OSError):
                    data = b""
                await queue.put((time.monotonic(), data))
                if not data:
                    break
            await sender
        finally:
            if not sender.done():
                sender.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sender

    async def _send(self, conn: _Connection, queue: asyncio.Queue[tuple[float, bytes]],
                    writer: asyncio.StreamWriter, direction: str) -> None:
        while True:
            arrived, data = await queue.get()
            if conn.closed:  # keep draining so the reader never blocks; stop at its EOF
                if not data:
                    return
                continue
            if not data:  # the other side half-closed: pass the EOF on
                with contextlib.suppress(OSError, RuntimeError):
                    if writer.can_write_eof():
                        writer.write_eof()
                return
            latency = self._faults.latency_ms / 1000
            wait = arrived + latency - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            while data and not conn.closed:
                data = await self._send_slice(conn, data, writer, direction)

    async def _send_slice(self, conn: _Connection, data: bytes,
                          writer: asyncio.StreamWriter, direction: str) -> bytes:
        """Forward the next slice of data, applying stall, reset and bandwidth; return the rest."""
        faults = self._faults
        size = len(data)
        if faults.bandwidth_bps is not None:
            size = min(size, max(_MIN_SLICE_BYTES,
                                 int(faults.bandwidth_bps / 8 * _SLICE_SECONDS)))
        if conn.stall_at is not None:
            if conn.stall_until is None and conn.moved >= conn.stall_at:
                conn.stall_until = time.monotonic() + faults.stall_s
                with self._lock:
                    self._stats = replace(self._stats, stalls=self._stats.stalls + 1)
            if conn.stall_until is None:
                size = min(size, conn.stall_at - conn.moved)
            elif time.monotonic() < conn.stall_until:  # both directions wait out the stall
                await asyncio.sleep(conn.stall_until - time.monotonic())
                return data
        if conn.reset_at is not None:
            size = min(size, conn.reset_at - conn.moved)
            if size <= 0:
                self._reset(conn)
                return b""
        piece, rest = data[:size], data[size:]
        if faults.bandwidth_bps is not None:
            await self._pacers[direction].send_slot(len(piece), faults.bandwidth_bps)
            if conn.closed:
                return b""
        try:
            writer.write(piece)
            await writer.drain()
        except (ConnectionError, OSError, RuntimeError):
            self._reset(conn, count=False)  # one side is gone: end the other side too
            return b""
        conn.moved += len(piece)
        with self._lock:
            if direction == "up":
                self._stats = replace(self._stats, bytes_up=self._stats.bytes_up + len(piece))
            else:
                self._stats = replace(self._stats,
                                      bytes_down=self._stats.bytes_down + len(piece))
        if conn.reset_at is not None and conn.moved >= conn.reset_at:
            self._reset(conn)
            return b""
        return rest

    def _reset(self, conn: _Connection, count: bool = True) -> None:
        if conn.closed:
            return
        conn.closed = True
        if count:
            with self._lock:
                self._stats = replace(self._stats, resets=self._stats.resets + 1)
        _abort_with_rst(conn.client)
        _abort_with_rst(conn.upstream)
        # Wake both pumps: their readers see the aborted transports and end.


def _abort_with_rst(writer: asyncio.StreamWriter) -> None:
    """Close at once with a TCP RST, as a dropped mobile link looks to the peer."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
