"""Masking phone and ID numbers that people typed into free text ("โทร 081-234-5678").

Forms keep phones and national IDs in their own fields, but officers write them into notes
anyway. Wherever personal fields are left out (partner API, officers' exports), free text
goes through `mask_digits` too: runs of 9 or more digits, with spaces, dashes or dots
between them, become "•••". Prices, years and หมู่ numbers are shorter and stay.
"""

from __future__ import annotations

import re

__all__ = ["mask_digits"]

_DIGIT_RUN = re.compile(r"(?:\+?\d[\s.\-]?){8,}\d")


def mask_digits(text: object) -> str | None:
    if not isinstance(text, str):
        return None
    return _DIGIT_RUN.sub("•••", text)
