"""The shared search folding and Thai sort key (schemas/textfold.py).

The sort key is checked against the oracle it promises to follow: ICU's Thai collation in
the real PostgreSQL ("th-TH-x-icu"), on a fixed list of names and on generated Thai words.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from schemas.textfold import (
    SORT_KEY_CHARS,
    fold,
    matches,
    phone_digits,
    search_blob,
    search_terms,
    sort_key,
)
from tests.support.pg import require_pg_admin_url

# ---------------------------------------------------------------------------------------
# fold


def test_fold_drops_tone_and_optional_marks() -> None:
    assert fold("แกงส้ม") == "แกงสม"
    assert fold("ไข่เค็ม") == fold("ไขเคม")
    assert fold("ผลิตภัณฑ์") == "ผลิตภัณฑ"
    assert fold("ก๊วยเตี๋ยว") == "กวยเตียว"


def test_fold_keeps_vowels_and_normalises_case_digits_space() -> None:
    assert fold("กิน") != fold("กัน")
    assert fold("  OTOP\tนวัตวิถี  ") == "otop นวัตวิถี"
    assert fold("หมู่ ๕") == "หมู 5"
    assert fold("บ้าน\u200bนา") == "บานนา"


def test_fold_repairs_common_typing_slips() -> None:
    assert fold("น\u0e4d\u0e32พริก") == fold("น้ำพริก")  # nikhahit + aa typed for ำ
    assert fold("เเกงส้ม") == fold("แกงส้ม")  # sara e twice for sara ae


def test_fold_is_order_insensitive_for_stacked_marks() -> None:
    # tone mark typed before the lower vowel, or after it: one word
    assert fold("ก\u0e48\u0e38ง") == fold("ก\u0e38\u0e48ง")


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text(alphabet=st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B)))
def test_fold_of_thai_has_no_tone_marks_or_thai_digits(text: str) -> None:
    folded = fold(text)
    assert not set(folded) & set("่้๊๋์็๎๐๑๒๓๔๕๖๗๘๙")


# ---------------------------------------------------------------------------------------
# phone numbers


@pytest.mark.parametrize("typed", [
    "0812345678", "081-234-5678", "081 234 5678", "081.234.5678", "081/234/5678",
    "(081) 234-5678", "+66 81 234 5678", "+66-81-234-5678", "+66812345678", "66812345678",
    "0066 81 234 5678", "๐๘๑-๒๓๔-๕๖๗๘", "+๖๖ ๘๑ ๒๓๔ ๕๖๗๘", "081–234–5678", "081—234—5678",
])
def test_phone_digits_reads_a_number_however_written(typed: str) -> None:
    assert phone_digits(typed) == "0812345678"


def test_phone_digits_landline_and_parts() -> None:
    assert phone_digits("02-123-4567") == "021234567"
    assert phone_digits("+66 2 123 4567") == "021234567"
    assert phone_digits("234-5678") == "2345678"
    assert phone_digits("+66 81") == "081"
    assert phone_digits("5678") == "5678"


@pytest.mark.parametrize("text", ["", " ", "ใจดี", "081x234", "a1", "-", "สมชาย 081"])
def test_phone_digits_none_for_what_is_not_a_number(text: str) -> None:
    assert phone_digits(text) is None


@given(st.from_regex(r"0[689][0-9]{8}", fullmatch=True),
       st.sampled_from(["", " ", "-", ".", "/", "–"]),
       st.sampled_from(["0", "+66", "+66 ", "0066", "66"]),
       st.booleans())
def test_any_spelling_of_a_mobile_reads_back(number: str, sep: str, prefix: str,
                                             thai_digits: bool) -> None:
    rest = number[1:]
    typed = prefix + sep.join((rest[:2], rest[2:5], rest[5:]))
    if thai_digits:
        typed = typed.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    assert phone_digits(typed) == number


@given(st.text())
def test_phone_digits_is_ascii_digits_or_none(text: str) -> None:
    digits = phone_digits(text)
    assert digits is None or (digits.isascii() and digits.isdigit())


# ---------------------------------------------------------------------------------------
# search terms and blobs

_PRODUCER = ["วิสาหกิจชุมชนแกงส้มบ้านนา", "Ban Na Curry", "นางสมศรี ใจดี", "0812345678",
             "3100501234567", None, 5]


@pytest.mark.parametrize("query", [
    "แกงส้ม", "แกงสม", "แกง ส้ม", "BAN NA", "ban", "ใจดี", "ใจด", "สมศร ใจด",
    "0812345678", "081-234-5678", "081 234 5678", "+66 81 234 5678", "+66812345678",
    "๐๘๑๒๓๔๕๖๗๘", "๐๘๑-๒๓๔", "234-5678", "2345678", "5678", "+66 81",
    "3-1005-01234-56-7", "๓๑๐๐๕", "",
])
def test_a_producer_is_found_however_the_query_is_typed(query: str) -> None:
    assert matches(search_blob(_PRODUCER), query)


@pytest.mark.parametrize("query", ["แกงเขียว", "0899999999", "+66 89", "ใจร้าย", "081 999"])
def test_what_is_not_there_is_not_found(query: str) -> None:
    assert not matches(search_blob(_PRODUCER), query)


def test_search_terms_join_a_number_only_when_it_looks_like_one() -> None:
    assert search_terms("081 234 5678") == ["0812345678"]
    assert search_terms("+66 81 234") == ["081234"]
    assert search_terms("หมู่ 5 บ้านนา") == ["หมู", "5", "บานนา"]
    assert search_terms("12 3") == ["12", "3"]
    assert search_terms("ผ้าขาวม้า 2/3") == ["ผาขาวมา", "2/3"]
    assert matches(search_blob(["ผ้าขาวม้า 2/3 ผืน"]), "ขาวม้า 2/3")
    assert search_terms("  ") == []


@given(st.lists(st.text(max_size=20), max_size=5), st.data())
def test_any_substring_of_a_field_finds_it(values: list[str], data: st.DataObject) -> None:
    blob = search_blob(values)
    present = [v for v in values if fold(v)]
    if not present:
        return
    value = data.draw(st.sampled_from(present))
    folded = fold(value)
    start = data.draw(st.integers(0, len(folded) - 1))
    end = data.draw(st.integers(start + 1, len(folded)))
    part = folded[start:end]
    # a folded part of a folded value is always found (typed exactly or without marks)
    assert all(term in blob for term in search_terms(part)) or phone_digits(part) is not None


# ---------------------------------------------------------------------------------------
# sort key against ICU

NAMES = [
    "เทียนหอมบ้านสวน", "ไข่เค็มไชยา", "แกงส้มปักษ์ใต้", "กล้วยตาก", "ข้าวหอมมะลิ",
    "ขนมไทย", "โอ่งมังกร", "ใบตองแห้ง", "ผ้าไหม", "ผ้าทอ", "ฤดีสมุนไพร", "รังนก", "ลูกชุบ",
    "ฦา", "ก่า", "กา", "ก้า", "ก๊า", "ก๋า", "กา่", "น้ำพริก", "นาข้าว", "นํ้าตาล", "ดอกไม้",
    "OTOP Village", "otop village", "Zebra", "abc", "ABC", "123 สหกรณ์", "๑๒๓ สหกรณ์",
    "9 ดาว", "10 ดาว", "กลุ่ม ก", "กลุ่ม-ก", "กลุ่มก", "เ", "เอ", "แอ", "อ", "ๆ", "ฯลฯ",
    "ศิลปะ", "ษัฏ", "สา", "หอม", "ฮา", "เกษตร", "เก", "กเ", "ก์", "ก็", "ก", "ก่", "ไก่",
    "ไก", "วัด", "วา", "ว่า", "เวียง", "เว", "A1", "a1", "฿100", "+66", "ลำไย", "ลา",
    "ลๅ", "กำ", "กาํ", "ก\u0e4d\u0e32", "ก\u0e4d\u0e45", "กๅํ", "ภูเขา", "ภู", "ฌาน", "ฅน", "ฃวด",
]


@pytest.fixture(scope="module")
def icu() -> Iterator[sa.Connection]:
    engine = sa.create_engine(require_pg_admin_url(), poolclass=sa.NullPool)
    with engine.connect() as conn:
        yield conn
    engine.dispose()


def icu_order(conn: sa.Connection, words: list[str]) -> list[str]:
    rows = conn.execute(sa.text(
        'SELECT w FROM unnest(CAST(:words AS text[])) AS t(w) ORDER BY w COLLATE "th-TH-x-icu"'
    ), {"words": words}).scalars().all()
    return list(rows)


@pytest.mark.postgres
def test_fixed_names_sort_as_icu_does(icu: sa.Connection) -> None:
    assert sorted(NAMES, key=sort_key) == icu_order(icu, NAMES)


def test_leading_vowels_sort_under_their_consonant() -> None:
    names = ["เทียนหอม", "ไข่เค็ม", "แกงส้ม", "ขนม", "กล้วย", "ทองม้วน", "ซาลาเปา"]
    assert sorted(names, key=sort_key) == [
        "กล้วย", "แกงส้ม", "ขนม", "ไข่เค็ม", "ซาลาเปา", "ทองม้วน", "เทียนหอม"]


def test_tone_marks_only_break_ties() -> None:
    assert sorted(["ก้า", "กาก", "ก่า", "กา"], key=sort_key) == ["กา", "ก่า", "ก้า", "กาก"]


def test_digits_then_thai_then_latin() -> None:
    assert sorted(["abc", "ก", "1"], key=sort_key) == ["1", "ก", "abc"]


def test_key_is_storable() -> None:
    key = sort_key("ผ้า\x00ไหม " * 100)
    assert "\x00" not in key
    assert len(key.encode()) < 2000  # fits a PostgreSQL B-tree index entry
    assert sort_key("ก" * SORT_KEY_CHARS + "ข") == sort_key("ก" * SORT_KEY_CHARS + "ค")


_CONSONANTS = "กขคงจฉชซญดตถทนบปผพฟภมยรฤลวศษสหฬอฮ"
_VOWELS = "ะัาำิีึืุูๅ"
_PREVOWELS = "เแโใไ"
_MARKS = "่้๊๋์็ํ"
_OTHER = "ๆฯ๑2 -aB"
_syllable = st.builds(
    lambda pre, c, v, m, tail: pre + c + v + m + tail,
    st.sampled_from(["", *_PREVOWELS]), st.sampled_from(_CONSONANTS),
    st.sampled_from(["", *_VOWELS]), st.sampled_from(["", *_MARKS]),
    st.sampled_from(["", "", "", *_CONSONANTS[:8]]))
thai_words = st.lists(_syllable, min_size=1, max_size=3).map("".join)
any_thai = st.text(alphabet=_CONSONANTS + _VOWELS + _PREVOWELS + _MARKS + _OTHER,
                   min_size=0, max_size=6)


@pytest.mark.postgres
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(thai_words, any_thai), min_size=2, max_size=30))
def test_generated_thai_words_sort_as_icu_does(icu: sa.Connection, words: list[str]) -> None:
    assert sorted(words, key=sort_key) == icu_order(icu, words)


# ---------------------------------------------------------------------------------------
# The fast paths (per-character facts, ASCII and digit shortcuts) keep the rules

_LATIN = "aAbBzZéÉ\u0301\u0300\u0308ßİﬁ"
_SPACES_AND_MORE = " -.,/()+\t\n\u200b\u200d\ufeff\u00ad\u00a0😀€©"
mixed_text = st.text(alphabet=_CONSONANTS + _VOWELS + _PREVOWELS + _MARKS + _OTHER + "ำ๎ฺ"
                     + "๐๑๒๓๔๕๖๗๘๙0123456789" + _LATIN + _SPACES_AND_MORE, max_size=40)
any_text = st.one_of(thai_words, any_thai, mixed_text, st.text(max_size=40))


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_the_key_is_its_three_levels_and_the_text(text: str) -> None:
    import unicodedata

    key = sort_key(text)
    parts = key.split("\x01", 3)
    raw = text[:SORT_KEY_CHARS].replace("\x00", "")
    assert len(parts) == 4 and parts[3] == raw
    # a primary weight starts above the separators; secondary and tertiary weights are one
    # character each, between the separator and the primary weights
    assert parts[0][:1] >= "\u0100" or not parts[0]
    assert all("\x20" < ch < "\u0100" for ch in parts[1] + parts[2])
    assert len(parts[1]) == len(parts[2])
    # canonically equivalent spellings differ only in the tie-break (ICU normalises)
    if len(unicodedata.normalize("NFD", raw)) > SORT_KEY_CHARS:
        return  # the decomposed text is cut at another place
    assert parts[:3] == sort_key(unicodedata.normalize("NFC", raw)).split("\x01", 3)[
        :3] == sort_key(unicodedata.normalize("NFD", raw)).split("\x01", 3)[:3]
    assert sort_key(text + "ข" * SORT_KEY_CHARS) == sort_key(
        text[:SORT_KEY_CHARS] + "ข" * SORT_KEY_CHARS)


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_moving_leading_vowels_gives_the_units_scan(text: str) -> None:
    """The key moves each leading vowel after its consonant and looks each character up;
    a text with ํ is scanned unit by unit instead. Both give the same weights."""
    import unicodedata

    from schemas import textfold

    chars = unicodedata.normalize("NFD", text.replace("\u0e4d", ""))
    moved = textfold._PREVOWEL_PAIR.sub(textfold._consonant_first, chars)
    assert [textfold._FACTS[ch] for ch in moved] == textfold._units(chars)


tis_620_text = st.text(alphabet=st.sampled_from(
    [bytes([b]).decode("tis_620", "ignore") or "a" for b in range(1, 256)]), max_size=40)


@settings(max_examples=400, deadline=None)
@given(st.one_of(thai_words, any_thai, tis_620_text))
def test_thai_and_ascii_are_weighed_through_tis_620_as_unit_by_unit(text: str) -> None:
    """Text of Thai and ASCII only is weighed by decoding its TIS-620 bytes through tables
    made from the same per-character facts: the same four strings as the unit scan."""
    import unicodedata

    from schemas import textfold

    chars = unicodedata.normalize("NFD", text.replace("\u0e4d", ""))
    moved = textfold._PREVOWEL_PAIR.sub(textfold._consonant_first, chars)
    units = textfold._units(chars)
    assert textfold._levels_of_thai(moved) == ["".join(u[level] for u in units)
                                                for level in range(4)]


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x2FFFF), max_size=30))
def test_cached_facts_are_the_computed_ones_and_the_cache_stays_bounded(text: str) -> None:
    from schemas import textfold

    for ch in text:
        assert textfold._FACTS[ch] == textfold._char_facts(ch)
    assert len(textfold._FACTS) <= textfold._FACTS_BOUND


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_fold_removes_what_it_promises(text: str) -> None:
    folded = fold(text)
    assert not set(folded) & set("่้๊๋์็๎\u200b\u200c\u200d\ufeff\u00ad๐๑๒๓๔๕๖๗๘๙")
    assert folded == " ".join(folded.split())
    if text.isascii():  # plain text: only case and spaces change
        assert folded == " ".join(text.casefold().split())


@given(st.from_regex(r"[0-9]{1,14}", fullmatch=True), st.sampled_from([" ", "-", ".", "/"]))
def test_plain_digits_read_as_the_same_digits_written_with_separators(
        digits: str, sep: str) -> None:
    assert phone_digits(digits) == phone_digits(f" {sep.join(digits)} ") == phone_digits(
        digits.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")))


@settings(max_examples=300, deadline=None)
@given(any_text, st.sampled_from([" ", "-", ".", ",", "ฯ", "ๆ"]),
       st.lists(st.sampled_from(["่", "้", "๊", "๋", "์", "็", "\u0301"]), min_size=1,
                max_size=3).map("".join), any_text)
def test_marks_after_a_space_or_punctuation_are_ignored(before: str, variable: str,
                                                        marks: str, after: str) -> None:
    """alternate=shifted: a mark after a variable character has no weight, up to the next
    letter."""
    import unicodedata

    before, after = before[:30], after[:30]
    # (not when `after` starts with a combining vowel: NFD would reorder the marks after it)
    assume(not after or not unicodedata.category(after[0]).startswith("M"))
    plain = sort_key(before + variable + after).split("\x01", 3)[:3]
    assert sort_key(before + variable + marks + after).split("\x01", 3)[:3] == plain


@settings(max_examples=300, deadline=None)
@given(st.one_of(thai_words, any_thai, tis_620_text, mixed_text))
def test_without_the_tis_620_codec_the_keys_are_the_same(text: str) -> None:
    """A Python built without the codec (the phone's may be) weighs every text per
    character: the keys do not change."""
    from schemas import textfold

    expected = sort_key(text)
    saved = textfold._BYTE_TABLES
    textfold._BYTE_TABLES = ()
    try:
        assert sort_key(text) == expected
    finally:
        textfold._BYTE_TABLES = saved
