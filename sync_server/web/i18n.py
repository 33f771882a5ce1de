"""The office web's words, Thai first with English.

One dict: key -> (Thai, English). Templates call `t("key")`; the language comes from the
`lang` cookie (Thai unless the user switched). Other parts (reports) keep their own dict in
the same shape and pass it to `render(..., strings=...)`; their keys are looked up first.

A missing key renders as the key itself in brackets, so a typo shows on the page instead of
crashing it, and `tests/web/test_i18n.py` checks every `t("...")` in the templates exists.

Only the pages' own words live here. The labels of the record model's codes (a category, a
need, a producer type) come from the schemas, `schemas.code_label(kind, code, lang)`: one
label source for the office, the reports and the phone.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "DEFAULT_LANG",
    "LANGS",
    "STRINGS",
    "Strings",
    "normalise_lang",
    "translate",
]

Strings = Mapping[str, tuple[str, str]]

LANGS = ("th", "en")
DEFAULT_LANG = "th"

STRINGS: dict[str, tuple[str, str]] = {
    # frame
    "app_name": ("ทัมบอนฟิลด์ สำนักงานพัฒนาชุมชนอำเภอ", "Tambon Field district office"),
    "nav_producers": ("ทะเบียนผู้ผลิต", "Producers"),
    "nav_review": ("ตรวจงานเยี่ยม", "Review visits"),
    "nav_conflicts": ("ข้อมูลขัดแย้ง", "Conflicts"),
    "nav_duplicates": ("ผู้ผลิตซ้ำ", "Duplicates"),
    "nav_reports": ("รายงาน", "Reports"),
    "nav_agencies": ("หน่วยงานภาคี", "Partner agencies"),
    "sign_out": ("ออกจากระบบ", "Sign out"),
    "switch_lang": ("English", "ภาษาไทย"),
    "role_officer": ("นักวิชาการพัฒนาชุมชน", "Field officer"),
    "role_supervisor": ("หัวหน้า/ผู้ตรวจ", "Supervisor"),
    "role_partner": ("หน่วยงานภาคี", "Partner agency"),
    "role_admin": ("ผู้ดูแลระบบ", "Administrator"),
    "skip_to_content": ("ข้ามไปยังเนื้อหา", "Skip to content"),
    # sign-in
    "sign_in": ("เข้าสู่ระบบ", "Sign in"),
    "username": ("ชื่อผู้ใช้", "Username"),
    "password": ("รหัสผ่าน", "Password"),
    "login_failed": (
        "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง",
        "The username or password is wrong.",
    ),
    "login_throttled": (
        "ลองเข้าสู่ระบบผิดหลายครั้งเกินไป กรุณารอ {s} วินาทีแล้วลองใหม่ "
        "(ผู้ดูแลระบบปลดได้ด้วยคำสั่ง unlock-user)",
        "Too many wrong attempts. Wait {s} seconds and try again "
        "(an administrator can lift this with unlock-user).",
    ),
    "login_attempts_left": (
        "ลองได้อีก {n} ครั้งก่อนต้องรอระหว่างการลองแต่ละครั้ง",
        "{n} more attempts before you must wait between attempts.",
    ),
    "login_wait_next": (
        "กรุณารอ {s} วินาทีก่อนลองอีกครั้ง",
        "Wait {s} seconds before the next attempt.",
    ),
    "sign_ins_title": ("ประวัติการเข้าสู่ระบบ", "Sign-in history"),
    "sign_ins_intro": (
        "การเข้าสู่ระบบสำนักงาน 200 ครั้งล่าสุดของอำเภอนี้ ทั้งสำเร็จ ผิด และถูกให้รอ",
        "The district's last 200 office sign-in attempts: successful, wrong and held back.",
    ),
    "sign_ins_when": ("เวลา", "When"),
    "sign_ins_outcome": ("ผล", "Outcome"),
    "sign_ins_address": ("ที่อยู่เครือข่าย", "Address"),
    "sign_ins_sign_in": ("สำเร็จ", "Signed in"),
    "sign_ins_sign_in_failed": ("รหัสผ่านผิด", "Wrong password"),
    "sign_ins_sign_in_throttled": ("ถูกให้รอ", "Held back (too many attempts)"),
    "sign_ins_user_unlock": ("ผู้ดูแลปลดการรอ", "Unlocked by an administrator"),
    "sign_ins_none": ("ยังไม่มีการเข้าสู่ระบบ", "No sign-ins yet."),
    "login_not_office": (
        "บัญชีนี้ใช้เว็บสำนักงานไม่ได้",
        "This account cannot use the office web.",
    ),
    "signed_out": ("ออกจากระบบแล้ว", "You have signed out."),
    # errors
    "csrf_failed": (
        "แบบฟอร์มหมดอายุหรือไม่ถูกต้อง กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง",
        "The form expired or is not valid. Reload the page and try again.",
    ),
    "forbidden": ("คุณไม่มีสิทธิ์ทำรายการนี้", "You are not allowed to do this."),
    "not_found": ("ไม่พบข้อมูลที่ต้องการ", "Not found."),
    "bad_input": ("ข้อมูลที่ส่งมาไม่ถูกต้อง", "The submitted data is not valid."),
    "back": ("ย้อนกลับ", "Back"),
    "saved": ("บันทึกแล้ว", "Saved."),
    "save": ("บันทึก", "Save"),
    # register
    "search": ("ค้นหา", "Search"),
    "search_placeholder": ("ชื่อ เลขประจำตัว หรือเบอร์โทร", "Name, ID number or phone"),
    "filter_subdistrict": ("ตำบล", "Subdistrict"),
    "filter_category": ("ประเภทผลิตภัณฑ์", "Product category"),
    "filter_stars": ("ระดับดาว OPC", "OPC stars"),
    "filter_quadrant": ("กลุ่ม (Quadrant)", "Quadrant"),
    "filter_standard": ("มาตรฐาน", "Standard"),
    "filter_need": ("ความต้องการ", "Need"),
    "filter_review": ("สถานะการตรวจ", "Review status"),
    "any": ("ทั้งหมด", "Any"),
    "standard_held": ("มีมาตรฐาน", "Holds a standard"),
    "standard_expiring": ("มาตรฐานใกล้หมดอายุ (90 วัน)", "Standard expiring (90 days)"),
    "standard_none": ("ไม่มีมาตรฐาน", "No standard"),
    "results_count": ("พบ {n} ราย", "{n} found"),
    "page_of": ("หน้า {page} จาก {pages}", "Page {page} of {pages}"),
    "prev_page": ("ก่อนหน้า", "Previous"),
    "next_page": ("ถัดไป", "Next"),
    "no_results": ("ไม่พบผู้ผลิตตามเงื่อนไข", "No producers match."),
    "col_name": ("ชื่อ", "Name"),
    "col_type": ("ประเภท", "Type"),
    "col_subdistrict": ("ตำบล", "Subdistrict"),
    "col_phone": ("โทรศัพท์", "Phone"),
    "col_products": ("ผลิตภัณฑ์", "Products"),
    "col_updated": ("ปรับปรุงล่าสุด", "Updated"),
    "draft_incomplete": ("ร่าง ข้อมูลยังไม่ครบ", "Draft: incomplete"),
    # producer page
    "profile": ("ข้อมูลผู้ผลิต", "Profile"),
    "contact_person": ("ผู้ติดต่อ", "Contact person"),
    "id_number": ("เลขประจำตัว", "ID number"),
    "address": ("ที่อยู่", "Address"),
    "moo": ("หมู่ที่", "Moo"),
    "members_count": ("จำนวนสมาชิก", "Members"),
    "year_founded": ("ปีที่ก่อตั้ง (พ.ศ.)", "Year founded (B.E.)"),
    "gps": ("พิกัด", "GPS"),
    "products": ("ผลิตภัณฑ์", "Products"),
    "price": ("ราคา", "Price"),
    "category": ("ประเภท", "Category"),
    "opc_stars": ("ดาว OPC", "OPC stars"),
    "quadrant": ("กลุ่ม", "Quadrant"),
    "photos": ("ภาพถ่าย", "Photos"),
    "no_photos": ("ยังไม่มีภาพ", "No photos yet"),
    "standards": ("มาตรฐาน", "Standards"),
    "standard_number": ("เลขที่", "Number"),
    "expires_on": ("หมดอายุ", "Expires"),
    "expired": ("หมดอายุแล้ว", "Expired"),
    "expiring_soon": ("ใกล้หมดอายุ", "Expiring soon"),
    "valid": ("ใช้ได้", "Valid"),
    "visits": ("ประวัติการเยี่ยม", "Visit history"),
    "visit_when": ("วันที่", "When"),
    "visit_officer": ("เจ้าหน้าที่", "Officer"),
    "visit_purpose": ("วัตถุประสงค์", "Purpose"),
    "visit_needs": ("ความต้องการ", "Needs"),
    "visit_problems": ("ปัญหาที่พบ", "Problems"),
    "visit_follow_up": ("สิ่งที่ต้องติดตาม", "Follow-up"),
    "visit_next": ("นัดเยี่ยมครั้งต่อไป", "Next visit"),
    "gps_accuracy": ("คลาดเคลื่อน ± {m} ม.", "accuracy ± {m} m"),
    "plan": ("แผนพัฒนาผลิตภัณฑ์", "Development plan"),
    "plan_need": ("ประเด็น", "Need"),
    "plan_action": ("กิจกรรม", "Action"),
    "plan_agency": ("หน่วยงานรับผิดชอบ", "Agency"),
    "plan_budget": ("งบประมาณ (บาท)", "Budget (THB)"),
    "plan_due": ("กำหนดเสร็จ", "Due"),
    "plan_status": ("สถานะ", "Status"),
    "plan_follow_up": ("การติดตามผล", "Follow-up"),
    "plan_add": ("เพิ่มรายการแผน", "Add a plan item"),
    "plan_edit": ("แก้ไข", "Edit"),
    "network": ("เครือข่าย", "Network"),
    "audit": ("ประวัติการแก้ไข", "Audit trail"),
    "audit_at": ("เวลา", "When"),
    "audit_who": ("ผู้ทำรายการ", "Who"),
    "audit_action": ("รายการ", "Action"),
    "none_yet": ("ยังไม่มี", "None yet"),
    "forwarded_to": ("รวมเข้ากับผู้ผลิตรายอื่นแล้ว", "Merged into another producer"),
    "producer_deleted": ("ผู้ผลิตรายนี้ถูกลบแล้ว", "This producer has been deleted"),
    # agencies and plans
    "agencies_intro": (
        "รายชื่อหน่วยงานภาคีของอำเภอ ใช้เลือกหน่วยงานรับผิดชอบในแผนพัฒนา "
        "ชื่อย่อใช้จับคู่กับชื่อที่เคยพิมพ์ไว้ในแผนเดิม",
        "The district's partner agencies, chosen on development-plan items; the short name "
        "also matches names typed on older plan items.",
    ),
    "agency_name_th": ("ชื่อหน่วยงาน", "Agency name"),
    "agency_short_name": ("ชื่อย่อ", "Short name"),
    "agency_kind": ("ประเภทหน่วยงาน", "Kind"),
    "agency_active": ("สถานะ", "Status"),
    "agency_in_use": ("ใช้งาน", "In use"),
    "agency_retired": ("เลิกใช้", "Retired"),
    "agency_add": ("เพิ่มหน่วยงาน", "Add an agency"),
    "agency_choose": ("เลือกหน่วยงาน", "Choose an agency"),
    "agency_typed": ("ตามที่พิมพ์ไว้เดิม: {name}", "As typed before: {name}"),
    "plan_fiscal_year": ("ปีงบประมาณ (พ.ศ.)", "Fiscal year (B.E.)"),
    "fiscal_year_short": ("ปีงบ {year}", "FY {year}"),
    "strength_total": ("คะแนนรวม", "Total"),
    "per_month": ("เดือน", "month"),
    "link_add": ("เพิ่มเครือข่าย", "Add a network link"),
    "plan_funding": ("แหล่งงบประมาณ", "Funding source"),
    # review
    "review_status": ("สถานะการตรวจ", "Review status"),
    "review_comment": ("ความเห็น", "Comment"),
    "review_submit": ("บันทึกผลการตรวจ", "Save review"),
    "review_pending": ("รอตรวจ", "Waiting for review"),
    "review_all": ("ทั้งหมด", "All"),
    "review_history": ("ประวัติการตรวจ", "Review history"),
    "no_visits": ("ไม่มีงานเยี่ยม", "No visits"),
    "status_none": ("ยังไม่ตรวจ", "Not reviewed"),
    # conflicts
    "conflicts_open": ("ข้อมูลขัดแย้งที่รอแก้ไข", "Open conflicts"),
    "no_conflicts": ("ไม่มีข้อมูลขัดแย้ง", "No open conflicts"),
    "conflict_field": ("ช่องข้อมูล", "Field"),
    "conflict_record": ("ระเบียน", "Record"),
    "conflict_winning": ("ค่าที่ใช้อยู่", "Current (winning) value"),
    "conflict_losing": ("ค่าที่ถูกแทนที่", "Overwritten (losing) value"),
    "conflict_device": ("อุปกรณ์", "Device"),
    "conflict_keep_winning": ("ใช้ค่าที่ใช้อยู่", "Keep current value"),
    "conflict_keep_losing": ("ใช้ค่าที่ถูกแทนที่", "Use overwritten value"),
    "conflict_new_value": ("พิมพ์ค่าใหม่", "Type a new value"),
    "conflict_resolve": ("แก้ไขข้อขัดแย้ง", "Resolve"),
    "conflict_resolved": ("แก้ไขข้อขัดแย้งแล้ว", "Conflict resolved"),
    "conflict_new_value_json": (
        "ค่าใหม่ (ข้อความ ตัวเลข หรือ JSON)",
        "New value (text, number or JSON)",
    ),
    # duplicates
    "duplicates_found": ("ผู้ผลิตที่อาจซ้ำกัน", "Likely duplicate producers"),
    "no_duplicates": ("ไม่พบผู้ผลิตที่อาจซ้ำกัน", "No likely duplicates"),
    "evidence": ("หลักฐาน", "Evidence"),
    "keep_this": ("เก็บรายนี้", "Keep this one"),
    "merge": ("รวมเป็นรายเดียว", "Merge"),
    "merged": ("รวมผู้ผลิตแล้ว", "Producers merged"),
    "merge_confirm_title": ("ยืนยันการรวมผู้ผลิต", "Confirm merging producers"),
    "merge_keep_side": ("เก็บไว้", "Kept"),
    "merge_drop_side": ("รวมเข้าไป แล้วนำออกจากทะเบียน", "Merged in, then removed from the register"),
    "merge_moves": ("ข้อมูลที่จะย้ายไปอยู่กับผู้ผลิตที่เก็บไว้", "Records moving to the kept producer"),
    "merge_fills": ("ข้อมูลที่ผู้ผลิตที่เก็บไว้ยังไม่มี และจะคัดลอกมา",
                    "Fields the kept producer lacks, to be copied"),
    "merge_nothing": ("ไม่มี", "None"),
    "merge_can_undo": ("หากรวมผิด เลิกทำได้ภายหลังที่หน้า «ผู้ผลิตซ้ำ»",
                       "If this is wrong, you can undo it later on the Duplicates page"),
    "merge_confirm": ("ยืนยัน รวมเป็นรายเดียว", "Yes, merge"),
    "merge_cancel": ("ยกเลิก", "Cancel"),
    "merged_flash": ("รวม «{drop}» เข้ากับ «{keep}» แล้ว", "Merged “{drop}” into “{keep}”"),
    "undo_merge": ("เลิกทำการรวม", "Undo merge"),
    "undone_flash": ("เลิกทำการรวมแล้ว: ย้ายข้อมูลกลับ {n} รายการ",
                     "Merge undone: {n} records moved back"),
    "undone_left": ("{n} รายการที่ถูกแก้ไขหลังการรวมยังอยู่กับผู้ผลิตที่เก็บไว้",
                    "{n} records changed after the merge stay with the kept producer"),
    "recent_merges": ("การรวมล่าสุด", "Recent merges"),
    "merge_undone_badge": ("เลิกทำแล้ว", "Undone"),
    "ev_same_id": ("เลขประจำตัวเดียวกัน", "Same ID number"),
    "ev_same_phone": ("เบอร์โทรเดียวกัน", "Same phone"),
    "ev_similar_name": (
        "ชื่อคล้ายกันในตำบลเดียวกัน ({score}%)",
        "Similar name, same subdistrict ({score}%)",
    ),
    "ev_near_gps": ("พิกัดห่างกัน {m} เมตร", "GPS points {m} m apart"),
}


def normalise_lang(value: str | None) -> str:
    return value if value in LANGS else DEFAULT_LANG


def translate(
    key: str, lang: str, extra: Strings | None = None, **values: object
) -> str:
    """The text for `key` in `lang`, with `{name}` placeholders filled from `values`."""
    pair = (extra or {}).get(key) or STRINGS.get(key)
    if pair is None:
        return f"[{key}]"
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**values) if values else text
