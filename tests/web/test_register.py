"""The producer register over HTTP: search, filters, paging, districts kept apart."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest

from schemas.textfold import search_terms
from sync_server.web.register import parse_filters
from tests.support.tags import unique_tag
from tests.web.conftest import OTHER_DISTRICT, Office, producer, put, signed_in


def names_on(html: str) -> list[str]:
    return re.findall(r'<td><a href="/producers/[0-9a-f]+">([^<]+)</a></td>', html)


@pytest.fixture
def district(office: Office) -> dict[str, str]:
    """A few producers with products and visits, and one in another district."""
    soon = (date.today() + timedelta(days=30)).isoformat()
    later = (date.today() + timedelta(days=400)).isoformat()
    tag = unique_tag()  # keeps this test's producers apart from other tests'
    ids = {
        "weave": producer(office.engine, f"กลุ่มทอผ้าบ้านหมอนทอง {tag}", "240304",
                          phone="0812345678", id_number="3240300012345"),
        "chili": producer(office.engine, f"น้ำพริกแม่สมศรี {tag}", "240301", phone="0381234567"),
        "banana": producer(office.engine, f"ขนมกล้วยโพรงอากาศ {tag}", "240310"),
        "far": producer(office.engine, f"ผ้าไหมเมืองแปด {tag}", OTHER_DISTRICT + "01"),
    }
    put(office.engine, "product", {"producer_id": ids["weave"], "name_th": "ผ้าขาวม้า",
                                   "category": "textile", "opc_stars": 4, "quadrant": "B",
                                   "certifications": [{"standard": "mpc", "number": "123/2566",
                                                       "expires_on": soon}]})
    put(office.engine, "product", {"producer_id": ids["chili"], "name_th": "น้ำพริกเผา",
                                   "category": "food", "opc_stars": 3,
                                   "certifications": [{"standard": "fda", "number": "1",
                                                       "expires_on": later}]})
    put(office.engine, "visit", {"producer_id": ids["banana"], "status": "final",
                                 "needs": ["packaging", "marketing_channels"]})
    put(office.engine, "visit", {"producer_id": ids["chili"], "status": "final",
                                 "needs": ["budget"], "review_status": "approved"})
    ids["tag"] = tag
    return ids


def test_search_by_thai_name_id_and_phone(office: Office, district: dict[str, str]) -> None:
    client = signed_in(office, "somchai")
    tag = district["tag"]
    assert names_on(client.get("/producers", params={"q": f"ทอผ้า {tag}"}).text) == [
        f"กลุ่มทอผ้าบ้านหมอนทอง {tag}"]
    assert len(names_on(client.get("/producers", params={"q": tag}).text)) == 3
    by_phone = client.get("/producers", params={"q": f"081-234-5678 {tag}"}).text
    assert names_on(by_phone) == [f"กลุ่มทอผ้าบ้านหมอนทอง {tag}"]
    by_id = client.get("/producers", params={"q": f"3240300012345 {tag}"}).text
    assert names_on(by_id) == [f"กลุ่มทอผ้าบ้านหมอนทอง {tag}"]


def test_other_districts_producers_never_show(office: Office, district: dict[str, str]) -> None:
    client = signed_in(office, "somchai")
    assert names_on(client.get("/producers", params={"q": "ผ้าไหมเมืองแปด"}).text) == []
    other = signed_in(office, "other")
    assert names_on(other.get("/producers", params={"q": district["tag"]}).text) == [
        f"ผ้าไหมเมืองแปด {district['tag']}"]


@pytest.mark.parametrize(("params", "expected"), [
    ({"subdistrict": "240310"}, ["banana"]),
    ({"category": "textile"}, ["weave"]),
    ({"stars": "3"}, ["chili"]),
    ({"quadrant": "B"}, ["weave"]),
    ({"standard": "held"}, ["chili", "weave"]),
    ({"standard": "expiring"}, ["weave"]),
    ({"standard": "none"}, ["banana"]),
    ({"need": "packaging"}, ["banana"]),
    ({"review": "approved"}, ["chili"]),
    ({"review": "waiting"}, ["banana"]),
])
def test_filters(office: Office, district: dict[str, str], params: dict[str, str],
                 expected: list[str]) -> None:
    client = signed_in(office, "somchai")
    response = client.get("/producers", params={"q": district["tag"], **params})
    assert response.status_code == 200
    wanted = {"weave": "กลุ่มทอผ้าบ้านหมอนทอง", "chili": "น้ำพริกแม่สมศรี",
              "banana": "ขนมกล้วยโพรงอากาศ"}
    assert sorted(names_on(response.text)) == sorted(
        f"{wanted[key]} {district['tag']}" for key in expected)


def test_paging_with_counts(office: Office) -> None:
    tag = "หน้า" + uuid.uuid4().hex[:6]
    for n in range(30):
        producer(office.engine, f"ผู้ผลิต {tag} {n:02d}", "240302")
    client = signed_in(office, "somchai")
    first = client.get("/producers", params={"q": tag})
    assert "พบ 30 ราย" in first.text and "หน้า 1 จาก 2" in first.text
    assert len(names_on(first.text)) == 25
    second = client.get("/producers", params={"q": tag, "page": "2"})
    assert names_on(second.text) == [f"ผู้ผลิต {tag} {n:02d}" for n in range(25, 30)]


def test_bad_filter_values_are_reported_not_ignored_silently(office: Office) -> None:
    client = signed_in(office, "somchai")
    response = client.get("/producers", params={"category": "weapons", "stars": "9"})
    assert response.status_code == 400
    assert "ค่าตัวกรอง category ไม่ถูกต้อง" in response.text
    client.cookies.set("lang", "en")
    assert "Unknown value for filter stars" in client.get("/producers",
                                                          params={"stars": "9"}).text


def test_search_terms_normalise_phones() -> None:
    assert search_terms("+66 81 234 5678") == ["0812345678"]
    assert search_terms("+66812345678") == ["0812345678"]
    assert search_terms("081-234-5678 ผ้า") == ["0812345678", "ผา"]  # tone marks optional


def test_parse_filters_keeps_good_values() -> None:
    filters, errors = parse_filters({"q": " ผ้า ", "subdistrict": "240301", "page": "3"},
                                    ["240301"])
    assert errors == [] and filters.q == "ผ้า" and filters.page == 3
    assert filters.query_string(page=4) == "q=%E0%B8%9C%E0%B9%89%E0%B8%B2&subdistrict=240301&page=4"
