"""Thailand's provinces, districts and subdistricts for the address pickers, offline (geothai).

The app and the validator see our own small `Area` type, not geothai's, so a future change of
data package touches only this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geothai

__all__ = [
    "AddressProblem",
    "Area",
    "address_problems",
    "describe_address",
    "district",
    "districts",
    "is_postal_code",
    "province",
    "provinces",
    "subdistrict",
    "subdistricts",
]


@dataclass(frozen=True, slots=True)
class Area:
    code: str
    name_th: str
    name_en: str
    postal_codes: tuple[str, ...] = ()  # subdistricts only

    def name(self, lang: str = "th") -> str:
        return self.name_en if lang == "en" else self.name_th


@dataclass(frozen=True, slots=True)
class AddressProblem:
    """One inconsistency inside an address; `field` is the address field to fix."""

    field: str
    code: str
    message_th: str
    message_en: str


def provinces() -> list[Area]:
    return [Area(p.code, p.name_th, p.name_en) for p in geothai.provinces()]


def districts(province_code: str) -> list[Area]:
    return [Area(d.code, d.name_th, d.name_en) for d in geothai.districts(province_code)]


def subdistricts(district_code: str) -> list[Area]:
    return [
        Area(s.code, s.name_th, s.name_en, tuple(s.postal_codes))
        for s in geothai.subdistricts(district_code)
    ]


def province(code: str) -> Area | None:
    found = geothai.province(code)
    return Area(found.code, found.name_th, found.name_en) if found else None


def district(code: str) -> Area | None:
    found = geothai.district(code)
    return Area(found.code, found.name_th, found.name_en) if found else None


def subdistrict(code: str) -> Area | None:
    found = geothai.subdistrict(code)
    if found is None:
        return None
    return Area(found.code, found.name_th, found.name_en, tuple(found.postal_codes))


def is_postal_code(code: str) -> bool:
    return bool(geothai.by_postal_code(code))


def address_problems(address: Mapping[str, object]) -> list[AddressProblem]:
    """Every way the codes of one address disagree with each other.

    Codes that do not exist at all are reported by their own formats; this only checks that
    the subdistrict lies in the district, the district (or, without one, the subdistrict) in
    the province, and that the postal code is one the subdistrict uses.
    """
    def code(key: str) -> str | None:
        value = address.get(key)
        return value if isinstance(value, str) else None

    def th(level: str, name: str, area_code: str) -> str:
        # Bangkok says แขวง and เขต (geothai's district names already start with เขต)
        word = {"sub": "ตำบล", "dist": "อำเภอ", "prov": "จังหวัด"}[level]
        if area_code.startswith("10"):
            word = {"sub": "แขวง", "dist": "", "prov": ""}[level]
        return f"{word}{name}"

    sub = geothai.subdistrict(code("subdistrict_code") or "")
    dist = geothai.district(code("district_code") or "")
    prov = geothai.province(code("province_code") or "")
    postal = code("postal_code")
    problems: list[AddressProblem] = []
    if sub and dist and sub.district_code != dist.code:
        problems.append(AddressProblem(
            "subdistrict_code", "address_mismatch",
            f"{th('sub', sub.name_th, sub.code)}ไม่ได้อยู่ใน{th('dist', dist.name_th, dist.code)}",
            f"Subdistrict {sub.name_en} is not in district {dist.name_en}"))
    # the province is checked against the district, or against the subdistrict if no district
    inner = dist or sub
    if inner and prov and inner.province_code != prov.code:
        level, kind_en = ("dist", "District") if dist else ("sub", "Subdistrict")
        problems.append(AddressProblem(
            "district_code" if dist else "subdistrict_code", "address_mismatch",
            f"{th(level, inner.name_th, inner.code)}ไม่ได้อยู่ใน"
            f"{th('prov', prov.name_th, prov.code)}",
            f"{kind_en} {inner.name_en} is not in province {prov.name_en}"))
    if sub and postal and is_postal_code(postal) and postal not in sub.postal_codes:
        expected = ", ".join(sub.postal_codes)
        problems.append(AddressProblem(
            "postal_code", "postal_code_mismatch",
            f"รหัสไปรษณีย์ของ{th('sub', sub.name_th, sub.code)}คือ {expected} ไม่ใช่ {postal}",
            f"The postal code of subdistrict {sub.name_en} is {expected}, not {postal}"))
    return problems


def describe_address(address: Mapping[str, object], lang: str = "th") -> str:
    """One line for lists and exports: "12 ม.4 บ้านคลอง ต.บางขนาก อ.บางน้ำเปรี้ยว จ.ฉะเชิงเทรา 24150"."""
    parts: list[str] = []
    house, moo, village = address.get("house_no"), address.get("moo"), address.get("village")
    th = lang != "en"
    if house:
        parts.append(str(house))
    if moo:
        parts.append(f"ม.{moo}" if th else f"Moo {moo}")
    if village:
        parts.append(str(village))
    bangkok = any(str(address.get(k) or "").startswith("10")
                  for k in ("subdistrict_code", "district_code", "province_code"))
    # Bangkok has แขวง and เขต, and is not written with จ.
    prefixes = ("แขวง", "เขต", "") if bangkok else ("ต.", "อ.", "จ.")
    for key, lookup, th_prefix in (
        ("subdistrict_code", subdistrict, prefixes[0]),
        ("district_code", district, prefixes[1]),
        ("province_code", province, prefixes[2]),
    ):
        code = address.get(key)
        area = lookup(code) if isinstance(code, str) else None
        if area:
            # geothai already writes Bangkok's districts as "เขต…"
            name = area.name_th if area.name_th.startswith(th_prefix) else (
                f"{th_prefix}{area.name_th}")
            parts.append(name if th else area.name_en)
    if address.get("postal_code"):
        parts.append(str(address["postal_code"]))
    return " ".join(parts)
