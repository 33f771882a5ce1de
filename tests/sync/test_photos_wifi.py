"""Full photos held back for Wi-Fi: records and thumbnails go, full photos wait (real server)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import sqlalchemy as sa

from fieldapp.sync import SyncProgress
from sync_server.db.tables import photos
from tests.sync.harness import District, running_server
from tests.sync.phones import Phone, producer_fields

Phones = Callable[..., Phone]


def _stored_photo_ids(district: District) -> set[str]:
    engine = district.engine()
    with engine.connect() as conn:
        found = set(conn.execute(sa.select(photos.c.sha256)).scalars())
    engine.dispose()
    return found


def test_full_photos_wait_for_wifi_and_go_with_a_later_sync(
    district: District, phone_factory: Phones
) -> None:
    a = phone_factory("a", district.devices[0])
    producer = a.store.create("producer", producer_fields(11))
    shots = [a.take_photo(producer["id"], seed) for seed in (3, 4)]
    seen: list[SyncProgress] = []
    with running_server(district) as server:
        held = asyncio.run(a.client(server.base_url, send_full_photos=False).sync(
            progress=seen.append))
        assert held.completed, held.error_en
        assert held.statuses == {"applied": 3}  # the producer and both photo records
        assert held.thumbnails_uploaded == 2 and held.photos_uploaded == 0
        assert held.photos_waiting_wifi == 2
        assert held.notice_th is not None and "Wi-Fi" in held.notice_th and "รอ" in held.notice_th
        assert held.notice_en == "2 full photos wait for Wi-Fi (records and thumbnails were sent)"
        # The full photos are still only on this phone: wiping it now would lose them.
        assert not held.safe_to_wipe and not a.store.is_safe_to_wipe()
        assert a.store.pending_count() == 0
        photo_stage = [p for p in seen if p.stage == "photos"]
        assert photo_stage and photo_stage[-1].label_en == held.notice_en
        assert photo_stage[-1].label_th == held.notice_th
        assert seen[-1].stage == "done" and seen[-1].wifi_note == (held.notice_th, held.notice_en)
        assert seen[-1].label_en == "Sync finished"
        assert _stored_photo_ids(district) == {s.thumb_sha256 for s in shots}
        full = httpx.get(f"{server.base_url}/api/v1/photos/{shots[0].sha256}",
                         headers=district.devices[0].headers)
        assert full.status_code == 404
        thumb = httpx.get(f"{server.base_url}/api/v1/photos/{shots[0].sha256}",
                          params={"size": "thumb"}, headers=district.devices[0].headers)
        assert thumb.status_code == 200 and thumb.content == shots[0].thumb

        on_wifi = asyncio.run(a.client(server.base_url).sync())
        assert on_wifi.completed and on_wifi.pushed == 0 and on_wifi.thumbnails_uploaded == 0
        assert on_wifi.photos_uploaded == 2 and on_wifi.photos_waiting_wifi == 0
        assert on_wifi.notice_en is None and on_wifi.safe_to_wipe and a.store.is_safe_to_wipe()
        full = httpx.get(f"{server.base_url}/api/v1/photos/{shots[0].sha256}",
                         headers=district.devices[0].headers)
        assert full.status_code == 200 and full.content == shots[0].jpeg
    assert _stored_photo_ids(district) == {s.thumb_sha256 for s in shots} | {
        s.sha256 for s in shots}
