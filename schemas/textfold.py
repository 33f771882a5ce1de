"""Thai search folding and Thai dictionary order: one rule for the phone and the server.

Pure Python, standard library only (the phone imports it; it cannot load binary packages).

Search
------
`fold(text)` is what search compares. Both sides of a comparison are folded, then matched
by substring:

* NFC (Thai typed on different keyboards can differ in code-point order: "กุ่" / "กุ่"),
  then `str.casefold` for Latin;
* Thai digits ๐-๙ become 0-9;
* the optional marks are removed, so text typed without them still matches: the tone
  marks ่ ้ ๊ ๋, the thanthakhat ์ (silent letter), the maitaikhu ็ (short vowel) and
  the yamakkan ๎. Vowel signs (ั ิ ี ุ ...) stay: they change the word, not its tone;
* two common typing slips are repaired: "ํา" (nikhahit + sara aa) reads as "ำ" and
  "เเ" (sara e twice) as "แ";
* zero-width characters (U+200B-U+200D, U+FEFF, soft hyphen) disappear; whitespace runs
  become one space, trimmed.

`phone_digits(text)` reads a phone number (or part of one, or an ID number) however it was
written and gives its digits: spaces, any dash, dots, slashes and brackets are dropped,
Thai digits read as ASCII, `+66` / `0066` (and a bare `66` before 9 or 8 more digits)
become the leading 0. A part of a number therefore matches the stored number as a
substring of its canonical digits ("234-5678" in "0812345678").

`search_blob(values)` builds the stored search text of a record from its fields (names,
contact, phone, ID numbers, record id): every value folded, and number-like values also
in canonical digit form. `search_terms(query)` gives the terms a query is made of; a record
matches when every term is a substring of its blob (`matches(blob, query)`). A run of
numeric words ("081 234 5678", "+66 81 234") is one term.

Order
-----
`sort_key(text)` gives a string whose plain code-point order (Python's `<`, SQLite's
BINARY, PostgreSQL's COLLATE "C" on UTF-8) is the order of ICU's Thai collation
("th-TH", CLDR: alternate=shifted, Thai reordered before Latin, strength tertiary), with
PostgreSQL's deterministic tie-break (the raw strings' bytes) as the last level:

1. primary: letters in dictionary order. Leading vowels เ แ โ ใ ไ sort under the
   consonant that follows them ("เทียนหอม" under ท); digits (Thai digits equal to ASCII
   ones) < Thai < Latin (ICU's Thai tailoring puts Thai first); a few symbols before the
   digits; other scripts after Latin, by code point. Spaces, punctuation and ฯ ๆ ๏ ๚ ๛
   are ignored here (alternate=shifted), and so is a mark that follows them;
2. secondary: the tone marks and other marks (๎ < ์ < ็ < ่ < ้ < ๊ < ๋), which therefore
   only break ties between words with the same letters;
3. tertiary: lower case before upper case; า < ๅ and the variants of ำ (ํา, ํๅ);
4. the text itself (byte order), as PostgreSQL breaks ICU ties.

Checked against PostgreSQL's ICU collation "th-TH-x-icu" in tests/schemas/test_textfold.py
(a fixed list of names and generated Thai words). Latin letters with accents and scripts
other than Thai and Latin follow ICU only approximately. Only the first `SORT_KEY_CHARS`
characters are looked at, so a key stays small enough for a database index.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable

__all__ = [
    "SORT_KEY_CHARS",
    "fold",
    "matches",
    "phone_digits",
    "search_blob",
    "search_terms",
    "sort_key",
]

SORT_KEY_CHARS = 80  # a key of 80 characters is at most ~700 bytes: fits any index row

# ---------------------------------------------------------------------------------------
# Search folding

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_ANY_THAI_DIGIT = re.compile("[๐-๙]")
# Tone marks, thanthakhat, maitaikhu, yamakkan; zero-width characters and the soft hyphen.
_FOLD_DROP = "\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e47\u0e4e\u200b\u200c\u200d\ufeff\u00ad"
# Removed with one regex scan: `str.translate` looks each character up in a Python dict,
# several times slower on Thai text (the server folds every record it stores).
_DROP = re.compile(f"[{_FOLD_DROP}]")


def fold(text: str) -> str:
    """The form search compares: see the module docstring. Pure and idempotent."""
    if text.isascii():  # nothing to normalise, drop or repair: only case and spaces
        return " ".join(text.lower().split())
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    text = _DROP.sub("", text)
    if _ANY_THAI_DIGIT.search(text) is not None:
        text = text.translate(_THAI_DIGITS)
    text = text.replace("\u0e4d\u0e32", "\u0e33").replace("\u0e40\u0e40", "\u0e41")
    return " ".join(text.split())


# Digits (ASCII or Thai) with what people put between them; an optional leading "+".
_NUMBER = re.compile(r"\+?[(\[]?[0-9๐-๙][0-9๐-๙\s.,/()\[\]\-\u2010-\u2015\u2212]*")
_NOT_DIGIT = re.compile(r"[^0-9]")


def phone_digits(text: str) -> str | None:
    """The digits of a phone number (whole or part) or other number however written, with
    the Thai country prefix made a leading 0; None when `text` is not only a number.

    "+66 81-234-5678" -> "0812345678", "๐๘๑ ๒๓๔ ๕๖๗๘" -> "0812345678",
    "(02) 123.4567" -> "021234567", "234-5678" -> "2345678", "ใจดี" -> None.
    """
    text = text.strip()
    if text.isdigit() and text.isascii():  # already only digits (most stored numbers)
        plus, digits = False, text
    elif not text or not _NUMBER.fullmatch(text):
        return None
    else:
        plus = text.startswith("+")
        digits = _NOT_DIGIT.sub("", text.translate(_THAI_DIGITS))
    if plus and digits.startswith("66"):
        return "0" + digits[2:]
    if digits.startswith("0066"):
        return "0" + digits[4:]
    if digits.startswith("66") and len(digits) in (10, 11) and digits[2] != "0":
        return "0" + digits[2:]
    return digits


def search_blob(values: Iterable[object]) -> str:
    """The stored search text of a record from the values of its searched fields
    (non-strings and empty values are skipped): each folded, numbers also as digits."""
    parts: list[str] = []
    for value in values:
        if not isinstance(value, str):
            continue
        folded = fold(value)
        if not folded:
            continue
        parts.append(folded)
        digits = phone_digits(value)
        if digits and digits != folded:
            parts.append(digits)
    return " ".join(parts)


def _numeric_word(word: str) -> bool:
    return phone_digits(word) is not None or word == "+"


def search_terms(query: str) -> list[str]:
    """The terms of a query, each to be found as a substring of a `search_blob`.

    Words are folded; a run of numeric words is one number in canonical digits when it
    looks like a phone or ID number (6 or more digits, or a leading "+"), otherwise each
    numeric word is its own term (as written when it has a slash, like the house number
    "12/3"). Empty query: no terms (everything matches).
    """
    words = unicodedata.normalize("NFC", query).split()
    terms: list[str] = []
    i = 0
    while i < len(words):
        if not _numeric_word(words[i]):
            term = fold(words[i])
            if term:
                terms.append(term)
            i += 1
            continue
        j = i
        while j < len(words) and _numeric_word(words[j]):
            j += 1
        run = words[i:j]
        joined = phone_digits(" ".join(run))
        digit_count = sum(ch.isdigit() for ch in "".join(run))
        if joined and (digit_count >= 6 or run[0].startswith("+")):
            terms.append(joined)
        else:
            # A short number with a slash is a house number or a fraction ("12/3"), found
            # as written; other short numbers as their digits ("๕๖๗๘", "5-678").
            terms.extend(fold(w) if "/" in w else d
                         for w, d in ((w, phone_digits(w)) for w in run) if d)
        i = j
    return terms


def matches(blob: str, query: str) -> bool:
    """Whether a record with search text `blob` (from `search_blob`) matches `query`."""
    return all(term in blob for term in search_terms(query))


# ---------------------------------------------------------------------------------------
# Thai sort key

# Primary order (ICU "th" read from PostgreSQL 15 / ICU collation version 153.120.42).
_SYMBOLS = "`^°©+±÷×<=>|~\u2212$£¥฿€"
_THAI_PRIMARY = (
    "".join(chr(c) for c in range(0x0E01, 0x0E2F))  # ก-ฮ (ฤ after ร, ฦ after ล)
    + "\u0e4d"  # nikhahit ํ
    + "\u0e30\u0e31\u0e32"  # ะ ั า (ๅ has า's primary)
    + "\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39"  # ิ ี ึ ื ุ ู
    + "\u0e40\u0e41\u0e42\u0e43\u0e44"  # เ แ โ ใ ไ
    + "\u0e3a"  # phinthu ฺ
)
_PRIMARY: dict[str, int] = {}
for _i, _ch in enumerate(_SYMBOLS):
    _PRIMARY[_ch] = _i
_OTHER_SYMBOL = len(_SYMBOLS)  # followed by the symbol itself
_DIGIT0 = _OTHER_SYMBOL + 1
for _i in range(10):
    _PRIMARY[str(_i)] = _DIGIT0 + _i
    _PRIMARY[chr(0x0E50 + _i)] = _DIGIT0 + _i
_THAI0 = _DIGIT0 + 10
for _i, _ch in enumerate(_THAI_PRIMARY):
    _PRIMARY[_ch] = _THAI0 + _i
_PRIMARY["\u0e45"] = _PRIMARY["\u0e32"]  # ๅ: า at primary level
_LATIN0 = _THAI0 + len(_THAI_PRIMARY)
for _i in range(26):
    _PRIMARY[chr(0x61 + _i)] = _LATIN0 + _i
    _PRIMARY[chr(0x41 + _i)] = _LATIN0 + _i
_OTHER_LETTER = _LATIN0 + 26  # followed by the character itself

_PRIMARY_BASE = 0x100  # weights are characters from here on: above the level separator
_SEP = "\x01"

# Secondary: common (every primary), Latin accents (DUCET order), other marks, Thai marks.
_SEC_COMMON = "\x21"
_LATIN_MARKS = "\u0301\u0300\u0306\u0302\u030c\u030a\u0308\u030b\u0303\u0307\u0328\u0327\u0304"
_SECONDARY: dict[str, str] = {m: chr(0x40 + i) for i, m in enumerate(_LATIN_MARKS)}
_SEC_OTHER_MARK = "\x7e"
_THAI_MARKS = "\u0e4e\u0e4c\u0e47\u0e48\u0e49\u0e4a\u0e4b"  # ๎ < ์ < ็ < ่ < ้ < ๊ < ๋
_SECONDARY.update({m: chr(0xC0 + i) for i, m in enumerate(_THAI_MARKS)})

# Tertiary: common < variants of า in ํา < ำ < ๅ < ํๅ; upper case.
_TER_COMMON, _TER_NIKHAHIT_AA, _TER_AM, _TER_LAKKHANGYAO, _TER_NIKHAHIT_LAKK, _TER_UPPER = (
    "\x21", "\x22", "\x23", "\x24", "\x25", "\x26")

_PREVOWELS = frozenset("\u0e40\u0e41\u0e42\u0e43\u0e44")  # เ แ โ ใ ไ
_THAI_VARIABLE = frozenset("\u0e2f\u0e46\u0e4f\u0e5a\u0e5b")  # ฯ ๆ ๏ ๚ ๛
_AA, _NIKHAHIT, _AM, _LAKKHANGYAO = "\u0e32", "\u0e4d", "\u0e33", "\u0e45"
# ำ and the typed pairs ํา / ํๅ all expand to า then ํ, told apart at the tertiary level.
_AM_VARIANTS = {_AM: _TER_AM, _NIKHAHIT + _AA: _TER_NIKHAHIT_AA,
                _NIKHAHIT + _LAKKHANGYAO: _TER_NIKHAHIT_LAKK}


def _is_consonant(ch: str) -> bool:
    return "\u0e01" <= ch <= "\u0e2e"


def _kind(ch: str) -> str:
    """'p' primary, 'm' mark (secondary only), 'v' variable (shifted), 'i' ignorable."""
    if ch in _PRIMARY:
        return "p"
    if ch in _SECONDARY:
        return "m"
    if ch in _THAI_VARIABLE:
        return "v"
    cat = unicodedata.category(ch)
    if cat in ("Mn", "Mc", "Me"):
        return "m"
    if cat[0] in "ZP" or ch.isspace():
        return "v"
    if cat[0] == "C":
        return "i"
    return "p"


def _primary(ch: str) -> str:
    weight = _PRIMARY.get(ch)
    if weight is not None:
        return chr(_PRIMARY_BASE + weight)
    if unicodedata.category(ch)[0] == "S":
        return chr(_PRIMARY_BASE + _OTHER_SYMBOL) + ch
    return chr(_PRIMARY_BASE + _OTHER_LETTER) + ch.lower()


def _tertiary(ch: str) -> str:
    if ch == "\u0e45":
        return _TER_LAKKHANGYAO
    if ch.isupper() or (ch.lower() != ch):
        return _TER_UPPER
    return _TER_COMMON


# What one character contributes to each level, and its kind ("p", "m", "v" or "i", see
# `_kind`): filled on first use, as sort keys are made for names of a few dozen characters
# drawn from a small alphabet. Bounded, so text of many different characters (hostile or
# not) cannot grow it without end: beyond the bound the facts are computed each time.
Facts = tuple[str, str, str, str]
_FACTS_BOUND = 8192


def _char_facts(ch: str) -> Facts:
    if ch == _AM:  # ำ alone: า then ํ, told apart at the tertiary level
        return (_primary(_AA) + _primary(_NIKHAHIT), _SEC_COMMON * 2, _TER_AM + _TER_COMMON,
                "p")
    kind = _kind(ch)
    if kind == "p":
        return _primary(ch), _SEC_COMMON, _tertiary(ch), kind
    if kind == "m":
        return "", _SECONDARY.get(ch, _SEC_OTHER_MARK), _TER_COMMON, kind
    return "", "", "", kind  # variable or ignorable: no weight of its own


class _FactsCache(dict[str, Facts]):
    def __missing__(self, ch: str) -> Facts:
        facts = _char_facts(ch)
        if len(self) < _FACTS_BOUND:
            self[ch] = facts
        return facts


_FACTS = _FactsCache()
# ICU's Thai contraction: a leading vowel sorts after its consonant. Swapping the two gives
# the weights of the contraction (both have common secondary and tertiary weights).
_PREVOWEL_PAIR = re.compile("([\u0e40-\u0e44])([\u0e01-\u0e2e])")


def _consonant_first(pair: re.Match[str]) -> str:
    return pair[2] + pair[1]

# A mark after a variable (with only marks, ignorables and variables between) is ignored.
_MARK_AFTER_VARIABLE = re.compile("v[mvi]*m")


# Text in Thai and ASCII only (nearly every name) is weighed in C: encoded in TIS-620 (one
# byte per character) and decoded once per level through a table built from the same
# facts. A byte without weight at a level decodes as _NO_WEIGHT, removed after; the one
# weight longer than a character (ำ: า then ํ) as a stand-in, replaced after. Neither is
# a weight (those are from U+0021 up) nor a kind.
_TIS = "tis_620"
_NO_WEIGHT = "\x02"


def _byte_tables() -> tuple[tuple[str, ...], tuple[tuple[int, str, str], ...]]:
    tables: list[list[str]] = [[], [], [], []]
    longer: list[tuple[int, str, str]] = []  # (level, stand-in, weight)
    for byte in range(256):
        try:
            facts = _char_facts(bytes([byte]).decode(_TIS))
        except UnicodeDecodeError:  # no character: never produced by encoding
            facts = ("", "", "", "i")
        for level, weight in enumerate(facts):
            if weight and min(weight) < "\x21":  # weights start at U+0021: room for stand-ins
                raise RuntimeError(f"a weight below U+0021: {weight!r}")
            if len(weight) > 1:
                longer.append((level, chr(0x03 + len(longer)), weight))
                weight = longer[-1][1]
            tables[level].append(weight or _NO_WEIGHT)
    return tuple("".join(t) for t in tables), tuple(longer)


try:
    _BYTE_TABLES, _LONGER_WEIGHTS = _byte_tables()
except LookupError:  # a Python built without the codec: every text takes the other path
    _BYTE_TABLES, _LONGER_WEIGHTS = (), ()


def _levels_of_thai(moved: str) -> list[str] | None:
    """Primary, secondary, tertiary weights and the kinds of the text (each leading vowel
    already after its consonant), or None when it is not only Thai and ASCII."""
    if not _BYTE_TABLES:
        return None
    try:
        encoded = moved.encode(_TIS)
    except UnicodeEncodeError:
        return None
    levels = [codecs.charmap_decode(encoded, "strict", table)[0].replace(_NO_WEIGHT, "")
              for table in _BYTE_TABLES]
    for level, stand_in, weight in _LONGER_WEIGHTS:
        if stand_in in levels[level]:
            levels[level] = levels[level].replace(stand_in, weight)
    return levels


def _units(chars: str) -> list[Facts]:
    """The facts of `chars` unit by unit: a leading vowel and its consonant, ำ and the
    typed pairs ํา / ํๅ are units, every other character is one."""
    units: list[Facts] = []
    i, n = 0, len(chars)
    while i < n:
        ch = chars[i]
        nxt = chars[i + 1] if i + 1 < n else ""
        if ch in _PREVOWELS and _is_consonant(nxt):
            units.append(_FACTS[nxt])
            units.append(_FACTS[ch])
            i += 2
        elif ch == _NIKHAHIT and nxt in (_AA, _LAKKHANGYAO):
            units.append((_primary(_AA) + _primary(_NIKHAHIT), _SEC_COMMON * 2,
                          _AM_VARIANTS[ch + nxt] + _TER_COMMON, "p"))
            i += 2
        else:
            units.append(_FACTS[ch])
            i += 1
    return units


def sort_key(text: str) -> str:
    """A key whose code-point order is Thai dictionary order (ICU "th"): see the module
    docstring. Store it in a column and ORDER BY it (binary / COLLATE "C"), or use it as
    `key=` in Python."""
    raw = (text or "")[:SORT_KEY_CHARS].replace("\x00", "")
    chars = unicodedata.normalize("NFD", raw)
    # NFD splits Latin accents from their letters; Thai has no canonical decompositions
    # (only canonical reordering of its marks, which ICU's normalization also does).
    if _NIKHAHIT in chars:  # rare: ํ typed before า or ๅ makes one unit of the two
        units = _units(chars)
    else:  # every unit is one character, once each leading vowel follows its consonant
        moved = _PREVOWEL_PAIR.sub(_consonant_first, chars)
        levels = _levels_of_thai(moved)
        if levels is not None and not ("v" in levels[3]
                                       and _MARK_AFTER_VARIABLE.search(levels[3])):
            return _SEP.join((levels[0], levels[1], levels[2], raw))
        units = list(map(_FACTS.__getitem__, moved))
    if not units:
        return _SEP.join(("", "", "", raw))
    primary, secondary, tertiary, kinds = zip(*units, strict=True)
    if "v" in kinds and _MARK_AFTER_VARIABLE.search("".join(kinds)):
        return _SEP.join((*_shifted(units), raw))
    return _SEP.join(("".join(primary), "".join(secondary), "".join(tertiary), raw))


def _shifted(units: list[Facts]) -> tuple[str, str, str]:
    """The three levels when some marks follow a space or punctuation (alternate=shifted:
    they are ignored, up to the next letter)."""
    primary: list[str] = []
    secondary: list[str] = []
    tertiary: list[str] = []
    after_variable = False
    for weight, second, third, kind in units:
        if kind == "p":
            primary.append(weight)
            secondary.append(second)
            tertiary.append(third)
            after_variable = False
        elif kind == "m":
            if not after_variable:
                secondary.append(second)
                tertiary.append(third)
        elif kind == "v":
            after_variable = True
    return "".join(primary), "".join(secondary), "".join(tertiary)
