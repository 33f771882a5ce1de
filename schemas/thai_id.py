"""Thai 13-digit national and juristic-person ID numbers: checksum, clean-up, masking."""

from __future__ import annotations

import operator
import re

from schemas._errors import InputError

__all__ = ["check_digit", "is_valid_thai_id", "mask_thai_id", "normalize_thai_id"]

_SEPARATORS = re.compile(r"[\s\-.]")
_WEIGHTS = tuple(range(13, 1, -1))
_ZERO_CODES = ord("0") * sum(_WEIGHTS)


def check_digit(first_twelve: str) -> int:
    """The 13th digit: (11 − Σ dᵢ·(13−i) for i = 0..11, mod 11) mod 10."""
    if len(first_twelve) != 12 or not first_twelve.isascii() or not first_twelve.isdigit():
        raise ValueError(f"need exactly 12 ASCII digits, got {first_twelve!r}")
    # Σ dᵢ·(13−i) over the ASCII codes (each digit's code is 48 more than the digit)
    total = sum(map(operator.mul, first_twelve.encode(), _WEIGHTS)) - _ZERO_CODES
    return (11 - total % 11) % 10


def is_valid_thai_id(value: object) -> bool:
    """True for a 13-digit string whose last digit matches the checksum."""
    if not isinstance(value, str) or len(value) != 13:
        return False
    if not value.isascii() or not value.isdigit():
        return False
    return check_digit(value[:12]) == int(value[12])


def normalize_thai_id(text: str) -> str:
    """Digits only, as stored: accepts the printed form "1-2345-67890-12-1"."""
    digits = _SEPARATORS.sub("", text)
    if len(digits) != 13 or not digits.isascii() or not digits.isdigit():
        raise InputError(
            "id_format",
            "เลขประจำตัวต้องเป็นตัวเลข 13 หลัก",
            "The ID number must have 13 digits",
        )
    if not is_valid_thai_id(digits):
        raise InputError(
            "id_checksum",
            "เลขประจำตัวไม่ถูกต้อง (เลขตรวจสอบหลักสุดท้ายไม่ตรง) กรุณาตรวจทานอีกครั้ง",
            "The ID number is not valid (its check digit does not match): please check it",
        )
    return digits


def mask_thai_id(value: str) -> str:
    """The form shown outside the district office (PDPA): only the last 4 digits stay."""
    if len(value) != 13:
        return "x" * len(value)
    shown = "x" * 9 + value[9:]
    return f"{shown[0]}-{shown[1:5]}-{shown[5:10]}-{shown[10:12]}-{shown[12]}"
