"""The reports pages' words, Thai first: key -> (Thai, English), passed to `render`."""

from __future__ import annotations

__all__ = ["STRINGS"]

STRINGS: dict[str, tuple[str, str]] = {
    "reports_title": ("รายงานสรุปอำเภอ", "District summary"),
    "tab_summary": ("สรุป", "Summary"),
    "tab_map": ("แผนที่", "Map"),
    "tab_network": ("เครือข่าย", "Network"),
    "tab_tokens": ("โทเค็นหน่วยงานภาคี", "Partner tokens"),
    "fiscal_year": ("ปีงบประมาณ {year}", "Fiscal year {year}"),
    "budget_year": ("ปีงบประมาณ (พ.ศ.)", "Fiscal year (B.E.)"),
    "token_scope": (
        "โทเค็นเห็นทะเบียนผู้ผลิตทั้งอำเภอ แต่เห็นแผนพัฒนาเฉพาะรายการของหน่วยงานตนเอง "
        "(ตามรายชื่อหน่วยงานภาคีของอำเภอ)",
        "A token reads the district's register, but only its own agency's development-plan "
        "items (as the district's agency list names it).",
    ),
    "as_of": ("ข้อมูล ณ {date}", "Data as of {date}"),
    "producers_total": ("ผู้ผลิต {n} ราย", "{n} producers"),
    "products_total": ("ผลิตภัณฑ์ {n} รายการ", "{n} products"),
    "filter_subdistrict": ("ตำบล", "Subdistrict"),
    "filter_category": ("ประเภทผลิตภัณฑ์", "Product category"),
    "filter_no_fda": ("เฉพาะที่ยังไม่มีเลข อย.", "Only without an FDA number"),
    "filter_all": ("ทั้งหมด", "All"),
    "filter_apply": ("แสดง", "Show"),
    "print": ("พิมพ์ (A4)", "Print (A4)"),
    "exports": ("ส่งออกข้อมูล", "Exports"),
    "export_xlsx": ("Excel (XLSX) 5 แผ่นงาน", "Excel (XLSX), 5 sheets"),
    "export_csv_zip": ("CSV ทุกประเภท (ZIP)", "All CSVs (ZIP)"),
    "export_csv_one": ("CSV {name}", "CSV {name}"),
    "export_geojson": ("GeoJSON พิกัดผู้ผลิต", "GeoJSON of producers"),
    "export_photos": ("รูปถ่ายทั้งหมด (ZIP)", "All photos (ZIP)"),
    "exports_personal": (
        "ไฟล์ของหัวหน้ามีเลขประจำตัวและโทรศัพท์ เก็บรักษาตาม พ.ร.บ. คุ้มครองข้อมูลส่วนบุคคล",
        "Supervisors' files include ID numbers and phones: keep them as the PDPA requires.",
    ),
    "exports_no_personal": (
        "ไฟล์ไม่มีเลขประจำตัว โทรศัพท์ และบ้านเลขที่ (เฉพาะหัวหน้าเท่านั้นที่ส่งออกได้)",
        "Files leave out ID numbers, phones and house numbers (supervisors only).",
    ),
    "col_item": ("รายการ", "Item"),
    "col_count": ("จำนวน", "Count"),
    "col_total": ("รวม", "Total"),
    "map_title": ("แผนที่ผู้ผลิต", "Producers' map"),
    "map_note": (
        "วาดจากพิกัด GPS โดยไม่ต้องใช้อินเทอร์เน็ต เส้นประคือขอบเขตโดยประมาณของผู้ผลิตแต่ละตำบล "
        "(ไม่ใช่เขตการปกครองจริง)",
        "Drawn offline from GPS points. Dashed outlines enclose each subdistrict's producers "
        "(an approximation, not the official boundary).",
    ),
    "map_partner_note": (
        "พิกัดปัดเศษประมาณ 1 กม. เพื่อคุ้มครองข้อมูลส่วนบุคคล",
        "Points are rounded to about 1 km to protect personal data.",
    ),
    "col_subdistrict": ("ตำบล", "Subdistrict"),
    "col_producers": ("ผู้ผลิต", "Producers"),
    "col_with_gps": ("มีพิกัด", "With GPS"),
    "col_without_gps": ("ไม่มีพิกัด", "Without GPS"),
    "network_title": ("เครือข่ายผู้ผลิต", "Producers' network"),
    "col_from": ("จาก", "From"),
    "col_kind": ("ความเชื่อมโยง", "Link"),
    "col_to": ("ถึง", "To"),
    "col_notes": ("หมายเหตุ", "Notes"),
    "no_links": ("ยังไม่มีข้อมูลเครือข่าย", "No network links yet"),
    "tokens_title": ("โทเค็นสำหรับหน่วยงานภาคี", "Tokens for partner agencies"),
    "tokens_intro": (
        "โทเค็นอ่านข้อมูลได้อย่างเดียวผ่าน /api/v1/partner/ ไม่มีเลขประจำตัว โทรศัพท์ "
        "หรือบ้านเลขที่ ทุกการเรียกใช้ถูกบันทึกไว้",
        "Tokens read through /api/v1/partner/ only, never see ID numbers, phones or house "
        "numbers, and every call is logged.",
    ),
    "agency_name": ("ชื่อหน่วยงาน", "Agency name"),
    "issue_token": ("ออกโทเค็น", "Issue token"),
    "token_once": (
        "คัดลอกโทเค็นนี้เก็บไว้ตอนนี้ ระบบจะไม่แสดงอีก",
        "Copy this token now: it will not be shown again.",
    ),
    "col_agency": ("หน่วยงาน", "Agency"),
    "col_created": ("ออกเมื่อ", "Issued"),
    "col_last_seen": ("ใช้ล่าสุด", "Last used"),
    "revoke": ("ยกเลิก", "Revoke"),
    "token_revoked": ("ยกเลิกโทเค็นแล้ว", "Token revoked"),
    "no_tokens": ("ยังไม่มีโทเค็น", "No tokens yet"),
    "agency_required": ("กรุณาระบุชื่อหน่วยงาน", "Give the agency's name"),
}
