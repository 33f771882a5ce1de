"""Enrolment limits count failures, not successes (issue 11, item 8): a training day where
twenty officers enrol on the office Wi-Fi works, and guessing codes is still throttled.
Real server processes; each test has its own loopback client address (its own bucket)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support.server import EACH_DATABASE, ServerProcess

RATE_LIMIT = 10  # the default: failed enrolment attempts per client address per 10 minutes


def _client(source_ip: str) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=source_ip), timeout=60)


def _enrol(client: httpx.Client, server: ServerProcess, code: str) -> httpx.Response:
    return client.post(f"{server.base_url}/api/v1/devices/enrol",
                       json={"code": code, "device_name": "โทรศัพท์อบรม"})


@pytest.mark.parametrize("database", EACH_DATABASE)
def test_twenty_officers_on_one_wifi_all_enrol_and_guessing_is_still_throttled(
        server_factory: Callable[..., ServerProcess], database: str) -> None:
    server = server_factory(database)
    codes = [server.add_user("2403", "officer", f"เจ้าหน้าที่ {i}").code for i in range(20)]
    with _client("127.0.0.51") as client:
        # Four at a time, as a training room does; twice the limit, every one succeeds.
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda code: _enrol(client, server, code), codes))
        assert [a.status_code for a in answers] == [200] * 20, [a.text for a in answers]
        # Guessing: the limit counts the wrong codes only, and then refuses even a right one.
        wrong = [_enrol(client, server, "ABCD-EFGH-JKMN-PQRS").status_code
                 for _ in range(RATE_LIMIT + 1)]
        assert wrong == [404] * RATE_LIMIT + [429]
        late = server.add_user("2403", "officer", "มาสาย").code
        refused = _enrol(client, server, late)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "วินาที" in refused.json()["detail_th"]
    with _client("127.0.0.52") as other:  # another address is not affected
        assert _enrol(other, server, late).status_code == 200


def test_successes_between_failures_do_not_use_up_the_limit(
        server_factory: Callable[..., ServerProcess]) -> None:
    server = server_factory()
    with _client("127.0.0.53") as client:
        statuses = []
        for _ in range(RATE_LIMIT - 1):
            statuses.append(_enrol(client, server, "ABCD-EFGH-JKMN-PQRS").status_code)
            code = server.add_user("2403", "officer", "สมหญิง").code
            statuses.append(_enrol(client, server, code).status_code)
        assert statuses == [404, 200] * (RATE_LIMIT - 1)
        assert _enrol(client, server, "ABCD-EFGH-JKMN-PQRS").status_code == 404
        assert _enrol(client, server, "ABCD-EFGH-JKMN-PQRS").status_code == 429
