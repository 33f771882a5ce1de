"""The server's photo check (sync_server/uploads/imagecheck.py) on outside input: every
hostile file is refused with its reason, app photos pass, and no mutation of a good JPEG
(cut, bit flip, bytes inserted or appended) gets anything but a verdict."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from fieldapp.photos import process_photo
from sync_server.uploads.imagecheck import MAX_EDGE, CheckedImage, ImageRefused, check_photo
from tests.photos.hostile import app_jpeg, hostile_files

THAI = re.compile(r"[\u0e00-\u0e7f]")
GOOD = app_jpeg(6_000, seed=77)

EXPECTED = {
    "truncated_jpeg_half": "photo_damaged",
    "truncated_jpeg_no_eoi": "photo_damaged",
    "truncated_jpeg_header": "photo_damaged",
    "html_behind_jpeg_magic": "photo_damaged",
    "jpeg_50000x50000_header": "photo_too_many_pixels",
    "jpeg_too_wide": "photo_too_many_pixels",
}


@pytest.mark.parametrize("name", sorted(hostile_files()))
def test_each_hostile_file_is_refused_with_its_reason(name: str) -> None:
    with pytest.raises(ImageRefused) as refused:
        check_photo(hostile_files()[name])
    assert refused.value.code == EXPECTED.get(name, "photo_not_jpeg")
    assert THAI.search(refused.value.detail_th) and THAI.search(refused.value.title_th)
    assert not THAI.search(refused.value.detail_en)


def test_what_the_app_writes_passes(phone_photos: dict[int, bytes]) -> None:
    processed = process_photo(phone_photos[6])
    assert check_photo(processed.jpeg) == CheckedImage("image/jpeg", processed.width,
                                                       processed.height)
    assert check_photo(processed.thumb).width == 320
    grey = io.BytesIO()
    Image.new("L", (MAX_EDGE, 10), 128).save(grey, "JPEG")
    assert check_photo(grey.getvalue()).width == MAX_EDGE


def _verdict(data: bytes) -> str:
    try:
        checked = check_photo(data)
    except ImageRefused as refused:
        return refused.code
    assert data.startswith(b"\xff\xd8") and data.endswith(b"\xff\xd9")
    with Image.open(io.BytesIO(data)) as image:  # what passes really decodes whole
        image.load()
        assert image.size == (checked.width, checked.height)
    return "ok"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutations_of_a_good_jpeg_get_a_verdict(data: st.DataObject) -> None:
    good = bytearray(GOOD)
    kind = data.draw(st.sampled_from(["cut", "flip", "insert", "append"]))
    at = data.draw(st.integers(0, len(good) - 1))
    if kind == "cut":
        mutated = bytes(good[:at])
        assert _verdict(mutated) != "ok"  # every cut loses EOI at least
    elif kind == "flip":
        good[at] ^= 1 << data.draw(st.integers(0, 7))
        _verdict(bytes(good))
    elif kind == "insert":
        extra = data.draw(st.binary(min_size=1, max_size=64))
        _verdict(bytes(good[:at]) + extra + bytes(good[at:]))
    else:
        extra = data.draw(st.binary(min_size=1, max_size=64))
        assert _verdict(bytes(good) + extra) == "photo_not_jpeg"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2_000))
def test_arbitrary_bytes_are_refused(blob: bytes) -> None:
    assert _verdict(blob) != "ok"
