"""Duplicate detection: pure functions, checked against examples and against brute force."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sync_server.web.duplicates import (
    GPS_RADIUS_M,
    DuplicatePair,
    ProducerFacts,
    find_duplicates,
    haversine_m,
    name_similarity,
    normalise_name,
    normalise_phone,
    pair_evidence,
)


def kinds(pair: DuplicatePair) -> set[str]:
    return {item.kind for item in pair.evidence}


def test_generic_words_and_spaces_do_not_tell_groups_apart() -> None:
    assert normalise_name("กลุ่มวิสาหกิจชุมชน ทอผ้าบ้านหมอนทอง") == "ทอผ้าบ้านหมอนทอง"
    assert normalise_name("วิสาหกิจชุมชนทอผ้า บ้านหมอนทอง") == "ทอผ้าบ้านหมอนทอง"
    assert name_similarity("กลุ่มทอผ้าบ้านหมอนทอง", "ทอผ้า บ้านหมอนทอง") == 1.0


def test_phone_written_with_country_code_matches_local_form() -> None:
    assert normalise_phone("+66 81 234 5678") == "0812345678"
    assert normalise_phone("081-234-5678") == "0812345678"
    assert normalise_phone("") is None
    assert normalise_phone("๐๘๑-๒๓๔-๕๖๗๘") == "0812345678"  # Thai digits: same number
    assert normalise_phone("+๖๖ ๘๑ ๒๓๔ ๕๖๗๘") == "0812345678"
    assert normalise_phone("081-234-5678 (คุณแดง)") == "0812345678"


def test_haversine_matches_a_known_distance() -> None:
    # One degree of latitude is about 111.2 km.
    assert abs(haversine_m(13.0, 101.0, 14.0, 101.0) - 111_195) < 100


def test_similar_names_in_one_subdistrict_are_reported_with_score() -> None:
    a = ProducerFacts("a" * 32, "กลุ่มวิสาหกิจชุมชนขนมกล้วยบ้านโพรงอากาศ", "240310")
    b = ProducerFacts("b" * 32, "ขนมกล้วยบ้านโพรงอากาศ", "240310")
    c = ProducerFacts("c" * 32, "ขนมกล้วยบ้านโพรงอากาศ", "240301")  # other subdistrict
    pairs = find_duplicates([a, b, c])
    assert [(p.a, p.b) for p in pairs] == [("a" * 32, "b" * 32)]
    assert pairs[0].evidence[0].kind == "similar_name"
    assert pairs[0].evidence[0].value == 1.0


def test_same_id_or_phone_is_reported_anywhere_in_the_district() -> None:
    a = ProducerFacts("1" * 32, "น้ำพริกแม่สมศรี", "240301", id_number="3240300012345",
                      phone="0812345678")
    b = ProducerFacts("2" * 32, "ร้านแม่สมศรี", "240305", id_number="3240300012345",
                      phone="+66812345678")
    (pair,) = find_duplicates([a, b])
    assert kinds(pair) == {"same_id", "same_phone"}


def test_neighbours_with_different_names_are_not_duplicates() -> None:
    a = ProducerFacts("1" * 32, "ผ้าทอมือบ้านดอนฉิมพลี", "240308", lat=13.7001, lon=101.0501)
    b = ProducerFacts("2" * 32, "น้ำพริกเผาป้าแดง", "240308", lat=13.7002, lon=101.0502)
    assert find_duplicates([a, b]) == []


def test_near_points_with_loosely_similar_names_are_reported_with_distance() -> None:
    a = ProducerFacts("1" * 32, "กลุ่มจักสานผักตบชวาบางขนาก", "240302", lat=13.70, lon=101.05)
    b = ProducerFacts("2" * 32, "จักสานผักตบชวาคลองบางขนาก", "240303", lat=13.7005, lon=101.05)
    (pair,) = find_duplicates([a, b])
    assert kinds(pair) == {"near_gps"}
    assert pair.evidence[0].value is not None and pair.evidence[0].value < GPS_RADIUS_M


# Property-based: the blocked search finds exactly the pairs that comparing every pair finds.
_names = st.sampled_from([
    "กลุ่มทอผ้าบ้านหมอนทอง", "ทอผ้าบ้านหมอนทอง", "วิสาหกิจชุมชนทอผ้า หมอนทอง",
    "น้ำพริกแม่สมศรี", "น้ำพริกแม่สมศรีบางน้ำเปรี้ยว", "ขนมกล้วยโพรงอากาศ", "จักสานผักตบชวา",
])
_producer = st.builds(
    ProducerFacts,
    id=st.uuids().map(lambda u: u.hex),
    name_th=_names,
    subdistrict_code=st.sampled_from([None, "240301", "240302", "240303"]),
    id_number=st.sampled_from([None, "3240300012345", "1100200300405"]),
    phone=st.sampled_from([None, "0812345678", "+66812345678", "0381234567"]),
    # Thailand's latitudes, in a small box so that nearby points actually occur.
    lat=st.one_of(st.none(), st.floats(13.60, 13.62)),
    lon=st.one_of(st.none(), st.floats(101.00, 101.02)),
)


def brute_force(producers: list[ProducerFacts]) -> set[tuple[str, str]]:
    found = set()
    for i, p in enumerate(producers):
        for q in producers[i + 1:]:
            if p.id != q.id and pair_evidence(p, q):
                found.add((min(p.id, q.id), max(p.id, q.id)))
    return found


@settings(max_examples=150, deadline=None)
@given(st.lists(_producer, max_size=25, unique_by=lambda p: p.id))
def test_blocking_finds_exactly_what_all_pairs_finds(producers: list[ProducerFacts]) -> None:
    assert {(p.a, p.b) for p in find_duplicates(producers)} == brute_force(producers)


@settings(max_examples=100, deadline=None)
@given(st.lists(_producer, max_size=20, unique_by=lambda p: p.id), st.randoms())
def test_result_does_not_depend_on_input_order(producers: list[ProducerFacts], rnd) -> None:
    shuffled = list(producers)
    rnd.shuffle(shuffled)
    assert find_duplicates(producers) == find_duplicates(shuffled)


@given(st.text(max_size=40))
def test_normalising_twice_changes_nothing(name: str) -> None:
    assert normalise_name(normalise_name(name)) == normalise_name(name)


@given(st.floats(5.6, 20.5), st.floats(97.3, 105.7), st.floats(5.6, 20.5), st.floats(97.3, 105.7))
def test_haversine_is_symmetric_and_non_negative(a: float, b: float, c: float, d: float) -> None:
    assert haversine_m(a, b, c, d) == haversine_m(c, d, a, b) >= 0
    assert haversine_m(a, b, a, b) == 0
