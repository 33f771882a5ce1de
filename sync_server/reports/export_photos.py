"""Photo file names inside the photos ZIP: `<producer>/<product>-<subject>-<sha8>.jpg`.

Names are Thai and must open on Windows: characters Windows refuses are replaced, trailing
dots and spaces dropped, reserved device names (CON, NUL, COM1…) escaped, and each part
kept short so the whole path stays far below Windows' 260-character limit. Two producers
with the same name get their id's first characters added, so nothing overwrites anything.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .labels import code_label

__all__ = ["photo_names", "safe_filename"]

_BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}


def safe_filename(text: str, max_chars: int = 60, empty: str = "ไม่มีชื่อ") -> str:
    name = unicodedata.normalize("NFC", text or "")
    name = _BAD.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip()
    name = name[:max_chars].rstrip(". ")
    if not name:
        return empty
    if name.split(".")[0].upper() in _RESERVED:
        name = "_" + name
    return name


def photo_names(
    photos: Iterable[Mapping[str, Any]],
    producers: Mapping[str, str],
    products: Mapping[str, str],
) -> Iterator[tuple[str, str]]:
    """(path in the ZIP, sha256) for each photo whose producer is among `producers` and,
    if it shows a product, whose product is among `products`.

    `producers` and `products` map ids to Thai names. Photos of the same content (same
    sha256) appear once per photo record, which is what the office expects to see.
    """
    name_count = Counter(safe_filename(n) for n in producers.values())
    folders = {
        pid: safe_filename(name) + (f"-{pid[:6]}" if name_count[safe_filename(name)] > 1 else "")
        for pid, name in producers.items()
    }
    used: set[str] = set()
    for photo in photos:
        folder = folders.get(str(photo.get("producer_id")))
        sha = str(photo.get("id") or "")
        if folder is None or len(sha) != 64:
            continue
        product_id = photo.get("product_id")
        product = products.get(str(product_id)) if product_id else None
        if product_id and product is None:
            continue  # a product the filter left out (or one since deleted)
        subject = safe_filename(code_label("photo_subject", photo.get("subject")))
        stem = f"{safe_filename(product)}-{subject}" if product else subject
        path = f"{folder}/{stem}-{sha[:8]}.jpg"
        if path in used:  # the same picture filed twice under one product and subject
            continue
        used.add(path)
        yield path, sha
