"""Everything that touches Pillow, and nothing else does.

A phone build without Pillow (or with a native image library instead) replaces this one
module: `decode`, `upright`, `metadata`, `to_srgb`, `fit`, `shrink`, `encode_jpeg` and
`gray_grid`.

Safety: an untrusted file is checked before its pixels are decoded. `Image.open` reads only
the header, so the format, the frame count and the pixel count are known for the price of a
few hundred bytes; only then does `load()` decode, at reduced size for JPEG (`draft`).

Memory: the pipeline's peak stays under `MEMORY_BUDGET` (150 MB above the file's bytes, the
most a low-end Android phone can spare; measured in benchmarks/bench_photos.py). JPEG
decodes at reduced size. PNG and WebP cannot: Pillow decodes them whole (4 bytes a pixel in
colour, WebP through a second buffer), so their pixel limit follows from `MAX_DECODE_BYTES`
(`decode_bytes`), and `shrink` converts and downscales them in bands of rows, never copying
the whole image. Only Pillow APIs of 10.4 and older are used (the Android build's floor).
"""

from __future__ import annotations

import io
import threading
import warnings
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PIL import ExifTags, Image, UnidentifiedImageError

from .errors import PhotoError

__all__ = [
    "ACCEPTED_FORMATS",
    "MAX_DECODE_BYTES",
    "MAX_FILE_BYTES",
    "MAX_PIXELS",
    "MEMORY_BUDGET",
    "Decoded",
    "Image",
    "decode",
    "decode_bytes",
    "encode_jpeg",
    "fit",
    "gray_grid",
    "metadata",
    "shrink",
    "to_srgb",
    "upright",
]

# 50 megapixels: twice a 24 MP camera and four times a 12 MP phone photo.
MAX_PIXELS = 50_000_000
# The most process_photo may use above the file's bytes: what a low-end Android phone can
# spare for one photo.
MEMORY_BUDGET = 150 * 1024 * 1024
# The most one whole decode (PNG, WebP; JPEG decodes at reduced size) may hold, leaving the
# rest of MEMORY_BUDGET to the banded conversion and downscaling: a colour PNG up to about
# 28 MP, a grey or palette PNG up to MAX_PIXELS, a colour WebP up to about 14 MP.
MAX_DECODE_BYTES = 112 * 1024 * 1024
# Pillow holds these modes in 1 or 2 bytes a pixel, every other mode in 4.
_MODE_BYTES = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16L": 2, "I;16B": 2, "I;16N": 2}
# Images whose 4-byte-a-pixel copy is larger than _WHOLE_BYTES (a decoded PNG or WebP; a
# JPEG decoded with draft stays under it) are converted and downscaled in bands of about
# _BAND_BYTES.
_WHOLE_BYTES = 24 * 1024 * 1024
_BAND_BYTES = 2 * 1024 * 1024
# The largest file worth reading: a 50 MP photo as a high-quality JPEG, or a 12 MP PNG.
MAX_FILE_BYTES = 64 * 1024 * 1024
# MPO is how many phones save JPEGs with a second image (depth map, preview) appended.
ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP"})
_JPEG_FORMATS = frozenset({"JPEG", "MPO"})
_WHITE = (255, 255, 255)
# warnings.catch_warnings swaps process-wide state; two threads inside it at once could leave
# the wrong filters behind. Decoding is serialised instead (one photo at a time is what the
# app does anyway; resizing and encoding still run in parallel).
_WARNINGS_LOCK = threading.Lock()
_ORIENTATION_TAG = 0x0112
_UPRIGHT: dict[int, Image.Transpose | None] = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _refuse(code: str, th: str, en: str) -> PhotoError:
    return PhotoError(code, th, en)


def _too_many_pixels(width: int, height: int) -> PhotoError:
    mp = width * height / 1_000_000
    return _refuse(
        "too_many_pixels",
        f"รูปใหญ่เกินไป ({width}×{height} = {mp:.0f} ล้านพิกเซล) รับได้ไม่เกิน "
        f"{MAX_PIXELS // 1_000_000} ล้านพิกเซล ลดขนาดรูปหรือถ่ายใหม่ด้วยกล้องโทรศัพท์",
        f"The image is too large ({width}×{height} = {mp:.0f} megapixels); the limit is "
        f"{MAX_PIXELS // 1_000_000} megapixels. Resize it or take the photo with the phone camera.",
    )


@dataclass(frozen=True)
class Decoded:
    image: Image.Image  # loaded, as stored in the file (not yet turned upright)
    orientation: int  # EXIF orientation 1-8; 1 when absent or unreadable


def decode(data: bytes, long_edge: int | None) -> Decoded:
    """Check and decode untrusted bytes.

    `long_edge` lets JPEG decode at 1/2, 1/4 or 1/8 scale while staying at least that big,
    which makes a 12 MP photo several times faster and smaller in memory. The orientation is
    returned rather than applied, so the caller turns the image upright after downscaling,
    when it is cheap (`upright`).
    """
    if not data:
        raise _refuse("empty", "ไฟล์รูปว่างเปล่า (0 ไบต์) ถ่ายหรือเลือกรูปใหม่",
                      "The photo file is empty (0 bytes); take or choose the photo again.")
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(
            "file_too_large",
            f"ไฟล์รูปใหญ่เกินไป ({len(data) / 2**20:.0f} MB) รับได้ไม่เกิน "
            f"{MAX_FILE_BYTES // 2**20} MB",
            f"The photo file is too big ({len(data) / 2**20:.0f} MB); the limit is "
            f"{MAX_FILE_BYTES // 2**20} MB.",
        )
    with _WARNINGS_LOCK, warnings.catch_warnings(record=True):
        # Pillow only warns between its bomb limit (89 MP) and twice that; our own, lower
        # limit refuses those right after, with the size in the message. Other warnings
        # (odd but readable metadata) must not fail a good photo, nor a strict test run.
        warnings.simplefilter("always")
        image = _open(data)
        _check_header(image)
        full_size = image.size
        if long_edge is not None and image.format in _JPEG_FORMATS:
            width, height = image.size
            scale = long_edge / max(width, height)
            if scale < 1:
                image.draft(None, (max(1, int(width * scale)), max(1, int(height * scale))))
        if decode_bytes(image, full_size) > MAX_DECODE_BYTES:
            raise _too_large_to_decode(image, full_size)
        _load(image)
        return Decoded(image, _orientation(image))


def _orientation(image: Image.Image) -> int:
    try:
        value = image.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:  # an unreadable EXIF block: keep the pixels as stored
        return 1
    return value if isinstance(value, int) and value in _UPRIGHT else 1


def upright(image: Image.Image, orientation: int) -> Image.Image:
    """Turn the pixels as the EXIF orientation says (ImageOps.exif_transpose's table)."""
    method = _UPRIGHT.get(orientation)
    return image if method is None else image.transpose(method)


def _open(data: bytes) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        sniffed = _sniff_unsupported(data)
        if sniffed:
            raise _unsupported(sniffed) from None
        raise _refuse(
            "not_an_image",
            "ไฟล์นี้ไม่ใช่รูปภาพ เลือกไฟล์รูปจากกล้องหรือแกลเลอรี (JPEG, PNG หรือ WebP)",
            "This file is not an image; choose a photo from the camera or gallery "
            "(JPEG, PNG or WebP).",
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(
            "too_many_pixels",
            f"รูปใหญ่เกินไป รับได้ไม่เกิน {MAX_PIXELS // 1_000_000} ล้านพิกเซล",
            f"The image is too large; the limit is {MAX_PIXELS // 1_000_000} megapixels.",
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError, IndexError, zlib.error) as exc:
        raise _broken(exc) from None


def _sniff_unsupported(data: bytes) -> str | None:
    """Name formats Pillow cannot open but a phone may still produce, for a useful message."""
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1"):
            return "HEIC"
        if brand in (b"avif", b"avis"):
            return "AVIF"
    return None


def _unsupported(name: str | None) -> PhotoError:
    camera = name in ("HEIC", "AVIF")  # a camera setting, so say which one
    return _refuse(
        "unsupported_format",
        f"ไม่รองรับรูปชนิด {name} ใช้ได้เฉพาะ JPEG, PNG หรือ WebP"
        + (" (ตั้งกล้องให้บันทึกเป็น JPEG)" if camera else ""),
        f"{name} images are not supported; use JPEG, PNG or WebP"
        + (" (set the camera to save JPEG)." if camera else "."),
    )


def _check_header(image: Image.Image) -> None:
    if image.format not in ACCEPTED_FORMATS:
        raise _unsupported(image.format)
    frames = getattr(image, "n_frames", 1)
    if frames > 1 and image.format not in _JPEG_FORMATS:  # MPO extra frames are not motion
        raise _refuse(
            "animated",
            f"รูปนี้เป็นภาพเคลื่อนไหว ({frames} เฟรม) ใช้ได้เฉพาะภาพนิ่ง",
            f"This image is animated ({frames} frames); only still photos can be used.",
        )
    width, height = image.size
    if width < 1 or height < 1:
        raise _broken(ValueError("zero size"))
    if width * height > MAX_PIXELS:
        raise _too_many_pixels(width, height)


def decode_bytes(image: Image.Image, full_size: tuple[int, int]) -> int:
    """What decoding an opened (not yet loaded, maybe `draft`ed) image holds at once.

    Measured with benchmarks/bench_photos.py: Pillow holds 4 bytes a pixel (1 for grey and
    palette, 2 for 16-bit grey); a WebP also passes through libwebp's buffer and a bytes
    copy of it (16 bytes a pixel in all); a progressive JPEG keeps libjpeg's coefficients
    of the whole image (2 bytes per sample at full size) whatever the decoding scale."""
    width, height = image.size
    per_pixel = _MODE_BYTES.get(image.mode, 4)
    if image.format == "WEBP":
        per_pixel = 16
    total = width * height * per_pixel
    if image.format in _JPEG_FORMATS and image.info.get("progressive"):
        total += _coefficient_bytes(image, full_size)
    return total


def _coefficient_bytes(image: Image.Image, full_size: tuple[int, int]) -> int:
    layers = getattr(image, "layer", None) or [("", 1, 1, 0)] * len(image.getbands())
    h_max = max(layer[1] for layer in layers)
    v_max = max(layer[2] for layer in layers)
    width, height = full_size
    total = 0
    for _, h, v, _ in layers:
        blocks_x = -(-width * h // (h_max * 8))
        blocks_y = -(-height * v // (v_max * 8))
        total += blocks_x * blocks_y * 64 * 2
    return total


def _too_large_to_decode(image: Image.Image, full_size: tuple[int, int]) -> PhotoError:
    width, height = full_size
    mp = width * height / 1_000_000
    kind = f"progressive {image.format}" if image.format in _JPEG_FORMATS else image.format
    kind_th = f"{image.format} แบบ progressive" if image.format in _JPEG_FORMATS else image.format
    return _refuse(
        "too_many_pixels",
        f"รูป {kind_th} นี้ใหญ่เกินไป ({width}×{height} = {mp:.0f} ล้านพิกเซล) โทรศัพท์ต้อง"
        f"ถอดรหัสรูปชนิดนี้ทั้งภาพ ซึ่งต้องใช้หน่วยความจำเกิน {MAX_DECODE_BYTES // 2**20} MB "
        "บันทึกเป็น JPEG ธรรมดาหรือย่อขนาดรูปก่อน",
        f"This {kind} image is too large ({width}×{height} = {mp:.0f} megapixels): the phone "
        f"must decode this kind of image whole, which would need more than "
        f"{MAX_DECODE_BYTES // 2**20} MB of memory. Save it as a plain JPEG or make it "
        "smaller first.",
    )


def _load(image: Image.Image) -> None:
    try:
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(*image.size) from None
    except (OSError, ValueError, SyntaxError, EOFError, IndexError, zlib.error) as exc:
        raise _broken(exc) from None


def _broken(exc: BaseException) -> PhotoError:
    """Pillow's exceptions for bad data, sorted into what the officer can do about them."""
    text = str(exc).lower()
    if isinstance(exc, ValueError) and "decompressed data too large" in text:
        return _refuse(  # a PNG text chunk that inflates to megabytes
            "decompression_bomb",
            "ไฟล์รูปผิดปกติ (ข้อมูลขยายตัวใหญ่เกินไป) ใช้ไม่ได้",
            "The file is malformed: its data would expand to far too much memory.",
        )
    if "truncated" in text or isinstance(exc, EOFError):
        return _refuse(
            "truncated",
            "ไฟล์รูปไม่สมบูรณ์ (ข้อมูลขาดหาย) ถ่ายหรือคัดลอกรูปมาใหม่",
            "The photo file is incomplete (truncated); take or copy the photo again.",
        )
    return _refuse(
        "corrupt",
        "ไฟล์รูปเสียหาย อ่านไม่ได้ ถ่ายหรือเลือกรูปใหม่",
        f"The photo file is damaged and cannot be read ({exc}); take or choose it again.",
    )


def _plain(value: Any) -> Any:
    """EXIF values as plain Python: rationals to float, bytes to text, tuples kept."""
    if isinstance(value, tuple):
        return tuple(_plain(part) for part in value)
    if isinstance(value, bytes):
        return value.decode("ascii", "replace").rstrip("\x00")
    if isinstance(value, str):
        return value.rstrip("\x00")
    try:
        return float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None


def metadata(data: bytes) -> tuple[Mapping[int, Any], Mapping[int, Any]]:
    """The Exif and GPS IFDs of a file as {tag: plain value}; empty where missing or broken.

    Read from the original bytes (not the decoded image) because metadata must never stop a
    good photo: any failure here only means no capture time or position.
    """
    try:
        with _WARNINGS_LOCK, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as image:
                if image.format == "PNG" and "exif" not in image.info:
                    # Pillow's PNG getexif() would decode the whole image to look for an
                    # eXIf chunk after the pixels: a second full decode, never worth it.
                    return {}, {}
                exif = image.getexif()
                exif_ifd = exif.get_ifd(ExifTags.IFD.Exif)
                gps_ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
                return (
                    {int(tag): _plain(value) for tag, value in exif_ifd.items()},
                    {int(tag): _plain(value) for tag, value in gps_ifd.items()},
                )
    except Exception:  # broken metadata is as good as none
        return {}, {}


def _colour_engine() -> Any | None:
    """`PIL.ImageCms`, or None where Pillow was built without littlecms: Flet's Android
    Pillow (docs/android-packages.md), whose 10.4 ImageCms raises ImportError on import."""
    try:
        from PIL import ImageCms
    except ImportError:
        return None
    return ImageCms


def _is_srgb(cms: Any, profile: Any) -> bool:
    description = cms.getProfileDescription(profile) or ""
    return "srgb" in description.lower()


def to_srgb(image: Image.Image) -> Image.Image:
    """8-bit RGB in sRGB, with any transparency flattened onto white.

    An embedded colour profile (Display P3 on newer phones, CMYK print profiles) is applied
    so colours survive dropping it; without one the pixels are taken as sRGB already.
    Without a colour engine (a Pillow built without littlecms) the profile is not applied:
    the pixels are kept as they are, as for a broken profile.
    """
    icc = image.info.get("icc_profile")
    cms = _colour_engine() if icc and image.mode in ("RGB", "CMYK") else None
    if cms is not None and isinstance(icc, bytes):
        try:
            source = cms.ImageCmsProfile(io.BytesIO(icc))
            if image.mode == "CMYK" or not _is_srgb(cms, source):
                converted = cms.profileToProfile(
                    image, source, cms.createProfile("sRGB"), outputMode="RGB"
                )
                if converted is not None:
                    image = converted
        except (cms.PyCMSError, OSError, ValueError, TypeError, ImportError):
            pass  # a broken profile or no engine: fall back to the plain conversion below
    mode = image.mode
    if mode == "RGB":
        return image
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        # 16-bit grey: keep the top 8 bits (a plain convert would clip at 255).
        return image.convert("I").point(lambda v: v * (1 / 256)).convert("L").convert("RGB")
    if mode == "F":
        return image.convert("L").convert("RGB")
    if mode == "P" and "transparency" in image.info:
        image, mode = image.convert("RGBA"), "RGBA"
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, _WHITE)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")  # L, 1, P, CMYK, YCbCr, LAB, HSV


def fit(image: Image.Image, long_edge: int) -> Image.Image:
    """Scale down so the longer side is at most `long_edge`; never up."""
    width, height = image.size
    if max(width, height) <= long_edge:
        return image
    scale = long_edge / max(width, height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def shrink(image: Image.Image, long_edge: int) -> Image.Image:
    """`fit(to_srgb(image), long_edge)`, in bands of rows for a large image.

    A whole-image conversion or resize would copy the decoded image (RGBA to RGBa, the
    flattened RGB, the resize's intermediate): for a 28 MP PNG that is another 110 MB and
    more. Each band is cut out with a margin of the filter's reach, converted and resized
    with `box`, so only the small result and one band are alive next to the decoded image.
    """
    width, height = image.size
    if width * height * 4 <= _WHOLE_BYTES or max(width, height) <= long_edge:
        return fit(to_srgb(image), long_edge)
    scale = long_edge / max(width, height)
    out_w, out_h = max(1, round(width * scale)), max(1, round(height * scale))
    step = height / out_h  # source rows per output row
    margin = int(3 * step) + 2  # LANCZOS reaches 3 output pixels each way
    rows = max(1, int(_BAND_BYTES / (width * 4 * step)))  # output rows per band
    out = Image.new("RGB", (out_w, out_h))
    for first in range(0, out_h, rows):
        last = min(out_h, first + rows)
        top, bottom = first * step, last * step
        cut_top, cut_bottom = max(0, int(top) - margin), min(height, int(bottom) + 1 + margin)
        band = to_srgb(image.crop((0, cut_top, width, cut_bottom)))
        part = band.resize((out_w, last - first), Image.Resampling.LANCZOS,
                           box=(0, top - cut_top, width, bottom - cut_top), reducing_gap=3.0)
        out.paste(part, (0, first))
    return out


def encode_jpeg(image: Image.Image, quality: int) -> bytes:
    """Baseline-compatible progressive JPEG with no metadata at all.

    Pillow copies some info (comments, XMP) from the image it saves; the info is emptied so
    only pixels leave. The same pixels and settings always give the same bytes.
    """
    image.info = {}
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True, progressive=True,
               subsampling="4:2:0")
    return out.getvalue()


def gray_grid(image: Image.Image, width: int, height: int) -> list[list[int]]:
    """The image as a tiny grey grid (rows of 0-255), for the perceptual hash."""
    small = image.convert("L").resize((width, height), Image.Resampling.BOX)
    values = list(small.tobytes())
    return [values[row * width:(row + 1) * width] for row in range(height)]
