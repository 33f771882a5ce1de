"""The photo pipeline: camera bytes in, clean JPEG blobs out, stored by content hash.

    from fieldapp.photos import PhotoStore, ProcessedPhoto, PhotoError, process_photo

    processed = process_photo(data)            # upright, ≤1600 px, no metadata, + thumbnail
    sha = PhotoStore(root).put(processed)      # root/ab/abcdef….jpg, atomic, idempotent
    record.update(processed.record_fields())   # id, thumb_sha256, size, captured_at, gps

Only `imaging` imports Pillow; see docs/photos.md for limits, error codes and figures.
"""

from .errors import PhotoError
from .imaging import ACCEPTED_FORMATS, MAX_FILE_BYTES, MAX_PIXELS
from .phash import NEAR_DUPLICATE_DISTANCE, hamming, looks_alike, perceptual_hash
from .pipeline import (
    DEFAULT_LONG_EDGE,
    DEFAULT_MAX_BYTES,
    DEFAULT_QUALITY,
    DEFAULT_THUMB_EDGE,
    ProcessedPhoto,
    process_photo,
)
from .store import PhotoStore

__all__ = [
    "ACCEPTED_FORMATS",
    "DEFAULT_LONG_EDGE",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_QUALITY",
    "DEFAULT_THUMB_EDGE",
    "MAX_FILE_BYTES",
    "MAX_PIXELS",
    "NEAR_DUPLICATE_DISTANCE",
    "PhotoError",
    "PhotoStore",
    "ProcessedPhoto",
    "hamming",
    "looks_alike",
    "perceptual_hash",
    "process_photo",
]
