"""A NUL character (U+0000) in any input never answers 500, on SQLite or PostgreSQL.

PostgreSQL's text and jsonb cannot hold a NUL; SQLite can. So a NUL that reached a query
or an insert answered 500 on PostgreSQL only: a search for `%00` on the office register,
a tus upload whose `filename` metadata held one (and, in pushes, a field or clock named
with one: tests/sync/test_malformed_push.py). Every route the app serves is tried here,
with a NUL in its query string and in each path parameter, as a signed-in user of the
route's kind: each answers the 400 problem `nul_in_url`, in Thai and English.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest

from tests.server.routes_inventory import WRITE_METHODS, RouteInfo, discover_routes
from tests.server.test_authz_matrix import path_values
from tests.server.world import World, build_world
from tests.support.server import EACH_DATABASE, server_on

NUL = "ก\x00ข"


@pytest.fixture(scope="module", params=EACH_DATABASE)
def world(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with server_on(request.param, tmp_path_factory.mktemp("nul")) as server:
        yield build_world(server)


def _headers(world: World, route: RouteInfo) -> dict[str, str]:
    if route.is_api:
        return world.own["officer"].headers
    return world.sessions[("own", "supervisor")].headers


def _assert_nul_problem(answer: httpx.Response, what: str) -> None:
    assert answer.status_code == 400, f"{what}: {answer.status_code} {answer.text[:300]}"
    assert answer.headers["content-type"] == "application/problem+json", what
    if answer.request.method == "HEAD":
        return  # an answer to HEAD has no body
    problem = answer.json()
    assert problem["code"] == "nul_in_url", what
    assert "NUL" in problem["detail"] and "NUL" in problem["detail_th"], what


def test_a_nul_in_any_address_is_a_400_problem(world: World) -> None:
    routes = discover_routes()
    values = path_values(world)
    with httpx.Client(base_url=world.base_url, timeout=30, follow_redirects=False) as client:
        for route in routes:
            headers = _headers(world, route)
            body: dict[str, object] = {"json": {}} if route.method in WRITE_METHODS else {}
            answer = client.request(route.method, route.url(values), headers=headers,
                                    params={"q": NUL, "subdistrict": NUL, "since": NUL},
                                    **body)  # type: ignore[arg-type]
            _assert_nul_problem(answer, f"{route} with a NUL in the query")
            for name in route.params:
                answer = client.request(route.method, route.url({**values, name: quote(NUL)}),
                                        headers=headers, **body)  # type: ignore[arg-type]
                _assert_nul_problem(answer, f"{route} with a NUL in {{{name}}}")
    assert "Traceback" not in world.server.log()


def test_the_register_search_still_finds_what_it_should(world: World) -> None:
    """The guard refuses only a NUL: a Thai search with spaces and symbols still answers."""
    answer = httpx.get(f"{world.base_url}/producers", params={"q": "จักสาน ไม้ไผ่ & 100%"},
                       headers=world.sessions[("own", "supervisor")].headers, timeout=30)
    assert answer.status_code == 200, answer.text[:300]
    assert "จักสาน" in answer.text


def test_a_nul_in_upload_metadata_is_a_400_problem(world: World) -> None:
    def metadata(filename: str) -> str:
        return (f"sha256 {base64.b64encode(b'ab' * 32).decode()},"
                f"filename {base64.b64encode(filename.encode()).decode()}")

    headers = {**world.own["officer"].headers, "Tus-Resumable": "1.0.0",
               "Upload-Length": "10"}
    answer = httpx.post(f"{world.base_url}/api/v1/uploads", timeout=30,
                        headers={**headers, "Upload-Metadata": metadata(NUL + ".jpg")})
    assert answer.status_code == 400, answer.text
    problem = answer.json()
    assert problem["code"] == "bad_upload_metadata" and "NUL" in problem["detail"]
    assert problem["detail_th"]
    fine = httpx.post(f"{world.base_url}/api/v1/uploads", timeout=30,
                      headers={**headers, "Upload-Metadata": metadata("ผ้าไหม.jpg")})
    assert fine.status_code == 201, fine.text
    assert "Traceback" not in world.server.log()
