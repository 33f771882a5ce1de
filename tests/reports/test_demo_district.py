"""The reports on the demo district (`python -m sync_server demo`): schema-valid records
as the server's own seed writes them, through a real server process."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
from openpyxl import load_workbook

from sync_server.demo import seed_demo
from sync_server.web.session import SESSION_COOKIE, start_session
from tests.support.server import ServerProcess, server_factory  # noqa: F401 (fixture)


def test_every_report_and_export_works_on_the_demo_district(
        server_factory: Callable[..., ServerProcess]) -> None:  # noqa: F811
    server = server_factory()
    with server.engine.begin() as conn:
        users = seed_demo(conn)
        token = start_session(conn, users["supervisor"], datetime.now(UTC))
    with httpx.Client(base_url=server.base_url, cookies={SESSION_COOKIE: token},
                      timeout=60) as client:
        for path in ("/reports", "/reports/map", "/reports/network",
                     "/reports/partner-tokens", "/reports?category=food&no_fda=true"):
            response = client.get(path)
            assert response.status_code == 200, (path, response.text[:500])
            assert "<svg" in response.text or "partner-tokens" in path
        workbook = client.get("/api/v1/exports/producers.xlsx")
        assert workbook.status_code == 200
        wb = load_workbook(io.BytesIO(workbook.content), read_only=True)
        assert sum(1 for _ in wb["ผู้ผลิต"].iter_rows(min_row=2)) > 0
        for name in ("csv.zip", "photos.zip"):
            assert zipfile.ZipFile(io.BytesIO(
                client.get(f"/api/v1/exports/{name}").content)).testzip() is None
        assert client.get("/api/v1/exports/producers.geojson").json()["features"]
        for kind in ("producers", "products", "standards", "needs", "plans"):
            page = client.get(f"/api/v1/partner/{kind}")
            assert page.status_code == 200, page.text
