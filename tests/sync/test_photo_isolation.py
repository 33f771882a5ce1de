"""Issue 11, item 1: a district reads a photo blob only when one of its own devices sent the
bytes. Two districts on one real server: district A (2403) tries to read B's (2404) full
photos and thumbnails through every read path (device fetch, partner token, office session,
photo ZIP), and to learn whether B holds a photo from any answer."""

from __future__ import annotations

import asyncio
import hashlib
import io
import uuid
import zipfile
from collections.abc import Callable

import httpx

from tests.photos.hostile import app_jpeg
from tests.photos.tus_support import (
    DEDUPE,
    PATCH,
    TUS,
    add_district,
    answer,
    create,
    office_cookie,
    push,
    server_rows,
    upload,
)
from tests.sync.harness import District, running_server
from tests.sync.phones import Phone, producer_fields

B_CODE = "2404"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _photo(producer_id: str, thumb: str) -> dict[str, object]:
    return {"producer_id": producer_id, "subject": "product", "thumb_sha256": thumb,
            "mime": "image/jpeg"}


def _b_producer() -> dict[str, object]:
    fields = producer_fields(7)
    fields["address"] = {**fields["address"], "subdistrict_code": "240401",
                         "district_code": B_CODE, "postal_code": "24130"}
    return fields


def test_a_record_naming_b_blobs_reads_nothing_on_any_path(district: District) -> None:
    a_phone, a_partner = district.devices[0], district.partner
    assert a_partner is not None
    [b_phone, _] = add_district(district, B_CODE)
    b_full, b_thumb = app_jpeg(30_000, seed=11), app_jpeg(3_000, seed=12)
    a_full, a_thumb = app_jpeg(30_000, seed=21), app_jpeg(3_000, seed=22)
    # B's bytes whose record B has not pushed yet: A pushes a record with their ids first.
    b_early, b_early_thumb = app_jpeg(30_000, seed=13), app_jpeg(3_000, seed=14)
    with running_server(district) as server:
        base = server.base_url
        for device, data in ((b_phone, b_full), (b_phone, b_thumb), (a_phone, a_full),
                             (a_phone, a_thumb), (b_phone, b_early), (b_phone, b_early_thumb)):
            assert upload(base, device, data).status_code == 204
        b_producer = uuid.uuid4().hex
        result = push(base, b_phone, "producer", b_producer, _b_producer())
        assert result["status"] == "applied", result
        assert push(base, b_phone, "photo", sha(b_full),
                    _photo(b_producer, sha(b_thumb)))["status"] == "applied"
        a_producer = uuid.uuid4().hex
        assert push(base, a_phone, "producer", a_producer,
                    producer_fields(1))["status"] == "applied"
        # A's own photo naming B's thumbnail; and a record of A with B's photo's hash as id
        # naming B's thumbnail too.
        assert push(base, a_phone, "photo", sha(a_full),
                    _photo(a_producer, sha(b_thumb)))["status"] == "applied"
        stolen = push(base, a_phone, "photo", sha(b_full), _photo(a_producer, sha(b_thumb)))
        assert push(base, a_phone, "photo", sha(b_early),
                    _photo(a_producer, sha(b_early_thumb)))["status"] == "applied"

        readers = {"device": (a_phone.headers, {}), "partner": (a_partner.headers, {}),
                   "office": ({}, office_cookie(district, a_phone))}
        for name, (headers, cookies) in readers.items():
            with httpx.Client(base_url=base, headers=headers, cookies=cookies) as client:
                for path in (f"/api/v1/photos/{sha(a_full)}?size=thumb",
                             f"/api/v1/photos/{sha(b_full)}",
                             f"/api/v1/photos/{sha(b_full)}?size=thumb",
                             f"/api/v1/photos/{sha(b_thumb)}",
                             f"/api/v1/photos/{sha(b_thumb)}?size=thumb",
                             f"/api/v1/photos/{sha(b_early)}",
                             f"/api/v1/photos/{sha(b_early)}?size=thumb"):
                    got = client.get(path)
                    assert got.status_code == 404, (name, path, stolen)
                    assert got.json()["code"] == "photo_not_found"
                    assert not any(data in got.content
                                   for data in (b_full, b_thumb, b_early, b_early_thumb))
                assert client.get(f"/api/v1/photos/{sha(a_full)}").content == a_full, name
                assert client.get(f"/api/v1/photos/{sha(a_thumb)}").content == a_thumb, name

        # The photo ZIP of district A carries none of B's bytes.
        exported = httpx.get(base + "/api/v1/exports/photos.zip", headers=a_phone.headers,
                             timeout=60)
        assert exported.status_code == 200
        assert exported.headers["X-Content-Type-Options"] == "nosniff"
        with zipfile.ZipFile(io.BytesIO(exported.content)) as archive:
            contents = [archive.read(name) for name in archive.namelist()]
        assert a_full in contents
        assert not {b_full, b_thumb, b_early, b_early_thumb} & set(contents)

        # B still reads its own photo and thumbnail, through its record.
        assert httpx.get(f"{base}/api/v1/photos/{sha(b_full)}?size=thumb",
                         headers=b_phone.headers).content == b_thumb
        assert httpx.get(f"{base}/api/v1/photos/{sha(b_full)}",
                         headers=b_phone.headers).content == b_full


def test_answers_are_the_same_for_another_districts_photo_and_nobodys(
        district: District) -> None:
    """HEAD, POST, PATCH and GET from A, for a photo B holds and one nobody holds, compared
    byte for byte (the hash and the length written as placeholders)."""
    a_phone = district.devices[0]
    [b_phone, _] = add_district(district, B_CODE)
    held = app_jpeg(40_000, seed=31)  # B has this one
    nobody = app_jpeg(40_000, seed=32)  # nobody has this one
    with running_server(district) as server:
        base = server.base_url
        assert upload(base, b_phone, held, chunk=10_000).status_code == 204

        def exchange(data: bytes) -> list[tuple[int, list[object], bytes]]:
            digest = sha(data)
            seen = {digest: "<sha>", str(len(data)): "<length>"}
            h = {**a_phone.headers, **TUS}
            out = []
            for extra in ({}, DEDUPE):
                out.append(httpx.head(f"{base}/api/v1/uploads/{digest}",
                                      headers={**h, **extra}))
            out.append(httpx.patch(f"{base}/api/v1/uploads/{digest}", content=data[:100],
                                   headers={**a_phone.headers, **PATCH, "Upload-Offset": "0"}))
            for size in ("full", "thumb"):
                out.append(httpx.get(f"{base}/api/v1/photos/{digest}?size={size}",
                                     headers=a_phone.headers))
            standard = create(base, a_phone, data, dedupe=False)
            seen[standard.headers["Location"].rsplit("-", 1)[1]] = "<random>"
            out.append(standard)
            created = create(base, a_phone, data, dedupe=True)
            out.append(created)
            out.append(httpx.head(base + created.headers["Location"], headers=h))
            first = httpx.patch(base + created.headers["Location"], content=data[:20_000],
                                headers={**a_phone.headers, **PATCH, "Upload-Offset": "0"})
            out.append(first)
            out.append(httpx.patch(base + created.headers["Location"], content=data[20_000:],
                                   headers={**a_phone.headers, **PATCH,
                                            "Upload-Offset": "20000"}))
            got = httpx.get(f"{base}/api/v1/photos/{digest}", headers=a_phone.headers)
            assert got.content == data  # A proved it holds the bytes: now it may read them
            out.append(httpx.head(f"{base}/api/v1/uploads/{digest}", headers=h))
            seen[digest] = "<sha>"
            return [answer(response, seen) for response in out]

        for_held, for_nobody = exchange(held), exchange(nobody)
    assert [a[0] for a in for_held] == [404, 404, 404, 404, 404, 201, 201, 200, 204, 204, 200]
    assert for_held == for_nobody


def test_bytes_another_district_holds_are_sent_and_verified(district: District) -> None:
    """Dedupe may skip storing the bytes twice, never proving them."""
    a_phone = district.devices[0]
    [b_phone, _] = add_district(district, B_CODE)
    data = app_jpeg(60_000, seed=41)
    digest = sha(data)
    with running_server(district) as server:
        base = server.base_url
        assert upload(base, b_phone, data).status_code == 204
        created = create(base, a_phone, data, dedupe=True)
        assert created.headers["Upload-Offset"] == "0"  # not "you have it": send it
        # Claiming the hash with other bytes of the same length proves nothing.
        forged = bytearray(data)
        forged[len(data) // 2] ^= 0xFF
        refused = httpx.patch(base + created.headers["Location"], content=bytes(forged),
                              headers={**a_phone.headers, **PATCH, "Upload-Offset": "0"})
        assert refused.status_code == 460
        assert httpx.get(f"{base}/api/v1/photos/{digest}",
                         headers=a_phone.headers).status_code == 404
        assert upload(base, a_phone, data).status_code == 204
        assert httpx.get(f"{base}/api/v1/photos/{digest}", headers=a_phone.headers
                         ).content == data
    rows = server_rows(district)
    assert rows["possession"] == {("2403", digest), (B_CODE, digest)}
    assert rows["uploads"] == []
    assert [p.name for p in (district.data_dir / "photos").rglob("*.jpg")] == [f"{digest}.jpg"]


def test_the_project_client_skips_only_what_its_district_proved(
        district: District, phone_factory: Callable[..., Phone]) -> None:
    """The app's sync client: a photo only district B sent is uploaded in full by A's
    phone; a second phone of A then skips it (and its thumbnail)."""
    [b_device, _] = add_district(district, B_CODE)
    b = phone_factory("b", b_device)
    a1 = phone_factory("a1", district.devices[0])
    a2 = phone_factory("a2", district.devices[1])
    b_producer = b.store.create("producer", _b_producer())["id"]
    shot = b.take_photo(b_producer, seed=5)
    with running_server(district) as server:
        assert asyncio.run(b.client(server.base_url).sync()).completed
        for phone in (a1, a2):
            producer = phone.store.create("producer", producer_fields(2))["id"]
            assert phone.take_photo(producer, seed=5).sha256 == shot.sha256  # same bytes
        first = asyncio.run(a1.client(server.base_url).sync())
        second = asyncio.run(a2.client(server.base_url).sync())
    assert first.completed and second.completed
    assert (first.photos_uploaded, first.thumbnails_uploaded, first.blobs_skipped) == (1, 1, 0)
    assert first.bytes_uploaded >= len(shot.jpeg) + len(shot.thumb)
    assert (second.photos_uploaded, second.thumbnails_uploaded, second.blobs_skipped) == (0, 0, 2)
    assert second.bytes_uploaded == 0
