"""Pull pages come gzip-compressed when the client takes gzip (sync_server/encoding.py).

Against the real server on 127.0.0.1: the compressed page inflates to exactly the page
sent without compression; what `Accept-Encoding` says decides (q=0 refuses, `*` takes);
a page under 1 KB goes as it is; and a real phone's sync client, which asks for gzip as
httpx does by default, gets every record while far fewer bytes come down the wire.
The header parser is checked on any text (hypothesis) against a model of RFC 9110.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sync_server.encoding import accepts_gzip
from tests.support.faultproxy import FaultProxy
from tests.sync.harness import District, running_server
from tests.sync.phones import Phone, producer_fields

PRODUCERS = 150


def _raw_get(url: str, headers: dict[str, str]) -> tuple[httpx.Headers, bytes]:
    """Status-checked answer headers and the body's bytes as they came (not inflated)."""
    with httpx.Client(timeout=30) as client, client.stream("GET", url, headers=headers) as r:
        assert r.status_code == 200, r.read()
        return r.headers, b"".join(r.iter_raw())


def _page(body: bytes) -> dict[str, Any]:
    page: dict[str, Any] = json.loads(body)
    page.pop("server_time_ms")
    return page


@pytest.fixture
def surveyed(district: District, phone_factory: Callable[..., Phone]) -> District:
    phone = phone_factory("surveyor", district.devices[0])
    for n in range(PRODUCERS):
        phone.store.create("producer", producer_fields(n))
    with running_server(district) as server:
        report = asyncio.run(phone.client(server.base_url).sync())
    assert report.completed and report.pushed == PRODUCERS, report
    return district


def test_a_page_is_gzip_when_asked_and_inflates_to_the_same_page(surveyed: District) -> None:
    device = surveyed.devices[1]
    with running_server(surveyed) as server:
        url = f"{server.base_url}/api/v1/sync/pull?since=0&limit=200"
        plain_headers, plain = _raw_get(url, {**device.headers, "Accept-Encoding": "identity"})
        zipped_headers, zipped = _raw_get(url, {**device.headers,
                                                "Accept-Encoding": "gzip, deflate"})
    assert "content-encoding" not in plain_headers
    assert zipped_headers["content-encoding"] == "gzip"
    assert plain_headers["vary"] == zipped_headers["vary"] == "Accept-Encoding"
    page = _page(gzip.decompress(zipped))
    assert page == _page(plain)
    assert len(page["records"]) == PRODUCERS and page["more"] is False
    assert len(zipped) * 5 < len(plain), (len(zipped), len(plain))


@pytest.mark.parametrize(("accept", "compressed"), [
    ("gzip", True), ("x-gzip", True), ("*", True), ("br;q=1, gzip;q=0.1", True),
    ("gzip;q=0", False), ("gzip;q=0, *", False), ("deflate", False), ("*;q=0", False),
    ("gzip;q=2", False), ("", False),
])
def test_what_accept_encoding_says_decides(surveyed: District, accept: str,
                                           compressed: bool) -> None:
    device = surveyed.devices[1]
    with running_server(surveyed) as server:
        headers, body = _raw_get(f"{server.base_url}/api/v1/sync/pull?since=0",
                                 {**device.headers, "Accept-Encoding": accept})
    assert ("content-encoding" in headers) is compressed
    page = _page(gzip.decompress(body) if compressed else body)
    assert len(page["records"]) == PRODUCERS


def test_a_small_page_goes_as_it_is(surveyed: District) -> None:
    device = surveyed.devices[1]
    with running_server(surveyed) as server:
        base = f"{server.base_url}/api/v1/sync/pull"
        _h, first = _raw_get(f"{base}?since=0&limit=1", {**device.headers,
                                                         "Accept-Encoding": "identity"})
        end = _page(first)["next"]
        headers, body = _raw_get(f"{base}?since={int(end) + PRODUCERS}",
                                 {**device.headers, "Accept-Encoding": "gzip"})
    assert "content-encoding" not in headers
    assert _page(body) == {"records": [], "next": str(int(end) + PRODUCERS), "more": False}


def test_a_phone_pulls_everything_with_far_fewer_bytes(
        surveyed: District, phone_factory: Callable[..., Phone]) -> None:
    """The phone's client (httpx, default headers) through a proxy that counts the bytes."""
    device = surveyed.devices[2]
    phone = phone_factory("newcomer", device)
    with running_server(surveyed) as server:
        _h, plain = _raw_get(f"{server.base_url}/api/v1/sync/pull?since=0&limit=500",
                             {**device.headers, "Accept-Encoding": "identity"})
        proxy = FaultProxy(upstream=("127.0.0.1", server.port))
        with proxy.running() as (host, port):
            report = asyncio.run(phone.client(f"http://{host}:{port}").sync())
            down = proxy.stats.bytes_down
    assert report.completed and report.pulled == PRODUCERS, report
    assert len(phone.store.list("producer")) == PRODUCERS
    # Everything that came down (headers and the answers of the whole sync included) is
    # less than a quarter of the one uncompressed page.
    assert down * 4 < len(plain), (down, len(plain))


# ---- the Accept-Encoding parser ----------------------------------------------------

CODINGS = ["gzip", "x-gzip", "*", "deflate", "br", "identity", "zstd"]
QVALUES = ["0", "0.", "0.0", "0.5", "0.001", "0.000", "1", "1.", "1.0", "1.000"]


@given(st.lists(st.tuples(st.sampled_from(CODINGS), st.none() | st.sampled_from(QVALUES),
                          st.booleans(), st.sampled_from(["", " ", "  "])), max_size=6))
def test_accepts_gzip_follows_rfc_9110(items: list[tuple[str, str | None, bool, str]]) -> None:
    """Model: gzip (or x-gzip) named with its highest q, else `*`, decides; q above 0 takes."""
    text = ",".join(f"{pad}{coding.upper() if upper else coding}"
                    f"{'' if q is None else f'{pad};{pad}q={q}'}"
                    for coding, q, upper, pad in items)
    quality = {coding: 0.0 for coding in CODINGS}
    named = {coding: False for coding in CODINGS}
    for coding, q, _upper, _pad in items:
        key = "gzip" if coding == "x-gzip" else coding
        value = 1.0 if q is None else float(q)
        quality[key] = max(quality[key], value) if named[key] else value
        named[key] = True
    expected = quality["gzip"] > 0 if named["gzip"] else named["*"] and quality["*"] > 0
    assert accepts_gzip(text) is expected, text


@given(st.text())
def test_accepts_gzip_reads_any_text(text: str) -> None:
    assume("gzip" not in text.lower())
    assert accepts_gzip(text) in (True, False)
    # Whatever else the header holds, gzip refused by name stays refused.
    assert accepts_gzip(f"{text}, gzip;q=0") is False
    assert accepts_gzip(f"gzip;q=0,{text}") is False
