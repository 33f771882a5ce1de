"""Every kind of bad file gets a PhotoError with a stable code, Thai and English text,
and leaves nothing behind in the photo store."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from fieldapp.photos import MAX_PIXELS, PhotoError, PhotoStore, process_photo
from tests.photos import photogen


def _encoded(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny real PNG whose header claims another size (what a bomb looks like)."""
    png = bytearray(_encoded(Image.new("L", (8, 8), 128), "PNG"))
    ihdr = 8 + 8  # signature, then length and type of the first chunk
    png[ihdr:ihdr + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(png[ihdr - 4:ihdr + 13]))
    png[ihdr + 13:ihdr + 17] = struct.pack(">I", crc)
    return bytes(png)


def _small_scene() -> Image.Image:
    return photogen.upright((800, 600), seed=11)


def _text_chunk_bomb() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "ก" * 2_000_000, zip=True)  # 6 MB of text in a few kB
    return _encoded(_small_scene().resize((64, 48)), "PNG", pnginfo=info)


def _animated(fmt: str) -> bytes:
    scene = _small_scene()
    return _encoded(scene, fmt, save_all=True, append_images=[scene.rotate(180)])


BAD_FILES: dict[str, tuple[Callable[[], bytes], str]] = {
    "zero bytes": (lambda: b"", "empty"),
    "Thai text named .jpg": (
        lambda: "รายชื่อผู้ผลิต OTOP ตำบลบางขนาก\n".encode() * 50, "not_an_image"),
    "HTML error page saved as a photo": (
        lambda: b"<!doctype html><title>502 Bad Gateway</title>", "not_an_image"),
    "truncated JPEG": (
        lambda: (lambda d: d[: len(d) * 6 // 10])(_encoded(_small_scene(), "JPEG")), "truncated"),
    "truncated PNG": (
        lambda: (lambda d: d[: len(d) * 6 // 10])(_encoded(_small_scene(), "PNG")), "truncated"),
    "JPEG header then garbage": (
        lambda: _encoded(_small_scene(), "JPEG")[:200] + bytes(range(256)) * 20, "corrupt"),
    "PNG with a broken checksum": (
        lambda: (lambda d: d[:100] + bytes([d[100] ^ 0xFF]) + d[101:])(
            _encoded(_small_scene(), "PNG")), "corrupt"),
    "header claiming 60 MP": (lambda: _png_claiming(7746, 7746), "too_many_pixels"),
    "header claiming 100 MP (Pillow warns)": (
        lambda: _png_claiming(10_000, 10_000), "too_many_pixels"),
    "header claiming 900 MP (Pillow's bomb error)": (
        lambda: _png_claiming(30_000, 30_000), "too_many_pixels"),
    "PNG text-chunk bomb": (_text_chunk_bomb, "decompression_bomb"),
    "animated PNG": (lambda: _animated("PNG"), "animated"),
    "animated WebP": (lambda: _animated("WEBP"), "animated"),
    "GIF": (lambda: _encoded(_small_scene(), "GIF"), "unsupported_format"),
    "TIFF": (lambda: _encoded(_small_scene(), "TIFF"), "unsupported_format"),
    "BMP": (lambda: _encoded(_small_scene(), "BMP"), "unsupported_format"),
    "iPhone HEIC": (
        lambda: b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(4000),
        "unsupported_format"),
}


def _assert_refused(data: bytes, code: str, store: PhotoStore) -> PhotoError:
    with pytest.raises(PhotoError) as caught:
        store.put(process_photo(data, filename="IMG_0001.jpg"))
    error = caught.value
    assert error.code == code, (error.code, error.message_en)
    assert error.message_th and error.message_en
    assert error.message_en.startswith("IMG_0001.jpg: ")
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in error.message_th)  # really Thai
    assert [p for p in store.root.rglob("*")] == []  # nothing stored, not even a folder
    return error


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_bad_file_is_refused_and_nothing_is_stored(name: str, tmp_path: Path) -> None:
    make, code = BAD_FILES[name]
    _assert_refused(make(), code, PhotoStore(tmp_path / "photos"))


def test_a_real_100_megapixel_image_is_refused_before_decoding(tmp_path: Path) -> None:
    huge = _encoded(Image.new("L", (10_000, 10_000), 128), "JPEG", quality=50)
    error = _assert_refused(huge, "too_many_pixels", PhotoStore(tmp_path / "photos"))
    assert "10000×10000" in error.message_en
    assert f"{MAX_PIXELS // 1_000_000} megapixels" in error.message_en


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    from fieldapp.photos import MAX_FILE_BYTES

    padded = _encoded(_small_scene(), "JPEG") + bytes(MAX_FILE_BYTES)
    _assert_refused(padded, "file_too_large", PhotoStore(tmp_path / "photos"))


def test_twelve_megapixels_is_well_inside_the_limit(phone_photos: dict[int, bytes]) -> None:
    assert MAX_PIXELS > 4000 * 3000
    assert process_photo(phone_photos[1]).width == 1600
