"""Pull pages are built by the database (sync_server/sync/pull.py): whatever records the
writer stores, on SQLite and PostgreSQL, the page decodes to exactly those records, in feed
order, with `next` and `more` right, filtered by subdistrict as asked."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from sync_server.accounts import create_district
from sync_server.db.engine import read_only
from sync_server.db.records import get_record, upsert_record
from sync_server.db.tables import records
from sync_server.sync.pull import in_feed_order, pull_page, pull_page_body, pull_page_json

DISTRICT = "2403"
SUBDISTRICTS = ["240301", "240302", "240303"]
TYPES = ["producer", "product", "visit", "photo", "plan_item", "network_link"]

# Any text a person could type or paste: Thai, other scripts, emoji (beyond the BMP),
# quotes, backslashes and control characters. Not NUL (PostgreSQL's text and jsonb cannot
# hold it) and not lone surrogates (not encodable as UTF-8).
texts = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
                max_size=12) | st.sampled_from(
    ["นางสมศรี ใจดี", "ปลาสลิดแดดเดียว \"ตราแม่\" 5/2", "a\\b\"c\n\t\x1f\x1e\x7f", "😀𠮷",
     "\u2028\u2029", ""])
# Numbers as phones send them; floats below 2**53 keep their value through jsonb's numeric.
numbers = (st.integers(-(2**53), 2**53)
           | st.floats(-(2.0**53), 2.0**53, allow_nan=False, allow_infinity=False))
values = st.recursive(
    st.none() | st.booleans() | numbers | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8)
datas = st.dictionaries(texts, values, max_size=5)
clocks = st.dictionaries(texts, st.text(min_size=1, max_size=30).filter(lambda s: "\x00" not in s),
                         max_size=4)


@st.composite
def writes(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Writes to a few records (some written twice): the last write of each is its state."""
    ids = draw(st.lists(texts.filter(bool), min_size=1, max_size=6, unique=True))
    out = []
    for _ in range(draw(st.integers(1, 12))):
        n = draw(st.integers(0, len(ids) - 1))
        record_type = TYPES[n % len(TYPES)]
        data = draw(datas)
        if record_type == "producer" and draw(st.booleans()):
            data["address"] = {"subdistrict_code": draw(st.sampled_from(SUBDISTRICTS))}
        out.append({"n": n, "id": ids[n], "record_type": record_type, "data": data,
                    "clocks": draw(clocks), "deleted": draw(st.booleans()),
                    "schema_version": draw(st.integers(1, 2**31 - 1))})
    return out


def feed_position(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(records.c.seq), 0))
                                .where(records.c.district_code == DISTRICT)).scalar_one())


def page_through(engine: Engine, since: int, limit: int,
                 subdistricts: list[str] | None = None) -> list[dict[str, Any]]:
    """Every record after `since`, page by page as a phone pulls, checking each page's
    `next` and `more` and that its JSON text is the same page."""
    pulled: list[dict[str, Any]] = []
    while True:
        with read_only(engine).connect() as conn:
            page = pull_page(conn, DISTRICT, since, limit, subdistricts or ())
            text, next_cursor, more = pull_page_json(conn, DISTRICT, since, limit,
                                                     subdistricts or ())
        assert json.loads(text) == page.records
        assert (next_cursor, more) == (page.next_cursor, page.more)
        assert len(page.records) == limit or not page.more
        if page.records:
            assert page.next_cursor == page.records[-1]["seq"]
        else:
            assert page.next_cursor == since and not page.more
        pulled.extend(page.records)
        since = page.next_cursor
        if not page.more:
            return pulled


@pytest.fixture
def district_engine(engine: Engine) -> Engine:
    with engine.begin() as conn:
        create_district(conn, DISTRICT)
    return engine


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(batch=writes(), limit=st.integers(1, 7), data=st.data())
def test_pulled_pages_are_exactly_the_stored_records(
        district_engine: Engine, batch: list[dict[str, Any]], limit: int,
        data: st.DataObject) -> None:
    engine = district_engine
    since = feed_position(engine)
    # Ids unique to this example (the database outlives examples).
    prefix = f"{since}:"
    last: dict[str, dict[str, Any]] = {}
    with engine.begin() as conn:
        for w in batch:
            record_id = prefix + w["id"]
            upsert_record(conn, district_code=DISTRICT, record_type=w["record_type"],
                          record_id=record_id, data=w["data"], clocks=w["clocks"],
                          deleted=w["deleted"], schema_version=w["schema_version"])
            last[record_id] = w
    with engine.connect() as conn:
        stored = {rid: get_record(conn, rid) for rid in last}

    pulled = page_through(engine, since, limit)

    expected = sorted((s for s in stored.values() if s is not None), key=lambda s: s.seq)
    assert len(expected) == len(last)
    assert pulled == [{k: v for k, v in s.to_json().items() if k != "updated_at"}
                      for s in expected]
    for record in pulled:  # and that is what was written
        w = last[record["id"]]
        assert (record["type"], record["data"], record["clocks"], record["deleted"],
                record["schema_version"]) == (w["record_type"], w["data"], w["clocks"],
                                              w["deleted"], w["schema_version"])

    chosen = data.draw(st.lists(st.sampled_from(SUBDISTRICTS), min_size=1, unique=True))
    assert page_through(engine, since, limit, chosen) == [
        r for r, s in zip(pulled, expected, strict=True) if s.subdistrict_code in chosen]


def test_text_that_needs_escaping_comes_back_unchanged(district_engine: Engine) -> None:
    """Quotes, backslashes, control characters (in ids too), characters beyond the BMP,
    the separator the SQLite page is joined with, and printf/format directives, in keys
    and values."""
    engine = district_engine
    nasty = 'a"b\\c/\b\f\n\r\t\x01\x1e\x1f\x7f\u2028😀𠮷ภาษาไทย %s%d%%'
    data = {"name_th": nasty, nasty: [nasty, {"\\": '"'}], "notes": '\\"\\u0041',
            "n": -0.5, "big": 2**53}
    with engine.begin() as conn:
        seq = upsert_record(conn, district_code=DISTRICT, record_type="producer",
                            record_id=nasty[:40], data=data, clocks={nasty: "c"},
                            deleted=True, schema_version=3)
    with read_only(engine).connect() as conn:
        body, next_cursor, more = pull_page_body(conn, DISTRICT, seq - 1, 10)
    assert (next_cursor, more) == (seq, False)
    # Valid JSON (json.loads is strict: a raw control character in a string fails it).
    assert json.loads(body.decode()) == [{
        "id": nasty[:40], "type": "producer", "data": data, "clocks": {nasty: "c"},
        "deleted": True, "schema_version": 3, "seq": seq}]


def test_an_empty_page_keeps_the_cursor(district_engine: Engine) -> None:
    since = feed_position(district_engine) + 5
    with read_only(district_engine).connect() as conn:
        assert pull_page_body(conn, DISTRICT, since, 200) == (b"[]", since, False)
        assert pull_page_body(conn, DISTRICT, since, 200, ["240301"]) == (b"[]", since, False)


@given(st.lists(st.binary(max_size=8).map(lambda b: b.replace(b"\x1e", b"")),
                min_size=1, max_size=30), st.randoms())
def test_records_joined_out_of_order_are_put_back_in_feed_order(
        parts: list[bytes], rng: Any) -> None:
    """The repair for a SQLite group_concat that did not keep the page's order."""
    seqs = list(range(10, 10 + len(parts)))
    shuffled = list(zip(seqs, parts, strict=True))
    rng.shuffle(shuffled)
    body = b"\x1e".join(p for _s, p in shuffled)
    assert in_feed_order(body, [s for s, _p in shuffled]) == b"\x1e".join(parts)
    with pytest.raises(ValueError):
        in_feed_order(body, [*seqs, 99])
