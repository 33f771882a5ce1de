from __future__ import annotations

import pytest
from hypothesis import given

from schemas import InputError, format_phone, is_valid_phone, normalize_phone

from .strategies import phones


@pytest.mark.parametrize(("typed", "stored"), [
    ("0812345678", "0812345678"),
    ("081-234-5678", "0812345678"),
    ("081 234 5678", "0812345678"),
    ("+66 81 234 5678", "0812345678"),
    ("+66812345678", "0812345678"),
    ("0066 81 234 5678", "0812345678"),
    ("66812345678", "0812345678"),
    ("(038) 123-456", "038123456"),
    ("02-123-4567", "021234567"),
    ("+66 2 123 4567", "021234567"),
    ("06.1234.5678", "0612345678"),
    (" 0998887777 ", "0998887777"),
])
def test_typed_numbers_are_stored_as_0_and_digits(typed: str, stored: str) -> None:
    assert normalize_phone(typed) == stored
    assert is_valid_phone(stored)


@pytest.mark.parametrize("typed", ["", "1234", "0112345678", "081234567", "08123456789",
                                   "+1 415 555 0100", "0812345678 ต่อ 12", "๐๘๑๒๓๔๕๖๗๘",
                                   "0912-345-67x"])
def test_not_thai_numbers_are_refused_in_both_languages(typed: str) -> None:
    with pytest.raises(InputError) as caught:
        normalize_phone(typed)
    assert caught.value.code == "phone"
    assert "06 08 09" in caught.value.message_th
    assert "06, 08 or 09" in caught.value.message_en


def test_landlines_do_not_start_like_mobiles() -> None:
    assert not is_valid_phone("081234567")  # 9 digits starting 08: neither
    assert not is_valid_phone("0212345678")  # 10 digits starting 02: neither


@pytest.mark.parametrize(("stored", "shown", "international"), [
    ("0812345678", "081-234-5678", "+66 81 234 5678"),
    ("021234567", "02-123-4567", "+66 2 123 4567"),
    ("038123456", "038-123-456", "+66 38 123 456"),
])
def test_format(stored: str, shown: str, international: str) -> None:
    assert format_phone(stored) == shown
    assert format_phone(stored, international=True) == international
    assert normalize_phone(shown) == stored
    assert normalize_phone(international) == stored


@given(phones())
def test_round_trip_through_both_formats(stored: str) -> None:
    assert normalize_phone(format_phone(stored)) == stored
    assert normalize_phone(format_phone(stored, international=True)) == stored
