"""Issue 11, item 2: only a JPEG as the app writes it becomes a photo. Hostile files sent
with their true SHA-256 to the real server (in one piece, in chunks, by a standard client)
are refused with a Thai and English problem and leave nothing behind; stored photos are
served with their type and `X-Content-Type-Options: nosniff` on every read path."""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
from collections.abc import Callable

import httpx
from PIL import Image

from fieldapp.photos import process_photo
from fieldapp.sync.progress import SyncProgress
from tests.photos.hostile import app_jpeg, hostile_files
from tests.photos.tus_support import PATCH, create, office_cookie, server_rows, upload
from tests.sync.harness import District, running_server
from tests.sync.phones import Phone, camera_jpeg, producer_fields

THAI = re.compile(r"[\u0e00-\u0e7f]")
CODES = {"photo_not_jpeg", "photo_damaged", "photo_too_many_pixels"}


def _nothing_left(district: District) -> None:
    rows = server_rows(district)
    assert rows["photos"] == set() and rows["possession"] == set(), rows
    assert rows["uploads"] == [], rows
    assert list((district.data_dir / "photos").rglob("*")) == []
    assert list((district.data_dir / "uploads").rglob("*.part")) == []


def _refused(response: httpx.Response, name: str) -> None:
    assert response.status_code == 422, (name, response.status_code, response.text)
    assert response.headers["Content-Type"].startswith("application/problem+json"), name
    problem = response.json()
    assert problem["code"] in CODES, (name, problem)
    assert THAI.search(problem["title_th"]) and THAI.search(problem["detail_th"]), name
    assert problem["detail"] and not THAI.search(problem["detail"]), name


def test_hostile_files_are_refused_and_nothing_is_kept(district: District) -> None:
    phone = district.devices[0]
    files = hostile_files()
    with running_server(district) as server:
        base = server.base_url
        for name, data in files.items():
            digest = hashlib.sha256(data).hexdigest()
            for dedupe in (True, False):
                _refused(upload(base, phone, data, dedupe=dedupe), name)
            # In chunks: refused at the first chunk when the first bytes are no JPEG's,
            # else when the last byte is in.
            _refused(upload(base, phone, data, chunk=max(1, len(data) // 3)), name)
            assert httpx.get(f"{base}/api/v1/photos/{digest}",
                             headers=phone.headers).status_code == 404, name
            assert httpx.head(f"{base}/api/v1/uploads/{digest}",
                              headers=phone.headers).status_code == 404, name
            _nothing_left(district)


def test_a_polyglot_is_refused_at_its_last_chunk_after_good_first_chunks(
        district: District) -> None:
    phone = district.devices[0]
    jpeg = app_jpeg(50_000, seed=4)
    data = jpeg + b"PK\x03\x04" + b"<script>alert(1)</script>" * 40
    with running_server(district) as server:
        created = create(server.base_url, phone, data, dedupe=True)
        url = server.base_url + created.headers["Location"]
        first = httpx.patch(url, content=data[:30_000],
                            headers={**phone.headers, **PATCH, "Upload-Offset": "0"})
        assert first.status_code == 204
        last = httpx.patch(url, content=data[30_000:],
                           headers={**phone.headers, **PATCH, "Upload-Offset": "30000"})
        _refused(last, "polyglot")
        assert last.json()["code"] == "photo_not_jpeg"
        assert "follow the end of the image" in last.json()["detail"]
    _nothing_left(district)


def test_app_photos_are_stored_and_served_as_jpeg_with_nosniff(district: District) -> None:
    phone = district.devices[0]
    processed = process_photo(camera_jpeg(3))
    grey = io.BytesIO()
    Image.new("L", (40, 30), 90).save(grey, "JPEG")
    with running_server(district) as server:
        base = server.base_url
        for data in (processed.jpeg, processed.thumb, grey.getvalue()):
            assert upload(base, phone, data, chunk=7_000).status_code == 204
        cookie = office_cookie(district, phone)
        for data in (processed.jpeg, processed.thumb, grey.getvalue()):
            digest = hashlib.sha256(data).hexdigest()
            for headers, cookies in ((phone.headers, {}), ({}, cookie)):
                got = httpx.get(f"{base}/api/v1/photos/{digest}", headers=headers,
                                cookies=cookies)
                assert got.status_code == 200 and got.content == data
                assert got.headers["Content-Type"] == "image/jpeg"
                assert got.headers["X-Content-Type-Options"] == "nosniff"
                cached = httpx.get(f"{base}/api/v1/photos/{digest}", cookies=cookies,
                                   headers={**headers, "If-None-Match": f'"{digest}"'})
                assert cached.status_code == 304
                assert cached.headers["X-Content-Type-Options"] == "nosniff"
    assert len(server_rows(district)["photos"]) == 3


def test_the_app_shows_the_refusal_and_sends_its_other_photos(
        district: District, phone_factory: Callable[..., Phone]) -> None:
    """A blob on the phone that the server refuses (here: an HTML file) does not block the
    sync: the officer sees the server's reason in Thai and English, the other photos go,
    and the phone is not told it is safe to wipe."""
    phone = phone_factory("phone", district.devices[0])
    producer = phone.store.create("producer", producer_fields(3))["id"]
    bad = phone.photos.put_blob(hostile_files()["html"])
    phone.store.create("photo", {"id": bad, "producer_id": producer, "subject": "product"})
    good = phone.take_photo(producer, seed=8)
    seen: list[SyncProgress] = []
    with running_server(district) as server:
        report = asyncio.run(phone.client(server.base_url).sync(progress=seen.append))
    assert (report.photos_uploaded, report.thumbnails_uploaded) == (1, 1)
    errors = [(p.error_th, p.error_en) for p in seen if p.error_en]
    assert errors and all(THAI.search(th or "") for th, _ in errors)
    assert any("not a JPEG photo" in (en or "") for _, en in errors)
    assert server_rows(district)["photos"] == {good.sha256, good.thumb_sha256}
    assert not phone.store.is_safe_to_wipe()
