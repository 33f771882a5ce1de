"""Near-duplicate detection: a 64-bit difference hash (dHash).

The image is shrunk to a 9×8 grey grid and each bit says whether a pixel is brighter than
its right-hand neighbour. Re-encoding, resizing and small exposure changes flip few bits;
another subject flips about half. Compute it on the thumbnail: it is cheap and the result
is the same as on the full photo.
"""

from __future__ import annotations

import itertools
import re

from . import imaging
from .errors import PhotoError

__all__ = ["NEAR_DUPLICATE_DISTANCE", "hamming", "looks_alike", "perceptual_hash"]

# At most this many differing bits of 64: "this looks like a photo you already took".
# Measured in tests/photos: a photo against its full size, a low-quality re-encode, an 8 %
# brighter copy or a 3 % crop differs by 0-4 bits; other scenes by 23-30.
NEAR_DUPLICATE_DISTANCE = 10

_HASH = re.compile(r"^[0-9a-f]{16}$")


def perceptual_hash(img_bytes: bytes) -> str:
    """16 hex characters (64 bits). Raises PhotoError for what process_photo would refuse."""
    decoded = imaging.decode(img_bytes, long_edge=64)
    small = imaging.fit(imaging.to_srgb(decoded.image), 64)
    grid = imaging.gray_grid(imaging.upright(small, decoded.orientation), 9, 8)
    value = 0
    for row in grid:
        for left, right in itertools.pairwise(row):
            value = (value << 1) | (left > right)
    return f"{value:016x}"


def hamming(a: str, b: str) -> int:
    """How many of the 64 bits differ between two perceptual hashes."""
    for value in (a, b):
        if not isinstance(value, str) or not _HASH.match(value):
            raise PhotoError("bad_id", f"ค่าแฮชรูป {value!r} ไม่ถูกต้อง (ต้องเป็นเลขฐานสิบหก 16 ตัว)",
                             f"Invalid photo hash {value!r}: expected 16 lowercase hex digits")
    return (int(a, 16) ^ int(b, 16)).bit_count()


def looks_alike(a: str, b: str, max_distance: int = NEAR_DUPLICATE_DISTANCE) -> bool:
    return hamming(a, b) <= max_distance
