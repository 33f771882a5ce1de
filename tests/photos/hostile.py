"""Files for upload tests: JPEGs as the app writes them, and hostile files that must never be
stored or served as photos (HTML, an executable, PDF, truncated JPEGs, a 50,000 × 50,000 PNG,
polyglots that are a JPEG and something else at once)."""

from __future__ import annotations

import functools
import io
import random
import struct
import zlib
from pathlib import Path

from PIL import Image

__all__ = ["app_jpeg", "hostile_files", "png_50k"]


@functools.lru_cache(maxsize=32)
def app_jpeg(min_bytes: int = 20_000, seed: int = 0) -> bytes:
    """A JPEG with only the JFIF header (what fieldapp.photos writes) of at least
    `min_bytes`: random noise compresses badly, so the size is reached with few pixels."""
    rng = random.Random(seed)
    side = max(16, int((min_bytes / 1.6) ** 0.5))
    while True:
        image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=95)
        if out.tell() >= min_bytes:
            return out.getvalue()
        side = int(side * 1.15) + 1


def _chunk(kind: bytes, body: bytes) -> bytes:
    return (struct.pack(">I", len(body)) + kind + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))


@functools.lru_cache(maxsize=1)
def png_50k() -> bytes:
    """A real, decodable 50,000 × 50,000 1-bit PNG (2.5 gigapixels) of about 300 KB."""
    side = 50_000
    row = b"\x00" * (1 + side // 8)
    packer = zlib.compressobj(1)
    parts = [packer.compress(row * 1000) for _ in range(side // 1000)]
    parts.append(packer.flush())
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", b"".join(parts))
            + _chunk(b"IEND", b""))


def _jpeg_with_size(width: int, height: int) -> bytes:
    """A small JPEG whose frame header claims `width` × `height` (a decompression bomb)."""
    data = bytearray(app_jpeg(2_000, seed=9))
    sof = data.find(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def _with_comment(jpeg: bytes, comment: bytes) -> bytes:
    segment = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
    return jpeg[:2] + segment + jpeg[2:]


def _zip_file() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("index.html", "<script>alert(document.cookie)</script>")
    return out.getvalue()


def _camera_original() -> bytes:
    image = Image.new("RGB", (64, 48), (20, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


HTML = b"<!doctype html><html><body><script>fetch('/api/v1/sync/pull')</script></body></html>"
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
       b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
       b"<script>alert(2)</script></svg>")


def hostile_files() -> dict[str, bytes]:
    """name -> bytes; every one must be refused by the server (code in the name's class)."""
    jpeg = app_jpeg(20_000, seed=3)
    elf = Path("/bin/true").read_bytes()
    return {
        "html": HTML,
        "svg": SVG,
        "elf_executable": elf,
        "pdf": PDF,
        "png_50000x50000": png_50k(),
        "png_small": _small_png(),
        "gif": b"GIF89a" + b"\x01\x00\x01\x00\x00\x00\x00;",
        "truncated_jpeg_half": jpeg[: len(jpeg) // 2],
        "truncated_jpeg_no_eoi": jpeg[:-2],
        "truncated_jpeg_header": jpeg[:300],
        "jpeg_50000x50000_header": _jpeg_with_size(50_000, 50_000),
        "jpeg_too_wide": _jpeg_with_size(9_000, 100),
        "polyglot_jpeg_then_html": jpeg + HTML,
        "polyglot_jpeg_then_zip": jpeg + _zip_file(),
        "polyglot_jpeg_then_pdf": jpeg + PDF,
        "polyglot_html_in_jpeg_comment": _with_comment(jpeg, HTML),
        "polyglot_pdf_in_jpeg_comment": _with_comment(jpeg, PDF),
        "html_behind_jpeg_magic": b"\xff\xd8\xff\xe0" + HTML,
        "jpeg_with_exif_metadata": _camera_original(),
    }


def _small_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 10, 10)).save(out, "PNG")
    return out.getvalue()
