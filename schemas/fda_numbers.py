"""Thai FDA (อย.) numbers as they are printed on OTOP products, recognised by their shape.

One อย. certificate field holds numbers of several kinds, because OTOP's five categories fall
under different Thai FDA laws (sources in docs/record-model.md, "Standards"):

- food serial number (เลขสารบบอาหาร): 13 digits grouped 2-1-5-1-4, e.g. 24-1-12345-2-0001
  (food and beverages);
- traditional / herbal medicine registration (ทะเบียนตำรับยาแผนโบราณ, now ยาจากสมุนไพร):
  G (made in Thailand) or K (imported), a running number, "/" and the พ.ศ. year in two or
  four digits, e.g. G 123/2560, G20/42, K15/42 (non-food herbal products);
- cosmetics notification number (เลขที่ใบรับจดแจ้ง): 10 digits grouped 2-1-7, e.g.
  12-1-5512345, and 13 digits in the FDA's newer e-submission system (herbal soaps, balms,
  shampoos); a 13-digit cosmetics number has the food serial's shape, and is valid as one;
- the food number's predecessor: Thai letters and a number/year inside the อย. frame
  (e.g. ผ. 12/2535), replaced by the 13-digit serial: still printed on old stock and
  labels, so it is accepted with a warning.

`classify` is pure: a string in, the kind (or why not) out. Digits may be typed with
dashes, spaces or dots, and in Thai digits (๐-๙). Medical devices carry licence numbers of
their own, which OTOP products practically never need: they come out "unknown" (a warning,
never a refusal), as does any shape not listed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["FdaNumber", "Kind", "classify", "digits_only"]

Kind = Literal["food", "herbal_registration", "cosmetic", "food_legacy", "unknown",
               "bad_digits"]

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_SEPARATORS = re.compile(r"[\s.\-]")
_HERBAL = re.compile(r"(G|K)\s?([0-9]{1,6})\s?/\s?([0-9]{2}|[0-9]{4})")
_FOOD_LEGACY = re.compile(r"[ก-ฮ]{1,3}\.?\s?[0-9]{1,6}\s?/\s?([0-9]{2}|[0-9]{4})")
# Lengths of all-digit numbers and the kind they are.
_BY_LENGTH: dict[int, Kind] = {13: "food", 10: "cosmetic"}


@dataclass(frozen=True, slots=True)
class FdaNumber:
    kind: Kind
    normalized: str  # digits only for serial numbers; the text itself otherwise

    @property
    def valid(self) -> bool:
        """A current number: nothing to say about it."""
        return self.kind in ("food", "herbal_registration", "cosmetic")

    @property
    def refused(self) -> bool:
        """Only digits, but a length no Thai FDA serial has: a mistyped number."""
        return self.kind == "bad_digits"


def digits_only(text: str) -> str:
    return _SEPARATORS.sub("", text.translate(_THAI_DIGITS))


def classify(text: str) -> FdaNumber:
    """What kind of Thai FDA number `text` is (see the module's list)."""
    cleaned = " ".join(text.translate(_THAI_DIGITS).split())
    compact = digits_only(cleaned)
    if compact.isascii() and compact.isdigit():
        kind = _BY_LENGTH.get(len(compact), "bad_digits")
        # 13 digits are both a food serial and a current cosmetics notification number;
        # their shapes are the same, and both are valid.
        return FdaNumber(kind, compact)
    upper = cleaned.upper()
    if _HERBAL.fullmatch(upper):
        return FdaNumber("herbal_registration", upper)
    if _FOOD_LEGACY.fullmatch(cleaned):
        return FdaNumber("food_legacy", cleaned)
    return FdaNumber("unknown", cleaned)
