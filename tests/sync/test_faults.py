"""The sync client over a bad link (tests/support/faultproxy.py) to the real server."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable

import pytest

from fieldapp.sync import RetryPolicy
from tests.photos.hostile import app_jpeg
from tests.support.faultproxy import FaultProxy, Faults
from tests.sync.harness import District, running_server
from tests.sync.phones import Phone, producer_fields

CHUNK = 16 * 1024


def test_photo_upload_cut_at_100_random_offsets(
    district: District, phone_factory: Callable[..., Phone]
) -> None:
    phone = phone_factory("phone", district.devices[0])
    producer = phone.store.create("producer", producer_fields(1))
    data = app_jpeg(3 * 1024 * 1024)  # the server stores only JPEGs as the app writes them
    sha = phone.photos.put_blob(data)
    phone.store.create("photo", {"id": sha, "producer_id": producer["id"],
                                 "subject": "product", "bytes": len(data),
                                 "mime": "image/jpeg"})
    with running_server(district) as server:
        # Every connection is reset after 5-45 KB: about a hundred cuts for 3 MB.
        proxy = FaultProxy(upstream=("127.0.0.1", server.port),
                           faults=Faults(reset_after_bytes=(5_000, 45_000), seed=7))
        with proxy.running() as (host, port):
            client = phone.client(f"http://{host}:{port}", chunk_size=CHUNK, timeout_s=5,
                                  policy=RetryPolicy(max_attempts=50, base_s=0.005, cap_s=0.05))
            report = asyncio.run(client.sync())
            stats = proxy.stats
    assert report.completed, report.error_en
    assert report.photos_uploaded == 1
    stored = district.data_dir / "photos" / sha[:2] / f"{sha}.jpg"
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == sha
    assert stats.resets >= 100
    # What went up beyond the photo itself (re-sent bytes plus every request's headers and
    # the records) stays within one chunk per cut.
    assert stats.bytes_up - len(data) <= stats.resets * CHUNK
    assert phone.store.is_safe_to_wipe()


@pytest.mark.parametrize("faults", [
    Faults(stall_after_bytes=(20_000, 200_000), stall_s=2.0, seed=3),
    Faults(latency_ms=20, reset_every_s=0.5, seed=4),
], ids=["stalls", "periodic-drops"])
def test_sync_survives_stalls_and_drops(
    district: District, phone_factory: Callable[..., Phone], faults: Faults
) -> None:
    phone = phone_factory("phone", district.devices[0])
    other = phone_factory("other", district.devices[1])
    ids = [phone.store.create("producer", producer_fields(n))["id"] for n in range(40)]
    for seed in range(2):
        phone.take_photo(ids[seed], seed)
    with running_server(district) as server:
        proxy = FaultProxy(upstream=("127.0.0.1", server.port), faults=faults)
        with proxy.running() as (host, port):
            client = phone.client(f"http://{host}:{port}", timeout_s=1.0, batch_size=10,
                                  chunk_size=32 * 1024,
                                  policy=RetryPolicy(max_attempts=40, base_s=0.01, cap_s=0.1))
            report = asyncio.run(client.sync())
        assert report.completed, report.error_en
        assert phone.store.is_safe_to_wipe()
        pulled = asyncio.run(other.client(server.base_url).sync())
    assert pulled.completed and pulled.pulled == 42
