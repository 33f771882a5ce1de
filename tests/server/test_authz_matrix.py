"""The authorisation matrix: every route × every role (officer, supervisor, partner, admin,
no token, revoked token) × own and another district, on a real server.

Routes are discovered from the app (routes_inventory), so routes other parts add are covered
by the generic rules:
1. without a valid token (none or revoked) every non-public route refuses: 401 for the API,
   401 or a redirect to /login for office pages;
2. no role ever gets a 5xx;
3. partner-agency tokens cannot write through the API (403);
4. a principal of another district gets nothing of this district: routes that take this
   district's ids answer 403/404, and no answer contains this district's producer name;
5. partner-agency answers never contain ID numbers, phone numbers or house numbers.
The server's own routes also have exact expectations (test_own_routes_*).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.server.routes_inventory import (
    PARTNER_WRITABLE_PREFIXES,
    PUBLIC,
    WRITE_METHODS,
    RouteInfo,
    discover_routes,
)
from tests.server.world import OWN, World

ROLES = ("officer", "supervisor", "partner", "admin")
OWN_PRODUCER_NAME = "กลุ่มจักสานไม้ไผ่บ้านคลองหลวง"


def path_values(world: World) -> dict[str, str]:
    """Values for path parameters: this (own) district's resources."""
    return {
        "record_type": "producer",
        "record_id": world.own_producer_id,
        "producer_id": world.own_producer_id,
        "id": world.own_producer_id,
        "sha256": "a" * 64,
        "upload_id": "a" * 64,
        "visit_id": world.own_producer_id,
        "district_code": OWN,
        "code": OWN,
        "path": "app.css",
    }


QUERY = {"type": "producer", "limit": "50"}


def call(client: httpx.Client, route: RouteInfo, world: World,
         headers: dict[str, str]) -> httpx.Response:
    url = route.url(path_values(world))
    kwargs: dict[str, object] = {"headers": headers, "params": QUERY}
    if route.method in WRITE_METHODS:
        kwargs["json"] = {}
    return client.request(route.method, url, **kwargs)  # type: ignore[arg-type]


def refused_without_sign_in(route: RouteInfo, response: httpx.Response) -> bool:
    if response.status_code == 401:
        return True
    if route.is_api:
        return False
    return response.status_code in (302, 303, 307) and "/login" in response.headers.get(
        "location", "")


@pytest.fixture(scope="module")
def client(world: World) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=world.base_url, timeout=30, follow_redirects=False) as c:
        yield c


def test_routes_are_discovered_and_public_list_is_current() -> None:
    routes = discover_routes()
    keys = {r.key for r in routes}
    assert ("GET", "/api/v1/records") in keys
    assert ("POST", "/api/v1/devices/enrol") in keys
    # PUBLIC may name routes another part has not added yet, but never all-stale entries
    # of the server's own routes.
    for own in (("GET", "/api/v1/health"), ("POST", "/api/v1/devices/enrol")):
        assert own in PUBLIC and own in keys


@pytest.mark.parametrize("who", ["no token", "revoked token", "garbage token"])
def test_every_protected_route_refuses_without_valid_token(
        world: World, client: httpx.Client, who: str) -> None:
    headers = {
        "no token": {},
        "revoked token": {"Authorization": f"Bearer {world.revoked.token}"},
        "garbage token": {"Authorization": "Bearer not-a-token"},
    }[who]
    failures = []
    for route in discover_routes():
        if route.is_public:
            continue
        response = call(client, route, world, headers)
        if not refused_without_sign_in(route, response):
            failures.append(f"{route}: {response.status_code} (add to PUBLIC if intended)")
        elif route.is_api and response.status_code == 401 and route.method != "HEAD":
            body = response.json()
            assert response.headers["content-type"].startswith("application/problem+json")
            assert body["code"] == "unauthenticated" or body["status"] == 401
    assert failures == []


@pytest.mark.parametrize("channel", ["token", "office session"])
@pytest.mark.parametrize("district", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_every_route_for_every_role(world: World, client: httpx.Client, role: str,
                                    district: str, channel: str) -> None:
    """Each role signed in through a device/API token, or through an office web session
    (cookie + CSRF token), in this district or another."""
    if channel == "token":
        headers = (world.own if district == "own" else world.other)[role].headers
    else:
        headers = world.sessions[(district, role)].headers
    failures = []
    for route in discover_routes():
        response = call(client, route, world, headers)
        status = response.status_code
        text = response.text
        if status >= 500:
            failures.append(f"{route}: {status} {text[:200]}")
            continue
        if (role == "partner" and channel == "token" and route.is_api
                and route.method in WRITE_METHODS
                and not route.is_public
                and not route.path.startswith(PARTNER_WRITABLE_PREFIXES)
                and status != 403):
            failures.append(f"{route}: partner write got {status}, expected 403")
        if district == "other":
            if route.params and 200 <= status < 300 and (
                    "record_id" in route.params or "producer_id" in route.params):
                failures.append(f"{route}: another district's record answered {status}")
            if OWN_PRODUCER_NAME in text:
                failures.append(f"{route}: leaks another district's producer ({status})")
        if role == "partner":
            for secret in (world.id_number, world.phone, world.house_no):
                if secret in text:
                    failures.append(f"{route}: shows personal data {secret!r} to a partner")
    assert failures == []


# --- exact expectations for the server's own routes ------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_own_routes_me_and_records(world: World, client: httpx.Client, role: str) -> None:
    own, other = world.own[role], world.other[role]
    me = client.get("/api/v1/me", headers=own.headers)
    assert me.status_code == 200
    assert me.json()["user"]["role"] == role
    assert me.json()["district"]["code"] == OWN

    page = client.get("/api/v1/records", params={"type": "producer"}, headers=own.headers)
    one = f"/api/v1/records/producer/{world.own_producer_id}"
    if role == "partner":
        # Whole records (free text included) never go to partners: they read the partner API.
        assert page.status_code == 403
        assert page.json()["code"] == "partner_use_partner_api"
        assert client.get(one, headers=own.headers).status_code == 403
        return
    assert page.status_code == 200
    ids = [item["id"] for item in page.json()["items"]]
    assert ids == [world.own_producer_id]
    data = page.json()["items"][0]["data"]
    assert data["id_number"] == world.id_number and data["phone"] == world.phone
    assert data["address"]["house_no"] == world.house_no

    other_page = client.get("/api/v1/records", params={"type": "producer"},
                            headers=other.headers)
    assert [i["id"] for i in other_page.json()["items"]] == [world.other_producer_id]

    assert client.get(one, headers=own.headers).status_code == 200
    refused = client.get(one, headers=other.headers)
    assert refused.status_code == 404
    assert refused.json()["code"] == "record_not_found"
    # the right id under the wrong type is not found either
    wrong_type = f"/api/v1/records/product/{world.own_producer_id}"
    assert client.get(wrong_type, headers=own.headers).status_code == 404
