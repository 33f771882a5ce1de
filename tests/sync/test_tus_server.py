"""tus 1.0 uploads against the real server process: a standard client (tuspy), dedupe by
content, resume, verification, and serving the stored photos."""

from __future__ import annotations

import base64
import hashlib
import io
from pathlib import Path

import httpx
import pytest
from tusclient.client import TusClient
from tusclient.exceptions import TusCommunicationError

from tests.photos.hostile import app_jpeg
from tests.sync.harness import District, running_server

TUS = {"Tus-Resumable": "1.0.0"}
DEDUPE = {"Tambon-Dedupe": "1"}  # what the project's client sends (fieldapp/sync/tus.py)


def photo_bytes(size: int, seed: int = 1) -> bytes:
    """A JPEG as the app writes it (the server refuses anything else), at least `size` bytes."""
    return app_jpeg(size, seed)


def meta(sha: str) -> str:
    return "sha256 " + base64.b64encode(sha.encode()).decode()


def stored_photos(district: District) -> list[Path]:
    return sorted((district.data_dir / "photos").rglob("*.jpg"))


def tus_upload(base_url: str, token: str, data: bytes, chunk: int = 256 * 1024) -> int:
    """The flow docs/sync.md recommends for tuspy; returns bytes PATCHed."""
    sha = hashlib.sha256(data).hexdigest()
    client = TusClient(base_url + "/api/v1/uploads", headers={"Authorization": f"Bearer {token}"})
    uploader = client.uploader(file_stream=io.BytesIO(data), chunk_size=chunk,
                               metadata={"sha256": sha, "filename": f"{sha}.jpg"})
    uploader.set_url(uploader.create_url())
    uploader.offset = uploader.get_offset()  # a photo already there: offset == length
    start = uploader.offset
    uploader.upload()
    return len(data) - start


def test_tuspy_uploads_a_photo_with_a_device_token(district: District) -> None:
    phone = district.devices[0]
    data = photo_bytes(700_000)
    sha = hashlib.sha256(data).hexdigest()
    with running_server(district) as server:
        options = httpx.options(server.base_url + "/api/v1/uploads")
        assert options.headers["Tus-Version"] == "1.0.0"
        assert set(options.headers["Tus-Extension"].split(",")) >= {"creation", "checksum"}
        assert options.headers["Tus-Checksum-Algorithm"] == "sha256"
        assert int(options.headers["Tus-Max-Size"]) >= 10_000_000

        sent = tus_upload(server.base_url, phone.token, data)
        assert sent == len(data)
        [stored] = stored_photos(district)
        assert stored.name == f"{sha}.jpg" and stored.parent.name == sha[:2]
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == sha

        got = httpx.get(f"{server.base_url}/api/v1/photos/{sha}", headers=phone.headers)
        assert got.status_code == 200 and got.content == data
        assert got.headers["Content-Type"] == "image/jpeg"
        assert got.headers["X-Content-Type-Options"] == "nosniff"
        assert got.headers["ETag"] == f'"{sha}"' and "immutable" in got.headers["Cache-Control"]
        again = httpx.get(f"{server.base_url}/api/v1/photos/{sha}",
                          headers={**phone.headers, "If-None-Match": f'"{sha}"'})
        assert again.status_code == 304
        assert district.partner is not None
        partner = httpx.get(f"{server.base_url}/api/v1/photos/{sha}",
                            headers=district.partner.headers)
        assert partner.status_code == 200  # partner agencies of the district may see photos
        assert httpx.get(f"{server.base_url}/api/v1/photos/{sha}").status_code == 401


def test_same_photo_from_two_devices_is_stored_once(district: District) -> None:
    first, second = district.devices[0], district.devices[1]
    data = photo_bytes(400_000)
    with running_server(district) as server:
        assert tus_upload(server.base_url, first.token, data) == len(data)
        # A standard tus client gets a fresh upload at offset 0 (tus 1.0) and sends the
        # bytes again; they are verified, not stored twice.
        assert tus_upload(server.base_url, second.token, data) == len(data)
        # The project's client (Tambon-Dedupe) is told its district holds the photo.
        sha = hashlib.sha256(data).hexdigest()
        created = httpx.post(server.base_url + "/api/v1/uploads",
                             headers={**second.headers, **TUS, **DEDUPE,
                                      "Upload-Length": str(len(data)),
                                      "Upload-Metadata": meta(sha)})
        assert created.status_code == 201
        assert created.headers["Upload-Offset"] == str(len(data))
        assert created.headers["Location"] == f"/api/v1/uploads/{sha}"
    assert len(stored_photos(district)) == 1


def test_resume_after_a_drop_and_reject_a_damaged_photo(district: District) -> None:
    phone = district.devices[0]
    data = photo_bytes(300_000)
    sha = hashlib.sha256(data).hexdigest()
    with running_server(district) as server, httpx.Client(
            base_url=server.base_url, headers={**phone.headers, **TUS, **DEDUPE}) as h:
        created = h.post("/api/v1/uploads", headers={"Upload-Length": str(len(data)),
                                                     "Upload-Metadata": meta(sha)})
        url = created.headers["Location"]
        patch = {"Content-Type": "application/offset+octet-stream"}
        part = h.patch(url, content=data[:100_000], headers={**patch, "Upload-Offset": "0"})
        assert part.status_code == 204 and part.headers["Upload-Offset"] == "100000"
        wrong = h.patch(url, content=data[:10], headers={**patch, "Upload-Offset": "5"})
        assert wrong.status_code == 409 and wrong.headers["Upload-Offset"] == "100000"
        bad_sum = h.patch(url, content=data[100_000:150_000],
                          headers={**patch, "Upload-Offset": "100000",
                                   "Upload-Checksum": "sha256 " + base64.b64encode(
                                       hashlib.sha256(b"other").digest()).decode()})
        assert bad_sum.status_code == 460
        assert h.head(url).headers["Upload-Offset"] == "100000"
        rest = h.patch(url, content=data[100_000:], headers={**patch, "Upload-Offset": "100000"})
        assert rest.status_code == 204 and rest.headers["Upload-Offset"] == str(len(data))

        damaged = photo_bytes(2000, seed=5)
        fake_sha = hashlib.sha256(b"not these bytes").hexdigest()
        url2 = h.post("/api/v1/uploads", headers={"Upload-Length": str(len(damaged)),
                                                  "Upload-Metadata": meta(fake_sha)}
                      ).headers["Location"]
        refused = h.patch(url2, content=damaged, headers={**patch, "Upload-Offset": "0"})
        assert refused.status_code == 460
        assert refused.json()["code"] == "photo_hash_mismatch"
        assert "SHA-256" in refused.json()["detail_th"]
        assert h.head(url2).status_code == 404  # discarded
        missing = h.post("/api/v1/uploads", headers={"Upload-Length": "10"})
        assert missing.status_code == 400 and missing.json()["code"] == "sha256_missing"
    assert [p.name for p in stored_photos(district)] == [f"{sha}.jpg"]


def test_tuspy_head_of_unknown_upload_raises(district: District) -> None:
    phone = district.devices[0]
    with running_server(district) as server:
        client = TusClient(server.base_url + "/api/v1/uploads", headers=phone.headers)
        with pytest.raises(TusCommunicationError):
            client.uploader(file_stream=io.BytesIO(b"x"),
                            url=server.base_url + "/api/v1/uploads/" + "0" * 64)
