"""Bad requests get problem details (RFC 9457), never a 5xx and never a half-stored write."""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import anyio
import httpx
import pytest
import sqlalchemy as sa

from recordsync.hlc import HybridLogicalClock
from sync_server.db.engine import make_engine
from sync_server.db.tables import devices, enrolment_codes
from tests.server.world import World
from tests.support.server import make_app

PROBLEM_KEYS = {"type", "code", "title", "title_th", "status", "detail", "detail_th"}


def assert_problem(response: httpx.Response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body.keys() >= PROBLEM_KEYS
    assert body["status"] == status
    assert body["type"].endswith("/" + body["code"])
    if code is not None:
        assert body["code"] == code
    return body


@pytest.fixture(scope="module")
def client(world: World) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=world.base_url, timeout=60) as c:
        yield c


def test_malformed_json(client: httpx.Client) -> None:
    response = client.post("/api/v1/devices/enrol", content=b'{"code": "AB',
                           headers={"content-type": "application/json"})
    body = assert_problem(response, 400, "malformed_json")
    assert body["title_th"] == "JSON ไม่ถูกต้อง"


@pytest.mark.parametrize("payload, path", [
    ({"code": 12345, "device_name": "มือถือ"}, "/body/code"),
    ({"code": "ABCD", "device_name": ["a"]}, "/body/device_name"),
    ({"device_name": "มือถือ"}, "/body/code"),
    ([1, 2, 3], "/body"),
    ("just a string", "/body"),
])
def test_wrong_types_and_missing_fields(client: httpx.Client, payload: object,
                                        path: str) -> None:
    body = assert_problem(client.post("/api/v1/devices/enrol", json=payload), 422,
                          "request_invalid")
    paths = [error["path"] for error in body["errors"]]
    assert any(p.startswith(path) for p in paths), paths
    for error in body["errors"]:
        assert error["message_th"] and error["message_en"] and error["code"]


def test_unknown_fields_are_refused(client: httpx.Client) -> None:
    body = assert_problem(client.post("/api/v1/devices/enrol", json={
        "code": "ABCD-EFGH-JKMN-PQRS", "device_name": "มือถือ", "is_admin": True}), 422)
    assert {"path": "/body/is_admin", "code": "extra_forbidden"}.items() <= \
        body["errors"][0].items()


def test_wrong_code_is_a_clear_problem_and_stores_nothing(world: World,
                                                          client: httpx.Client) -> None:
    with world.server.engine.connect() as conn:
        before = conn.execute(sa.select(sa.func.count()).select_from(devices)).scalar()
    body = assert_problem(client.post("/api/v1/devices/enrol", json={
        "code": "ABCD-EFGH-JKMN-PQRS", "device_name": "มือถือ"}), 404,
        "enrolment_code_invalid")
    assert "รหัส" in body["detail_th"]
    with world.server.engine.connect() as conn:
        after = conn.execute(sa.select(sa.func.count()).select_from(devices)).scalar()
    assert after == before


def test_ten_megabyte_string_is_413_with_content_length(client: httpx.Client) -> None:
    huge = "ก" * (10 * 1024 * 1024 // 3)  # 10 MB of UTF-8
    response = client.post("/api/v1/devices/enrol",
                           json={"code": huge, "device_name": "มือถือ"})
    body = assert_problem(response, 413, "body_too_large")
    assert "ไบต์" in body["detail_th"]


def test_streamed_body_without_length_is_cut_at_the_limit(world: World) -> None:
    """A chunked body declares no length: the limit is enforced while bytes stream in."""
    def chunks():
        for _ in range(12):
            yield b"x" * (1024 * 1024)

    with httpx.Client(base_url=world.base_url, timeout=60) as client:
        response = client.post("/api/v1/devices/enrol", content=chunks(),
                               headers={"content-type": "application/json"})
    assert_problem(response, 413, "body_too_large")


def test_the_upload_prefix_takes_larger_bodies_than_json(world: World) -> None:
    """3 MB is over the JSON limit (2 MB) but under the tus chunk limit: not refused as too
    large there (whatever else the upload route says of it)."""
    body = b"\0" * (3 * 1024 * 1024)
    with httpx.Client(base_url=world.base_url, timeout=60) as client:
        json_route = client.post("/api/v1/sync/push", content=body,
                                 headers={**world.own["officer"].headers,
                                          "content-type": "application/json"})
        upload_route = client.patch(f"/api/v1/uploads/{'b' * 64}", content=body,
                                    headers={**world.own["officer"].headers,
                                             "Tus-Resumable": "1.0.0", "Upload-Offset": "0",
                                             "content-type": "application/offset+octet-stream"})
    assert json_route.status_code == 413
    assert upload_route.status_code != 413
    assert upload_route.status_code < 500


@pytest.mark.parametrize("url", [
    "/api/v1/records/producer/not%20an%20id!",
    "/api/v1/records/producer/" + "a" * 65,
    "/api/v1/records/spaceship/abc",
    "/api/v1/records?type=producer&limit=0",
    "/api/v1/records?type=producer&limit=abc",
    "/api/v1/records?type=producer&cursor=' or 1=1 --",
])
def test_invalid_ids_and_parameters(world: World, client: httpx.Client, url: str) -> None:
    assert_problem(client.get(url, headers=world.own["officer"].headers), 422,
                   "request_invalid")


def test_unknown_path_and_wrong_method(client: httpx.Client) -> None:
    assert_problem(client.get("/api/v1/nothing-here"), 404, "not_found")
    assert_problem(client.delete("/api/v1/health"), 405, "method_not_allowed")


def test_request_id_is_echoed(client: httpx.Client) -> None:
    response = client.get("/api/v1/health", headers={"X-Request-ID": "test-req-42"})
    assert response.headers["x-request-id"] == "test-req-42"
    assert client.get("/api/v1/health").headers["x-request-id"]


def test_declared_oversize_is_refused_before_reading(world: World) -> None:
    """A client that declares 50 MB gets 413 at once, without sending the bytes."""
    parts = urlsplit(world.base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(b"POST /api/v1/devices/enrol HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 52428800\r\n\r\n")
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413")
    assert b"application/problem+json" in answer


def test_enrolment_codes_are_single_use(world: World, client: httpx.Client) -> None:
    new = world.server.add_user("2403", "officer", "นางสาวมาลี ทองดี")
    first = client.post("/api/v1/devices/enrol", json={"code": new.code, "device_name": "A"})
    assert first.status_code == 200
    second = client.post("/api/v1/devices/enrol", json={"code": new.code, "device_name": "B"})
    assert_problem(second, 404, "enrolment_code_invalid")
    with world.server.engine.connect() as conn:
        used = conn.execute(sa.select(enrolment_codes.c.used_at)
                            .where(enrolment_codes.c.user_id == new.user_id)).scalar()
    assert used is not None


def test_health_reports_an_unreachable_database(tmp_path: Path) -> None:
    """In-process app whose SQLite file is a directory: 503 problem, not a crash."""
    app, _settings = make_app(tmp_path)
    app.state.engine.dispose()
    (tmp_path / "gone").mkdir()
    app.state.engine = make_engine(f"sqlite:///{tmp_path / 'gone'}")

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.get("/api/v1/health")

    body = assert_problem(anyio.run(go), 503, "database_unavailable")
    assert body["title_th"] == "ฐานข้อมูลใช้งานไม่ได้"
    app.state.engine.dispose()


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_a_nan_or_infinite_number_in_a_push_is_rejected_and_not_stored(
        world: World, client: httpx.Client, literal: str) -> None:
    """Python's json parser reads NaN and Infinity; the schema must refuse them (a NaN
    passes every minimum/maximum), or one record poisons jsonb and every JSON answer."""
    officer = world.own["officer"]
    clock = HybridLogicalClock(officer.device_id)
    change = {"change_id": uuid.uuid4().hex, "record_type": "product",
              "record_id": world.own_product_id, "device_id": officer.device_id,
              "fields": {"price_thb": "NUMBER"}, "clocks": {"price_thb": clock.now().encode()},
              "base_clocks": {}}
    body = json.dumps({"changes": [change]}).replace('"NUMBER"', literal)
    response = client.post("/api/v1/sync/push", content=body,
                           headers={**officer.headers, "content-type": "application/json"})
    assert response.status_code == 200, response.text[:300]
    [result] = response.json()["results"]
    assert result["status"] == "rejected" and result["code"] == "validation_failed"
    assert result["paths"] == ["/price_thb"]
    stored = client.get(f"/api/v1/records/product/{world.own_product_id}",
                        headers=officer.headers).json()
    assert stored["data"]["price_thb"] == 250


def test_a_malformed_qr_url_as_enrolment_code_is_a_400(client: httpx.Client) -> None:
    body = assert_problem(client.post("/api/v1/devices/enrol", json={
        "code": "tambon://[enrol?code=ABCD-EFGH-JKMN-PQRS", "device_name": "มือถือ"}), 400,
        "enrolment_code_invalid")
    assert body["detail_th"]
