"""The one clean-text rule every string of every record obeys (docs/record-model.md, "Clean
text"; docs/security.md, "Clean text").

Plain Python over `unicodedata`: the phone, the server and the office share it through
`validate_record`, which adds `text_issues(record_type, record)` to every answer, whichever
way the schema itself was checked.

The rule, for every string value (and object key) at any depth:

- no control characters except newline (U+000A) and tab (U+0009): no other C0 control
  (NUL, carriage return, escape, ...), no DEL (U+007F), no C1 control (U+0080-U+009F);
  code `control_char`. A carriage return is refused too: `clean_text` turns CRLF and CR into
  a newline before saving.
- no bidirectional formatting characters: the embeddings and overrides U+202A-U+202E, the
  isolates U+2066-U+2069, and the invisible marks U+200E, U+200F and U+061C. Thai and
  English text never needs them; they make a name display in another order than it is
  stored, or two different names look the same; code `bidi_control`.
- no lone surrogate (U+D800-U+DFFF): not a character, cannot be stored as UTF-8;
  code `invalid_char`.
- at most MAX_MARKS combining marks in a row (Unicode categories Mn, Mc, Me: Thai above and
  below vowels, tone marks, ไม้ไต่คู้, การันต์ ...). Real Thai stacks at most two on one
  consonant (ปุ๋ย, ศักดิ์, พันธุ์); an emoji keycap has two; code `combining_marks`.
- Unicode normal form NFC; code `not_nfc`. The phone puts every string it saves through
  `clean_text` (the device store does, and so does the app's inline validation), so the
  officer never sees this issue; the server refuses text that is not NFC, so what an old
  or hostile client sends is never stored in two spellings of the same letters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from schemas._marks import MARK_RANGES

if TYPE_CHECKING:
    from schemas._issues import ValidationIssue

__all__ = ["MAX_MARKS", "TEXT_CODES", "clean_strings", "clean_text", "first_problem",
           "text_issues", "text_problem"]

MAX_MARKS = 3
TEXT_CODES = frozenset({"control_char", "bidi_control", "invalid_char", "combining_marks",
                        "not_nfc"})

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Combining marks: a regex over the Basic Multilingual Plane (fast); text with characters
# beyond it (emoji, historic scripts) is walked in Python over the same table.
_BMP_MARKS = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                     for a, b in MARK_RANGES if b <= 0xFFFF)
# Written as one mark and then MAX_MARKS or more (the same matches as "{MAX_MARKS + 1},"):
# a pattern that starts with a character class lets `re` skip to the next mark in C.
_MARK_RUN = re.compile(f"[{_BMP_MARKS}][{_BMP_MARKS}]{{{MAX_MARKS},}}")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_ALL_MARKS = frozenset(code for a, b in MARK_RANGES for code in range(a, b + 1))
# Every single character the rule refuses, in one class (one fast scan)
_BAD_CHARS = ("\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
              "\u200e\u200f\u061c\ud800-\udfff")
_BAD_CHAR = re.compile(f"[{_BAD_CHARS}]")
# ... and the characters beyond the Basic Multilingual Plane with them (one scan for both)
_BAD_OR_ASTRAL = re.compile(f"[{_BAD_CHARS}\U00010000-\U0010ffff]")
_NEWLINES = re.compile("\r\n?")


def clean_text(value: str) -> str:
    """What the phone saves for `value`: CRLF and CR as a newline, then NFC. Nothing else is
    changed (a control or a direction mark is reported, never silently dropped)."""
    if "\r" in value:
        value = _NEWLINES.sub("\n", value)
    if value.isascii():
        return value
    if _SURROGATE.search(value):
        return value  # no normal form exists; text_problem reports it
    return unicodedata.normalize("NFC", value)


def clean_strings(value: Any) -> Any:
    """`value` (JSON-shaped) with `clean_text` applied to every string, keys included."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, Mapping):
        return {clean_strings(k): clean_strings(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_strings(v) for v in value]
    return value


def _where(value: str, index: int) -> tuple[str, str]:
    char = value[index]
    return f"U+{ord(char):04X} ที่ตัวอักษรที่ {index + 1}", f"U+{ord(char):04X} at character {index + 1}"


def _longest_mark_run(value: str) -> tuple[int, int]:
    """(length, start) of the first run of more than MAX_MARKS combining marks, or (0, 0)."""
    if _ASTRAL.search(value) is None:
        found = _MARK_RUN.search(value)
        return (0, 0) if found is None else (found.end() - found.start(), found.start())
    run = start = 0
    for index, char in enumerate(value):
        if ord(char) in _ALL_MARKS:
            start = index if run == 0 else start
            run += 1
        elif run > MAX_MARKS:
            return run, start
        else:
            run = 0
    return (run, start) if run > MAX_MARKS else (0, 0)


def text_problem(value: str) -> tuple[str, str, str] | None:
    """The first way `value` breaks the rule, as (code, Thai, English) with `{label}` for
    the field's name; None for clean text."""
    found = _CONTROL.search(value)
    if found:
        th, en = _where(value, found.start())
        return ("control_char",
                f"{{label}} มีอักขระควบคุมที่มองไม่เห็น ({th}) ซึ่งเก็บไม่ได้ "
                "กรุณาลบออกแล้วพิมพ์ข้อความใหม่",
                f"{{label}} contains an invisible control character ({en}) that cannot be "
                "stored: delete it and type the text again")
    if value.isascii():
        return None
    found = _SURROGATE.search(value)
    if found:
        th, en = _where(value, found.start())
        return ("invalid_char",
                f"{{label}} มีรหัสอักขระที่ไม่ใช่ตัวอักษร ({th}) กรุณาพิมพ์ข้อความใหม่",
                f"{{label}} contains a code that is not a character ({en}): type the text "
                "again")
    found = _BIDI.search(value)
    if found:
        th, en = _where(value, found.start())
        return ("bidi_control",
                f"{{label}} มีอักขระกำหนดทิศทางข้อความที่มองไม่เห็น ({th}) "
                "ซึ่งทำให้ข้อความแสดงผิดลำดับ กรุณาลบออกแล้วพิมพ์ข้อความใหม่",
                f"{{label}} contains an invisible text-direction character ({en}) that makes "
                "text display in another order than it is stored: delete it and type the "
                "text again")
    run, start = _longest_mark_run(value)
    if run > MAX_MARKS:
        return ("combining_marks",
                f"{{label}} มีสระหรือวรรณยุกต์ซ้อนกัน {run} ตัว (ตั้งแต่ตัวอักษรที่ {start + 1}) "
                f"ซ้อนกันได้ไม่เกิน {MAX_MARKS} ตัว กรุณาลบส่วนที่เกินออก",
                f"{{label}} has {run} vowel, tone or other marks stacked together (from "
                f"character {start + 1}); at most {MAX_MARKS} may follow one another: delete "
                "the extra ones")
    if not unicodedata.is_normalized("NFC", value):
        return ("not_nfc",
                "{label} ไม่ได้อยู่ในรูปแบบมาตรฐาน Unicode NFC (ตัวอักษรชุดเดียวกันเก็บได้สองแบบ) "
                "แอปรุ่นปัจจุบันจัดให้เองเมื่อบันทึก กรุณาอัปเดตแอปแล้วบันทึกข้อมูลนี้อีกครั้ง",
                "{label} is not in Unicode normal form NFC (the same letters can be stored in "
                "two ways); the current app normalises text when it saves it: update the app "
                "and save this record again")
    return None


def _strings(value: Any, path: list[str | int]) -> Iterator[tuple[list[str | int], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str):
                yield [*path, key], key
            yield from _strings(item, [*path, key])
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, [*path, index])


def _labels(record_type: str, parts: Sequence[str | int]) -> tuple[str, str]:
    from schemas._fields import field_label, find_field

    named = [p for p in parts if isinstance(p, str)]
    index = next((p for p in reversed(parts) if isinstance(p, int)), None)
    th_item, en_item = ("", "") if index is None else (f" (รายการที่ {index + 1})",
                                                        f" (item {index + 1})")
    path = ".".join(named)
    if path and find_field(record_type, path):
        th, en = field_label(record_type, path), field_label(record_type, path, "en")
    else:
        th = en = ".".join(str(p) for p in parts) or record_type
    return f"«{th}»{th_item}", f"“{en}”{en_item}"


_SCALARS = frozenset({int, float, bool, type(None)})
_UNSURE = "\x00"  # makes the quick look fail, so the exact check runs


def _collect(value: Any, plain: list[Any], out: list[str]) -> None:
    """Every key and ASCII string of a JSON-shaped value into `plain`, every other string
    into `out` (fast: no paths; a key that is no string makes joining `plain` fail)."""
    kind = type(value)
    if kind is dict:
        plain.extend(value)
        for item in value.values():
            kind = type(item)
            if kind is str:
                (plain if item.isascii() else out).append(item)
            elif kind not in _SCALARS:
                _collect(item, plain, out)
    elif kind is list:
        for item in value:
            kind = type(item)
            if kind is str:
                (plain if item.isascii() else out).append(item)
            elif kind not in _SCALARS:
                _collect(item, plain, out)
    elif kind is str:
        out.append(value)
    elif kind not in _SCALARS:
        out.append(_UNSURE)  # another kind of mapping or sequence: rare


def _maybe_dirty(record: Any) -> bool:
    """A quick look at all of `record`'s text at once: False means every string (and key)
    obeys the rule; True means one may not (the exact check then runs on each string).

    Keys and ASCII strings that are all printable obey it (field names, codes, ids): one
    look at all of them. The other strings are joined by newlines: allowed, a starter (so
    the normal form of the whole is that of each piece) and no combining mark (so it ends
    every run of marks)."""
    plain: list[Any] = []
    strings: list[str] = []
    _collect(record, plain, strings)
    try:
        names = "".join(plain)
    except TypeError:
        return True  # a key that is no string
    if not (names.isascii() and names.isprintable()):
        strings.extend(plain)  # a key that is not plain, or a tab or newline: look closer
    text = "\n".join(strings)
    if text.isascii():
        return _CONTROL.search(text) is not None
    if _BAD_OR_ASTRAL.search(text) is not None:
        if _BAD_CHAR.search(text) is not None:
            return True
        return _longest_mark_run(text)[0] > 0 or not unicodedata.is_normalized("NFC", text)
    return _MARK_RUN.search(text) is not None or not unicodedata.is_normalized("NFC", text)


def first_problem(value: Any) -> tuple[str, str, str] | None:
    """The first string (or key) of a JSON-shaped value that breaks the rule, as
    `text_problem` says it; for forms that check a value outside a record."""
    if not _maybe_dirty(value):
        return None
    for _parts, text in _strings(value, []):
        problem = text_problem(text)
        if problem is not None:
            return problem
    return None


def text_issues(record_type: str, record: Any) -> list[ValidationIssue]:
    """One issue per string (or key) of `record` that breaks the rule, with its field path."""
    if not _maybe_dirty(record):
        return []  # the common case: no paths to build
    # the issue type and the field labels only when there is something to say: the checks
    # above need nothing but the standard library
    from schemas._issues import issue

    issues: list[ValidationIssue] = []
    for parts, value in _strings(record, []):
        problem = text_problem(value)
        if problem is None:
            continue
        code, th, en = problem
        th_label, en_label = _labels(record_type, parts)
        issues.append(issue(parts, code, th.format(label=th_label), en.format(label=en_label)))
    return issues
