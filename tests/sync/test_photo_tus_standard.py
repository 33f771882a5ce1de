"""Issue 11, item 10: a standard tus client (tuspy, used the way its README shows: create,
then PATCH from offset 0) succeeds for a photo the server already holds: a first upload, a
re-upload (same phone, another phone, another district) and a re-upload interrupted by a
real connection reset and resumed from the stored upload URL. Against the real server."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import httpx
import pytest
from tusclient.client import TusClient
from tusclient.exceptions import TusCommunicationError, TusUploadFailed
from tusclient.storage.filestorage import FileStorage

from tests.photos.hostile import app_jpeg
from tests.photos.tus_support import add_district, create, server_rows
from tests.support.faultproxy import FaultProxy, Faults
from tests.sync.harness import Device, District, running_server

CHUNK = 64 * 1024


class _Photo(io.BytesIO):
    """The photo as a stream tuspy may "close" (its fingerprinting closes the stream it
    hashes, and a file path would leave open files behind)."""

    def close(self) -> None:
        pass


def tuspy_upload(base_url: str, device: Device, data: bytes, *,
                 storage: FileStorage | None = None, stop_at: int | None = None) -> int:
    """tuspy as its documentation shows it; returns the offset it ended at. With `storage`
    the upload URL is kept under the file's fingerprint and a later uploader resumes it."""
    sha = hashlib.sha256(data).hexdigest()
    client = TusClient(base_url + "/api/v1/uploads", headers=device.headers)
    uploader = client.uploader(file_stream=_Photo(data), chunk_size=CHUNK,
                               metadata={"sha256": sha, "filename": f"{sha}.jpg"},
                               store_url=storage is not None, url_storage=storage)
    uploader.upload(stop_at=stop_at)
    return int(uploader.offset)


def _readable(base_url: str, device: Device, data: bytes) -> bool:
    sha = hashlib.sha256(data).hexdigest()
    got = httpx.get(f"{base_url}/api/v1/photos/{sha}", headers=device.headers)
    return got.status_code == 200 and got.content == data


def test_tuspy_uploads_and_re_uploads_a_photo_the_server_holds(district: District) -> None:
    first, second = district.devices[0], district.devices[1]
    [other_district] = add_district(district, "2404", phones=1)
    data = app_jpeg(200_000, seed=51)
    with running_server(district) as server:
        base = server.base_url
        for device in (first, first, second, other_district):
            assert tuspy_upload(base, device, data) == len(data)
            assert _readable(base, device, data)
    rows = server_rows(district)
    assert rows["uploads"] == []
    assert len(list((district.data_dir / "photos").rglob("*.jpg"))) == 1


def test_tuspy_resumes_an_interrupted_re_upload(district: District, tmp_path: Path) -> None:
    phone = district.devices[0]
    data = app_jpeg(300_000, seed=52)
    storage = FileStorage(str(tmp_path / "tus-urls.json"))
    try:
        with running_server(district) as server:
            assert tuspy_upload(server.base_url, phone, data) == len(data)
            proxy = FaultProxy(upstream=("127.0.0.1", server.port), faults=Faults())
            with proxy.running() as (host, port):
                base = f"http://{host}:{port}"
                # Stopped by the client after one chunk...
                assert tuspy_upload(base, phone, data, storage=storage, stop_at=CHUNK) == CHUNK
                # ...then cut by the network inside the next PATCH (every connection is
                # reset after 20 KB): the server keeps what arrived.
                proxy.faults = Faults(reset_after_bytes=20_000, seed=1)
                with pytest.raises((TusUploadFailed, TusCommunicationError)):
                    tuspy_upload(base, phone, data, storage=storage)
                assert proxy.stats.resets >= 1
                # A new tuspy finds the stored URL, asks HEAD for the offset and finishes.
                proxy.faults = Faults()
                assert tuspy_upload(base, phone, data, storage=storage) == len(data)
            assert _readable(server.base_url, phone, data)
    finally:
        storage.close()
    assert server_rows(district)["uploads"] == []


def test_the_project_client_still_skips_what_its_district_holds(district: District) -> None:
    phone = district.devices[0]
    data = app_jpeg(100_000, seed=53)
    sha = hashlib.sha256(data).hexdigest()
    with running_server(district) as server:
        base = server.base_url
        assert tuspy_upload(base, phone, data) == len(data)
        project = create(base, district.devices[1], data, dedupe=True)
        assert project.status_code == 201
        assert project.headers["Upload-Offset"] == str(len(data))
        assert project.headers["Location"] == f"/api/v1/uploads/{sha}"
        standard = create(base, district.devices[1], data, dedupe=False)
        assert standard.headers["Upload-Offset"] == "0"
        assert standard.headers["Location"].startswith(f"/api/v1/uploads/{sha}-")
