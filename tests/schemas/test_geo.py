from __future__ import annotations

from schemas import describe_address, geo


def test_pickers_walk_province_district_subdistrict() -> None:
    provinces = geo.provinces()
    assert len(provinces) == 77
    chachoengsao = next(p for p in provinces if p.code == "24")
    assert chachoengsao.name_th == "ฉะเชิงเทรา"
    districts = geo.districts("24")
    assert "2403" in [d.code for d in districts]
    subs = geo.subdistricts("2403")
    assert [s.code for s in subs] == [f"2403{n:02d}" for n in range(1, 11)]
    bang_khanak = subs[1]
    assert (bang_khanak.name_th, bang_khanak.postal_codes) == ("บางขนาก", ("24150",))
    assert bang_khanak.name("en") == "Bang Khanak"


def test_unknown_codes_give_nothing() -> None:
    assert geo.districts("99") == []
    assert geo.subdistricts("9999") == []
    assert geo.subdistrict("999999") is None
    assert geo.province("99") is None


def test_a_consistent_address_has_no_problems() -> None:
    address = {"subdistrict_code": "240305", "district_code": "2403", "province_code": "24",
               "postal_code": "24170"}
    assert geo.address_problems(address) == []


def test_every_inconsistency_is_named_by_field() -> None:
    address = {"subdistrict_code": "240305", "district_code": "2401", "province_code": "10",
               "postal_code": "24150"}
    fields = {(p.field, p.code) for p in geo.address_problems(address)}
    assert fields == {("subdistrict_code", "address_mismatch"),
                      ("district_code", "address_mismatch"),
                      ("postal_code", "postal_code_mismatch")}


def test_describe_address() -> None:
    address = {"house_no": "12", "moo": 4, "village": "บ้านคลองบางขนาก",
               "subdistrict_code": "240302", "district_code": "2403", "province_code": "24",
               "postal_code": "24150"}
    assert describe_address(address) == (
        "12 ม.4 บ้านคลองบางขนาก ต.บางขนาก อ.บางน้ำเปรี้ยว จ.ฉะเชิงเทรา 24150")
    assert describe_address(address, "en") == (
        "12 Moo 4 บ้านคลองบางขนาก Bang Khanak Bang Nam Priao Chachoengsao 24150")


def test_bangkok_is_written_with_khwaeng_and_khet() -> None:
    address = {"subdistrict_code": "100101", "district_code": "1001", "province_code": "10"}
    text = describe_address(address)
    assert text == "แขวงพระบรมมหาราชวัง เขตพระนคร กรุงเทพมหานคร"
    assert "จ." not in text


def test_subdistrict_in_another_province_without_a_district() -> None:
    problems = geo.address_problems({"subdistrict_code": "240302", "province_code": "10"})
    assert [(p.field, p.code) for p in problems] == [("subdistrict_code", "address_mismatch")]


def test_mismatch_messages_use_bangkok_words() -> None:
    [problem] = geo.address_problems({"subdistrict_code": "100101", "district_code": "2403"})
    assert problem.message_th == "แขวงพระบรมมหาราชวังไม่ได้อยู่ในอำเภอบางน้ำเปรี้ยว"
    [problem] = geo.address_problems({"district_code": "1001", "province_code": "24"})
    assert problem.message_th == "เขตพระนครไม่ได้อยู่ในจังหวัดฉะเชิงเทรา"
