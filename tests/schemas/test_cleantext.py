"""The clean-text rule (issue 11 item 6): a NUL byte, a right-to-left override or 50 stacked
Thai tone marks used to be stored as they came. Now every string of every record type is
checked by `validate_record` (so the server's push, the office and the phone's forms share
it), real Thai always passes, and the fast and the jsonschema paths still agree."""

from __future__ import annotations

import copy
import unicodedata
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas import ISSUE_CODES, RECORD_TYPES, validate_record
from schemas._collect import collect_errors
from schemas._issues import translate
from schemas._loader import collector, compiled_validator, fast_check, reference_validator
from schemas.cleantext import (
    MAX_MARKS,
    TEXT_CODES,
    clean_strings,
    clean_text,
    text_issues,
    text_problem,
)

from .strategies import VALID

REAL_THAI = [
    "กลุ่มแม่บ้านเกษตรกรบ้านคลองหลวง", "นางสาวปิยะนุช ศรีสุข", "ศักดิ์สิทธิ์", "พันธุ์ไม้",
    "ปุ๋ยอินทรีย์", "น้ำพริกเผา", "ข้าวหอมมะลิ ๑๐๕", "ฤๅษี", "เจ้าพระยา", "ก๋วยเตี๋ยว",
    "จันทร์เพ็ญ", "วิสาหกิจชุมชนกลุ่มทอผ้าไหมมัดหมี่", "นายสมศักดิ์ ใจดี", "กั๊ก", "ปั๊มน้ำ",
    "เสื้อผ้าฝ้ายทอมือ\nลายขิด", "ราคา\t35 บาท", "ตำบลบางขนาก อ.บางน้ำเปรี้ยว",
    "พฺรหฺม", "ภูมิปัญญาท้องถิ่น", "ชาวไทยภูเขา (ม้ง)", "Café Ñandú", "1️⃣ อันดับหนึ่ง",
]
CONSONANTS = [chr(c) for c in range(0x0E01, 0x0E2F)]
ABOVE = ["\u0e31", "\u0e34", "\u0e35", "\u0e36", "\u0e37", "\u0e47"]
BELOW = ["\u0e38", "\u0e39"]
TONES = ["\u0e48", "\u0e49", "\u0e4a", "\u0e4b", "\u0e4c"]
LEADING = ["", "เ", "แ", "โ", "ใ", "ไ"]
TRAILING = ["", "า", "ะ", "ำ"]


@st.composite
def thai_syllables(draw: st.DrawFn) -> str:
    """A Thai syllable as a keyboard may produce it: marks in either order."""
    marks = [draw(st.sampled_from(["", *ABOVE, *BELOW])), draw(st.sampled_from(["", *TONES]))]
    if draw(st.booleans()):
        marks.reverse()  # tone typed before the vowel: not NFC until cleaned
    return (draw(st.sampled_from(LEADING)) + draw(st.sampled_from(CONSONANTS)) + "".join(marks)
            + draw(st.sampled_from(TRAILING)) + draw(st.sampled_from(["", *CONSONANTS])))


thai_texts = st.lists(thai_syllables(), min_size=1, max_size=8).map("".join)


def _codes(record_type: str, record: dict[str, Any]) -> set[tuple[str, str]]:
    return {(i.path, i.code) for i in validate_record(record_type, record)
            if i.code in TEXT_CODES}


def test_every_text_code_is_a_documented_issue_code() -> None:
    assert TEXT_CODES <= ISSUE_CODES


@pytest.mark.parametrize("name", REAL_THAI)
def test_real_thai_names_pass(name: str) -> None:
    assert text_problem(clean_text(name)) is None
    assert _codes("producer", {"name_th": clean_text(name)}) == set()


@settings(max_examples=300, deadline=None)
@given(text=thai_texts)
def test_any_thai_the_keyboard_makes_passes_once_cleaned(text: str) -> None:
    cleaned = clean_text(text)
    assert text_problem(cleaned) is None
    assert unicodedata.normalize("NFC", text) == cleaned
    assert clean_text(cleaned) == cleaned
    if cleaned != text:  # the server refuses the uncleaned spelling, with its own code
        problem = text_problem(text)
        assert problem is not None and problem[0] == "not_nfc"


@pytest.mark.parametrize(("text", "code"), [
    ("กลุ่ม\x00แม่บ้าน", "control_char"),
    ("กลุ่ม\x1bแม่บ้าน", "control_char"),
    ("บรรทัด\r\nใหม่", "control_char"),
    ("abc\x7f", "control_char"),
    ("abc\x85", "control_char"),
    ("ร้าน\u202eคิดเงิน", "bidi_control"),
    ("\u2066ชื่อ\u2069", "bidi_control"),
    ("ชื่อ\u200f", "bidi_control"),
    ("ก" + "\u0e48" * 50, "combining_marks"),
    ("ก" + "\u0e38\u0e48\u0e4c\u0e47", "combining_marks"),
    ("e" + "\u0301" * 5, "combining_marks"),
    ("ก\u0e48\u0e38", "not_nfc"),  # tone before the vowel below
    ("e\u0301", "not_nfc"),
    ("ab\ud800cd", "invalid_char"),
])
def test_garbage_is_refused_with_a_thai_and_english_message(text: str, code: str) -> None:
    issues = [i for i in validate_record("producer", {"name_th": text})
              if i.code in TEXT_CODES]
    assert [(i.path, i.code) for i in issues] == [("name_th", code)]
    assert "ชื่อผู้ผลิต" in issues[0].message_th
    assert "Producer or group name" in issues[0].message_en
    # the phone's cleaning only fixes newlines and the normal form, never hides garbage
    fixed = code in ("not_nfc",) or text == "บรรทัด\r\nใหม่"
    assert (text_problem(clean_text(text)) is None) == fixed


def test_the_rule_reaches_nested_fields_lists_and_keys() -> None:
    product = {"producer_id": "a" * 32, "name_th": "ตะกร้า",
               "certifications": [{"standard": "otop", "number": "OTOP\u202e-1"}]}
    assert _codes("product", product) == {("certifications.0.number", "bidi_control")}
    producer = {"name_th": "กลุ่ม", "address": {"village": "บ้าน\x00ดอน", "moo": 3},
                "notes": "x", "bad\x00key": 1}
    assert _codes("producer", producer) == {("address.village", "control_char"),
                                           ("bad\x00key", "control_char")}
    visit = {"producer_id": "a" * 32, "needs_other": "ก" + "\u0e49" * 9}
    assert ("needs_other", "combining_marks") in _codes("visit", visit)


_FORBIDDEN = st.one_of(
    st.sampled_from([chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F,
                                       *range(0x80, 0xA0)]]).map(lambda c: (c, "control_char")),
    st.sampled_from([chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E,
                                       0x200F, 0x061C]]).map(lambda c: (c, "bidi_control")),
    st.integers(MAX_MARKS + 1, 60).map(lambda n: ("\u0e48" * n, "combining_marks")),
)


@settings(max_examples=200, deadline=None)
@given(text=thai_texts, where=st.floats(0, 1), bad=_FORBIDDEN)
def test_garbage_anywhere_in_real_text_is_found(text: str, where: float,
                                                bad: tuple[str, str]) -> None:
    cleaned = clean_text(text)
    at = int(len(cleaned) * where)
    dirty = cleaned[:at] + bad[0] + cleaned[at:]
    problem = text_problem(dirty)
    assert problem is not None
    if bad[1] != "combining_marks":  # marks may join a neighbour's: still refused
        assert problem[0] == bad[1]
    assert problem[1] and problem[2]


def _text_paths(record: Any, path: str = "") -> list[str]:
    if isinstance(record, str):
        return [path]
    if isinstance(record, dict):
        return [p for k, v in record.items() for p in _text_paths(v, f"{path}.{k}".lstrip("."))]
    if isinstance(record, list):
        return [p for i, v in enumerate(record) for p in _text_paths(v, f"{path}.{i}")]
    return []


def _set(record: Any, path: str, value: str) -> None:
    *parents, last = path.split(".")
    node = record
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


@pytest.mark.parametrize("record_type", RECORD_TYPES)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_string_field_of_every_type_is_checked_and_both_paths_agree(
    record_type: str, data: st.DataObject
) -> None:
    record = copy.deepcopy(data.draw(VALID[record_type]))
    assert _codes(record_type, record) == set()  # generated valid records are clean
    targets = _text_paths(record)
    if not targets:
        return
    path = data.draw(st.sampled_from(targets))
    bad, code = data.draw(_FORBIDDEN)
    _set(record, path, "ก" + bad)
    issues = validate_record(record_type, record)
    assert (path, code) in {(i.path, i.code) for i in issues}
    # the schema's own verdict is the same on the fast path, the pure collector, jsonschema
    # on the compiled schema and on the plain documents; the clean-text issues come on top
    # of it, whichever path ran
    expected = {(i.path, i.code) for i in translate(
        record_type, reference_validator(record_type).iter_errors(record))}
    compiled = {(i.path, i.code) for i in translate(
        record_type, compiled_validator(record_type).iter_errors(record))}
    collected = {(i.path, i.code) for i in translate(
        record_type, collect_errors(collector(record_type), record))}
    assert compiled == collected == expected
    assert fast_check(record_type)(record) == (not expected)
    assert {(i.path, i.code) for i in issues if i.code not in TEXT_CODES} >= expected


def test_clean_strings_cleans_every_string_and_key() -> None:
    value = {"ก\u0e48\u0e38": ["e\u0301", {"x": "a\r\nb\rc"}], "n": 3}
    assert clean_strings(value) == {"กุ่": ["é", {"x": "a\nb\nc"}], "n": 3}


def test_the_table_of_marks_is_this_pythons_unicode() -> None:
    import unicodedata

    from schemas._marks import MARK_RANGES, UNICODE_VERSION, compute_ranges

    assert unicodedata.unidata_version == UNICODE_VERSION, "regenerate schemas/_marks.py"
    assert list(MARK_RANGES) == compute_ranges()


_pieces = st.one_of(thai_texts, st.sampled_from(REAL_THAI), _FORBIDDEN.map(lambda b: b[0]),
                    st.sampled_from(["ก\u0e48\u0e38", "e\u0301", "\r", "\ud800", "abc",
                                     "\\u0001", "\\r", "\\", '"', "\b", "\f", "\n\t"]))


@settings(max_examples=300, deadline=None)
@given(record=st.recursive(
    st.lists(_pieces, min_size=1, max_size=3).map("".join) | st.integers(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.lists(_pieces, max_size=2).map("".join), inner, max_size=3),
    max_leaves=8))
def test_the_one_pass_check_agrees_with_the_check_of_each_string(record: Any) -> None:
    from schemas.cleantext import _maybe_dirty

    each = [text_problem(s) is None for s in _all_strings(record)]
    assert (text_issues("producer", record) == []) == all(each)
    assert _maybe_dirty(record) == (not all(each))


def _all_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *_all_strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in _all_strings(v)]
    return []
