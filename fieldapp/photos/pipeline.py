"""From the bytes a camera or gallery gave to the two JPEGs the app stores and sends."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from . import imaging
from .errors import PhotoError
from .exifdata import ASSUMED_UTC_OFFSET, captured_at_utc, gps_position

__all__ = [
    "DEFAULT_LONG_EDGE",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_QUALITY",
    "DEFAULT_THUMB_EDGE",
    "ProcessedPhoto",
    "process_photo",
]

DEFAULT_LONG_EDGE = 1600
DEFAULT_QUALITY = 80
DEFAULT_THUMB_EDGE = 320
# Upload budget per photo over a weak link. A very busy scene (fine weave, gravel, foliage)
# can pass it at quality 80; it is then re-encoded a step lower, down to _QUALITY_FLOOR.
DEFAULT_MAX_BYTES = 400_000
_QUALITY_STEP = 8
_QUALITY_FLOOR = 56


@dataclass(frozen=True)
class ProcessedPhoto:
    sha256: str  # of `jpeg`: the photo record's id and the stored file's name
    jpeg: bytes = field(repr=False)  # kept out of reprs: assertion messages stay readable
    thumb_sha256: str
    thumb: bytes = field(repr=False)
    width: int
    height: int
    captured_at: str | None  # UTC ISO 8601, from EXIF
    gps: dict[str, float] | None  # {"lat", "lon", "accuracy_m"?}, from EXIF

    def record_fields(self) -> dict[str, Any]:
        """The photo record's file fields; the app adds producer, visit, product, subject.

        `gps` is passed on as the camera wrote it: the record schema refuses positions
        outside Thailand, so the app should drop or question those.
        """
        fields: dict[str, Any] = {
            "id": self.sha256,
            "thumb_sha256": self.thumb_sha256,
            "width": self.width,
            "height": self.height,
            "bytes": len(self.jpeg),
            "mime": "image/jpeg",
        }
        if self.captured_at is not None:
            fields["captured_at"] = self.captured_at
        if self.gps is not None:
            fields["gps"] = dict(self.gps)
        return fields


def _check_options(long_edge: int, quality: int, thumb_edge: int, max_bytes: int | None) -> None:
    problems: list[tuple[str, object, str]] = []
    if not 64 <= long_edge <= 8000:
        problems.append(("long_edge", long_edge, "64–8000"))
    if not 30 <= quality <= 95:
        problems.append(("quality", quality, "30–95"))
    if not 32 <= thumb_edge <= long_edge:
        problems.append(("thumb_edge", thumb_edge, f"32–{long_edge}"))
    if max_bytes is not None and max_bytes < 10_000:
        problems.append(("max_bytes", max_bytes, "≥ 10000 or None"))
    if problems:
        detail = ", ".join(f"{name}={value} ({allowed})" for name, value, allowed in problems)
        raise PhotoError("bad_options", f"ตั้งค่าขนาดหรือคุณภาพรูปไม่ถูกต้อง: {detail}",
                         f"Invalid photo size or quality setting: {detail}")


def process_photo(
    data: bytes,
    *,
    long_edge: int = DEFAULT_LONG_EDGE,
    quality: int = DEFAULT_QUALITY,
    thumb_edge: int = DEFAULT_THUMB_EDGE,
    filename: str | None = None,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    assumed_utc_offset: timedelta = ASSUMED_UTC_OFFSET,
) -> ProcessedPhoto:
    """Upright, downscaled, metadata-free JPEG plus thumbnail, with capture time and GPS.

    `max_bytes` (None: no budget) lowers the quality in steps, to 56 at the lowest, for
    the rare photo whose JPEG would be larger.

    The file type is decided by content; `filename` is only used in error messages, so a
    PNG named .jpg works and a text file named .jpg is refused. Raises PhotoError; it has
    no side effects, so nothing is ever half-stored.

    Deterministic: the same bytes and settings give the same output bytes with the same
    Pillow/libjpeg build, so one photo added twice (or on two phones) gets one id.
    """
    _check_options(long_edge, quality, thumb_edge, max_bytes)
    try:
        decoded = imaging.decode(data, long_edge)
    except PhotoError as error:
        if filename:
            raise PhotoError(error.code, f"{filename}: {error.message_th}",
                             f"{filename}: {error.message_en}") from None
        raise
    # Downscale first, then turn upright: rotating 1600 px costs a third of 2000 px. The
    # decoded image is dropped as soon as it is downscaled (it can be 100 MB).
    orientation = decoded.orientation
    small = imaging.shrink(decoded.image, long_edge)
    del decoded
    full = imaging.upright(small, orientation)
    thumb = imaging.fit(full, thumb_edge)
    jpeg = imaging.encode_jpeg(full, quality)
    step_quality = quality
    while max_bytes is not None and len(jpeg) > max_bytes and step_quality > _QUALITY_FLOOR:
        step_quality = max(_QUALITY_FLOOR, step_quality - _QUALITY_STEP)
        jpeg = imaging.encode_jpeg(full, step_quality)
    thumb_jpeg = imaging.encode_jpeg(thumb, quality)
    exif, gps = imaging.metadata(data)
    return ProcessedPhoto(
        sha256=hashlib.sha256(jpeg).hexdigest(),
        jpeg=jpeg,
        thumb_sha256=hashlib.sha256(thumb_jpeg).hexdigest(),
        thumb=thumb_jpeg,
        width=full.width,
        height=full.height,
        captured_at=captured_at_utc(exif, gps, assumed_utc_offset),
        gps=gps_position(gps),
    )
