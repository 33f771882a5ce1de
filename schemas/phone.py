"""Thai phone numbers: read what people type, store 0XXXXXXXXX, show it grouped.

Mobiles have 10 digits and start 06, 08 or 09; landlines have 9 digits and start 02-07.
From abroad, +66 replaces the leading 0.
"""

from __future__ import annotations

import re

from schemas._errors import InputError

__all__ = ["format_phone", "is_valid_phone", "normalize_phone"]

_MOBILE = re.compile(r"0[689][0-9]{8}")
_LANDLINE = re.compile(r"0[2-7][0-9]{7}")
_TYPING_NOISE = re.compile(r"[\s\-.()]")


def is_valid_phone(value: object) -> bool:
    """True for a stored phone number: digits only, a Thai mobile or landline."""
    if not isinstance(value, str) or not value.isascii():
        return False
    return bool(_MOBILE.fullmatch(value) or _LANDLINE.fullmatch(value))


def normalize_phone(text: str) -> str:
    """The stored form of a typed number: "+66 81-234-5678" -> "0812345678".

    Raises InputError (Thai and English message) when the digits are not a Thai number.
    """
    compact = _TYPING_NOISE.sub("", text.strip())
    if compact.startswith("+66"):
        compact = "0" + compact[3:]
    elif compact.startswith("0066"):
        compact = "0" + compact[4:]
    elif compact.startswith("66") and len(compact) in (10, 11):
        compact = "0" + compact[2:]
    if is_valid_phone(compact):
        return compact
    raise InputError(
        "phone",
        "หมายเลขโทรศัพท์ไม่ถูกต้อง: มือถือ 10 หลักขึ้นต้นด้วย 06 08 09 "
        "หรือโทรศัพท์บ้าน 9 หลักขึ้นต้นด้วย 02-07",
        "Not a Thai phone number: mobiles have 10 digits starting 06, 08 or 09; "
        "landlines have 9 digits starting 02 to 07",
    )


def format_phone(value: str, *, international: bool = False) -> str:
    """Grouped for reading: "081-234-5678", "02-123-4567", "038-123-456" (or "+66 81 234 5678")."""
    if not is_valid_phone(value):
        return value
    if international:
        rest = value[1:]
        if rest.startswith("2"):  # Bangkok landline
            return f"+66 2 {rest[1:4]} {rest[4:]}"
        return f"+66 {rest[:2]} {rest[2:5]} {rest[5:]}"
    if len(value) == 10:
        return f"{value[:3]}-{value[3:6]}-{value[6:]}"
    if value.startswith("02"):  # Bangkok: a 1-digit area code
        return f"{value[:2]}-{value[2:5]}-{value[5:]}"
    return f"{value[:3]}-{value[3:6]}-{value[6:]}"
