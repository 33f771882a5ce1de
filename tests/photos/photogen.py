"""Photo-like test images made with Pillow: gradients, sensor noise, shapes and fine detail,
with four coloured corner markers so a test can tell which way up the output is.

`upright()` is the scene as it should be seen; `as_taken(scene, orientation)` is how a
phone held another way stores it, tagged so that EXIF orientation puts it right again.
"""

from __future__ import annotations

import io
import random

from PIL import ExifTags, Image, ImageCms, ImageDraw
from PIL.TiffImagePlugin import IFDRational

__all__ = [
    "CORNER_COLOURS",
    "MARKER",
    "as_taken",
    "corner_colours",
    "exif_block",
    "jpeg",
    "upright",
]

PHONE_SIZE = (4000, 3000)  # 12 megapixels, a typical phone camera
MARKER = 0.12  # corner squares, as a share of the short edge
CORNER_COLOURS = {
    "top_left": (220, 30, 30),
    "top_right": (30, 200, 60),
    "bottom_left": (40, 60, 220),
    "bottom_right": (240, 220, 40),
}

# How to store an upright scene so that orientation N (what ImageOps.exif_transpose undoes)
# shows it upright again: the inverse of the transform exif_transpose applies.
_STORE_AS = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def upright(size: tuple[int, int] = PHONE_SIZE, seed: int = 0) -> Image.Image:
    """A scene with smooth light, noise, objects and label-like fine detail."""
    rng = random.Random(seed)
    width, height = size
    light = Image.linear_gradient("L").rotate(rng.choice([0, 90, 180, 270]))
    glow = Image.radial_gradient("L")
    base = Image.merge(
        "RGB",
        (
            light.resize(size, Image.Resampling.BILINEAR),
            glow.resize(size, Image.Resampling.BILINEAR),
            Image.blend(light, glow, 0.5).resize(size, Image.Resampling.BILINEAR),
        ),
    )
    noise = Image.effect_noise(size, 18).convert("RGB")
    scene = Image.blend(base, noise, 0.18)
    draw = ImageDraw.Draw(scene)
    unit = min(width, height)
    for _ in range(25):  # products on a table: jars, boxes, baskets
        x, y = rng.randrange(width), rng.randrange(height)
        w = rng.randrange(unit // 20, max(unit // 20 + 1, unit // 4))
        h = rng.randrange(unit // 20, max(unit // 20 + 1, unit // 4))
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape((x, y, x + w, y + h), fill=colour, outline=(20, 20, 20), width=max(1, unit // 500))
    for _ in range(300):  # label print and weave: thin high-contrast strokes
        x, y = rng.randrange(width), rng.randrange(height)
        draw.line((x, y, x + rng.randrange(5, max(6, unit // 15)), y + rng.randrange(-3, 4)),
                  fill=(rng.randrange(80), rng.randrange(80), rng.randrange(80)),
                  width=max(1, unit // 1000))
    side = int(unit * MARKER)
    corners = {
        "top_left": (0, 0),
        "top_right": (width - side, 0),
        "bottom_left": (0, height - side),
        "bottom_right": (width - side, height - side),
    }
    for name, (x, y) in corners.items():
        draw.rectangle((x, y, x + side - 1, y + side - 1), fill=CORNER_COLOURS[name])
    return scene


def as_taken(scene: Image.Image, orientation: int) -> Image.Image:
    method = _STORE_AS[orientation]
    return scene.copy() if method is None else scene.transpose(method)


def corner_colours(image: Image.Image) -> dict[str, tuple[int, int, int]]:
    """The colour at the middle of each corner marker."""
    width, height = image.size
    inset = int(min(width, height) * MARKER / 2)
    points = {
        "top_left": (inset, inset),
        "top_right": (width - 1 - inset, inset),
        "bottom_left": (inset, height - 1 - inset),
        "bottom_right": (width - 1 - inset, height - 1 - inset),
    }
    rgb = image.convert("RGB")
    return {name: rgb.getpixel(xy) for name, xy in points.items()}  # type: ignore[misc]


def _rational(value: float) -> IFDRational:
    return IFDRational(round(value * 10_000), 10_000)


def _dms(degrees: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    degrees = abs(degrees)
    whole = int(degrees)
    minutes_full = (degrees - whole) * 60
    minutes = int(minutes_full)
    return (IFDRational(whole, 1), IFDRational(minutes, 1),
            _rational((minutes_full - minutes) * 60))


def exif_block(
    orientation: int = 1,
    taken: str | None = "2026:11:20 10:15:30",
    offset: str | None = "+07:00",
    lat: float | None = 13.8401,  # Bang Nam Priao district office, Chachoengsao
    lon: float | None = 101.0557,
    accuracy_m: float | None = 4.8,
    gps_stamp: tuple[str, tuple[int, int, int]] | None = None,
) -> Image.Exif:
    """A phone-like EXIF block: orientation, capture time with offset, GPS with accuracy."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Samsung"
    exif[0x0110] = "Galaxy A14"
    exif_ifd = exif.get_ifd(ExifTags.IFD.Exif)
    if taken is not None:
        exif_ifd[0x9003] = taken
    if offset is not None:
        exif_ifd[0x9011] = offset
    if lat is not None and lon is not None:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps[1] = "N" if lat >= 0 else "S"
        gps[2] = _dms(lat)
        gps[3] = "E" if lon >= 0 else "W"
        gps[4] = _dms(lon)
        if accuracy_m is not None:
            gps[31] = _rational(accuracy_m)
        if gps_stamp is not None:
            date, (h, m, s) = gps_stamp
            gps[29] = date
            gps[7] = (IFDRational(h, 1), IFDRational(m, 1), IFDRational(s, 1))
    return exif


_SRGB_ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def jpeg(image: Image.Image, exif: Image.Exif | None = None, quality: int = 92,
         extras: bool = True) -> bytes:
    """Save like a phone camera does: high quality, EXIF, and (with extras) an ICC profile,
    XMP and a comment, so the tests can check all of them are stripped."""
    out = io.BytesIO()
    params: dict[str, object] = {"quality": quality}
    if exif is not None:
        params["exif"] = exif
    if extras:
        params.update(icc_profile=_SRGB_ICC, xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"/>',
                      comment="บ้านคุณสมศรี กล้วยตาก".encode())
    image.save(out, format="JPEG", **params)
    return out.getvalue()


def swapped_primaries_profile() -> bytes:
    """An RGB ICC profile that is not sRGB: sRGB's red and green primaries swapped (and its
    name changed). A pixel tagged with it that reads (200, 30, 30) is really green."""
    import struct

    icc = bytearray(_SRGB_ICC)
    (count,) = struct.unpack(">I", icc[128:132])
    tags = {}
    for i in range(count):
        signature, offset, size = struct.unpack(">4sII", icc[132 + 12 * i:144 + 12 * i])
        tags[signature] = (offset, size)
    (r_off, r_size), (g_off, g_size) = tags[b"rXYZ"], tags[b"gXYZ"]
    red, green = bytes(icc[r_off:r_off + r_size]), bytes(icc[g_off:g_off + g_size])
    icc[r_off:r_off + r_size], icc[g_off:g_off + g_size] = green, red
    d_off, d_size = tags[b"desc"]
    icc[d_off:d_off + d_size] = bytes(icc[d_off:d_off + d_size]).replace(
        "sRGB".encode("utf-16-be"), "Test".encode("utf-16-be"))
    return bytes(icc)
