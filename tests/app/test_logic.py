"""The screens' pure logic, tested without Flet: what the officer types becomes what is stored,
and what is stored becomes what the screens list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldapp.config import data_dir, default_server
from fieldapp.logic.conflicts import conflict_rows
from fieldapp.logic.drafts import decide_draft_save
from fieldapp.logic.duplicates import find_duplicates, possible_duplicates
from fieldapp.logic.enrol import EnrolInputError, parse_enrol_input
from fieldapp.logic.forms import (
    Parsed,
    display_text,
    form_steps,
    parse_moo,
    parse_text,
    with_child,
)
from fieldapp.logic.gps import parse_manual_gps
from fieldapp.logic.home import split_visits
from fieldapp.logic.network import send_full_photos
from fieldapp.logic.producer_list import producer_rows, subdistrict_choices
from fieldapp.logic.shots import SHOT_LIST, shot_list
from fieldapp.logic.sync_summary import eta_minutes, megabytes, summarize
from fieldapp.logic.thai_dates import be_input, parse_be_date
from schemas import FieldSpec, field_specs, find_field, geo, sections, validate_record

# --- enrol -----------------------------------------------------------------------------------


def test_qr_text_gives_server_and_code() -> None:
    parsed = parse_enrol_input(
        "tambon://enrol?server=http://10.0.0.5:8000/&code=ABCD-1234", "http://ignored:1"
    )
    assert parsed.server == "http://10.0.0.5:8000"
    assert parsed.code == "ABCD-1234"


def test_typed_code_uses_the_server_box() -> None:
    parsed = parse_enrol_input("  7Q2K-PX9M ", "https://bnp.example.go.th/")
    assert (parsed.server, parsed.code) == ("https://bnp.example.go.th", "7Q2K-PX9M")


@pytest.mark.parametrize(
    ("code", "server", "key", "field"),
    [
        ("", "http://127.0.0.1:8000", "enrol.err.code_missing", "code"),
        ("ABCD", "", "enrol.err.server_missing", "server"),
        ("ABCD", "127.0.0.1:8000", "enrol.err.server_bad", "server"),
        ("tambon://enrol?server=http://x", "", "enrol.err.qr_bad", "code"),
        ("tambon://other?code=1", "http://x", "enrol.err.qr_bad", "code"),
        # urlsplit raises ValueError on an unclosed IPv6 bracket
        ("tambon://[enrol?code=ABCD", "http://x", "enrol.err.qr_bad", "code"),
        ("ABCD", "http://[::1", "enrol.err.server_bad", "server"),
        ("tambon://enrol?server=http://[::1&code=ABCD", "", "enrol.err.server_bad", "server"),
    ],
)
def test_bad_enrol_input_names_the_field(code: str, server: str, key: str, field: str) -> None:
    with pytest.raises(EnrolInputError) as caught:
        parse_enrol_input(code, server)
    assert (caught.value.key, caught.value.field) == (key, field)


# --- config ----------------------------------------------------------------------------------


def test_data_folder_prefers_the_phone_then_tambon_then_var(tmp_path: Path) -> None:
    assert data_dir({"FLET_APP_STORAGE_DATA": "/p", "TAMBON_APP_DATA": "/t"}, tmp_path) == Path(
        "/p"
    )
    assert data_dir({"TAMBON_APP_DATA": "/t"}, tmp_path) == Path("/t")
    assert data_dir({}, tmp_path) == tmp_path / "var" / "app"
    assert default_server({"TAMBON_DEFAULT_SERVER": "http://127.0.0.1:8000/"}) == (
        "http://127.0.0.1:8000"
    )


# --- dates and typed values -------------------------------------------------------------------


def test_buddhist_era_dates_round_trip() -> None:
    assert parse_be_date("25/11/2569") == date(2026, 11, 25)
    assert be_input("2026-11-25") == "25/11/2569"
    with pytest.raises(ValueError):
        parse_be_date("25/11/2026")  # a Gregorian year typed by mistake


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2400, 12, 31)))
def test_any_date_survives_the_text_box(day: date) -> None:
    assert parse_be_date(be_input(day.isoformat())) == day


def spec(record_type: str, path: str) -> FieldSpec:
    found = find_field(record_type, path)
    assert found is not None, path
    return found


def test_text_becomes_stored_values() -> None:
    assert parse_text(spec("product", "price_thb"), "1,250").value == 1250
    assert parse_text(spec("product", "price_thb"), "45.50").value == 45.5
    assert parse_text(spec("product", "price_thb"), "สี่สิบ").error == "form.err.number"
    assert parse_text(spec("producer", "members_count"), "12.5").error == "form.err.integer"
    assert parse_text(spec("producer", "phone"), "+66 81-234-5678").value == "0812345678"
    assert parse_text(spec("visit", "next_visit_on"), "1/2/2570").value == "2027-02-01"
    assert parse_text(spec("visit", "next_visit_on"), "2027-02-01").error == "form.err.date"
    assert parse_text(spec("producer", "name_th"), "  กลุ่มทอผ้า ").value == "กลุ่มทอผ้า"
    assert parse_text(spec("producer", "name_th"), "   ").value is None
    assert display_text(spec("visit", "next_visit_on"), "2027-02-01") == "01/02/2570"


@given(st.integers(min_value=0, max_value=10**9))
def test_whole_prices_round_trip(price: int) -> None:
    price_spec = spec("product", "price_thb")
    assert parse_text(price_spec, display_text(price_spec, price)).value == price


def test_nested_groups_are_saved_whole_and_cleared_when_empty() -> None:
    assert with_child({"house_no": "12"}, "moo", 4) == {"house_no": "12", "moo": 4}
    assert with_child({"moo": 4}, "moo", None) is None


def test_visit_steps_follow_the_schema_sections_without_server_fields() -> None:
    steps = form_steps(field_specs("visit"), sections("visit"), skip=("producer_id",))
    assert [s.section_id for s in steps] == ["visit", "needs", "follow_up"]
    shown = {f.name for s in steps for f in s.fields}
    assert {"purpose", "gps", "needs", "problems", "next_visit_on"} <= shown
    assert not shown & {"review_status", "review_comments", "producer_id", "id"}


def test_moo_box_reads_1_to_99_and_never_raises() -> None:
    assert parse_moo("") == Parsed(None) and parse_moo("  ") == Parsed(None)
    assert parse_moo(" 4 ") == Parsed(4) and parse_moo("99") == Parsed(99)
    assert parse_moo("๑๒") == Parsed(12)  # Thai digits
    for bad in ("0", "100", "²", "1²", "-1", "4.0", "x"):
        assert parse_moo(bad) == Parsed(error="form.err.integer"), bad


@given(st.text(max_size=4))
def test_moo_box_takes_any_text(text: str) -> None:
    parsed = parse_moo(text)  # never raises
    if parsed.error is None and text.strip():
        assert isinstance(parsed.value, int) and 1 <= parsed.value <= 99


# --- drafts: nothing invalid is stored ---------------------------------------------------------


def draft_validator(record_type: str) -> Callable[[dict[str, Any]], list[Any]]:
    return lambda record: validate_record(record_type, record, mode="draft")


def test_a_new_producer_is_created_once_it_has_a_thai_name() -> None:
    before = decide_draft_save({}, {"phone": "0812345678"}, draft_validator("producer"), False)
    assert not before.can_create
    assert {i.path for i in before.issues} == {"name_th"}
    ready = decide_draft_save(
        {"phone": "0812345678"}, {"name_th": "กลุ่มจักสาน"}, draft_validator("producer"), False
    )
    assert ready.can_create and not ready.issues


def test_an_invalid_phone_is_shown_and_not_stored() -> None:
    decision = decide_draft_save(
        {"name_th": "กลุ่มจักสาน"},
        {"phone": "0212", "notes": "ผลิตตามฤดูกาล"},
        draft_validator("producer"),
        True,
    )
    assert decision.to_save == {"notes": "ผลิตตามฤดูกาล"}
    assert [i.path for i in decision.issues] == ["phone"]
    assert decision.bad_fields == {"phone"}  # kept as typed by the screen, not stored


def test_a_new_record_is_created_from_its_valid_fields_while_a_bad_one_waits() -> None:
    """Regression (issue 12, finding 1): a name and a mistyped phone made no record, and
    the phone number was lost on the way to the producer page."""
    decision = decide_draft_save(
        {}, {"name_th": "กลุ่มจักสาน", "phone": "12345"}, draft_validator("producer"), False
    )
    assert decision.can_create and decision.bad_fields == {"phone"}
    assert [i.path for i in decision.issues] == ["phone"]


# --- lists -----------------------------------------------------------------------------------


def test_producer_rows_show_the_subdistrict_and_sort_by_thai_name() -> None:
    producers: list[dict[str, Any]] = [
        {"id": "b", "name_th": "วิสาหกิจชุมชนบ้านสิงโต", "address": {"subdistrict_code": "240303"}},
        {"id": "a", "name_th": "กลุ่มทอผ้าบางขนาก", "address": {"subdistrict_code": "240302"}},
        {"id": "c", "name_th": "ขนมไทยป้าแดง"},
    ]
    names = {a.code: a.name_th for a in geo.subdistricts("2403")}
    rows = producer_rows(producers, lambda code: names[code], lambda r: "waiting")
    assert [r.name for r in rows] == ["กลุ่มทอผ้าบางขนาก", "ขนมไทยป้าแดง", "วิสาหกิจชุมชนบ้านสิงโต"]
    assert [r.place for r in rows] == ["บางขนาก", "", "สิงโตทอง"]


def test_subdistrict_filter_offers_the_enrolled_district_or_the_stored_ones() -> None:
    enrolled = subdistrict_choices("2403", [], geo.subdistricts)
    assert len(enrolled) == 10 and enrolled[0][1] == "บางน้ำเปรี้ยว"
    guessed = subdistrict_choices(
        "", [{"address": {"subdistrict_code": "240302"}}], geo.subdistricts
    )
    assert guessed == enrolled


def test_today_starts_at_midnight_in_thailand() -> None:
    now = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # 10:00 in Bangkok
    visits = [
        {"id": "v1", "producer_id": "p", "started_at": "2026-11-24T17:30:00Z"},  # 00:30 today
        {"id": "v2", "producer_id": "p", "started_at": "2026-11-24T16:30:00Z"},  # 23:30 before
        {"id": "v3", "producer_id": "p"},
    ]
    today, recent = split_visits(visits, {"p": "กลุ่มจักสาน"}, now)
    assert [v.visit_id for v in today] == ["v1"]
    assert [v.visit_id for v in recent] == ["v2", "v3"]
    assert today[0].producer_name == "กลุ่มจักสาน"


def test_shot_list_marks_what_is_taken() -> None:
    photos = [
        {"id": "1", "product_id": "x", "subject": "label", "captured_at": "2026-11-25T01:00:00Z"},
        {"id": "2", "product_id": "x", "subject": "label", "captured_at": "2026-11-25T02:00:00Z"},
        {"id": "3", "product_id": "y", "subject": "product"},
    ]
    shots = {s.subject: s for s in shot_list(photos, "x")}
    assert list(shots) == list(SHOT_LIST)
    assert shots["label"].count == 2 and shots["label"].photo is not None
    assert shots["label"].photo["id"] == "2"
    assert shots["product"].photo is None


def test_possible_duplicates_by_phone_or_name() -> None:
    stored = [
        {"id": "1", "name_th": "วิสาหกิจชุมชนกลุ่มแม่บ้านบางขนาก", "phone": "0811111111"},
        {"id": "2", "name_th": "ร้านขนมไทย", "phone": "0822222222"},
    ]
    assert possible_duplicates({"id": "9", "name_th": "กลุ่มแม่บ้านบางขนาก"}, stored) == [
        "วิสาหกิจชุมชนกลุ่มแม่บ้านบางขนาก"
    ]
    assert possible_duplicates({"id": "9", "name_th": "อื่น", "phone": "0822222222"}, stored) == [
        "ร้านขนมไทย"
    ]
    assert possible_duplicates({"id": "1", "name_th": "วิสาหกิจชุมชนกลุ่มแม่บ้านบางขนาก"}, stored) == []


def test_duplicates_by_phone_or_id_however_written_and_similar_names_nearby() -> None:
    """Regression (issue 12, finding 7): no warning for the same phone or ID number."""
    stored = [
        {"id": "1", "name_th": "วิสาหกิจชุมชนกลุ่มแม่บ้านบางขนาก", "phone": "0811111111",
         "id_number": "0994000123456", "address": {"subdistrict_code": "240302"}},
    ]
    phone = find_duplicates({"name_th": "ร้านใหม่", "phone": "+66 81 111 1111"}, stored)
    assert [(d.name, d.reasons) for d in phone] == [
        ("วิสาหกิจชุมชนกลุ่มแม่บ้านบางขนาก", ("phone",))]
    by_id = find_duplicates({"name_th": "ร้านใหม่", "id_number": "๐๙๙๔๐๐๐๑๒๓๔๕๖"}, stored)
    assert by_id[0].reasons == ("id_number",)
    # typed without tone marks, in the same subdistrict: similar; elsewhere: not "nearby"
    here = {"name_th": "กลุมแมบานบางขนาก", "address": {"subdistrict_code": "240302"}}
    assert find_duplicates(here, stored)[0].reasons == ("name",)
    there = {"name_th": "กลุมแมบานบางขนาก", "address": {"subdistrict_code": "240305"}}
    assert find_duplicates(there, stored) == []


# --- sync screen -----------------------------------------------------------------------------


def test_send_summary_counts_waiting_photos_in_megabytes() -> None:
    photos = [{"id": "a", "bytes": 350_000}, {"id": "b", "bytes": 420_000}]
    summary = summarize(7, photos, lambda p: "sent" if p["id"] == "a" else "waiting")
    assert (summary.records, summary.photos, summary.photo_bytes) == (7, 1, 420_000)
    assert megabytes(summary.photo_bytes) == "0.4"
    assert megabytes(10) == "0.1" and megabytes(0) == "0"
    assert eta_minutes(61) == 2 and eta_minutes(None) is None


def test_conflict_rows_put_this_phones_value_first() -> None:
    mine = "1764036000000-00000-phoneA"
    theirs = "1763431200000-00001-phoneB"
    entry = {
        "record_type": "producer",
        "id": "p1",
        "detail": [
            {
                "field": "phone",
                "kind": "hard",
                "winning_value": "0899999999",
                "winning_clock": theirs,
                "losing_value": "0811111111",
                "losing_clock": mine,
            }
        ],
    }
    [row] = conflict_rows(entry, "phoneA")
    assert (row.field, row.mine, row.theirs, row.their_device) == (
        "phone",
        "0811111111",
        "0899999999",
        "phoneB",
    )
    assert row.their_time == datetime(2025, 11, 18, 2, 0, tzinfo=UTC)
    assert conflict_rows({"detail": "garbled"}, "phoneA") == []


def test_typed_gps_is_checked() -> None:
    when = datetime(2026, 11, 25, tzinfo=UTC)
    value = parse_manual_gps("13.8412", "101,0623", when)
    assert value == {"lat": 13.8412, "lon": 101.0623, "captured_at": "2026-11-25T00:00:00Z"}
    for lat, lon in [("91", "100"), ("x", "100"), ("13", "")]:
        with pytest.raises(ValueError, match=r"gps\.err\.range"):
            parse_manual_gps(lat, lon, when)


@pytest.mark.parametrize(
    ("wifi_only", "connectivity", "send"),
    [
        (False, ["mobile"], True),  # the setting is off: photos always go
        (False, None, True),
        (True, ["mobile"], False),  # on mobile data with the setting on: photos wait
        (True, ["vpn", "mobile"], False),  # a VPN over mobile data is still mobile data
        (True, ["wifi"], True),
        (True, ["ethernet"], True),
        (True, ["mobile", "wifi"], True),  # Wi-Fi is there too
        (True, ["WIFI"], True),
        (True, None, True),  # unknown (web build without the service): do not guess
        (True, [], True),
        (True, ["none"], True),  # offline: the sync fails anyway, nothing is held on a guess
        (True, ["other"], True),
        (True, ["bluetooth"], True),
    ],
)
def test_full_photos_wait_only_on_mobile_data_with_the_setting_on(
    wifi_only: bool, connectivity: list[str] | None, send: bool
) -> None:
    assert send_full_photos(wifi_only, connectivity) is send


@given(st.lists(st.sampled_from(["wifi", "ethernet", "mobile", "vpn", "bluetooth", "other",
                                 "none"])))
def test_photos_wait_exactly_when_mobile_is_the_only_unmetered_free_link(kinds: list[str]) -> None:
    held = not send_full_photos(True, kinds)
    assert held == ("mobile" in kinds and not {"wifi", "ethernet"} & set(kinds))
    assert send_full_photos(False, kinds)
