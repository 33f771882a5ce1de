"""Masking phone and ID numbers that people typed into free text ("โทร 081-234-5678").

Forms keep phones and national IDs in their own fields, but officers write them into notes
anyway, in every way a person writes a number: `081 - 234 - 5678`, `(081)234-5678`,
`+66 81 234 5678`, `๐๘๑-๒๓๔-๕๖๗๘`, `1 2345 67890 12 3`, `1/2345/67890/12/3`. Everything a
partner agency can read goes through `mask_digits` (the one function for it), and so do the
free-text columns of officers' exports.

How a number is found, whatever its digits and separators:
1. Digits are any Unicode decimal digits (Thai ๐–๙, Arabic, full-width, ... mixed freely).
2. Runs of digits are *joined* when at most `_MAX_GAP` separator characters stand between them:
   spaces (any, zero-width too), dashes of every kind, slashes, dots, commas, underscores,
   brackets. Letters or any other character break a number, and so does a comma followed by
   a space, which separates the items of a list (`120, 1500, 2000 บาท`).
3. Within a joined sequence, a stretch of runs is masked when its digits are
   - a phone: 9 or 10 digits beginning with 0, or +66 / 66 / 0066 followed by the number
     without (or with) its leading 0;
   - a national or juristic ID: 13 digits;
   - any single unbroken run of 9 or more digits;
   - 9 or more digits joined only by single dashes, slashes, dots or underscores
     (`123-4-56789-0`, a bank account).
   The stretches chosen cover as many digits as possible and never cut through a date, a
   clock time or a price (below): `12/05/2567 - 081-234-5678` keeps its date.

Ordinary numbers stay: prices (`12,500,000 บาท`, `120.50`; at most 9 whole digits), years
(`2567`), quantities, dates (`12/05/2567`, `2024-05-12`, `1/10/2566 - 30/9/2567`) and times
(`08.30-16.30`). A date is d/m/yyyy or yyyy-m-d with the same one separator twice, a
four-digit year (B.E. or C.E.) and sensible values; the same separator continuing it
(`08/12/2567/89`) makes it part of a longer number instead. Times count only when the whole
sequence is times. Masked text becomes "•••" (with a leading `+` and the number's brackets).

Privacy comes first where text is ambiguous: bare numbers side by side with only spaces
between them whose digits add up to 13 (`2566 2567 25681`) read as an ID and are masked.
Limit: a phone deliberately written as a date followed by other separators (`08/12/2567 89`)
is read as a date and a two-digit number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["MASK", "mask_digits"]

MASK = "•••"
_MAX_GAP = 5  # separator characters allowed between two runs of one number
_RUN = re.compile(r"\d+")  # str patterns: \d is every Unicode decimal digit
_OPENERS = "([{（［｛"
_CLOSERS = ")]}）］｝"
_OTHER_SEPARATORS = frozenset("/\\.,_−⁄∕／＼．。，、・·‧＿" + _OPENERS + _CLOSERS)
# One-character gaps that join a long digit sequence even when it is not phone- or ID-shaped.
_TIGHT_SEPARATORS = frozenset("/\\._−⁄∕／＼．＿")
_DATE_SEPARATORS = frozenset("/-.")
# A comma followed by a space separates the items of a list ("120, 150, 2000 บาท").
_LIST_BREAK = re.compile(r"[,，、]\s")


def _is_separator(char: str) -> bool:
    return (char.isspace() or char in _OTHER_SEPARATORS
            or unicodedata.category(char) in ("Pd", "Cf"))


def _is_tight(gap: str) -> bool:
    return len(gap) == 1 and (gap in _TIGHT_SEPARATORS or unicodedata.category(gap) == "Pd")


@dataclass(frozen=True, slots=True)
class _Run:
    start: int
    end: int
    digits: str  # ASCII


def _ascii(digits: str) -> str:
    return "".join(str(unicodedata.digit(c)) for c in digits)


def _personal(digits: str) -> bool:
    """Phone- or ID-shaped digits (ASCII)."""
    n = len(digits)
    if n == 13 or (n in (9, 10) and digits[0] == "0"):
        return True
    for prefix in ("0066", "660", "66"):
        rest = digits[len(prefix):]
        if digits.startswith(prefix) and len(rest) in (8, 9) and rest[0] != "0":
            return True
    return False


def _year(value: str) -> bool:
    return len(value) == 4 and (1900 <= int(value) <= 2100 or 2400 <= int(value) <= 2700)


def _date_like(values: list[str], gaps: list[str]) -> bool:
    """d/m/yyyy or yyyy-m-d (Buddhist or Common Era): one separator twice, sensible values."""
    if len(gaps) != 2 or gaps[0] != gaps[1] or gaps[0] not in _DATE_SEPARATORS:
        return False
    a, b, c = values
    if len(a) == 4:  # y-m-d
        a, c = c, a
    return (1 <= len(a) <= 2 and 1 <= len(b) <= 2 and _year(c)
            and 1 <= int(a) <= 31 and 1 <= int(b) <= 12)


def _times_only(runs: list[_Run], gaps: list[str]) -> bool:
    """08.30 or 08.30-16.30 (Thai clock times are written with a dot): only when the whole
    joined sequence is times, since two-digit groups are also how phones are written."""
    if len(runs) not in (2, 4) or gaps[0] != "." or (len(runs) == 4 and gaps[2] != "."):
        return False
    return all(1 <= len(h.digits) <= 2 and len(m.digits) == 2 and int(h.digits) <= 24
               and int(m.digits) <= 59 for h, m in zip(runs[::2], runs[1::2], strict=True))


def _price(text: str, runs: list[_Run], gaps: list[str]) -> bool:
    """12,500,000 or 12,500,000.50 or 1250.50: an amount of at most 9 whole digits (no
    sum an OTOP producer handles is larger), not beginning with 0 or +."""
    whole, decimals = runs, []
    if gaps and gaps[-1] == "." and len(runs[-1].digits) <= 2:
        whole, decimals = runs[:-1], runs[-1:]
    if not whole or (runs[0].start > 0 and text[runs[0].start - 1] == "+"):
        return False
    if whole[0].digits.startswith("0") or sum(len(r.digits) for r in whole) > 9:
        return False
    if len(whole) == 1:
        return bool(decimals)
    return (len(whole[0].digits) <= 3 and all(g == "," for g in gaps[:len(whole) - 1])
            and all(len(r.digits) == 3 for r in whole[1:]))


def _protected(text: str, runs: list[_Run], gaps: list[str]) -> list[tuple[int, int]]:
    """Index ranges (inclusive) of the runs that form dates, times or prices. `gaps[i]` lies between
    runs i and i+1. A date continued on either side by its own separator is part of a
    longer number, not a date."""
    if _times_only(runs, gaps) or _price(text, runs, gaps):
        return [(0, len(runs) - 1)]
    found: list[tuple[int, int]] = []
    for i in range(len(runs) - 2):
        j = i + 2
        inner = gaps[i:j]
        if not _date_like([r.digits for r in runs[i:j + 1]], inner):
            continue
        if (i > 0 and gaps[i - 1] == inner[0]) or (j < len(gaps) and gaps[j] == inner[0]):
            continue
        if any(a <= j and i <= b for a, b in found):
            continue
        found.append((i, j))
    return found


def _best_cover(text: str, runs: list[_Run], gaps: list[str]) -> list[tuple[int, int]]:
    """The stretches of runs to mask: as many digits as possible, never through a date."""
    n = len(runs)
    blocked = _protected(text, runs, gaps)

    def allowed(i: int, j: int) -> bool:
        if i == j and len(runs[i].digits) >= 9:
            return True
        if any(a <= j and i <= b for a, b in blocked):
            return False
        digits = "".join(r.digits for r in runs[i:j + 1])
        if _personal(digits):
            return True
        return len(digits) >= 9 and all(_is_tight(g) for g in gaps[i:j])

    best = [0] * (n + 1)
    choice: list[int | None] = [None] * (n + 1)
    for i in range(n - 1, -1, -1):
        best[i], choice[i] = best[i + 1], None
        total = 0
        for j in range(i, n):
            total += len(runs[j].digits)
            if total > 16 and j > i:  # no joined number is longer than an ID
                break
            if allowed(i, j) and total + best[j + 1] > best[i]:
                best[i], choice[i] = total + best[j + 1], j
    cover: list[tuple[int, int]] = []
    i = 0
    while i < n:
        end = choice[i]
        if end is None:
            i += 1
        else:
            cover.append((i, end))
            i = end + 1
    return cover


def _sequences(text: str) -> list[tuple[list[_Run], list[str]]]:
    """Runs of digits grouped into joined sequences, with the gaps between them."""
    sequences: list[tuple[list[_Run], list[str]]] = []
    runs: list[_Run] = []
    gaps: list[str] = []
    for match in _RUN.finditer(text):
        run = _Run(match.start(), match.end(), _ascii(match.group()))
        if runs:
            gap = text[runs[-1].end:run.start]
            if (len(gap) <= _MAX_GAP and all(_is_separator(c) for c in gap)
                    and not _LIST_BREAK.search(gap)):
                runs.append(run)
                gaps.append(gap)
                continue
            sequences.append((runs, gaps))
        runs, gaps = [run], []
    if runs:
        sequences.append((runs, gaps))
    return sequences


def _span(text: str, first: _Run, last: _Run) -> tuple[int, int]:
    """The characters to replace: the number, a `+` before it and brackets around it."""
    start, end = first.start, last.end
    while start > 0 and (text[start - 1] == "+" or text[start - 1] in _OPENERS):
        start -= 1
    inside = text[start:end]
    unclosed = sum(inside.count(c) for c in _OPENERS) - sum(inside.count(c) for c in _CLOSERS)
    while unclosed > 0 and end < len(text) and text[end] in _CLOSERS:
        end += 1
        unclosed -= 1
    return start, end


def mask_digits(text: object) -> str | None:
    """`text` with every phone and ID number replaced by "•••"; None if it is not a str."""
    if not isinstance(text, str):
        return None
    spans: list[tuple[int, int]] = []
    for runs, gaps in _sequences(text):
        for i, j in _best_cover(text, runs, gaps):
            spans.append(_span(text, runs[i], runs[j]))
    if not spans:
        return text
    out: list[str] = []
    position = 0
    for start, end in spans:
        start = max(start, position)
        out.append(text[position:start])
        out.append(MASK)
        position = end
    out.append(text[position:])
    return "".join(out)
