"""Is a finished upload the photo it claims to be? (No HTTP, no database.)

The server stores what the app's pipeline produces (fieldapp/photos): a baseline or
progressive JPEG with no metadata (only the JFIF header), for full photos and thumbnails
alike. Anything else is refused before it becomes a photo, with a reason in Thai and
English:

1. the bytes are walked as JPEG segments: SOI first, then only the segments an encoder
   writes for such a file (APP0 JFIF, DQT, DHT, DRI, SOF0/1/2, SOS, RSTn), exactly one frame,
   and EOI as the very last bytes. This refuses other formats (HTML, PDF, ELF, PNG, ...),
   metadata the phone strips (EXIF with GPS, XMP, ICC, comments), and polyglots: bytes
   appended after the image (a ZIP, a PDF, a script) or smuggled in a comment;
2. the frame's size is checked against the limits before any pixel is decoded;
3. Pillow opens it as JPEG, `verify()`s it, then decodes it at reduced size (`draft`: at
   most 1/8 scale, so a 50 MP photo needs a few MB of pixels), which reads every byte of
   the compressed data: a truncated or damaged stream is refused. Decoding is serialised
   (one image at a time per process), so concurrent uploads cannot add up memory.
"""

from __future__ import annotations

import io
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageFile, UnidentifiedImageError

__all__ = [
    "MAX_EDGE",
    "MAX_PIXELS",
    "MIME",
    "CheckedImage",
    "ImageRefused",
    "check_photo",
    "check_photo_file",
    "check_structure",
    "not_a_jpeg",
]

MIME = "image/jpeg"
# The phone's pipeline writes at most `long_edge` (64-8000) px on the longer side from
# inputs of at most 50 MP (fieldapp/photos/imaging.MAX_PIXELS); the default is 1600 px.
MAX_EDGE = 8000
MAX_PIXELS = 50_000_000
_MAX_FILE_BYTES = 64 * 1024 * 1024

_SOI, _EOI, _SOS = 0xD8, 0xD9, 0xDA
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})  # TEM, RST0-7: no length field
# What an encoder writes for a JFIF baseline/extended/progressive Huffman JPEG.
_ALLOWED = {
    0xE0: "APP0", 0xDB: "DQT", 0xC4: "DHT", 0xDD: "DRI",
    0xC0: "SOF0", 0xC1: "SOF1", 0xC2: "SOF2", _SOS: "SOS",
}
_SOF = frozenset({0xC0, 0xC1, 0xC2})
_DECODE_LOCK = threading.Lock()


class ImageRefused(Exception):
    """The upload is not an acceptable photo. `code` is stable; messages in both languages."""

    def __init__(self, code: str, title_en: str, title_th: str, detail_en: str,
                 detail_th: str) -> None:
        super().__init__(f"[{code}] {detail_en}")
        self.code = code
        self.title_en = title_en
        self.title_th = title_th
        self.detail_en = detail_en
        self.detail_th = detail_th


@dataclass(frozen=True, slots=True)
class CheckedImage:
    mime: str
    width: int
    height: int


def _not_jpeg(what_en: str, what_th: str) -> ImageRefused:
    return ImageRefused(
        "photo_not_jpeg", "Not a photo from the app", "ไม่ใช่รูปถ่ายจากแอป",
        f"The uploaded file is not a JPEG photo as the app writes it ({what_en}). "
        "Add the photo again in the app; it converts camera and gallery pictures.",
        f"ไฟล์ที่ส่งมาไม่ใช่รูป JPEG แบบที่แอปบันทึก ({what_th}) "
        "กรุณาเพิ่มรูปใหม่ผ่านแอป ซึ่งจะแปลงรูปจากกล้องหรือแกลเลอรีให้")


def _damaged(what_en: str, what_th: str) -> ImageRefused:
    return ImageRefused(
        "photo_damaged", "The photo is damaged", "ไฟล์รูปเสียหาย",
        f"The uploaded JPEG cannot be read ({what_en}). Send the photo again from the app.",
        f"อ่านไฟล์รูปที่ส่งมาไม่ได้ ({what_th}) กรุณาส่งรูปใหม่จากแอป")


def _too_large(width: int, height: int) -> ImageRefused:
    return ImageRefused(
        "photo_too_many_pixels", "The photo has too many pixels", "รูปมีขนาดพิกเซลใหญ่เกินไป",
        f"The photo is {width}×{height} pixels; the limit is {MAX_EDGE} pixels on a side and "
        f"{MAX_PIXELS // 1_000_000} megapixels. Add the photo again in the app, which "
        "resizes it.",
        f"รูปมีขนาด {width}×{height} พิกเซล รับได้ไม่เกินด้านละ {MAX_EDGE} พิกเซล "
        f"และไม่เกิน {MAX_PIXELS // 1_000_000} ล้านพิกเซล กรุณาเพิ่มรูปใหม่ผ่านแอปซึ่งจะย่อขนาดให้")


def _sniff(data: bytes) -> tuple[str, str]:
    """What the bytes look like instead, for the message."""
    head = data[:64].lstrip().lower()
    for magic, name in ((b"\x89png", "PNG"), (b"gif8", "GIF"), (b"%pdf", "PDF"),
                        (b"\x7felf", "an executable"), (b"mz", "an executable"),
                        (b"pk\x03\x04", "a ZIP file"), (b"riff", "RIFF/WebP"),
                        (b"<", "HTML or XML text")):
        if head.startswith(magic):
            return name, {"an executable": "โปรแกรม", "a ZIP file": "ไฟล์ ZIP",
                          "HTML or XML text": "ข้อความ HTML หรือ XML"}.get(name, name)
    if data[4:8] == b"ftyp":
        return "HEIC/AVIF/MP4", "HEIC/AVIF/MP4"
    return "unknown content", "ไม่ทราบชนิด"


def not_a_jpeg(head: bytes) -> ImageRefused:
    """The refusal for a file whose first bytes are not a JPEG's (named by what they are)."""
    return _not_jpeg(*_sniff(head))


def _frame_size(segment: bytes) -> tuple[int, int, int]:
    """(width, height, components) from a SOF segment's payload."""
    if len(segment) < 6:
        raise _damaged("short frame header", "ส่วนหัวของภาพสั้นเกินไป")
    height = int.from_bytes(segment[1:3], "big")
    width = int.from_bytes(segment[3:5], "big")
    return width, height, segment[5]


def check_structure(data: bytes) -> tuple[int, int]:
    """Walk the JPEG segments; (width, height) of its one frame, or ImageRefused."""
    if not data.startswith(b"\xff\xd8\xff"):
        raise not_a_jpeg(data)
    pos = 2
    size: tuple[int, int] | None = None
    end = len(data)
    while True:
        if pos + 2 > end or data[pos] != 0xFF:
            raise _damaged("the file ends early or a segment is malformed",
                           "ไฟล์ขาดหายหรือโครงสร้างผิดรูปแบบ")
        marker = data[pos + 1]
        pos += 2
        if marker == 0xFF:  # fill byte
            pos -= 1
            continue
        if marker == _EOI:
            if size is None:
                raise _damaged("no image data", "ไม่มีข้อมูลภาพ")
            if pos != end:
                raise _not_jpeg(f"{end - pos} bytes follow the end of the image",
                                f"มีข้อมูลต่อท้ายภาพอีก {end - pos} ไบต์")
            return size
        if marker in _STANDALONE:
            continue
        name = _ALLOWED.get(marker)
        if name is None:
            what = ("metadata or a comment" if marker == 0xFE or 0xE1 <= marker <= 0xEF
                    else f"segment 0x{marker:02X}")
            raise _not_jpeg(f"it carries {what}, which the app strips",
                            "มีข้อมูลประกอบหรือส่วนที่แอปไม่ได้บันทึก")
        if pos + 2 > end:
            raise _damaged("the file ends early", "ไฟล์ขาดหาย")
        length = int.from_bytes(data[pos:pos + 2], "big")
        if length < 2 or pos + length > end:
            raise _damaged("the file ends early or a segment is malformed",
                           "ไฟล์ขาดหายหรือโครงสร้างผิดรูปแบบ")
        payload = data[pos + 2:pos + length]
        pos += length
        if marker == 0xE0 and not payload.startswith((b"JFIF\x00", b"JFXX\x00")):
            raise _not_jpeg("it carries metadata, which the app strips",
                            "มีข้อมูลประกอบซึ่งแอปลบออกเสมอ")
        if marker in _SOF:
            if size is not None:
                raise _not_jpeg("more than one image", "มีภาพมากกว่าหนึ่งภาพ")
            width, height, components = _frame_size(payload)
            if width < 1 or height < 1 or components not in (1, 3):
                raise _damaged("impossible frame size or colours", "ขนาดหรือสีของภาพผิดรูปแบบ")
            if width > MAX_EDGE or height > MAX_EDGE or width * height > MAX_PIXELS:
                raise _too_large(width, height)
            size = (width, height)
        elif marker == _SOS:
            if size is None:
                raise _damaged("image data before the frame header", "ข้อมูลภาพมาก่อนส่วนหัว")
            pos = _skip_entropy_data(data, pos)


def _skip_entropy_data(data: bytes, pos: int) -> int:
    """The position of the next marker after compressed data (0xFF00 is a stuffed byte)."""
    end = len(data)
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= end:
            raise _damaged("the file ends inside the image data (truncated)",
                           "ไฟล์ขาดหายระหว่างข้อมูลภาพ (ไม่ครบ)")
        following = data[pos + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            pos += 1 if following == 0xFF else 2
            continue
        return pos


def _decode(data: bytes, size: tuple[int, int]) -> None:
    """Pillow: open as JPEG, verify, then decode every byte at 1/8 scale at most."""
    if ImageFile.LOAD_TRUNCATED_IMAGES:  # a process-wide switch: never accept half images
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False on the server")
    with _DECODE_LOCK, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
                if image.format != "JPEG" or image.size != size:
                    raise _not_jpeg("Pillow reads it differently", "อ่านได้ไม่ตรงกับที่ระบุ")
                image.verify()
            with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
                width, height = image.size
                image.draft(None, (max(1, width // 8), max(1, height // 8)))
                image.load()
        except ImageRefused:
            raise
        except UnidentifiedImageError:
            raise _not_jpeg("not readable as JPEG", "อ่านเป็น JPEG ไม่ได้") from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_large(*size) from None
        except (OSError, ValueError, SyntaxError, EOFError, IndexError) as exc:
            text = str(exc)
            if "truncated" in text:
                raise _damaged("truncated", "ข้อมูลไม่ครบ") from None
            raise _damaged(text[:200] or type(exc).__name__, "ข้อมูลภาพเสียหาย") from None


def check_photo(data: bytes) -> CheckedImage:
    """The checked photo's type and size, or ImageRefused (see the module docstring)."""
    if len(data) > _MAX_FILE_BYTES:
        raise _damaged("larger than any photo the app writes", "ใหญ่กว่ารูปที่แอปบันทึก")
    width, height = check_structure(data)
    _decode(data, (width, height))
    return CheckedImage(MIME, width, height)


def check_photo_file(path: Path) -> CheckedImage:
    """`check_photo` on a stored file (uploads are at most 50 MiB, so it is read whole)."""
    return check_photo(path.read_bytes())
