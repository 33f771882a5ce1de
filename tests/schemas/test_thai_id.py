from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas import (
    InputError,
    check_digit,
    is_valid_thai_id,
    mask_thai_id,
    normalize_thai_id,
)

from .strategies import thai_ids

# Published registration numbers of listed companies (juristic persons, DBD) and the
# textbook examples of the national ID checksum.
KNOWN_GOOD = [
    "0107544000108",  # PTT Public Company Limited
    "0107536000102",  # Siam Commercial Bank
    "0107542000011",  # CP ALL
    "1234567890121",  # the worked example of the algorithm: 1·13 + 2·12 + ... → 1
    "1103702071811",
]


@pytest.mark.parametrize("number", KNOWN_GOOD)
def test_known_good_ids_pass(number: str) -> None:
    assert is_valid_thai_id(number)
    assert check_digit(number[:12]) == int(number[12])


def test_the_formula_by_hand() -> None:
    # 1·13 + 2·12 + 3·11 + 4·10 + 5·9 + 6·8 + 7·7 + 8·6 + 9·5 + 0·4 + 1·3 + 2·2 = 352
    total = sum(int(d) * (13 - i) for i, d in enumerate("123456789012"))
    assert total == 352
    # 352 mod 11 = 0, (11 − 0) mod 10 = 1
    assert check_digit("123456789012") == 1


@given(thai_ids())
def test_a_wrong_check_digit_is_always_caught(number: str) -> None:
    assert is_valid_thai_id(number)
    for digit in "0123456789":
        if digit != number[12]:
            assert not is_valid_thai_id(number[:12] + digit)


@pytest.mark.parametrize("bad", ["", "123", "12345678901234", "110370207181x", 1103702071811,
                                 "١١٠٣٧٠٢٠٧١٨١١", None])
def test_wrong_shapes_are_not_valid(bad: object) -> None:
    assert not is_valid_thai_id(bad)


def test_normalize_accepts_the_printed_form() -> None:
    assert normalize_thai_id("1-1037-02071-81-1") == "1103702071811"
    assert normalize_thai_id(" 1 1037 02071 81 1 ") == "1103702071811"


@pytest.mark.parametrize(("text", "code"), [("1-1037-02071-81-2", "id_checksum"),
                                            ("1-1037-02071-81", "id_format")])
def test_normalize_refuses_with_thai_and_english(text: str, code: str) -> None:
    with pytest.raises(InputError) as caught:
        normalize_thai_id(text)
    assert caught.value.code == code
    assert caught.value.message_th and caught.value.message_en
    assert caught.value.message_th != caught.value.message_en


def test_mask_keeps_only_the_last_four_digits() -> None:
    assert mask_thai_id("1103702071811") == "x-xxxx-xxxx1-81-1"
    assert "03702" not in mask_thai_id("1103702071811")


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_check_digit_makes_a_valid_id(first_twelve: str) -> None:
    assert is_valid_thai_id(first_twelve + str(check_digit(first_twelve)))


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_check_digit_is_the_published_formula(first_twelve: str) -> None:
    """(11 − Σ dᵢ·(13−i) mod 11) mod 10, digit by digit (the code sums the ASCII codes)."""
    total = sum(int(d) * (13 - i) for i, d in enumerate(first_twelve))
    assert check_digit(first_twelve) == (11 - total % 11) % 10
