"""Stateless workers: two real server processes on ONE database (SQLite file or PostgreSQL),
and one server with `--workers 2`. Tokens, enrolment codes and rate limits are shared."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest

from tests.support.pg import create_database, drop_database, require_pg_admin_url
from tests.support.server import EACH_DATABASE, ServerProcess, start_server

RATE_LIMIT = 10  # the default: enrolment attempts per client IP per 10 minutes


@dataclass
class Pair:
    first: ServerProcess
    second: ServerProcess

    def client(self, source_ip: str) -> httpx.Client:
        """A client from its own loopback address: rate limits count per client IP, so
        each test gets its own bucket on the shared servers."""
        return httpx.Client(transport=httpx.HTTPTransport(local_address=source_ip),
                            timeout=60)


@pytest.fixture(scope="module", params=EACH_DATABASE)
def pair(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Pair]:
    """Two server processes on ONE database (SQLite file or PostgreSQL)."""
    data_dir = tmp_path_factory.mktemp("pair")
    cleanup = None
    database_url = None
    if request.param == "postgresql":
        admin_url = require_pg_admin_url()
        database_url = create_database(admin_url)
        url = database_url

        def cleanup() -> None:
            drop_database(admin_url, url)
    first = start_server(data_dir, database_url=database_url)
    second = start_server(data_dir, database_url=first.database_url, migrate_first=False)
    try:
        yield Pair(first, second)
    finally:
        second.stop()
        first.stop()
        if cleanup is not None:
            cleanup()


def test_enrol_on_one_use_on_the_other(pair: Pair) -> None:
    new = pair.first.add_user("2403", "officer", "นางสาวพรทิพย์ ศรีงาม")
    with pair.client("127.0.0.21") as client:
        enrolled = client.post(f"{pair.first.base_url}/api/v1/devices/enrol",
                               json={"code": new.code, "device_name": "Galaxy A05"})
        token = enrolled.json()["token"]
        me = client.get(f"{pair.second.base_url}/api/v1/me",
                        headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200
        assert me.json()["user"]["display_name"] == "นางสาวพรทิพย์ ศรีงาม"
        # the used code is used for the other server too
        again = client.post(f"{pair.second.base_url}/api/v1/devices/enrol",
                            json={"code": new.code, "device_name": "copy"})
        assert again.status_code == 404


def test_concurrent_enrolments_across_servers(pair: Pair) -> None:
    """20 phones enrol at once, each code tried twice on different servers: every code is
    used exactly once (one 200, one 404), no 'database is locked', no 5xx."""
    codes = [pair.first.add_user("2403", "officer", f"เจ้าหน้าที่ {i}").code for i in range(20)]

    def enrol(i: int) -> int:
        # attempt i and i+20 use the same code, on different servers; 8 client addresses
        # keep every address under the rate limit
        server = (pair.first, pair.second)[(i + i // 20) % 2]
        with pair.client(f"127.0.1.{i % 8 + 1}") as client:
            return client.post(f"{server.base_url}/api/v1/devices/enrol",
                               json={"code": codes[i % 20], "device_name": f"phone {i}"}
                               ).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(enrol, range(40)))
    for i in range(20):
        assert sorted((statuses[i], statuses[i + 20])) == [200, 404], statuses


def test_enrolment_rate_limit_is_shared_by_servers(pair: Pair) -> None:
    statuses = []
    with pair.client("127.0.0.33") as client:
        for i in range(RATE_LIMIT + 2):
            server = (pair.first, pair.second)[i % 2]
            response = client.post(f"{server.base_url}/api/v1/devices/enrol",
                                   json={"code": "ABCD-EFGH-JKMN-PQRS", "device_name": "x"})
            statuses.append(response.status_code)
            if response.status_code == 429:
                assert int(response.headers["retry-after"]) > 0
                body = response.json()
                assert body["code"] == "rate_limited" and "วินาที" in body["detail_th"]
        # another address is not limited
        other = pair.client("127.0.0.34")
        with other:
            assert other.post(f"{pair.first.base_url}/api/v1/devices/enrol",
                              json={"code": "ABCD-EFGH-JKMN-PQRS", "device_name": "x"}
                              ).status_code == 404
    assert statuses == [404] * RATE_LIMIT + [429, 429]


def test_one_server_with_two_workers(server_factory) -> None:
    server: ServerProcess = server_factory(workers=2)
    actors = server.actors()
    pids = set()
    with httpx.Client(base_url=server.base_url) as client:
        for _ in range(30):
            response = client.get(
                "/api/v1/me", headers={**actors["officer"].headers, "Connection": "close"})
            assert response.status_code == 200
    for line in server.log().splitlines():
        if line.startswith("{") and '"Started server process' in line:
            pids.add(json.loads(line)["message"])
    assert len(pids) == 2, server.log()[-2000:]


def test_access_log_is_json_lines(server_factory) -> None:
    server: ServerProcess = server_factory()
    actors = server.actors()
    httpx.get(f"{server.base_url}/api/v1/me",
              headers={**actors["supervisor"].headers, "X-Request-ID": "log-check-1"})
    server.stop()  # flush
    entries = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
    access = [e for e in entries if e.get("request_id") == "log-check-1"]
    assert len(access) == 1
    entry = access[0]
    assert entry["method"] == "GET" and entry["path"] == "/api/v1/me"
    assert entry["status"] == 200 and entry["duration_ms"] >= 0
    assert entry["device"] == actors["supervisor"].device_id
    assert entry["level"] == "info" and entry["time"].endswith("+00:00")


def test_log_level_silences_the_access_log(server_factory) -> None:
    """`TAMBON_LOG_LEVEL=WARNING` (or `uvicorn --log-level warning`) means no line per
    request: a parent that pipes stderr without reading it must never block the server."""
    server: ServerProcess = server_factory(env={"TAMBON_LOG_LEVEL": "WARNING"})
    for _ in range(5):
        assert httpx.get(f"{server.base_url}/api/v1/health").status_code == 200
    server.stop()
    assert '"request_id"' not in server.log()
