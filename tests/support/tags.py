"""Tags that keep one test's records apart from another's in a shared database."""

from __future__ import annotations

import uuid

__all__ = ["unique_tag"]


def unique_tag(length: int = 8) -> str:
    """`length` random letters (g-v). Letters only: a tag of hex digits alone (1 in 40 of
    8-character hex tags, 1 in 17 of 6) is searched as a phone or ID number, not as a name."""
    return "".join(chr(ord("g") + int(c, 16)) for c in uuid.uuid4().hex[:length])
