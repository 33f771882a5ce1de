"""Real district servers for tests: a uvicorn process on a free port with its own data dir.

Two ways in, both on a real database (SQLite file or a throwaway PostgreSQL):

1. A real server process (what the sync, office and reports tests use):

       from tests.support.server import server_factory   # noqa: F401  (pytest fixture)

       def test_push(server_factory):
           server = server_factory()                      # SQLite in a temp dir, migrated
           # server = server_factory(database="postgresql")  # throwaway PG (marks: postgres)
           actors = server.actors("2403")                 # district + one user per role
           r = httpx.get(f"{server.base_url}/api/v1/me",
                         headers=actors["officer"].headers)
           code = server.add_user("2403", "officer", "สมชาย ขยัน").code   # one-time code
           token = server.enrol(code)                      # through POST /devices/enrol

   `start_server(...)` does the same without pytest (remember `server.stop()`).
   `server.cli("list-users")` runs `python -m sync_server ...` against the same database.
   `server.engine` is an engine on the server's database, for arranging and checking data.

2. In-process (no network; fast):

       app, settings = make_app(tmp_path)                 # migrated SQLite, FastAPI app
       with TestClient(app) as client: ...                # or httpx.ASGITransport

`Actor` = (user_id, device_id, token, role, district_code) with `.headers` ready for httpx.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine

from sync_server.accounts import create_district, create_user
from sync_server.app import create_app
from sync_server.auth import create_device, issue_enrolment_code
from sync_server.cli import default_workers
from sync_server.db.engine import make_engine, migrate
from sync_server.settings import Settings, default_sqlite_url
from tests.support.pg import (
    create_database,
    drop_database,
    require_pg_admin_url,
    throwaway_database,
)

__all__ = [
    "EACH_DATABASE",
    "Actor",
    "NewUser",
    "ServerProcess",
    "create_actors",
    "free_port",
    "make_app",
    "server_factory",
    "server_on",
    "start_server",
]

ROOT = Path(__file__).resolve().parents[2]
ROLES = ("officer", "supervisor", "partner", "admin")
_THAI_NAMES = {
    "officer": "สมชาย ใจดี",
    "supervisor": "วิไลวรรณ รักษ์ชุมชน",
    "partner": "พาณิชย์จังหวัดฉะเชิงเทรา",
    "admin": "ผู้ดูแลระบบ",
}


@dataclass(frozen=True)
class Actor:
    user_id: str
    device_id: str
    token: str
    role: str
    district_code: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass(frozen=True)
class NewUser:
    user_id: str
    code: str  # one-time enrolment code


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def create_actors(engine: Engine, district_code: str = "2403",
                  roles: tuple[str, ...] = ROLES) -> dict[str, Actor]:
    """Create the district (if needed) and one user with an enrolled device per role."""
    actors: dict[str, Actor] = {}
    with engine.begin() as conn:
        create_district(conn, district_code)
        for role in roles:
            user_id = create_user(
                conn, district_code=district_code, role=role,
                display_name=_THAI_NAMES.get(role, role),
                agency_name="สำนักงานพาณิชย์จังหวัด" if role == "partner" else None)
            device_id, token = create_device(conn, user_id=user_id, name=f"test {role}",
                                             kind="api" if role == "partner" else "phone")
            actors[role] = Actor(user_id, device_id, token, role, district_code)
    return actors


def make_app(data_dir: Path, database_url: str | None = None,
             **overrides: Any) -> tuple[FastAPI, Settings]:
    """An in-process app on a migrated database (SQLite in `data_dir` by default)."""
    settings = Settings.for_data_dir(data_dir, database_url=database_url or
                                     default_sqlite_url(Path(data_dir).resolve()), **overrides)
    settings.ensure_dirs()
    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
    finally:
        engine.dispose()
    return create_app(settings), settings


@dataclass
class ServerProcess:
    base_url: str
    data_dir: Path
    database_url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log_path: Path
    engine: Engine
    _cleanups: list[Callable[[], None]] = field(default_factory=list)

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run `python -m sync_server <args>` on this server's database."""
        return subprocess.run([sys.executable, "-m", "sync_server", *args], env=self.env,
                              cwd=ROOT, capture_output=True, text=True, check=check,
                              timeout=120)

    def actors(self, district_code: str = "2403") -> dict[str, Actor]:
        return create_actors(self.engine, district_code)

    def add_user(self, district_code: str, role: str, name: str, **kwargs: Any) -> NewUser:
        """Create a user (and the district if needed) through the Python API; returns the
        user id and a one-time enrolment code."""
        with self.engine.begin() as conn:
            create_district(conn, district_code)
            user_id = create_user(conn, district_code=district_code, role=role,
                                  display_name=name, **kwargs)
            code = issue_enrolment_code(conn, user_id)
        return NewUser(user_id, code)

    def enrol(self, code: str, device_name: str = "ทดสอบ Android") -> str:
        """Enrol through the real endpoint; returns the device token."""
        response = httpx.post(f"{self.base_url}/api/v1/devices/enrol",
                              json={"code": code, "device_name": device_name}, timeout=30)
        response.raise_for_status()
        return str(response.json()["token"])

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.engine.dispose()
        for cleanup in reversed(self._cleanups):
            cleanup()
        self._cleanups.clear()


def _server_env(data_dir: Path, database_url: str, extra: Mapping[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "TAMBON_DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


def start_server(
    data_dir: Path,
    *,
    database_url: str | None = None,
    workers: int | None = 1,
    env: Mapping[str, str] | None = None,
    migrate_first: bool = True,
    startup_timeout: float = 60.0,
) -> ServerProcess:
    """Start `python -m sync_server serve` on a free port and wait for /api/v1/health.

    `workers=None`: no `--workers`, exactly as the README's run command starts it (one
    process per core, `sync_server.cli.default_workers`)."""
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    database_url = database_url or default_sqlite_url(data_dir)
    engine = make_engine(database_url)
    if migrate_first:
        migrate(engine)
    for _attempt in range(3):  # the free port may be taken between probe and bind
        port = free_port()
        full_env = _server_env(data_dir, database_url, env or {})
        full_env["TAMBON_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
        log_path = data_dir / f"server-{port}.log"
        with open(log_path, "wb") as log_file:
            process = subprocess.Popen(
                [sys.executable, "-m", "sync_server", "serve", "--host", "127.0.0.1",
                 "--port", str(port),
                 *(["--workers", str(workers)] if workers is not None else [])],
                env=full_env, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT)
        server = ServerProcess(f"http://127.0.0.1:{port}", data_dir, database_url, full_env,
                               process, log_path, engine)
        if _wait_healthy(server, startup_timeout,
                         default_workers() if workers is None else workers):
            return server
        server.process.kill()
        server.process.wait(timeout=5)
    engine.dispose()
    raise RuntimeError(f"server did not start; log:\n{log_path.read_text(errors='replace')}")


# `params=` of a fixture that runs its tests against a server on each database.
EACH_DATABASE = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@contextmanager
def server_on(database: str, data_dir: Path) -> Iterator[ServerProcess]:
    """A real server (one process) on SQLite, or on a throwaway PostgreSQL database,
    stopped (and the database dropped) after the block."""
    if database == "sqlite":
        server = start_server(data_dir)
        try:
            yield server
        finally:
            server.stop()
        return
    with throwaway_database() as url:
        server = start_server(data_dir, database_url=url)
        try:
            yield server
        finally:
            server.stop()


def _wait_healthy(server: ServerProcess, timeout: float, workers: int) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return False
        try:
            healthy = httpx.get(f"{server.base_url}/api/v1/health", timeout=2).status_code == 200
            # With several workers, wait until every one has started.
            # (the message is logged at INFO; with a quieter level, health is enough)
            quiet = server.env.get("TAMBON_LOG_LEVEL", "INFO").upper() != "INFO"
            started = server.log().count("Application startup complete")
            if healthy and (workers <= 1 or quiet or started >= workers):
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    return False


@pytest.fixture
def server_factory() -> Iterator[Callable[..., ServerProcess]]:
    """`server_factory(database="sqlite"|"postgresql", workers=1, env={}, data_dir=None,
    database_url=None)` starts a real server; all are stopped (and their PostgreSQL
    databases dropped) after the test."""
    started: list[ServerProcess] = []
    temp_dirs: list[tempfile.TemporaryDirectory[str]] = []

    def start(database: str = "sqlite", *, workers: int = 1,
              env: Mapping[str, str] | None = None, data_dir: Path | None = None,
              database_url: str | None = None) -> ServerProcess:
        if data_dir is None:
            temp = tempfile.TemporaryDirectory(prefix="tambon-server-")
            temp_dirs.append(temp)
            data_dir = Path(temp.name)
        cleanup: Callable[[], None] | None = None
        if database_url is None and database == "postgresql":
            admin_url = require_pg_admin_url()
            database_url = create_database(admin_url)
            url = database_url

            def cleanup() -> None:
                drop_database(admin_url, url)
        try:
            server = start_server(data_dir, database_url=database_url, workers=workers,
                                  env=env)
        except BaseException:
            if cleanup:
                cleanup()
            raise
        if cleanup:
            server._cleanups.append(cleanup)
        started.append(server)
        return server

    yield start
    for server in reversed(started):
        server.stop()
    for temp in temp_dirs:
        temp.cleanup()
