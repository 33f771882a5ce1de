"""`mask_digits`: phone and ID numbers are masked however they are written; ordinary numbers
(prices, years, quantities, dates, times) stay as they were.

The generators write a number as people do: in the usual groupings or split anywhere, with
any separators between the groups (spaces of every kind, dashes of every kind, slashes,
dots, commas, underscores, brackets), in any mix of digit scripts (ASCII, Thai ๐–๙,
full-width, Arabic-Indic), with +66 / 66 / 0066 country codes."""

from __future__ import annotations

import itertools
import re

from hypothesis import given
from hypothesis import strategies as st

from sync_server.reports.textmask import MASK, mask_digits

_SCRIPTS = ("0123456789", "๐๑๒๓๔๕๖๗๘๙", "０１２３４５６７８９", "٠١٢٣٤٥٦٧٨٩")
_SEPARATOR_CHARS = (" ", "\u00a0", "\u2009", "\u200b", "\u3000", "-", "\u2010", "\u2011",
                    "\u2012", "\u2013", "\u2014", "\u2015", "\u2212", "\ufe63", "\uff0d",
                    "/", "\uff0f", ".", ",", "_", "(", ")", "[", "]", "\u00ad", "\t")


@st.composite
def _written(draw: st.DrawFn, ascii_digits: str) -> str:
    """The digits in a random mix of scripts."""
    return "".join(draw(st.sampled_from(_SCRIPTS))[int(d)] for d in ascii_digits)


# (A comma followed by a space separates the items of a list: never inside one number.)
_gap = st.lists(st.sampled_from(_SEPARATOR_CHARS), min_size=1, max_size=3).map(
    "".join).filter(lambda gap: not re.search(r",\s", gap))
_mobile = st.builds(lambda p, rest: "0" + p + rest, st.sampled_from("689"),
                    st.text("0123456789", min_size=8, max_size=8))
_landline = st.builds(lambda p, rest: "0" + p + rest, st.sampled_from("234567"),
                      st.text("0123456789", min_size=7, max_size=7))
_id13 = st.builds(lambda first, rest: first + rest, st.sampled_from("12345678"),
                  st.text("0123456789", min_size=12, max_size=12))
_GROUPINGS = {8: [(1, 3, 4), (2, 3, 3), (4, 4), (8,)],  # after +66
              9: [(2, 3, 4), (1, 4, 4), (3, 3, 3), (2, 7), (3, 6), (9,)],
              10: [(3, 3, 4), (3, 7), (2, 4, 4), (4, 3, 3), (3, 4, 3), (10,), (2, 2, 2, 2, 2)],
              13: [(1, 4, 5, 2, 1), (13,), (4, 4, 5), (1, 12), (3, 3, 3, 4), (1, 4, 4, 4)]}


def _split(digits: str, sizes: tuple[int, ...]) -> list[str]:
    out, at = [], 0
    for size in sizes:
        out.append(digits[at:at + size])
        at += size
    return out


@st.composite
def _groups(draw: st.DrawFn, digits: str) -> tuple[bool, list[str]]:
    """(usual?, groups): the usual groupings, or cuts at random places."""
    if draw(st.booleans()):
        return True, _split(digits, draw(st.sampled_from(_GROUPINGS[len(digits)])))
    cuts = sorted(draw(st.sets(st.integers(1, len(digits) - 1), max_size=5)))
    bounds = [0, *cuts, len(digits)]
    return False, [digits[a:b] for a, b in itertools.pairwise(bounds)]


@st.composite
def _joined(draw: st.DrawFn, grouping: tuple[bool, list[str]]) -> str:
    """The groups written with separators. Cut at random places, a number is written with
    one separator throughout: `08 12 2567 89` would read as a date and a number."""
    usual, groups = grouping
    written = [draw(_written(g)) for g in groups]
    if not usual or draw(st.booleans()):  # one separator throughout: 1/2345/67890/12/3
        gaps = [draw(_gap)] * (len(written) - 1)
    else:  # a separator of its own between every two groups
        gaps = [draw(_gap) for _ in written[1:]]
    bracket: bool = draw(st.booleans())
    if gaps and bracket:  # (081) 234-5678
        written[0] = "(" + written[0]
        gaps[0] = ")" + draw(st.sampled_from(["", " ", "-"]))
    return written[0] + "".join(gap + group for gap, group in zip(gaps, written[1:],
                                                                  strict=True))


_COUNTRY = ["+{cc} ", "+{cc}", "{cc} ", "(+{cc}) ", "+{cc}-", "{zz}{cc} ", "+{cc} (0)"]


@st.composite
def personal_number(draw: st.DrawFn) -> tuple[str, str]:
    """(ASCII digits, as written)."""
    kind = draw(st.sampled_from(["mobile", "landline", "id", "international"]))
    if kind == "international":
        national = draw(_mobile | _landline)
        prefix = draw(st.sampled_from(_COUNTRY)).format(cc=draw(_written("66")),
                                                        zz=draw(_written("00")))
        return national, prefix + draw(_joined(draw(_groups(national[1:]))))
    digits = draw({"mobile": _mobile, "landline": _landline, "id": _id13}[kind])
    return digits, draw(_joined(draw(_groups(digits))))


_THAI = st.sampled_from(["โทร", "ติดต่อ", "เบอร์ของคุณสมศรี", "บัตรประชาชน", "เลขนิติบุคคล",
                         "หมายเหตุ", "ผู้ประสานงาน"])


@given(number=personal_number(), before=_THAI, after=_THAI)
def test_a_phone_or_id_number_is_masked_however_it_is_written(
        number: tuple[str, str], before: str, after: str) -> None:
    digits, written = number
    text = f"{before} {written} {after}"
    assert mask_digits(text) == f"{before} {MASK} {after}", (digits, written)


@given(number=personal_number(), date=st.sampled_from(["12/05/2567", "1.10.2566",
                                                       "2024-05-12"]),
       join=st.sampled_from([", ", " ", " / ", " - "]))
def test_a_date_next_to_a_number_stays_and_the_number_goes(
        number: tuple[str, str], date: str, join: str) -> None:
    text = f"นัด {date}{join}โทร {number[1]}"
    assert mask_digits(text) == f"นัด {date}{join}โทร {MASK}"


@given(first=personal_number(), second=personal_number())
def test_two_numbers_in_a_list_are_both_masked(first: tuple[str, str],
                                               second: tuple[str, str]) -> None:
    assert mask_digits(f"โทร {first[1]}, {second[1]} ค่ะ") == f"โทร {MASK}, {MASK} ค่ะ"


# --- ordinary text stays --------------------------------------------------------------------

def _thousands(value: int) -> str:
    return f"{value:,}"


# Written without separators, an amount has at most 8 digits: 9 unbroken digits are masked.
_price = st.one_of(
    st.integers(1, 99_999_999).map(str),
    st.integers(1_000, 999_999_999).map(_thousands),
    st.builds(lambda v, c: f"{v:,}.{c:02d}", st.integers(0, 99_999_999), st.integers(0, 99)),
    st.builds(lambda v, c: f"{v}.{c:02d}", st.integers(1, 9_999_999), st.integers(0, 99)))
_year = st.integers(2400, 2700).map(str) | st.integers(1900, 2100).map(str)
_quantity = st.integers(1, 99_999).map(str)


@st.composite
def _date(draw: st.DrawFn) -> str:
    day, month = draw(st.integers(1, 31)), draw(st.integers(1, 12))
    year = draw(_year)
    sep = draw(st.sampled_from("/-."))
    pad = draw(st.booleans())
    d, m = (f"{day:02d}", f"{month:02d}") if pad else (str(day), str(month))
    if draw(st.booleans()):
        return f"{year}-{m}-{d}"
    return f"{d}{sep}{m}{sep}{year}"


_time = st.builds(lambda h, m: f"{h:02d}.{m:02d}", st.integers(0, 23), st.integers(0, 59))
_ordinary = st.one_of(
    _price.map(lambda p: f"ราคา {p} บาท"),
    _year.map(lambda y: f"ปี {y}"),
    st.builds(lambda a, b: f"ปีงบประมาณ {a}-{b}", _year, _year),
    _quantity.map(lambda q: f"จำนวน {q} ชิ้น"),
    _date().map(lambda d: f"วันที่ {d}"),
    st.builds(lambda a, b: f"ช่วง {a} - {b}", _date(), _date()),
    st.builds(lambda a, b: f"เวลา {a}-{b} น.", _time, _time),
    st.lists(_quantity, min_size=2, max_size=6).map(lambda qs: "ขนาด " + ", ".join(qs)),
    st.lists(_year, min_size=2, max_size=4).map(lambda ys: "ปี " + " ".join(ys)),
)


@st.composite
def _in_digits(draw: st.DrawFn, text: str) -> str:
    """Ordinary text in one digit script (a person writes a price in one script)."""
    script = draw(st.sampled_from(_SCRIPTS))
    return "".join(script[int(c)] if c.isascii() and c.isdigit() else c for c in text)


# Each part begins with a word: bare numbers side by side whose digits add up to 13 (or to
# 9-10 beginning with 0) are indistinguishable from an ID (a phone) and are masked on purpose.
@given(parts=st.lists(_ordinary, min_size=1, max_size=5), data=st.data())
def test_prices_years_quantities_dates_and_times_stay(parts: list[str],
                                                      data: st.DataObject) -> None:
    text = " ".join(data.draw(_in_digits(p)) for p in parts)
    assert mask_digits(text) == text


@given(parts=st.lists(_ordinary, min_size=1, max_size=3), number=personal_number())
def test_ordinary_numbers_around_a_phone_stay(parts: list[str],
                                              number: tuple[str, str]) -> None:
    text = " ".join(parts)
    assert mask_digits(f"{text} โทร {number[1]} {text}") == f"{text} โทร {MASK} {text}"


def test_examples_from_the_attack() -> None:
    examples = {
        "โทร 081 - 234 - 5678": "โทร •••",
        "โทร (081)234-5678 ค่ะ": "โทร ••• ค่ะ",
        "โทร +66 81 234 5678": "โทร •••",
        "โทร ๐๘๑–๒๓๔–๕๖๗๘": "โทร •••",
        "บัตร 1 2345 67890 12 3": "บัตร •••",
        "บัตร 1-2345-67890-12-3 หมดอายุ 2570": "บัตร ••• หมดอายุ 2570",
        "นิติบุคคล 0.1055.61234.56.7": "นิติบุคคล •••",
        "โทร 081_234_5678 / 02-123-4567": "โทร ••• / •••",
        "ราคา 120 บาท หมู่ 5 ปี 2569": "ราคา 120 บาท หมู่ 5 ปี 2569",
        "ประชุม 1/10/2566 - 30/9/2567 เวลา 08.30-16.30 น.":
            "ประชุม 1/10/2566 - 30/9/2567 เวลา 08.30-16.30 น.",
        "ยอดขาย 12,500,000.00 บาท": "ยอดขาย 12,500,000.00 บาท",
    }
    for text, expected in examples.items():
        assert mask_digits(text) == expected, text
    assert mask_digits(None) is None
