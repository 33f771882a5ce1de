"""process_photo on 12-megapixel phone-like photos: orientation, size, metadata, determinism."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from fieldapp.photos import PhotoError, process_photo
from tests.photos import photogen

ROOT = Path(__file__).resolve().parents[2]


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _close(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 12) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def _jpeg_markers(data: bytes) -> list[int]:
    """The marker bytes of every segment before the image data (APPn, COM, DQT, SOF, ...)."""
    assert data[:2] == b"\xff\xd8"
    markers, pos = [], 2
    while pos < len(data):
        assert data[pos] == 0xFF
        marker = data[pos + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        pos += 2 + length
    return markers


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_comes_out_upright(
    phone_photos: dict[int, bytes], orientation: int
) -> None:
    processed = process_photo(phone_photos[orientation])
    image = _open(processed.jpeg)
    assert image.size == (1600, 1200)  # the scene is landscape however the phone was held
    colours = photogen.corner_colours(image)
    for corner, expected in photogen.CORNER_COLOURS.items():
        assert _close(colours[corner], expected), (corner, colours[corner])


def test_size_and_budget_at_the_defaults(phone_photos: dict[int, bytes]) -> None:
    processed = process_photo(phone_photos[6])
    assert (processed.width, processed.height) == (1600, 1200)
    assert len(processed.jpeg) <= 400_000
    thumb = _open(processed.thumb)
    assert thumb.size == (320, 240)
    assert thumb.mode == "RGB"
    assert len(processed.thumb) < len(processed.jpeg) / 5


def test_a_busy_scene_still_fits_the_budget(scene: Image.Image) -> None:
    """Fine weave or foliage: noise that survives downscaling. Quality steps down to fit."""
    busy = Image.blend(scene, Image.effect_noise(scene.size, 60).convert("RGB"), 0.95)
    processed = process_photo(photogen.jpeg(busy))
    assert len(processed.jpeg) <= 400_000
    unbounded = process_photo(photogen.jpeg(busy), max_bytes=None)
    assert len(unbounded.jpeg) > 400_000  # the budget really did something here


def test_configurable_long_edge_and_never_upscaled(phone_photos: dict[int, bytes]) -> None:
    small = process_photo(phone_photos[8], long_edge=1024, thumb_edge=200)
    assert (small.width, small.height) == (1024, 768)
    assert _open(small.thumb).size == (200, 150)

    tiny_scene = photogen.upright((640, 480), seed=3)
    kept = process_photo(photogen.jpeg(tiny_scene))
    assert (kept.width, kept.height) == (640, 480)  # smaller than 1600: left as it is
    assert _open(kept.thumb).size == (320, 240)


def test_all_metadata_is_stripped(phone_photos: dict[int, bytes]) -> None:
    source = _open(phone_photos[6])
    assert source.getexif() and "icc_profile" in source.info and "xmp" in source.info
    processed = process_photo(phone_photos[6])
    for blob in (processed.jpeg, processed.thumb):
        image = _open(blob)
        assert not image.getexif()
        assert not set(image.info) & {"exif", "icc_profile", "xmp", "comment", "photoshop"}
        # Only JFIF (APP0) is allowed among the application segments; no COM (0xFE).
        markers = _jpeg_markers(blob)
        assert [m for m in markers if 0xE1 <= m <= 0xEF or m == 0xFE] == []
        assert "บ้านคุณสมศรี".encode() not in blob
        assert b"Samsung" not in blob


def test_capture_time_and_position_move_into_the_record(phone_photos: dict[int, bytes]) -> None:
    processed = process_photo(phone_photos[3])
    assert processed.captured_at == "2026-11-20T03:15:30Z"  # 10:15:30 at +07:00
    assert processed.gps is not None
    assert processed.gps["lat"] == pytest.approx(13.8401, abs=1e-6)
    assert processed.gps["lon"] == pytest.approx(101.0557, abs=1e-6)
    assert processed.gps["accuracy_m"] == pytest.approx(4.8)
    fields = processed.record_fields()
    assert fields["id"] == processed.sha256
    assert fields["bytes"] == len(processed.jpeg)
    assert fields["mime"] == "image/jpeg"
    assert fields["captured_at"] == processed.captured_at
    assert fields["gps"] == processed.gps


def test_photo_without_metadata_has_no_time_or_position(scene: Image.Image) -> None:
    processed = process_photo(photogen.jpeg(scene.resize((800, 600)), extras=False))
    assert processed.captured_at is None and processed.gps is None
    assert "captured_at" not in processed.record_fields()


def test_same_bytes_give_the_same_photo(phone_photos: dict[int, bytes]) -> None:
    first = process_photo(phone_photos[5])
    second = process_photo(phone_photos[5])
    assert first == second
    assert len(first.sha256) == 64 and first.sha256 != first.thumb_sha256


def test_same_bytes_give_the_same_photo_in_another_process(
    phone_photos: dict[int, bytes], tmp_path: Path
) -> None:
    """What two phones with the same app build do: a fresh interpreter, same output."""
    source = tmp_path / "IMG_20261120_101530.jpg"
    source.write_bytes(phone_photos[2])
    code = (
        "import sys; from pathlib import Path; from fieldapp.photos import process_photo; "
        "p = process_photo(Path(sys.argv[1]).read_bytes()); print(p.sha256, p.thumb_sha256)"
    )
    result = subprocess.run([sys.executable, "-c", code, str(source)], cwd=ROOT,
                            capture_output=True, text=True, check=True, timeout=60)
    here = process_photo(phone_photos[2])
    assert result.stdout.split() == [here.sha256, here.thumb_sha256]


def test_png_named_jpg_is_accepted_by_content(tmp_path: Path) -> None:
    scene = photogen.upright((1200, 900), seed=4)
    out = io.BytesIO()
    scene.save(out, format="PNG")
    processed = process_photo(out.getvalue(), filename="รูปสินค้า.jpg")
    assert _open(processed.jpeg).format == "JPEG"
    assert (processed.width, processed.height) == (1200, 900)


def _encoded(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def test_transparency_is_flattened_onto_white() -> None:
    rgba = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    rgba.paste((200, 20, 20, 255), (100, 100, 300, 200))
    processed = process_photo(_encoded(rgba, "PNG"))
    image = _open(processed.jpeg)
    assert image.mode == "RGB"
    assert _close(image.getpixel((10, 10)), (255, 255, 255))  # type: ignore[arg-type]
    assert _close(image.getpixel((200, 150)), (200, 20, 20))  # type: ignore[arg-type]

    palette = rgba.convert("P")
    palette.info["transparency"] = 0
    assert _open(process_photo(_encoded(palette, "PNG", transparency=0)).jpeg).mode == "RGB"


@pytest.mark.parametrize("mode", ["L", "1", "P", "LA", "CMYK", "I;16"])
def test_other_pixel_modes_become_rgb(mode: str) -> None:
    scene = photogen.upright((600, 450), seed=5)
    if mode == "I;16":
        grey = scene.convert("L")
        image = Image.frombytes("I;16", grey.size, bytes(b for v in grey.tobytes() for b in (0, v)))
        data = _encoded(image, "PNG")
        expected_grey = grey.getpixel((300, 225))
    else:
        image = scene.convert(mode)
        data = _encoded(image, "JPEG" if mode in ("L", "CMYK") else "PNG")
        expected_grey = None
    processed = process_photo(data)
    out = _open(processed.jpeg)
    assert out.mode == "RGB" and out.size == (600, 450)
    if expected_grey is not None:  # 16-bit scaled to 8, not clipped to white
        red = out.getpixel((300, 225))[0]  # type: ignore[index]
        assert abs(int(red) - int(expected_grey)) <= 12  # type: ignore[arg-type]


def test_cmyk_jpeg_keeps_its_colours() -> None:
    red = Image.new("RGB", (400, 300), (200, 30, 30))
    processed = process_photo(_encoded(red.convert("CMYK"), "JPEG", quality=95))
    assert _close(_open(processed.jpeg).getpixel((200, 150)), (200, 30, 30), 25)  # type: ignore[arg-type]


def test_a_non_srgb_profile_is_applied_then_dropped() -> None:
    """Colours must survive dropping the profile: the pixels are converted to sRGB."""
    tagged_red = Image.new("RGB", (300, 200), (200, 30, 30))
    converted = process_photo(
        _encoded(tagged_red, "PNG", icc_profile=photogen.swapped_primaries_profile())
    )
    image = _open(converted.jpeg)
    assert "icc_profile" not in image.info
    assert _close(image.getpixel((150, 100)), (30, 200, 30), 15)  # type: ignore[arg-type]

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    plain = process_photo(_encoded(tagged_red, "PNG"))
    tagged = process_photo(_encoded(tagged_red, "PNG", icc_profile=srgb))
    assert plain.sha256 == tagged.sha256  # an sRGB profile changes nothing


def test_phone_mpo_files_are_read_as_jpeg(scene: Image.Image) -> None:
    """Phones append a second image (depth map, preview) as MPO; the first one is the photo."""
    first = scene.resize((1200, 900))
    second = Image.new("RGB", (300, 225), (0, 0, 0))
    out = io.BytesIO()
    first.save(out, format="MPO", save_all=True, append_images=[second], quality=90)
    assert Image.open(io.BytesIO(out.getvalue())).format == "MPO"
    processed = process_photo(out.getvalue())
    assert (processed.width, processed.height) == (1200, 900)
    assert _close(photogen.corner_colours(_open(processed.jpeg))["top_left"],
                  photogen.CORNER_COLOURS["top_left"])


def test_bad_options_are_refused(phone_photos: dict[int, bytes]) -> None:
    with pytest.raises(PhotoError) as caught:
        process_photo(phone_photos[1], long_edge=10, quality=120)
    assert caught.value.code == "bad_options"
    assert "long_edge=10" in caught.value.message_en and "quality=120" in caught.value.message_en
    assert "ไม่ถูกต้อง" in caught.value.message_th


def test_threads_get_the_same_results_and_leave_warning_filters_alone(
    phone_photos: dict[int, bytes],
) -> None:
    """The app runs process_photo off the UI loop (asyncio.to_thread), several at a time."""
    import warnings
    from concurrent.futures import ThreadPoolExecutor

    filters_before = list(warnings.filters)
    expected = {n: process_photo(phone_photos[n]).sha256 for n in (1, 6)}
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda n: (n, process_photo(phone_photos[n]).sha256),
                                [1, 6, 1, 6, 1, 6]))
    assert all(sha == expected[n] for n, sha in results)
    assert list(warnings.filters) == filters_before


def test_jpeg_is_decoded_at_reduced_size(phone_photos: dict[int, bytes]) -> None:
    """draft(): a 12 MP photo decodes at half size (9 MB of pixels, not 36 MB), still at
    least the long edge asked for."""
    from fieldapp.photos import imaging

    decoded = imaging.decode(phone_photos[1], 1600)
    assert decoded.image.size == (2000, 1500)
    assert decoded.orientation == 1
    rotated = imaging.decode(phone_photos[6], 1600)
    assert rotated.image.size == (1500, 2000) and rotated.orientation == 6
    assert imaging.decode(phone_photos[1], 500).image.size == (500, 375)  # 1/8 scale
    assert imaging.decode(phone_photos[1], None).image.size == (4000, 3000)
