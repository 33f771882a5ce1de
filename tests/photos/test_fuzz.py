"""Whatever bytes arrive, process_photo returns a photo or raises PhotoError: never another
exception, never a hang. Mutations of small real files reach the decoders' error paths."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.photos import PhotoError, perceptual_hash, process_photo
from tests.photos import photogen

_SCENE = photogen.upright((96, 72), seed=9)


def _encoded(fmt: str) -> bytes:
    out = io.BytesIO()
    exif = photogen.exif_block(orientation=6) if fmt in ("JPEG", "PNG", "WEBP") else None
    _SCENE.save(out, format=fmt, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


SEEDS = [_encoded(fmt) for fmt in ("JPEG", "PNG", "WEBP")]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "zero"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "zero":
            data[at:at + 16] = bytes(len(data[at:at + 16]))
    return bytes(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_files_give_a_photo_or_a_photo_error(data: bytes) -> None:
    try:
        processed = process_photo(data)
    except PhotoError as error:
        assert error.code and error.message_th and error.message_en
        return
    assert processed.jpeg[:2] == b"\xff\xd8" and processed.width >= 1
    perceptual_hash(processed.thumb)


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=512))
def test_random_bytes_are_refused(data: bytes) -> None:
    try:
        process_photo(data)
    except PhotoError:
        return
    raise AssertionError("random bytes were accepted as a photo")
