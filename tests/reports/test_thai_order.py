"""Exports and the network table list names in Thai dictionary order (ICU's "th-TH"), on
SQLite and PostgreSQL, through the real server."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import httpx
import sqlalchemy as sa

from sync_server.web.session import SESSION_COOKIE
from tests.support.pg import require_pg_admin_url

from .conftest import Seeded
from .seed import web_session


def _icu_order(words: list[str]) -> list[str]:
    engine = sa.create_engine(require_pg_admin_url(), poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.text(
                'SELECT w FROM unnest(CAST(:w AS text[])) AS t(w) '
                'ORDER BY w COLLATE "th-TH-x-icu"'), {"w": words}).scalars())
    finally:
        engine.dispose()


def test_producer_export_is_in_thai_order_within_each_subdistrict(seeded: Seeded) -> None:
    response = httpx.get(seeded.url + "/api/v1/exports/producers.csv",
                         headers=seeded.actors["supervisor"].headers, timeout=60)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_subdistrict: dict[str, list[str]] = {}
    for row in rows:
        by_subdistrict.setdefault(row["รหัสตำบล"], []).append(row["ชื่อผู้ผลิต"])
    assert sum(len(names) > 2 for names in by_subdistrict.values()) >= 3
    for names in by_subdistrict.values():
        assert names == _icu_order(names)


def test_network_table_is_in_thai_order(seeded: Seeded) -> None:
    token = web_session(seeded.server.engine, seeded.actors["supervisor"].user_id)
    with httpx.Client(base_url=seeded.url, cookies={SESSION_COOKIE: token},
                      timeout=30) as client:
        page = client.get("/reports/network").text
    body = page[page.index('<table class="numbers links">'):]
    firsts = [unescape(m) for m in re.findall(r"<tr><td>([^<]*)</td>", body)]
    assert len(firsts) == len(seeded.ds.links) and len(set(firsts)) > 2
    assert firsts == _icu_order(firsts)
