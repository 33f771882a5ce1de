"""The office's own forms follow the one clean-text rule (issue 11 item 6): a development
plan item, a review comment and a value typed to resolve a conflict are written to records
that phones pull and push back, so garbage typed there would make every later edit of that
record fail the push's validation."""

from __future__ import annotations

import pytest

from schemas.cleantext import clean_text
from sync_server.web.conflicts import ResolveError, parse_new_value
from sync_server.web.plan import validate_plan_form
from sync_server.web.review import validate_review

GARBAGE = ["ติดตาม\x00ผล", "ร้าน\u202eคิดเงิน", "ก" + "\u0e48" * 50]


@pytest.mark.parametrize("text", GARBAGE)
def test_a_plan_item_with_garbage_is_refused(text: str) -> None:
    # The agency is chosen from the district's list; notes are the typed text.
    _fields, errors = validate_plan_form({"action": "อบรมบรรจุภัณฑ์", "follow_up_notes": text,
                                          "status": "planned"})
    assert [e.field for e in errors] == ["follow_up_notes"]
    assert "«" in errors[0].message_th and "“" in errors[0].message_en
    assert errors[0].message_en


def test_a_plan_item_typed_in_keyboard_order_is_stored_in_nfc() -> None:
    typed = "ปุ๋ยหมัก".replace("\u0e38\u0e4b", "\u0e4b\u0e38")  # tone typed first
    assert typed != "ปุ๋ยหมัก"
    fields, errors = validate_plan_form({"action": typed, "status": "planned",
                                         "follow_up_notes": "บรรทัด 1\r\nบรรทัด 2"})
    assert errors == []
    assert fields["action"] == "ปุ๋ยหมัก"
    assert fields["follow_up_notes"] == "บรรทัด 1\nบรรทัด 2"


@pytest.mark.parametrize("text", GARBAGE)
def test_a_review_comment_with_garbage_is_refused(text: str) -> None:
    _status, _comment, errors = validate_review("has_issues", text)
    assert len(errors) == 1 and "ความเห็น" in errors[0].message_th
    assert "comment" in errors[0].message_en


def test_a_clean_review_comment_passes_in_nfc() -> None:
    typed = "กุ่ม".replace("\u0e38\u0e48", "\u0e48\u0e38")
    _status, comment, errors = validate_review("has_issues", typed)
    assert errors == [] and comment == clean_text(typed) == "กุ่ม"


@pytest.mark.parametrize("text", GARBAGE)
def test_a_conflict_value_with_garbage_is_refused(text: str) -> None:
    with pytest.raises(ResolveError) as error:
        parse_new_value(text, "ชื่อเดิม")
    assert "ค่าใหม่" in error.value.message_th and "new value" in error.value.message_en
    with pytest.raises(ResolveError):
        listed = text.replace("\x00", "\\u0000")
        parse_new_value(f'["ดี", "{listed}"]', ["เดิม"])


def test_a_clean_conflict_value_passes() -> None:
    assert parse_new_value("  ชื่อใหม่  ", "ชื่อเดิม") == "ชื่อใหม่"
    assert parse_new_value('["packaging"]', ["budget"]) == ["packaging"]
