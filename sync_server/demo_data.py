"""The demo district's data: Bang Nam Priao (2403), Chachoengsao. Pure data, no I/O.

Producers are invented but realistic: the district's real subdistricts and postal codes, Thai
names, checksummed 13-digit IDs, plausible mobile and 038 landline numbers, and GPS points
inside the district (around 13.84 N, 101.06 E). Products cover all five OTOP categories.
"""

from __future__ import annotations

import uuid
from typing import Any

from schemas import check_digit

__all__ = ["DEMO_DISTRICT", "demo_agencies", "demo_id", "demo_records", "ean13", "thai_id"]

DEMO_DISTRICT = "2403"
_NAMESPACE = uuid.UUID("6f0d3b1e-2f5e-4b1a-9a43-240300000000")

_POSTAL = {"240301": "24150", "240302": "24150", "240303": "24150", "240304": "24150",
           "240305": "24170", "240306": "24170", "240307": "24150", "240308": "24170",
           "240309": "24000", "240310": "24150"}


def demo_id(key: str) -> str:
    """A stable record id (32 lowercase hex) so the demo is idempotent."""
    return uuid.uuid5(_NAMESPACE, key).hex


def thai_id(first12: str) -> str:
    """Append the Thai ID check digit (`schemas.check_digit`)."""
    return first12 + str(check_digit(first12))


def ean13(first12: str) -> str:
    """Append the EAN-13 check digit (weights 1, 3 from the left)."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


def _address(house_no: str, moo: int, village: str, subdistrict: str) -> dict[str, Any]:
    return {"house_no": house_no, "moo": moo, "village": village,
            "subdistrict_code": subdistrict, "district_code": "2403", "province_code": "24",
            "postal_code": _POSTAL[subdistrict]}


def _gps(lat: float, lon: float, accuracy: float = 8.0,
         at: str = "2026-10-02T03:15:00Z") -> dict[str, Any]:
    return {"lat": lat, "lon": lon, "accuracy_m": accuracy, "captured_at": at}


# key, fields
_PRODUCERS: list[tuple[str, dict[str, Any]]] = [
    ("mango", {
        "producer_type": "community_enterprise", "name_th": "วิสาหกิจชุมชนมะม่วงแปรรูปบ้านคลองสุคนธ์",
        "name_en": "Ban Khlong Sukhon Processed Mango Community Enterprise",
        "contact_person": "นางสมพร แก้วประเสริฐ", "id_kind": "national",
        "id_number": thai_id("324030012345"), "phone": "0812345678",
        "address": _address("45/2", 3, "บ้านคลองสุคนธ์", "240301"),
        "gps": _gps(13.8452, 101.0541), "community_link": ["production", "benefit"],
        "members_count": 28, "year_founded_be": 2552, "registration_year_be": 2553,
        "group_strength": {"members": 3, "committee": 2, "rules": 2, "fund": 2, "activities": 3},
        "networks": "เครือข่าย OTOP อำเภอบางน้ำเปรี้ยว",
    }),
    ("fish", {
        "producer_type": "community_group", "name_th": "กลุ่มแม่บ้านปลาสลิดแดดเดียวบางขนาก",
        "name_en": "Bang Khanak Housewives' Sun-dried Snakeskin Gourami Group",
        "contact_person": "นางบุญเรือน ศรีสุข", "id_kind": "national",
        "id_number": thai_id("324030045678"), "phone": "0891234567",
        "address": _address("112", 7, "บ้านคลองสิบสี่", "240302"),
        "gps": _gps(13.8931, 101.0712), "community_link": ["production", "management"],
        "members_count": 35, "year_founded_be": 2545, "registration_year_be": 2547,
        "group_strength": {"members": 3, "committee": 3, "rules": 3, "fund": 2, "activities": 2},
    }),
    ("herbal", {
        "producer_type": "community_enterprise", "name_th": "วิสาหกิจชุมชนสมุนไพรสิงโตทอง",
        "name_en": "Singto Thong Herbal Community Enterprise",
        "contact_person": "นายวิชัย พึ่งบุญ", "id_kind": "national",
        "id_number": thai_id("310140098765"), "phone": "0867891234",
        "address": _address("9", 2, "บ้านสิงโตทอง", "240303"),
        "gps": _gps(13.8710, 101.1034), "community_link": ["production"],
        "members_count": 18, "year_founded_be": 2558, "registration_year_be": 2559,
        "group_strength": {"members": 2, "committee": 2, "rules": 1, "fund": 1, "activities": 2},
    }),
    ("weave", {
        "producer_type": "community_group", "name_th": "กลุ่มทอผ้าบ้านหมอนทอง",
        "name_en": "Ban Mon Thong Weaving Group",
        "contact_person": "นางละเอียด ทองคำ", "id_kind": "national",
        "id_number": thai_id("324030023456"), "phone": "038581234",
        "address": _address("77", 5, "บ้านหมอนทอง", "240304"),
        "gps": _gps(13.8218, 101.0876), "community_link": ["production", "benefit"],
        "members_count": 22, "year_founded_be": 2540, "registration_year_be": 2546,
        "group_strength": {"members": 2, "committee": 2, "rules": 2, "fund": 1, "activities": 1},
    }),
    ("rice", {
        "producer_type": "community_enterprise", "name_th": "วิสาหกิจชุมชนข้าวอินทรีย์บึงน้ำรักษ์",
        "name_en": "Bueng Nam Rak Organic Rice Community Enterprise",
        "contact_person": "นายประยูร มั่นคง", "id_kind": "national",
        "id_number": thai_id("324030034567"), "phone": "0934567812",
        "address": _address("201", 4, "บ้านบึงน้ำรักษ์", "240305"),
        "gps": _gps(13.9120, 101.0398), "community_link": ["production", "management"],
        "members_count": 41, "year_founded_be": 2555, "registration_year_be": 2556,
        "group_strength": {"members": 3, "committee": 3, "rules": 2, "fund": 3, "activities": 3},
    }),
    ("water_hyacinth", {
        "producer_type": "community_group", "name_th": "กลุ่มจักสานผักตบชวาดอนเกาะกา",
        "name_en": "Don Ko Ka Water Hyacinth Basketry Group",
        "contact_person": "นางสาวจันทร์เพ็ญ ใจงาม", "id_kind": "national",
        "id_number": thai_id("324030056789"), "phone": "0623456789",
        "address": _address("15/1", 1, "บ้านดอนเกาะกา", "240306"),
        "gps": _gps(13.8675, 101.1412), "community_link": ["production", "benefit"],
        "members_count": 16, "year_founded_be": 2549, "registration_year_be": 2550,
        "group_strength": {"members": 2, "committee": 1, "rules": 1, "fund": 1, "activities": 2},
    }),
    ("coconut_sugar", {
        "producer_type": "single_owner", "name_th": "น้ำตาลมะพร้าวป้าสมหมาย",
        "name_en": "Aunt Sommai's Coconut Sugar",
        "contact_person": "นางสมหมาย เจริญสุข", "id_kind": "national",
        "id_number": thai_id("324030067890"), "phone": "0845671234",
        "address": _address("33", 6, "บ้านโยธะกา", "240307"),
        "gps": _gps(13.7893, 101.0215), "community_link": ["production"],
        "year_founded_be": 2560, "registration_year_be": 2561,
    }),
    ("drink", {
        "producer_type": "sme", "name_th": "บริษัท น้ำสมุนไพรดอนฉิมพลี จำกัด",
        "name_en": "Don Chimphli Herbal Drinks Co., Ltd.",
        "contact_person": "นายธนากร วงศ์ใหญ่", "id_kind": "juristic",
        "id_number": thai_id("024556100123"), "phone": "038593456",
        "address": _address("88/8", 2, "บ้านดอนฉิมพลี", "240308"),
        "gps": _gps(13.8387, 101.1650), "community_link": ["management", "benefit"],
        "members_count": 12, "year_founded_be": 2561, "registration_year_be": 2562,
    }),
    ("fish_sauce", {
        "producer_type": "community_group", "name_th": "กลุ่มน้ำปลาร้าปรุงสุกศาลาแดง",
        "name_en": "Sala Daeng Cooked Fermented Fish Sauce Group",
        "contact_person": "นางสำเนียง อินทร์แก้ว", "id_kind": "national",
        "id_number": thai_id("324030078901"), "phone": "0956781234",
        "address": _address("140", 8, "บ้านศาลาแดง", "240309"),
        "gps": _gps(13.7604, 101.0481), "community_link": ["production", "benefit"],
        "members_count": 20, "year_founded_be": 2557, "registration_year_be": 2558,
        "group_strength": {"members": 2, "committee": 2, "rules": 2, "fund": 2, "activities": 1},
    }),
    ("candle", {
        "producer_type": "single_owner", "name_th": "เทียนหอมบ้านโพรงอากาศ",
        "name_en": "Ban Phrong Akat Scented Candles",
        "contact_person": "นางสาวพิมพ์ชนก สุขสบาย", "id_kind": "national",
        "id_number": thai_id("110370012345"), "phone": "0981237654",
        "address": _address("5", 9, "บ้านโพรงอากาศ", "240310"),
        "gps": _gps(13.9025, 101.1208), "community_link": ["production"],
        "year_founded_be": 2563, "registration_year_be": 2564,
    }),
    ("banana", {
        "producer_type": "community_group", "name_th": "กลุ่มกล้วยอบเนยบ้านคลองสุคนธ์",
        "name_en": "Ban Khlong Sukhon Butter-baked Banana Group",
        "contact_person": "นางวันเพ็ญ รุ่งเรือง", "id_kind": "national",
        "id_number": thai_id("324030089012"), "phone": "0829876543",
        "address": _address("61", 3, "บ้านคลองสุคนธ์", "240301"),
        "gps": _gps(13.8497, 101.0588), "community_link": ["production", "benefit"],
        "members_count": 14, "year_founded_be": 2559, "registration_year_be": 2560,
        "group_strength": {"members": 2, "committee": 1, "rules": 1, "fund": 1, "activities": 1},
    }),
    ("batik", {
        "producer_type": "community_enterprise", "name_th": "วิสาหกิจชุมชนผ้ามัดย้อมสีธรรมชาติบางขนาก",
        "name_en": "Bang Khanak Natural-dye Tie-dye Community Enterprise",
        "contact_person": "นางอรุณี ชื่นใจ", "id_kind": "national",
        "id_number": thai_id("324030090123"), "phone": "0614567890",
        "address": _address("18", 11, "บ้านคลองสิบหก", "240302"),
        "gps": _gps(13.9012, 101.0825), "community_link": ["production", "management"],
        "members_count": 19, "year_founded_be": 2556, "registration_year_be": 2557,
        "group_strength": {"members": 2, "committee": 2, "rules": 2, "fund": 1, "activities": 2},
    }),
]


def _cert(standard: str, number: str, issued: str, expires: str | None) -> dict[str, Any]:
    cert = {"standard": standard, "number": number, "issued_on": issued}
    if expires:
        cert["expires_on"] = expires
    return cert


# producer key, product key, fields
_PRODUCTS: list[tuple[str, str, dict[str, Any]]] = [
    ("mango", "mango_dried", {
        "name_th": "มะม่วงแช่อิ่มอบแห้ง", "brand": "คลองสุคนธ์", "category": "food",
        "price_thb": 60, "unit": "ถุง 200 กรัม", "monthly_capacity": 1500,
        "sales_last_year_thb": 540000, "sales_channels": ["otop_fair", "local_shop", "online"],
        "local_material_pct": 90, "story": "มะม่วงน้ำดอกไม้จากสวนสมาชิกริมคลองสุคนธ์",
        "opc_stars": 4, "opc_year_be": 2567, "quadrant": "B",
        "certifications": [_cert("mpc", "มผช.136/2558", "2024-03-15", "2027-03-14"),
                           _cert("fda", "24-2-03358-2-0011", "2023-06-01", None)],
        "packaging": {"material": "ถุงซิปตั้งได้ มีหน้าต่างใส", "has_label": True,
                      "barcode": ean13("885901234567"), "fda_number_shown": True,
                      "needs_redesign": False},
    }),
    ("mango", "mango_sticky", {
        "name_th": "มะม่วงกวนสูตรโบราณ", "brand": "คลองสุคนธ์", "category": "food",
        "price_thb": 45, "unit": "กล่อง 250 กรัม", "monthly_capacity": 600,
        "sales_channels": ["local_shop", "tourist"], "local_material_pct": 95,
        "quadrant": "D", "packaging": {"material": "กล่องพลาสติกใส", "has_label": False,
                                       "needs_redesign": True,
                                       "notes": "ยังไม่มีฉลากและเลข อย."},
    }),
    ("fish", "pla_salid", {
        "name_th": "ปลาสลิดแดดเดียว", "brand": "แม่บ้านบางขนาก", "category": "food",
        "price_thb": 250, "unit": "กิโลกรัม", "monthly_capacity": 800,
        "sales_last_year_thb": 1850000, "sales_channels": ["wholesale", "otop_fair", "online"],
        "local_material_pct": 100, "story": "ปลาสลิดบางบ่อเลี้ยงในบ่อดินตามภูมิปัญญาบางน้ำเปรี้ยว",
        "opc_stars": 5, "opc_year_be": 2567, "quadrant": "A",
        "certifications": [_cert("fda", "24-1-04562-1-0003", "2022-09-20", None),
                           _cert("gmp", "GMP-24-0312", "2024-01-10", "2027-01-09"),
                           _cert("mpc", "มผช.1081/2560", "2023-11-01", "2026-10-31")],
        "packaging": {"material": "ถุงสุญญากาศ", "has_label": True, "barcode": ean13("885901234568"),
                      "fda_number_shown": True, "needs_redesign": False},
    }),
    ("herbal", "balm", {
        "name_th": "ยาหม่องสมุนไพรไพล", "brand": "สิงโตทอง", "category": "herbal",
        "price_thb": 35, "unit": "ตลับ 15 กรัม", "monthly_capacity": 2000,
        "sales_last_year_thb": 210000, "sales_channels": ["local_shop", "otop_fair"],
        "local_material_pct": 70, "opc_stars": 3, "opc_year_be": 2566, "quadrant": "C",
        "certifications": [_cert("mpc", "มผช.1141/2562", "2023-05-05", "2026-05-04")],
        "packaging": {"material": "ตลับโลหะ", "has_label": True, "needs_redesign": True,
                      "notes": "ฉลากเล็ก อ่านยาก"},
    }),
    ("herbal", "compress", {
        "name_th": "ลูกประคบสมุนไพรสด", "brand": "สิงโตทอง", "category": "herbal",
        "price_thb": 50, "unit": "ลูก", "monthly_capacity": 900,
        "sales_channels": ["direct", "tourist"], "local_material_pct": 85, "quadrant": "D",
        "story": "ไพล ขมิ้น ตะไคร้ ปลูกเองในแปลงสมุนไพรของกลุ่มที่สิงโตทอง",
        "packaging": {"material": "ผ้าดิบมัดเชือก ใส่ถุงพลาสติก", "has_label": False,
                      "needs_redesign": True, "notes": "ยังไม่มีฉลากบอกส่วนผสมและวันผลิต"},
    }),
    ("weave", "pha_khao_ma", {
        "name_th": "ผ้าขาวม้าทอมือลายตาราง", "brand": "หมอนทอง", "category": "textile",
        "price_thb": 180, "unit": "ผืน", "monthly_capacity": 300,
        "sales_last_year_thb": 320000, "sales_channels": ["otop_fair", "tourist"],
        "local_material_pct": 40, "story": "ลายตารางสีครามของบ้านหมอนทอง ทอด้วยกี่พื้นบ้าน",
        "opc_stars": 3, "opc_year_be": 2566, "quadrant": "B",
        "certifications": [_cert("mpc", "มผช.43/2558", "2024-02-01", "2027-01-31")],
        "packaging": {"material": "ถุงพลาสติกใส ป้ายกระดาษคราฟท์", "has_label": True,
                      "needs_redesign": True, "notes": "ป้ายไม่บอกวิธีดูแลผ้าและขนาด"},
    }),
    ("rice", "rice_organic", {
        "name_th": "ข้าวหอมมะลิอินทรีย์", "brand": "บึงน้ำรักษ์", "category": "food",
        "price_thb": 95, "unit": "ถุง 1 กิโลกรัม", "monthly_capacity": 5000,
        "sales_last_year_thb": 2400000, "sales_channels": ["wholesale", "online", "export"],
        "local_material_pct": 100, "opc_stars": 4, "opc_year_be": 2567, "quadrant": "A",
        "certifications": [_cert("organic_thailand", "OT-24-0019", "2024-07-01", "2026-06-30"),
                           _cert("gap", "GAP-2403-0110", "2023-12-12", "2026-12-11")],
        "packaging": {"material": "ถุงสุญญากาศพิมพ์ลาย", "has_label": True,
                      "barcode": ean13("885901234569"), "fda_number_shown": False,
                      "needs_redesign": False},
    }),
    ("water_hyacinth", "basket", {
        "name_th": "ตะกร้าผักตบชวาทรงกลม", "brand": "ดอนเกาะกา", "category": "household",
        "price_thb": 320, "unit": "ใบ", "monthly_capacity": 120,
        "sales_last_year_thb": 150000, "sales_channels": ["otop_fair", "online", "tourist"],
        "local_material_pct": 100, "story": "ผักตบชวาจากคลองในตำบล ลดวัชพืชและสร้างรายได้",
        "opc_stars": 3, "opc_year_be": 2565, "quadrant": "B",
        "certifications": [_cert("mpc", "มผช.60/2557", "2022-08-01", "2025-07-31")],
        "packaging": {"material": "กล่องกระดาษลูกฟูกพิมพ์โลโก้", "has_label": True,
                      "barcode": ean13("885901234571"), "needs_redesign": False},
    }),
    ("water_hyacinth", "mat", {
        "name_th": "เสื่อผักตบชวา", "brand": "ดอนเกาะกา", "category": "household",
        "price_thb": 450, "unit": "ผืน", "monthly_capacity": 40,
        "sales_channels": ["local_shop"], "local_material_pct": 100, "quadrant": "D",
        "packaging": {"material": "ม้วนมัดเชือกฟาง", "has_label": False, "needs_redesign": True},
    }),
    ("coconut_sugar", "coconut_sugar", {
        "name_th": "น้ำตาลมะพร้าวแท้", "brand": "ป้าสมหมาย", "category": "food",
        "price_thb": 80, "unit": "กระปุก 500 กรัม", "monthly_capacity": 700,
        "sales_last_year_thb": 280000, "sales_channels": ["local_shop", "direct"],
        "local_material_pct": 100, "opc_stars": 2, "opc_year_be": 2565, "quadrant": "C",
        "certifications": [_cert("fda", "24-2-05123-6-0001", "2024-04-04", None)],
        "story": "เคี่ยวน้ำตาลสดจากตาลมะพร้าวในสวนโยธะกาด้วยเตาฟืนทุกเช้า",
        "packaging": {"material": "กระปุกพลาสติกฝาเกลียว", "has_label": True,
                      "fda_number_shown": True, "needs_redesign": False},
    }),
    ("drink", "roselle", {
        "name_th": "น้ำกระเจี๊ยบพร้อมดื่ม", "brand": "ดอนฉิมพลี", "category": "beverage",
        "price_thb": 20, "unit": "ขวด 250 มล.", "monthly_capacity": 12000,
        "sales_last_year_thb": 1250000, "sales_channels": ["wholesale", "local_shop"],
        "local_material_pct": 60, "opc_stars": 4, "opc_year_be": 2567, "quadrant": "A",
        "certifications": [_cert("fda", "24-1-06789-5-0002", "2023-02-14", None),
                           _cert("gmp", "GMP-24-0455", "2024-05-20", "2027-05-19"),
                           _cert("halal", "ฮ.ล. 2567/0341", "2024-09-01", "2026-08-31")],
        "packaging": {"material": "ขวด PET", "has_label": True, "barcode": ean13("885901234570"),
                      "fda_number_shown": True, "needs_redesign": False},
    }),
    ("drink", "butterfly_pea", {
        "name_th": "น้ำอัญชันมะนาว", "brand": "ดอนฉิมพลี", "category": "beverage",
        "price_thb": 20, "unit": "ขวด 250 มล.", "monthly_capacity": 8000,
        "sales_channels": ["wholesale", "online"], "local_material_pct": 55, "quadrant": "B",
        "certifications": [_cert("fda", "24-1-06789-5-0003", "2024-06-01", None)],
        "packaging": {"material": "ขวด PET", "has_label": True, "barcode": ean13("885901234572"),
                      "fda_number_shown": True, "needs_redesign": False},
    }),
    ("fish_sauce", "pla_ra", {
        "name_th": "น้ำปลาร้าปรุงสุก", "brand": "ศาลาแดง", "category": "food",
        "price_thb": 45, "unit": "ขวด 400 มล.", "monthly_capacity": 3000,
        "sales_last_year_thb": 620000, "sales_channels": ["local_shop", "wholesale"],
        "local_material_pct": 80, "opc_stars": 3, "opc_year_be": 2566, "quadrant": "C",
        "certifications": [_cert("fda", "24-2-07001-2-0004", "2022-11-11", None)],
        "story": "ปลาร้าหมักจากปลาน้ำจืดในคลองศาลาแดง ต้มสุกพร้อมปรุง",
        "packaging": {"material": "ขวดแก้ว", "has_label": True, "fda_number_shown": True,
                      "needs_redesign": True, "notes": "ฉลากลอกเมื่อแช่เย็น"},
    }),
    ("candle", "candle", {
        "name_th": "เทียนหอมกลิ่นดอกมะลิ", "brand": "โพรงอากาศ", "category": "household",
        "price_thb": 150, "unit": "โหล 200 กรัม", "monthly_capacity": 400,
        "sales_channels": ["online", "tourist"], "local_material_pct": 30, "quadrant": "D",
        "packaging": {"material": "โหลแก้วฝาไม้", "has_label": True, "needs_redesign": False},
    }),
    ("banana", "banana_chips", {
        "name_th": "กล้วยอบเนย", "brand": "คลองสุคนธ์", "category": "food",
        "price_thb": 40, "unit": "ถุง 150 กรัม", "monthly_capacity": 1000,
        "sales_channels": ["local_shop", "otop_fair"], "local_material_pct": 90,
        "quadrant": "D", "story": "กล้วยน้ำว้าจากสวนริมคลองสุคนธ์ ใช้ตราคลองสุคนธ์ร่วมกับกลุ่มมะม่วง",
        "packaging": {"material": "ถุงพลาสติกใส", "has_label": True, "needs_redesign": True,
                      "fda_number_shown": False},
    }),
    ("batik", "tie_dye", {
        "name_th": "เสื้อผ้ามัดย้อมครามธรรมชาติ", "brand": "บางขนาก", "category": "textile",
        "price_thb": 390, "unit": "ตัว", "monthly_capacity": 200,
        "sales_last_year_thb": 460000, "sales_channels": ["online", "otop_fair", "export"],
        "local_material_pct": 50, "opc_stars": 4, "opc_year_be": 2567, "quadrant": "B",
        "certifications": [_cert("mpc", "มผช.62/2561", "2024-10-01", "2027-09-30")],
        "story": "ย้อมครามและเปลือกมะพร้าวตามสูตรของกลุ่ม ทุกตัวมีลายไม่ซ้ำกัน",
        "packaging": {"material": "ถุงผ้าดิบพิมพ์ลาย", "has_label": True,
                      "barcode": ean13("885901234573"), "needs_redesign": False},
    }),
]

# The district's partner agencies (the `agencies` table, page /agencies): real offices of
# Chachoengsao province and Bang Nam Priao district. key, name, short name, kind
# (schemas' plan_item $defs/agency_kind).
_AGENCIES: list[tuple[str, str, str, str]] = [
    ("cdd_district", "สำนักงานพัฒนาชุมชนอำเภอบางน้ำเปรี้ยว", "พช.อำเภอบางน้ำเปรี้ยว", "government"),
    ("commerce", "สำนักงานพาณิชย์จังหวัดฉะเชิงเทรา", "พาณิชย์จังหวัด", "government"),
    ("industry", "สำนักงานอุตสาหกรรมจังหวัดฉะเชิงเทรา", "อุตสาหกรรมจังหวัด", "government"),
    ("health", "สำนักงานสาธารณสุขจังหวัดฉะเชิงเทรา", "สสจ.ฉะเชิงเทรา", "government"),
    ("agriculture", "สำนักงานเกษตรอำเภอบางน้ำเปรี้ยว", "เกษตรอำเภอ", "government"),
    ("sao_don_ko_ka", "องค์การบริหารส่วนตำบลดอนเกาะกา", "อบต.ดอนเกาะกา", "local_government"),
    ("sao_sala_daeng", "องค์การบริหารส่วนตำบลศาลาแดง", "อบต.ศาลาแดง", "local_government"),
    ("baac", "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร สาขาบางน้ำเปรี้ยว",
     "ธ.ก.ส. บางน้ำเปรี้ยว", "state_enterprise"),
    ("rru", "มหาวิทยาลัยราชภัฏราชนครินทร์", "มรภ.ราชนครินทร์", "academic"),
    ("chamber", "หอการค้าจังหวัดฉะเชิงเทรา", "หอการค้าจังหวัด", "private"),
    ("otop_network", "เครือข่าย OTOP อำเภอบางน้ำเปรี้ยว", "เครือข่าย OTOP อำเภอ", "community"),
]
_AGENCY_NAMES = {key: name for key, name, _short, _kind in _AGENCIES}

_SUPERVISOR = "นางวิไลวรรณ รักษ์ชุมชน"

# producer key, visit key, fields. Two visits fall in fiscal year 2569 (Oct 2025 - Sep
# 2026), the rest in 2570; participation (`members_present`, `agencies_present`) is what
# the officer wrote on the phone, so agencies are free text as people say them.
_VISITS: list[tuple[str, str, dict[str, Any]]] = [
    ("rice", "visit_rice_2569", {
        "officer_name": "นายสมชาย ใจดี", "started_at": "2026-02-18T02:30:00Z",
        "finalized_at": "2026-02-18T04:10:00Z", "status": "final",
        "purpose": "product_development", "gps": _gps(13.9120, 101.0398, 7.0,
                                                      "2026-02-18T02:32:00Z"),
        "members_present": 12,
        "agencies_present": ["สำนักงานเกษตรอำเภอบางน้ำเปรี้ยว", "ธ.ก.ส. สาขาบางน้ำเปรี้ยว"],
        "needs": ["packaging", "marketing_channels", "budget"],
        "problems": "ถุงข้าวไม่มีบาร์โค้ด ห้างค้าปลีกในจังหวัดยังไม่รับวางขาย",
        "follow_up": "ประสาน มรภ.ราชนครินทร์ ออกแบบถุงใหม่ และพาณิชย์จังหวัดจับคู่ธุรกิจ",
        "next_visit_on": "2026-07-15", "review_status": "approved",
        "review_comments": [{"by": _SUPERVISOR, "at": "2026-02-19T02:00:00Z",
                             "text": "อนุมัติ ให้ติดตามผลการจับคู่ธุรกิจ", "status": "approved"}],
    }),
    ("weave", "visit_weave_2569", {
        "officer_name": "นายสมชาย ใจดี", "started_at": "2026-05-12T03:00:00Z",
        "finalized_at": "2026-05-12T04:30:00Z", "status": "final", "purpose": "follow_up",
        "gps": _gps(13.8218, 101.0876, 10.0, "2026-05-12T03:02:00Z"),
        "members_present": 9,
        "agencies_present": ["มหาวิทยาลัยราชภัฏราชนครินทร์"],
        "needs": ["identity_diversity", "production_technology"],
        "problems": "ลายผ้าซ้ำกับอำเภออื่น กี่ทอผ้าชำรุด 2 หลัง",
        "follow_up": "อบรมออกแบบลายอัตลักษณ์ร่วมกับมหาวิทยาลัย",
        "review_status": "approved",
        "review_comments": [{"by": _SUPERVISOR, "at": "2026-05-13T03:00:00Z",
                             "text": "ข้อมูลครบถ้วน อนุมัติ", "status": "approved"}],
    }),
    ("mango", "visit_mango", {
        "officer_name": "นายสมชาย ใจดี", "started_at": "2026-10-02T03:10:00Z",
        "finalized_at": "2026-10-02T04:05:00Z", "status": "final",
        "purpose": "product_development", "gps": _gps(13.8452, 101.0541, 6.0),
        "members_present": 15,
        "agencies_present": ["สำนักงานสาธารณสุขจังหวัดฉะเชิงเทรา",
                             "มหาวิทยาลัยราชภัฏราชนครินทร์"],
        "needs": ["packaging", "standards"],
        "problems": "มะม่วงกวนยังไม่มีฉลากและเลข อย. ขายได้เฉพาะในชุมชน",
        "follow_up": "ประสาน สสจ. เรื่องการขอ อย. และออกแบบฉลากใหม่",
        "next_visit_on": "2026-12-01", "review_status": "approved",
        "review_comments": [{"by": _SUPERVISOR, "at": "2026-10-03T02:00:00Z",
                             "text": "ข้อมูลครบถ้วน อนุมัติ", "status": "approved"}],
    }),
    ("water_hyacinth", "visit_hyacinth", {
        "officer_name": "นายสมชาย ใจดี", "started_at": "2026-10-09T06:30:00Z",
        "finalized_at": "2026-10-09T07:20:00Z", "status": "final", "purpose": "follow_up",
        "gps": _gps(13.8675, 101.1412, 9.0),
        "members_present": 8,
        "agencies_present": ["พาณิชย์จังหวัด", "อบต.ดอนเกาะกา"],
        "needs": ["marketing_channels", "identity_diversity"],
        "problems": "มาตรฐาน มผช. หมดอายุแล้ว ยอดขายออนไลน์ลดลง",
        "review_status": "has_issues",
        "review_comments": [{"by": _SUPERVISOR, "at": "2026-10-10T03:00:00Z",
                             "text": "ยังไม่มีรูปบรรจุภัณฑ์ กรุณาถ่ายเพิ่มในครั้งหน้า",
                             "status": "has_issues"}],
    }),
    ("fish", "visit_fish", {
        "officer_name": "นายสมชาย ใจดี", "started_at": "2026-11-05T02:45:00Z",
        "status": "draft", "purpose": "standards", "gps": _gps(13.8931, 101.0712, 12.0),
        "members_present": 20,
        "agencies_present": ["สำนักงานอุตสาหกรรมจังหวัดฉะเชิงเทรา"],
        "needs": ["standards"],
    }),
]


def _plan(agency: str, fiscal_year_be: int, funding_source: str, **fields: Any
          ) -> dict[str, Any]:
    """A plan item naming an agency of `_AGENCIES` by id, with its full name for phones."""
    return {"agency_id": demo_id(f"agency:{agency}"), "agency": _AGENCY_NAMES[agency],
            "fiscal_year_be": fiscal_year_be, "funding_source": funding_source, **fields}


# producer key, visit key (None: planned in the office), plan key, fields
_PLAN_ITEMS: list[tuple[str, str | None, str, dict[str, Any]]] = [
    # fiscal year 2569: mostly done
    ("rice", "visit_rice_2569", "plan_rice_bag", _plan(
        "rru", 2569, "province", need="packaging",
        action="ออกแบบถุงข้าวสุญญากาศ 3 ขนาด พร้อมบาร์โค้ด", budget_thb=25000,
        due_on="2026-06-30", status="done",
        follow_up_notes="ได้ถุงใหม่ 3 ขนาด เริ่มใช้จริงเดือนกรกฎาคม 2569")),
    ("rice", "visit_rice_2569", "plan_rice_matching", _plan(
        "commerce", 2569, "partner_agency", need="marketing_channels",
        action="จับคู่ธุรกิจกับห้างค้าปลีกในจังหวัดฉะเชิงเทรา", budget_thb=12000,
        due_on="2026-08-31", status="done",
        follow_up_notes="วางขายในห้างค้าปลีก 2 สาขาในอำเภอเมืองฉะเชิงเทรา")),
    ("rice", "visit_rice_2569", "plan_rice_mill", _plan(
        "baac", 2569, "partner_agency", need="budget",
        action="สินเชื่อดอกเบี้ยต่ำซื้อเครื่องสีข้าวขนาดเล็ก", budget_thb=150000,
        due_on="2026-09-30", status="cancelled",
        follow_up_notes="สมาชิกมีมติใช้เงินกองทุนของกลุ่มแทน")),
    ("weave", "visit_weave_2569", "plan_weave_pattern", _plan(
        "rru", 2569, "cdd", need="identity_diversity",
        action="อบรมออกแบบลายผ้าอัตลักษณ์บางน้ำเปรี้ยว", budget_thb=40000,
        due_on="2026-08-15", status="done")),
    ("weave", "visit_weave_2569", "plan_weave_looms", _plan(
        "cdd_district", 2569, "community_fund", need="production_technology",
        action="ซ่อมกี่ทอผ้า 2 หลัง และจัดซื้อเส้นด้ายฝ้าย", budget_thb=18000,
        due_on="2026-09-15", status="done")),
    # fiscal year 2570 (this one): under way
    ("mango", "visit_mango", "plan_mango_fda", _plan(
        "health", 2570, "cdd", need="standards", action="ยื่นขอเลข อย. สำหรับมะม่วงกวน",
        budget_thb=5000, due_on="2027-01-31", status="in_progress")),
    ("mango", "visit_mango", "plan_mango_label", _plan(
        "rru", 2570, "province", need="packaging", action="ออกแบบฉลากและบรรจุภัณฑ์ใหม่",
        budget_thb=30000, due_on="2027-03-31", status="planned")),
    ("water_hyacinth", "visit_hyacinth", "plan_hyacinth_online", _plan(
        "commerce", 2570, "partner_agency", need="marketing_channels",
        action="อบรมการขายออนไลน์และถ่ายภาพสินค้า", budget_thb=15000,
        due_on="2026-12-15", status="planned")),
    ("water_hyacinth", "visit_hyacinth", "plan_hyacinth_mpc", _plan(
        "industry", 2570, "partner_agency", need="standards",
        action="ต่ออายุมาตรฐาน มผช. ตะกร้าผักตบชวา", budget_thb=2500,
        due_on="2027-02-28", status="planned")),
    ("water_hyacinth", "visit_hyacinth", "plan_hyacinth_shed", _plan(
        "sao_don_ko_ka", 2570, "local_government", need="production_technology",
        action="สร้างโรงเรือนตากผักตบชวาให้กลุ่ม", budget_thb=50000,
        due_on="2027-05-31", status="planned")),
    ("fish", None, "plan_fish_mpc", _plan(
        "industry", 2570, "cdd", need="standards",
        action="ต่ออายุ มผช. ปลาสลิดแดดเดียว", budget_thb=3000,
        due_on="2027-01-15", status="in_progress")),
    ("fish_sauce", None, "plan_fish_sauce_label", _plan(
        "sao_sala_daeng", 2570, "local_government", need="packaging",
        action="ฉลากกันน้ำและขวดแบบใหม่สำหรับน้ำปลาร้า", budget_thb=20000,
        due_on="2027-04-30", status="planned")),
    ("banana", None, "plan_banana_fda", _plan(
        "health", 2570, "community_fund", need="standards",
        action="ขอเลข อย. กล้วยอบเนย", budget_thb=4000,
        due_on="2027-03-15", status="planned")),
    ("herbal", None, "plan_herbal_plai", _plan(
        "agriculture", 2570, "partner_agency", need="raw_materials",
        action="แปลงปลูกไพลและขมิ้นแบบอินทรีย์ของกลุ่ม", budget_thb=10000,
        due_on="2027-06-30", status="in_progress")),
    ("batik", None, "plan_batik_fair", _plan(
        "chamber", 2570, "private", need="marketing_channels",
        action="ออกบูธงานแสดงสินค้าหอการค้าและจับคู่ผู้ส่งออก", budget_thb=8000,
        due_on="2027-02-15", status="planned")),
    ("coconut_sugar", None, "plan_sugar_market", _plan(
        "otop_network", 2570, "community_fund", need="marketing_channels",
        action="ตลาดนัด OTOP ประจำเดือนที่ว่าการอำเภอบางน้ำเปรี้ยว", budget_thb=6000,
        due_on="2027-09-30", status="planned")),
]

# from producer, to producer, link key, fields (all four kinds of link)
_LINKS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("rice", "banana", "link_rice_banana", {
        "kind": "co_selling", "notes": "วางขายร่วมกันที่ร้าน OTOP อำเภอ"}),
    ("mango", "banana", "link_mango_banana", {
        "kind": "mentoring", "notes": "กลุ่มมะม่วงแปรรูปเป็นพี่เลี้ยงด้านการขอ อย."}),
    ("herbal", "drink", "link_herbal_drink", {
        "kind": "raw_material_supply", "notes": "ส่งกระเจี๊ยบและอัญชันให้โรงงานน้ำสมุนไพร"}),
    ("coconut_sugar", "mango", "link_sugar_mango", {
        "kind": "raw_material_supply", "notes": "น้ำตาลมะพร้าวใช้แช่อิ่มมะม่วงแทนน้ำตาลทราย"}),
    ("weave", "batik", "link_weave_batik", {
        "kind": "shared_brand",
        "notes": "ผ้าทอมือและผ้ามัดย้อมใช้ตรา \"ผ้าบางน้ำเปรี้ยว\" ร่วมกัน"}),
    ("fish", "fish_sauce", "link_fish_fish_sauce", {
        "kind": "co_selling", "notes": "ออกบูธร่วมกันในงาน OTOP จังหวัดฉะเชิงเทรา"}),
    ("water_hyacinth", "candle", "link_hyacinth_candle", {
        "kind": "raw_material_supply",
        "notes": "ตะกร้าผักตบชวาใบเล็กเป็นบรรจุภัณฑ์ชุดของขวัญเทียนหอม"}),
]


def demo_agencies() -> list[dict[str, Any]]:
    """The district's agency list: rows of the `agencies` table (id, name_th, short_name,
    kind), ids stable like the records'."""
    return [{"id": demo_id(f"agency:{key}"), "name_th": name, "short_name": short,
             "kind": kind} for key, name, short, kind in _AGENCIES]


def demo_records() -> list[tuple[str, str, dict[str, Any]]]:
    """(record_type, record_id, fields) in an order that respects references."""
    out: list[tuple[str, str, dict[str, Any]]] = []
    for key, fields in _PRODUCERS:
        out.append(("producer", demo_id(f"producer:{key}"), fields))
    visit_products: dict[str, list[str]] = {}
    for producer, key, fields in _PRODUCTS:
        product_id = demo_id(f"product:{key}")
        visit_products.setdefault(producer, []).append(product_id)
        out.append(("product", product_id,
                    {"producer_id": demo_id(f"producer:{producer}"), **fields}))
    for producer, key, fields in _VISITS:
        out.append(("visit", demo_id(f"visit:{key}"), {
            "producer_id": demo_id(f"producer:{producer}"),
            "product_ids": visit_products.get(producer, []), **fields}))
    for producer, visit, key, fields in _PLAN_ITEMS:
        item = {"producer_id": demo_id(f"producer:{producer}"), **fields}
        if visit is not None:
            item["visit_id"] = demo_id(f"visit:{visit}")
        out.append(("plan_item", demo_id(f"plan_item:{key}"), item))
    for source, target, key, fields in _LINKS:
        out.append(("network_link", demo_id(f"network_link:{key}"), {
            "from_producer_id": demo_id(f"producer:{source}"),
            "to_producer_id": demo_id(f"producer:{target}"), **fields}))
    return out
