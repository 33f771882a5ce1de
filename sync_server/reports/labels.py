"""Thai and English labels for the codes the reports, exports and charts show.

The `schemas` package is the source of truth for labels once it lands; this table covers
only what reports print and is checked against the record model's code lists in tests.
"""

from __future__ import annotations

from functools import lru_cache

import geothai

__all__ = ["LABELS", "code_label", "subdistrict_name"]

# field -> code -> (Thai, English)
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "producer_type": {
        "community_group": ("กลุ่มผู้ผลิตชุมชน", "Community producer group"),
        "community_enterprise": ("วิสาหกิจชุมชน", "Community enterprise"),
        "single_owner": ("ผู้ผลิตชุมชนที่เป็นเจ้าของรายเดียว", "Single-owner producer"),
        "sme": ("ผู้ผลิตที่เป็นวิสาหกิจขนาดกลางและขนาดย่อม", "SME producer"),
    },
    "category": {
        "food": ("อาหาร", "Food"),
        "beverage": ("เครื่องดื่ม", "Beverages"),
        "textile": ("ผ้า เครื่องแต่งกาย", "Textiles and garments"),
        "household": ("ของใช้ ของตกแต่ง ของที่ระลึก", "Household items and souvenirs"),
        "herbal": ("สมุนไพรที่ไม่ใช่อาหาร", "Non-food herbal products"),
    },
    "quadrant": {
        "A": ("A กลุ่มดาวเด่นสู่สากล", "A Stars going global"),
        "B": ("B กลุ่มเอกลักษณ์สร้างคุณค่า", "B Identity creating value"),
        "C": ("C", "C"),
        "D": ("D กลุ่มปรับตัวสู่การพัฒนา", "D Adapting to develop"),
    },
    "standard": {
        "mpc": ("มผช.", "Thai Community Product Standard"),
        "fda": ("อย.", "Thai FDA"),
        "gmp": ("GMP", "GMP"),
        "gap": ("GAP", "GAP"),
        "haccp": ("HACCP", "HACCP"),
        "q_mark": ("เครื่องหมาย Q", "Q mark"),
        "tis": ("มอก.", "Thai Industrial Standard"),
        "halal": ("ฮาลาล", "Halal"),
        "organic_thailand": ("Organic Thailand", "Organic Thailand"),
    },
    "need": {
        "raw_materials": ("วัตถุดิบ", "Raw materials"),
        "budget": ("งบประมาณ", "Budget"),
        "production_technology": ("การผลิตและเทคโนโลยี", "Production and technology"),
        "packaging": ("บรรจุภัณฑ์", "Packaging"),
        "standards": ("มาตรฐาน", "Standards"),
        "identity_diversity": ("อัตลักษณ์และความหลากหลาย", "Identity and diversity"),
        "marketing_channels": ("การตลาดและช่องทางจำหน่าย", "Marketing and channels"),
        "management": ("การบริหารจัดการ", "Management"),
        "networks": ("เครือข่าย", "Networks"),
    },
    "plan_status": {
        "planned": ("วางแผนแล้ว", "Planned"),
        "in_progress": ("กำลังดำเนินการ", "In progress"),
        "done": ("เสร็จแล้ว", "Done"),
        "cancelled": ("ยกเลิก", "Cancelled"),
    },
    "link_kind": {
        "raw_material_supply": ("ส่งวัตถุดิบ", "Raw-material supply"),
        "co_selling": ("ขายร่วมกัน", "Co-selling"),
        "shared_brand": ("แบรนด์ร่วม", "Shared brand"),
        "mentoring": ("พี่เลี้ยง", "Mentoring"),
    },
    "sales_channel": {
        "local_shop": ("ร้านค้าในชุมชน", "Local shop"),
        "otop_fair": ("งาน OTOP", "OTOP fair"),
        "online": ("ออนไลน์", "Online"),
        "wholesale": ("ขายส่ง", "Wholesale"),
        "export": ("ส่งออก", "Export"),
        "tourist": ("นักท่องเที่ยว", "Tourists"),
        "direct": ("ขายตรง", "Direct"),
    },
    "id_kind": {
        "national": ("บัตรประชาชน", "National ID"),
        "juristic": ("นิติบุคคล", "Juristic person"),
    },
    "visit_status": {
        "draft": ("ร่าง", "Draft"),
        "final": ("ส่งแล้ว", "Final"),
    },
    "photo_subject": {
        "product": ("สินค้า", "Product"),
        "packaging": ("บรรจุภัณฑ์", "Packaging"),
        "label": ("ฉลาก", "Label"),
        "production_site": ("สถานที่ผลิต", "Production site"),
        "certificate": ("ใบรับรอง", "Certificate"),
    },
    "visit_purpose": {
        "registration": ("ขึ้นทะเบียน", "Registration"),
        "follow_up": ("ติดตามผล", "Follow-up"),
        "product_development": ("พัฒนาผลิตภัณฑ์", "Product development"),
        "standards": ("มาตรฐาน", "Standards"),
        "other": ("อื่น ๆ", "Other"),
    },
    "review_status": {
        "received": ("รับแล้ว", "Received"),
        "has_issues": ("มีประเด็น", "Has issues"),
        "approved": ("อนุมัติ", "Approved"),
        "rejected": ("ไม่อนุมัติ", "Rejected"),
    },
}

UNKNOWN = ("ไม่ระบุ", "Not given")


def code_label(field: str, code: object, lang: str = "th") -> str:
    """The label of `code`; an unknown code shows as itself, a missing one as "ไม่ระบุ"."""
    if code is None or code == "":
        pair = UNKNOWN
    else:
        pair = LABELS.get(field, {}).get(str(code), (str(code), str(code)))
    return pair[0] if lang == "th" else pair[1]


@lru_cache(maxsize=8192)
def subdistrict_name(code: str | None, lang: str = "th") -> str:
    """`240301` → บางน้ำเปรี้ยว (from geothai, offline); unknown codes show as themselves."""
    if not code:
        return code_label("", None, lang)
    found = geothai.subdistrict(str(code))
    if found is None:
        return str(code)
    return found.name_th if lang == "th" else found.name_en
