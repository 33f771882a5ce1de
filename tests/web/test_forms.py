"""Pure form handling: whatever arrives, the answer is clean values or clear errors."""

from __future__ import annotations

from urllib.parse import parse_qsl

from hypothesis import given
from hypothesis import strategies as st

from schemas import codes
from sync_server.web.plan import validate_plan_form
from sync_server.web.register import (
    QUADRANTS,
    REVIEW_FILTERS,
    STANDARD_FILTERS,
    RegisterFilters,
    parse_filters,
)
from sync_server.web.review import validate_review

SUBS = ["240301", "240302", "240310"]
_text = st.text(max_size=30)


@given(st.dictionaries(st.sampled_from(["q", "subdistrict", "category", "stars", "quadrant",
                                        "standard", "need", "review", "page", "x"]), _text))
def test_any_query_parses_to_filters_or_bilingual_errors(params: dict[str, str]) -> None:
    filters, errors = parse_filters(params, SUBS)
    for error in errors:
        assert error.message_th and error.message_en
    assert filters.page >= 1
    assert filters.subdistrict in (None, *SUBS)


_filters = st.builds(
    RegisterFilters,
    q=st.text(alphabet="ผ้าทอน้ำพริก 0123-+", max_size=20).map(str.strip),
    subdistrict=st.sampled_from([None, *SUBS]),
    category=st.sampled_from([None, *codes("category")]),
    stars=st.sampled_from([None, 1, 2, 3, 4, 5]),
    quadrant=st.sampled_from([None, *QUADRANTS]),
    standard=st.sampled_from([None, *STANDARD_FILTERS]),
    need=st.sampled_from([None, *codes("need")]),
    review=st.sampled_from([None, *REVIEW_FILTERS]),
    page=st.integers(1, 5000),
)


@given(_filters)
def test_paging_links_carry_the_filters_unchanged(filters: RegisterFilters) -> None:
    again, errors = parse_filters(dict(parse_qsl(filters.query_string())), SUBS)
    assert errors == [] and again == filters


@given(st.dictionaries(st.sampled_from(["need", "action", "agency", "budget_thb", "due_on",
                                        "status", "follow_up_notes"]), _text))
def test_plan_forms_give_typed_values_or_errors(form: dict[str, str]) -> None:
    clean, errors = validate_plan_form(form)
    if errors:
        assert all(e.message_th and e.message_en for e in errors)
        return
    assert clean["action"]
    assert clean["status"] in codes("plan_status")
    assert clean["budget_thb"] is None or clean["budget_thb"] >= 0
    assert clean["need"] is None or clean["need"] in codes("need")


@given(_text, _text)
def test_review_forms(status: str, comment: str) -> None:
    clean_status, clean_comment, errors = validate_review(status, comment)
    if not errors:
        assert clean_status in ("received", "has_issues", "approved", "rejected")
        assert clean_comment or clean_status in ("received", "approved")
