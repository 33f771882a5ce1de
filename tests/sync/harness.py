"""A district for sync tests: a migrated database, officers with device tokens, and the
server run either as a real uvicorn process on 127.0.0.1 or in-process (ASGITransport)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from sync_server.accounts import create_district, create_user
from sync_server.app import create_app
from sync_server.auth import create_device
from sync_server.db.engine import make_engine, migrate
from sync_server.settings import Settings

DISTRICT = "2403"  # Bang Nam Priao, Chachoengsao
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Device:
    device_id: str
    token: str
    user_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class District:
    data_dir: Path
    database_url: str
    devices: list[Device] = field(default_factory=list)
    partner: Device | None = None

    @property
    def settings(self) -> Settings:
        return Settings.for_data_dir(self.data_dir, database_url=self.database_url)

    def engine(self):  # type: ignore[no-untyped-def,unused-ignore]
        return make_engine(self.database_url)


def make_district(data_dir: Path, database_url: str | None = None, phones: int = 3) -> District:
    data_dir.mkdir(parents=True, exist_ok=True)
    url = database_url or f"sqlite:///{data_dir / 'district.sqlite3'}"
    engine = make_engine(url)
    try:
        migrate(engine)
        district = District(data_dir, url)
        with engine.begin() as conn:
            create_district(conn, DISTRICT)
            for n in range(phones):
                user = create_user(conn, district_code=DISTRICT, role="officer",
                                   display_name=f"นักวิชาการพัฒนาชุมชน {n + 1}")
                device_id, token = create_device(conn, user_id=user, name=f"โทรศัพท์ {n + 1}")
                district.devices.append(Device(device_id, token, user))
            partner = create_user(conn, district_code=DISTRICT, role="partner",
                                  display_name="พาณิชย์จังหวัดฉะเชิงเทรา",
                                  agency_name="สำนักงานพาณิชย์จังหวัดฉะเชิงเทรา")
            device_id, token = create_device(conn, user_id=partner, name="api", kind="api")
            district.partner = Device(device_id, token, partner)
    finally:
        engine.dispose()
    return district


def in_process_client(district: District) -> httpx.AsyncClient:
    app = create_app(district.settings)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


class ServerProcess:
    """`uvicorn sync_server.asgi:create` on a socket bound here (port 0), so no port races."""

    def __init__(self, district: District, env: dict[str, str] | None = None,
                 workers: int = 1, forking: bool = False) -> None:
        self.district = district
        self.extra_env = env or {}
        self.workers = workers
        # forking: tests/sync/forkserver.py replaces killed workers by fork (milliseconds)
        self.forking = forking
        self.sock: socket.socket | None = None
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        if self.sock is None:
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.sock.bind(("127.0.0.1", 0))
            self.sock.listen(128)
            self.sock.set_inheritable(True)
            self.port = self.sock.getsockname()[1]
        env = {
            **os.environ,
            "TAMBON_DATA_DIR": str(self.district.data_dir),
            "DATABASE_URL": self.district.database_url,
            "PYTHONPATH": str(ROOT),
            **self.extra_env,
        }
        fd = self.sock.fileno()
        if self.forking:
            command = [sys.executable, "-m", "tests.sync.forkserver", "--fd", str(fd),
                       "--workers", str(self.workers)]
        else:
            command = [sys.executable, "-m", "uvicorn", "sync_server.asgi:create", "--factory",
                       "--fd", str(fd), "--log-level", "warning", "--no-access-log",
                       *(["--workers", str(self.workers)] if self.workers > 1 else [])]
        self.log_path = self.district.data_dir / "server.log"
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(command, pass_fds=[fd], env=env, cwd=ROOT,
                                         stdout=subprocess.DEVNULL, stderr=log)
        self.wait_ready()

    def wait_ready(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                err = self.log_path.read_text(errors="replace")
                raise RuntimeError(f"server exited: {err[-2000:]}")
            try:
                httpx.options(self.base_url + "/api/v1/uploads", timeout=1.0)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def wait_dead(self, timeout: float = 10.0) -> int | None:
        assert self.proc is not None
        with contextlib.suppress(subprocess.TimeoutExpired):
            return self.proc.wait(timeout)
        return None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def close(self) -> None:
        self.stop()
        if self.sock is not None:
            self.sock.close()
            self.sock = None


@contextlib.contextmanager
def running_server(district: District, env: dict[str, str] | None = None, workers: int = 1,
                   forking: bool = False) -> Iterator[ServerProcess]:
    server = ServerProcess(district, env, workers, forking)
    server.start()
    try:
        yield server
    finally:
        server.close()
