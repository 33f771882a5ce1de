"""Thai FDA numbers per product kind (issue 14 item 4): herbal and cosmetic numbers are
accepted, legacy shapes are kept with a warning, a starred product without a standard in
force is warned about, and nothing that only warns blocks a record."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from schemas import ISSUE_CODES, code_label, record_warnings, validate_record
from schemas.fda_numbers import classify

PRODUCER = "0" * 32
TODAY = dt.date(2026, 12, 5)


def product(number: str, **extra: object) -> dict:
    return {"producer_id": PRODUCER, "name_th": "ยาหม่องสมุนไพร", "category": "herbal",
            "price_thb": 45, "certifications": [{"standard": "fda", "number": number}],
            **extra}


def test_the_real_shapes_are_accepted_without_a_word() -> None:
    for number in ("24-1-12345-2-0001", "2411234520001", "๒๔-๑-๑๒๓๔๕-๒-๐๐๐๑",
                   "G 123/2560", "G20/42", "K15/42", "g 7/2566",  # herbal / traditional
                   "12-1-5512345", "1215512345"):  # cosmetics notification
        record = product(number)
        assert validate_record("product", record, "final") == [], number
        assert record_warnings("product", record, today=TODAY) == [], number


def test_a_herbal_registration_was_refused_before() -> None:
    # The old schema's pattern allowed only the 13-digit food serial.
    assert classify("G 123/2560").kind == "herbal_registration"
    assert classify("12-1-5512345").kind == "cosmetic"


def test_legacy_and_unknown_shapes_are_kept_with_a_warning() -> None:
    for number, code in (("ผ. 12/2535", "fda_number_legacy"),
                         ("ฉ 1234/2530", "fda_number_legacy"),
                         ("TH-MD 65/1234", "fda_number_unknown")):
        record = product(number)
        assert validate_record("product", record, "final") == [], number
        [warning] = record_warnings("product", record, today=TODAY)
        assert (warning.code, warning.severity) == (code, "warning")
        assert warning.path == "certifications.0.number"
        assert number in warning.message_th and number in warning.message_en
        assert code in ISSUE_CODES


def test_digits_of_no_serial_length_are_still_refused() -> None:
    [item] = validate_record("product", product("24-1-12345-2-001"))
    assert (item.code, item.severity) == ("fda_number", "error")
    assert "13" in item.message_th and "13 digits" in item.message_en


def test_starred_products_need_a_standard_in_force() -> None:
    five = {"producer_id": PRODUCER, "name_th": "ผ้าไหม", "opc_stars": 5}
    [warning] = record_warnings("product", five, today=TODAY)
    assert warning.code == "starred_without_standard" and warning.severity == "warning"
    expired = {**five, "certifications": [{"standard": "mpc", "expires_on": "2026-01-01"}]}
    assert [w.code for w in record_warnings("product", expired, today=TODAY)] == [
        "starred_without_standard"]
    valid = {**five, "certifications": [{"standard": "mpc", "expires_on": "2027-01-01"}]}
    assert record_warnings("product", valid, today=TODAY) == []
    legacy_fda = {**five, "certifications": [{"standard": "fda", "number": "ผ. 1/2535"}]}
    assert {w.code for w in record_warnings("product", legacy_fda, today=TODAY)} == {
        "fda_number_legacy", "starred_without_standard"}
    three = {**five, "opc_stars": 3}
    assert record_warnings("product", three, today=TODAY) == []


def test_quadrants_have_their_real_names() -> None:
    assert [code_label("quadrant", q) for q in "ABCD"] == [
        "A กลุ่มดาวเด่นสู่สากล", "B กลุ่มเอกลักษณ์สร้างคุณค่า", "C กลุ่มพัฒนาสู่ตลาด",
        "D กลุ่มปรับตัวสู่การพัฒนา"]
    assert "กลุ่ม C" not in code_label("quadrant", "C")


@given(st.text(max_size=40))
def test_any_text_is_classified_and_never_crashes(text: str) -> None:
    result = classify(text)
    record = product(text)
    issues = validate_record("product", record)
    refused = [i for i in issues if i.code == "fda_number"]
    assert bool(refused) == result.refused
    warnings = record_warnings("product", record, today=TODAY)
    assert all(w.severity == "warning" for w in warnings)
