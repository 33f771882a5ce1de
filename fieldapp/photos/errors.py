"""The photo pipeline's one error: a stable `code` plus a sentence in Thai and in English.

Codes (stable; the app and the tests key on them):

    empty               the file has 0 bytes
    file_too_large      the file is bigger than MAX_FILE_BYTES
    not_an_image        the bytes are no image format at all (a text file named .jpg)
    unsupported_format  an image, but not JPEG, PNG or WebP (GIF, TIFF, HEIC, ...)
    animated            more than one frame (animated PNG/WebP)
    too_many_pixels     more pixels than MAX_PIXELS (or Pillow's decompression-bomb limit),
                        or a PNG / WebP / progressive JPEG whose decode would hold more
                        than imaging.MAX_DECODE_BYTES
    decompression_bomb  a small file that would expand to a huge amount of memory
    truncated           the file ends early (an interrupted copy or download)
    corrupt             the image data cannot be decoded
    bad_options         long_edge / quality / thumb_edge out of range
    bad_id              a photo id that is not 64 lowercase hex characters
    not_found           no stored photo with that id
    digest_mismatch     stored bytes would not match the SHA-256 they were given under
    store_failed        the disk refused the write (full, read-only, ...); nothing was kept
"""

from __future__ import annotations

__all__ = ["PhotoError"]


class PhotoError(Exception):
    def __init__(self, code: str, message_th: str, message_en: str) -> None:
        self.code = code
        self.message_th = message_th
        self.message_en = message_en
        super().__init__(f"[{code}] {message_th} / {message_en}")
