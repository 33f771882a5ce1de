"""Replayed and reordered pushes, a phone killed in the middle of a pull, one photo from two
phones: all against the real server process."""

from __future__ import annotations

import asyncio
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from sync_server.db.tables import records
from tests.sync.harness import ROOT, District, make_district, running_server
from tests.sync.phones import Phone, producer_fields

Phones = Callable[..., Phone]


def server_state(district: District) -> dict[str, tuple]:
    engine = district.engine()
    with engine.connect() as conn:
        rows = conn.execute(sa.select(records.c.id, records.c.data, records.c.clocks,
                                      records.c.deleted)).all()
    engine.dispose()
    return {r.id: (r.data, r.clocks, r.deleted) for r in rows}


def test_replayed_and_reordered_pushes_give_the_clean_state(
    tmp_path: Path, phone_factory: Phones
) -> None:
    clean = make_district(tmp_path / "clean")
    # The same district twice (same phones and tokens): one gets a clean delivery, the other
    # every push replayed, shuffled, and with its changes reordered.
    shutil.copytree(clean.data_dir, tmp_path / "messy")
    messy = District(tmp_path / "messy", f"sqlite:///{tmp_path / 'messy' / 'district.sqlite3'}",
                     clean.devices)
    phones = [phone_factory(f"p{i}", clean.devices[i]) for i in range(3)]
    rng = random.Random(5)
    bodies: list[tuple[int, list[dict]]] = []
    ids: list[str] = []
    for step in range(30):
        n = rng.randrange(3)
        phone = phones[n]
        if not ids or rng.random() < 0.3:
            ids.append(phone.store.create("producer", producer_fields(step))["id"])
        else:
            target = rng.choice(ids)
            if phone.store.get("producer", target) is None:
                continue
            phone.store.update("producer", target, {"notes": f"บันทึก {step} จาก {n}",
                                                    "members_count": step})
        changes = phone.store.pending_changes()
        if changes:
            bodies.append((n, [c.to_json() for c in changes]))
            phone.store.acknowledge([c.change_id for c in changes])
    with running_server(clean) as a, running_server(messy) as b:
        for n, body in bodies:
            answer = httpx.post(a.base_url + "/api/v1/sync/push", json={"changes": body},
                                headers=clean.devices[n].headers)
            assert {r["status"] for r in answer.json()["results"]} <= {"applied"}
        shuffled = bodies + rng.sample(bodies, len(bodies) // 2)  # duplicates too
        rng.shuffle(shuffled)
        refused: dict[str, tuple[int, dict]] = {}
        for n, body in shuffled:
            answer = httpx.post(b.base_url + "/api/v1/sync/push",
                                json={"changes": rng.sample(body, len(body))},
                                headers=clean.devices[n].headers)
            for result in answer.json()["results"]:
                change = next(c for c in body if c["change_id"] == result["change_id"])
                if result["status"] == "rejected":
                    refused[result["change_id"]] = (n, change)
                else:
                    refused.pop(result["change_id"], None)
        # An edit that overtook its record's creation was refused; its phone keeps it and
        # sends it again on the next sync, as the client does.
        for n, change in refused.values():
            answer = httpx.post(b.base_url + "/api/v1/sync/push", json={"changes": [change]},
                                headers=clean.devices[n].headers)
            assert answer.json()["results"][0]["status"] == "applied"
    assert server_state(clean) == server_state(messy)


@pytest.mark.parametrize("point", ["pull_fetched", "pull_applied"])
def test_phone_killed_during_pull_converges(
    district: District, phone_factory: Phones, point: str
) -> None:
    writer = phone_factory("writer", district.devices[0])
    for n in range(10):
        writer.store.create("producer", producer_fields(n))
    with running_server(district) as server:
        assert asyncio.run(writer.client(server.base_url).sync()).completed
        reader_dir = writer.root.parent / "reader"
        device = district.devices[1]
        args = [sys.executable, "-m", "tests.sync.pull_runner", str(reader_dir / "store"),
                str(reader_dir / "photos"), device.device_id, device.token, server.base_url,
                point, "2"]
        killed = subprocess.run(args, cwd=ROOT, capture_output=True, timeout=120)
        assert killed.returncode == 137, killed.stderr.decode()[-2000:]
        finished = subprocess.run([*args[:-2], "never", "1"], cwd=ROOT, capture_output=True,
                                  timeout=120)
        assert finished.returncode == 0, finished.stderr.decode()[-2000:]
    reader = phone_factory("reader", device)
    expected = {rid: data for rid, (data, _c, _d) in server_state(district).items()}
    got = {r["id"]: {k: v for k, v in r.items() if k != "id"}
           for r in reader.store.list("producer")}
    assert got == expected


def test_same_photo_from_two_phones_is_uploaded_once(
    district: District, phone_factory: Phones
) -> None:
    a = phone_factory("a", district.devices[0])
    b = phone_factory("b", district.devices[1])
    producer = a.store.create("producer", producer_fields(1))
    with running_server(district) as server:
        assert asyncio.run(a.client(server.base_url).sync()).completed
        assert asyncio.run(b.client(server.base_url).sync()).completed
        a.take_photo(producer["id"], seed=42)
        photo = a.store.list("photo")[0]
        # Phone B holds the very same files (shared by Bluetooth, say) and names them in its
        # own record: the same id, since a photo's id is its SHA-256.
        sha, thumb_sha = photo["id"], photo["thumb_sha256"]
        b.photos.put_blob(a.photos.path(sha).read_bytes())
        b.photos.put_blob(a.photos.path(thumb_sha).read_bytes())
        first = asyncio.run(a.client(server.base_url).sync())
        assert first.photos_uploaded == 1 and first.thumbnails_uploaded == 1
        b.store.create("photo", {k: v for k, v in photo.items()
                                 if k not in ("schema_version",)})
        second = asyncio.run(b.client(server.base_url).sync())
        assert second.completed and second.bytes_uploaded == 0
        assert second.blobs_skipped == 2
        assert b.store.is_safe_to_wipe()
    stored = list((district.data_dir / "photos").rglob("*.jpg"))
    assert sorted(p.name for p in stored) == sorted([f"{sha}.jpg", f"{thumb_sha}.jpg"])
