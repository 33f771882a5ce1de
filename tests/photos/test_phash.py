"""Near-duplicate hints: the same shot re-encoded stays close, another shot is far."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from fieldapp.photos import (
    NEAR_DUPLICATE_DISTANCE,
    PhotoError,
    hamming,
    looks_alike,
    perceptual_hash,
    process_photo,
)
from tests.photos import photogen

hashes = st.integers(min_value=0, max_value=2**64 - 1).map(lambda v: f"{v:016x}")


def _jpeg(image: Image.Image, quality: int = 85) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def test_same_shot_is_near_and_other_shots_are_far(phone_photos: dict[int, bytes]) -> None:
    processed = process_photo(phone_photos[1])
    reference = perceptual_hash(processed.thumb)
    assert len(reference) == 16

    # The same photo: its full size, the phone original held another way, a re-encode at
    # low quality, a slightly brighter copy and a 3 % crop.
    full = _open(processed.jpeg)
    same_shot = [
        processed.jpeg,
        phone_photos[6],
        _jpeg(full.resize((640, 480)), quality=40),
        _jpeg(full.point(lambda v: min(255, int(v * 1.08)))),
        _jpeg(full.crop((24, 18, 1576, 1182))),
    ]
    for data in same_shot:
        assert hamming(reference, perceptual_hash(data)) <= NEAR_DUPLICATE_DISTANCE

    for seed in range(1, 6):
        other = process_photo(photogen.jpeg(photogen.upright((1600, 1200), seed=seed)))
        distance = hamming(reference, perceptual_hash(other.thumb))
        assert distance > NEAR_DUPLICATE_DISTANCE, seed
        assert not looks_alike(reference, perceptual_hash(other.thumb))


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_bad_input_is_refused_like_process_photo() -> None:
    with pytest.raises(PhotoError) as caught:
        perceptual_hash("ไม่ใช่รูป".encode())
    assert caught.value.code == "not_an_image"


@pytest.mark.parametrize("bad", ["", "123", "g" * 16, "ABCDEF0123456789", 12])
def test_hamming_refuses_malformed_hashes(bad: object) -> None:
    with pytest.raises(PhotoError) as caught:
        hamming("0" * 16, bad)  # type: ignore[arg-type]
    assert caught.value.code == "bad_id"


@given(hashes, hashes, hashes)
def test_hamming_is_a_metric_on_64_bits(a: str, b: str, c: str) -> None:
    assert hamming(a, a) == 0
    assert hamming(a, b) == hamming(b, a)
    assert 0 <= hamming(a, b) <= 64
    assert hamming(a, c) <= hamming(a, b) + hamming(b, c)
    assert (hamming(a, b) == 0) == (a == b)
