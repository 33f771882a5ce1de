"""Stateless workers: two real server processes on ONE database (SQLite file or PostgreSQL),
and one server with `--workers 2`. Tokens, enrolment codes and rate limits are shared."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support.server import ServerProcess

DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def two_servers(server_factory, database: str, **env: str) -> tuple[ServerProcess,
                                                                      ServerProcess]:
    first: ServerProcess = server_factory(database, env=env)
    second: ServerProcess = server_factory(database_url=first.database_url,
                                           data_dir=first.data_dir, env=env)
    return first, second


@pytest.mark.parametrize("database", DATABASES)
def test_enrol_on_one_use_on_the_other(server_factory, database: str) -> None:
    first, second = two_servers(server_factory, database)
    new = first.add_user("2403", "officer", "นางสาวพรทิพย์ ศรีงาม")
    token = first.enrol(new.code)
    me = httpx.get(f"{second.base_url}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["user"]["display_name"] == "นางสาวพรทิพย์ ศรีงาม"
    # the used code is used for the other server too
    again = httpx.post(f"{second.base_url}/api/v1/devices/enrol",
                       json={"code": new.code, "device_name": "copy"})
    assert again.status_code == 400


@pytest.mark.parametrize("database", DATABASES)
def test_concurrent_enrolments_across_servers(server_factory, database: str) -> None:
    """20 phones enrol at once, alternating servers: every one succeeds exactly once (no
    'database is locked', no double use), and racing the SAME code lets one phone win."""
    first, second = two_servers(server_factory, database, TAMBON_ENROL_RATE_LIMIT="1000")
    codes = [first.add_user("2403", "officer", f"เจ้าหน้าที่ {i}").code for i in range(20)]

    def enrol(i: int) -> int:
        # attempt i and i+20 use the same code, on different servers
        server = (first, second)[(i + i // 20) % 2]
        return httpx.post(f"{server.base_url}/api/v1/devices/enrol", timeout=60,
                          json={"code": codes[i % 20], "device_name": f"phone {i}"}
                          ).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(enrol, range(40)))
    # each code was tried twice (i and i+20, on different servers): one 200, one 400
    for i in range(20):
        assert sorted((statuses[i], statuses[i + 20])) == [200, 400], statuses
    assert all(s < 500 for s in statuses)


@pytest.mark.parametrize("database", DATABASES)
def test_enrolment_rate_limit_is_shared_by_servers(server_factory, database: str) -> None:
    first, second = two_servers(server_factory, database, TAMBON_ENROL_RATE_LIMIT="4")
    statuses = []
    for i in range(6):
        server = (first, second)[i % 2]
        response = httpx.post(f"{server.base_url}/api/v1/devices/enrol",
                              json={"code": "WRNG-CODE-XXXX-0000", "device_name": "x"})
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert int(response.headers["retry-after"]) > 0
            body = response.json()
            assert body["code"] == "rate_limited" and "วินาที" in body["detail_th"]
    assert statuses == [400, 400, 400, 400, 429, 429]


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
