"""The pure pieces, without files: table diffs and their inverse, coalescing, text search."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldapp.store.ops import apply_ops, diff_tables, inverse_ops
from fieldapp.store.outbox import coalesce, restamp, seen_clocks
from fieldapp.store.search import matches_text
from recordsync.changes import Change

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet="กขคabc 0", max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                max_size=3),
    max_leaves=6,
)
docs = st.dictionaries(st.sampled_from(["name_th", "price_thb", "needs", "address"]), values,
                       max_size=4)
tables = st.dictionaries(
    st.sampled_from(["producer", "product", "_meta"]),
    st.dictionaries(st.sampled_from(["1", "2", "3", "4"]), docs, max_size=4),
    max_size=3,
)


@given(tables, tables)
def test_a_diff_turns_the_old_tables_into_the_new_and_its_inverse_turns_them_back(
    old: dict, new: dict
) -> None:
    ops = diff_tables(old, new)
    state = copy.deepcopy(old)
    undo = inverse_ops(state, ops)
    apply_ops(state, ops)
    assert state == new
    apply_ops(state, undo)
    assert state == old
    # replaying the same operations again changes nothing (journal replay is idempotent)
    apply_ops(state, ops)
    apply_ops(state, ops)
    assert state == new


def test_an_unknown_operation_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown store operation"):
        apply_ops({}, [["merge", "producer"]])


def _change(**kw: object) -> Change:
    base: dict = {"change_id": "c1", "record_type": "product", "record_id": "r1",
                  "device_id": "phone_1"}
    return Change(**{**base, **kw})


def test_coalescing_keeps_the_first_id_and_base_and_the_last_values() -> None:
    first = _change(fields={"price_thb": 35, "unit": "ขวด"}, clocks={"price_thb": "a", "unit": "a"},
                    base_clocks={"price_thb": "old", "unit": None})
    second = _change(change_id="c2", fields={"price_thb": 40}, clocks={"price_thb": "b"},
                     base_clocks={"price_thb": "a"})
    merged = coalesce(first, second)
    assert merged.change_id == "c1"
    assert merged.fields == {"price_thb": 40, "unit": "ขวด"}
    assert merged.clocks == {"price_thb": "b", "unit": "a"}
    assert merged.base_clocks == {"price_thb": "old", "unit": None}
    with pytest.raises(ValueError, match="same record"):
        coalesce(first, _change(record_id="r2"))


def test_coalescing_full_bases_a_field_first_written_later_keeps_its_own_base() -> None:
    # The first edit saw note at "n1"; a pull then moved it to "n2" and the officer edited it
    # having seen "n2": that write is not concurrent with the pulled one.
    first = _change(fields={"price_thb": 35}, clocks={"price_thb": "b"},
                    base_clocks={"price_thb": "a", "note": "n1", "name_th": "a"})
    second = _change(change_id="c2", fields={"note": "x"}, clocks={"note": "c"},
                     base_clocks={"price_thb": "b", "note": "n2", "name_th": "a", "unit": "u"})
    merged = coalesce(first, second)
    assert merged.base_clocks == {"price_thb": "a", "note": "n2", "name_th": "a", "unit": "u"}


def test_seen_clocks_lists_every_field_and_none_for_new_ones() -> None:
    assert seen_clocks({"a": "1", "_deleted": "0"}, ["a", "b"]) == {
        "a": "1", "_deleted": "0", "b": None}


def test_restamp_gives_a_new_id_and_moves_only_the_clocks_it_wrote() -> None:
    change = _change(fields={"price_thb": 40}, clocks={"price_thb": "future"})
    record_clocks = {"price_thb": "future", "unit": "future-but-another-write"}
    again = restamp(change, "now", record_clocks)
    assert again.change_id != change.change_id and again.clocks == {"price_thb": "now"}
    assert record_clocks == {"price_thb": "now", "unit": "future-but-another-write"}


@pytest.mark.parametrize(
    ("text", "found"),
    [("ผ้าทอ", True), ("WEAVERS", True), ("  bang   khanak ", True), ("สมชาย", True),
     ("", True), ("ข้าวหลาม", False), ("ผ้าทอ".replace("้", ""), False)],
)
def test_text_search_on_thai_and_latin_names(text: str, found: bool) -> None:
    producer = {"name_th": "วิสาหกิจชุมชนผ้าทอบางขนาก", "name_en": "Bang Khanak Weavers",
                "contact_person": "นายสมชาย ใจดี"}
    assert matches_text(producer, text) is found
