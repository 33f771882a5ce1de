"""The app's own UI strings in Thai and English, and the one lookup `t(key)`.

Labels of record fields and choices come from the schemas (their `x-labels`), not from here.
Thai is the default; English is a switch in settings. A missing key is a bug: `t` raises so a
test finds it, instead of showing a raw key to an officer.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LANGUAGES", "STRINGS", "Translator"]

LANGUAGES = ("th", "en")

# key -> (Thai, English)
STRINGS: dict[str, tuple[str, str]] = {
    "app.title": ("ทะเบียนผู้ผลิต OTOP ภาคสนาม", "Tambon Field"),
    "nav.home": ("หน้าหลัก", "Home"),
    "nav.producers": ("ผู้ผลิต", "Producers"),
    "nav.sync": ("ส่งข้อมูล", "Sync"),
    "nav.settings": ("ตั้งค่า", "Settings"),
    "nav.back": ("กลับ", "Back"),
    # enrol
    "enrol.title": ("ลงทะเบียนเครื่อง", "Enrol this phone"),
    "enrol.intro": (
        "ใส่รหัสที่หัวหน้าให้ หรือวางข้อความจาก QR code",
        "Type the code your supervisor gave you, or paste the QR code's text",
    ),
    "enrol.code": ("รหัสลงทะเบียน", "Enrolment code"),
    "enrol.server": ("ที่อยู่เซิร์ฟเวอร์", "Server address"),
    "enrol.device_name": ("ชื่อเครื่อง", "Device name"),
    "enrol.submit": ("ลงทะเบียน", "Enrol"),
    "enrol.working": ("กำลังลงทะเบียน…", "Enrolling…"),
    "enrol.done": ("ลงทะเบียนแล้ว", "Enrolled"),
    "enrol.other_language": ("English", "ภาษาไทย"),
    "enrol.skip": ("ใช้งานแบบออฟไลน์ก่อน", "Work offline for now"),
    "enrol.err.code_missing": ("กรุณาใส่รหัสลงทะเบียน", "Please enter the enrolment code"),
    "enrol.err.server_missing": ("กรุณาใส่ที่อยู่เซิร์ฟเวอร์", "Please enter the server address"),
    "enrol.err.server_bad": (
        "ที่อยู่เซิร์ฟเวอร์ต้องขึ้นต้นด้วย http:// หรือ https://",
        "The server address must start with http:// or https://",
    ),
    "enrol.err.qr_bad": (
        "ข้อความจาก QR code ไม่ถูกต้อง ต้องเป็น tambon://enrol?server=…&code=…",
        "The QR text is not valid; it must be tambon://enrol?server=…&code=…",
    ),
    # home
    "home.title": ("หน้าหลัก", "Home"),
    "home.today": ("การเยี่ยมวันนี้", "Today's visits"),
    "home.recent": ("การเยี่ยมล่าสุด", "Recent visits"),
    "home.none": ("ยังไม่มีการเยี่ยม", "No visits yet"),
    "home.waiting": ("รอส่ง {n} รายการ", "{n} changes wait to be sent"),
    "home.all_sent": ("ส่งครบแล้ว", "Everything is sent"),
    "home.not_enrolled": (
        "ยังไม่ได้ลงทะเบียนเครื่อง ข้อมูลจะเก็บในเครื่องจนกว่าจะลงทะเบียน",
        "This phone is not enrolled yet; data stays on the phone until it is",
    ),
    "home.enrol_now": ("ลงทะเบียนเครื่อง", "Enrol this phone"),
    "home.producers_count": ("ผู้ผลิต {n} ราย", "{n} producers"),
    "visit.draft": ("ร่าง", "Draft"),
    "visit.final": ("ปิดการเยี่ยมแล้ว รอส่ง", "Finalized; waiting to be sent"),
    "visit.final_sent": ("ปิดการเยี่ยมแล้ว ส่งแล้ว", "Finalized and sent"),
    "visit.reviewed": ("สำนักงานตรวจแล้ว: {status}", "Reviewed by the office: {status}"),
    "visit.discard": ("ยกเลิกการเยี่ยมนี้", "Discard this visit"),
    "visit.discard_title": ("ยกเลิกการเยี่ยมฉบับร่างนี้?", "Discard this draft visit?"),
    "visit.discard_body": (
        "ข้อมูลและรูปที่ถ่ายในการเยี่ยมนี้จะถูกลบ ผู้ผลิตและผลิตภัณฑ์ยังอยู่",
        "What was typed and the photos taken on this visit are deleted; the producer and "
        "products stay",
    ),
    "visit.discard_yes": ("ยกเลิกการเยี่ยม", "Discard visit"),
    "visit.discard_no": ("ไม่ยกเลิก", "Keep it"),
    "visit.discarded": ("ยกเลิกการเยี่ยมแล้ว", "Visit discarded"),
    "visit.status_line": ("สถานะ: {status}", "Status: {status}"),
    "visit.review": ("ความเห็นของสำนักงาน", "The office's review"),
    "home.attention": (
        "การเยี่ยม {n} รายการต้องแก้ไขตามความเห็นสำนักงาน",
        "{n} visits need attention (office review)",
    ),
    "home.nothing_yet": ("ยังไม่มีข้อมูล", "Nothing recorded yet"),
    "home.photos_wait": ("รูปยังไม่ถึงเซิร์ฟเวอร์", "Photos not yet on the server"),
    "home.conflicts": ("ข้อมูลขัดกัน {n} รายการ", "{n} conflicts"),
    "form.pending_title": (
        "ร่าง: ข้อมูลที่พิมพ์ไว้แต่ยังไม่ถูกต้อง (ยังไม่ส่ง)",
        "Draft: typed but not valid yet (not sent)",
    ),
    "form.problems_title": ("ยังมีข้อมูลที่ไม่ถูกต้อง", "Some values are not valid"),
    "form.fix": ("กลับไปแก้", "Fix them"),
    "form.keep_draft": ("เก็บเป็นร่างไว้ก่อน", "Keep as a draft"),
    "settings.damage_sent": (
        "{when} (สำนักงานได้รับรายงานแล้ว): {text}", "{when} (the office has this report): {text}"
    ),
    "wipe.title": ("ล้างเครื่องได้หรือยัง", "Safe to wipe?"),
    "money.baht": ("{amount} บาท", "{amount} baht"),
    "photos.on_server": ("รูปอยู่บนเซิร์ฟเวอร์", "On the server"),
    "photos.not_here": (
        "รูปนี้ถ่ายจากเครื่องอื่น ลบหรือถ่ายใหม่ได้จากเครื่องนั้นเท่านั้น",
        "Taken on another phone: only that phone can delete or retake it",
    ),
    # sync badge / states
    "sync.state.sent": ("ส่งแล้ว", "Sent"),
    "sync.state.waiting": ("รอส่ง", "Waiting"),
    "sync.state.draft": ("ร่าง", "Draft"),
    "sync.state.conflict": ("ข้อมูลขัดกัน", "Conflict"),
    # producer list
    "producers.title": ("รายชื่อผู้ผลิต", "Producers"),
    "producers.search": ("ค้นหาชื่อผู้ผลิต", "Search producer name"),
    "producers.filter_subdistrict": ("ตำบล", "Subdistrict"),
    "producers.filter_category": ("ประเภทสินค้า", "Product category"),
    "producers.filter_state": ("สถานะการส่ง", "Sync state"),
    "producers.all": ("ทั้งหมด", "All"),
    "producers.count": ("พบ {n} ราย", "{n} found"),
    "producers.add": ("เพิ่มผู้ผลิต", "Add producer"),
    "producers.empty": ("ไม่พบผู้ผลิต", "No producers found"),
    # producer page
    "producer.title": ("ข้อมูลผู้ผลิต", "Producer"),
    "producer.profile": ("ข้อมูลทั่วไป", "Profile"),
    "producer.products": ("ผลิตภัณฑ์", "Products"),
    "producer.visits": ("ประวัติการเยี่ยม", "Visit history"),
    "producer.plan": ("แผนพัฒนา", "Development plan"),
    "producer.links": ("เครือข่าย", "Network links"),
    "producer.reviews": ("ความเห็นจากสำนักงาน", "Office review comments"),
    "producer.none": ("ยังไม่มี", "None yet"),
    "producer.new_visit": ("เริ่มการเยี่ยม", "Start a visit"),
    "producer.edit": ("แก้ไขข้อมูลผู้ผลิต", "Edit producer"),
    "producer.add_product": ("เพิ่มผลิตภัณฑ์", "Add product"),
    "producer.add_plan": ("เพิ่มรายการแผนพัฒนา", "Add plan item"),
    "producer.add_link": ("เพิ่มเครือข่าย", "Add link"),
    "producer.link_out": ("ผู้ผลิตนี้เป็นต้นทาง", "this producer is the source"),
    "producer.link_in": ("ผู้ผลิตนี้เป็นปลายทาง", "this producer is the destination"),
    "producer.photos": ("ถ่ายรูปสินค้า", "Product photos"),
    "producer.new_title": ("ผู้ผลิตรายใหม่", "New producer"),
    "producer.duplicate_warning": (
        "อาจซ้ำกับผู้ผลิตที่มีอยู่แล้ว: {names}",
        "This may duplicate an existing producer: {names}",
    ),
    "producer.draft_missing": ("ร่าง ยังไม่ครบ: {fields}", "Draft, still missing: {fields}"),
    "producer.conflict": (
        "ข้อมูลขัดกัน: {field} · รอสำนักงานตัดสิน (ดูที่หน้าส่งข้อมูล)",
        "Conflict: {field} · waiting for the office (see Sync)",
    ),
    "producer.dup.phone": ("เบอร์โทรศัพท์เดียวกัน", "same phone number"),
    "producer.dup.id_number": ("เลขประจำตัวเดียวกัน", "same ID number"),
    "producer.dup.name": ("ชื่อคล้ายกันในพื้นที่เดียวกัน", "similar name nearby"),
    # form
    "form.save": ("บันทึก", "Save"),
    "form.saved": ("บันทึกร่างแล้ว", "Draft saved"),
    "form.next": ("ถัดไป", "Next"),
    "form.prev": ("ก่อนหน้า", "Previous"),
    "form.step": ("ขั้นที่ {i} จาก {n}", "Step {i} of {n}"),
    "form.required": ("จำเป็น", "required"),
    "form.choose": ("เลือก", "Choose"),
    "form.search": ("ค้นหา", "Search"),
    "form.none_chosen": ("ยังไม่ได้เลือก", "Not chosen"),
    "form.province": ("จังหวัด", "Province"),
    "form.district": ("อำเภอ", "District"),
    "form.subdistrict": ("ตำบล", "Subdistrict"),
    "form.house_no": ("บ้านเลขที่", "House no."),
    "form.moo": ("หมู่ที่", "Village no. (moo)"),
    "form.village": ("ชื่อหมู่บ้าน", "Village name"),
    "form.postal_code": ("รหัสไปรษณีย์", "Postal code"),
    "form.yes": ("ใช่", "Yes"),
    "form.no": ("ไม่ใช่", "No"),
    "form.add_item": ("เพิ่มรายการ", "Add item"),
    "form.remove_item": ("ลบรายการ", "Remove item"),
    "form.list_new": ("เพิ่ม: {field}", "Add: {field}"),
    "form.list_add": ("เพิ่ม", "Add"),
    "form.list_remove": ("ลบ {item}", "Remove {item}"),
    "form.pick_producer": ("เลือกผู้ผลิต", "Choose a producer"),
    "form.producer_search": ("ค้นหาชื่อ เบอร์โทร", "Search name, phone"),
    "form.picker_empty": ("ไม่พบผู้ผลิตในเครื่องนี้", "No producer on this phone matches"),
    "form.err.list_empty": ("พิมพ์ชื่อก่อนกดเพิ่ม", "Type a name before adding it"),
    "form.err.list_long": ("ยาวเกิน 200 ตัวอักษร", "Longer than 200 characters"),
    "form.err.list_text": (
        "มีอักขระที่มองไม่เห็นซึ่งเก็บไม่ได้ กรุณาลบแล้วพิมพ์ใหม่",
        "Contains an invisible character that cannot be stored: delete it and type again",
    ),
    "form.err.list_duplicate": ("มีในรายการแล้ว", "Already in the list"),
    "form.err.list_full": ("รายการเต็มแล้ว", "The list is full"),
    "warn.title": ("ควรตรวจ (บันทึกและส่งได้ตามปกติ)", "Worth checking (saving and sending go on)"),
    "warn.visit": (
        "ข้อควรตรวจ (ไม่ขัดการปิดการเยี่ยม)",
        "Worth checking (does not stop finalizing)",
    ),
    "form.err.number": ("ต้องเป็นตัวเลข", "Must be a number"),
    "form.err.integer": ("ต้องเป็นจำนวนเต็ม", "Must be a whole number"),
    "form.err.date": (
        "วันที่ต้องเป็นรูปแบบ วว/ดด/ปปปป (พ.ศ.)",
        "Dates are DD/MM/YYYY in the Buddhist Era",
    ),
    # visit
    "visit.title": ("การเยี่ยมผู้ผลิต", "Producer visit"),
    "visit.finalize": ("ตรวจและปิดการเยี่ยม", "Check and finalize"),
    "visit.missing": ("ยังขาดข้อมูลต่อไปนี้", "Still missing"),
    "visit.nothing_missing": ("ข้อมูลครบแล้ว", "Nothing is missing"),
    "visit.confirm_final": ("ยืนยันปิดการเยี่ยม", "Finalize visit"),
    "visit.finalized": ("ปิดการเยี่ยมแล้ว รอส่ง", "Visit finalized; waiting to be sent"),
    "visit.go_fix": ("ไปกรอก", "Fill in"),
    "visit.products_seen": ("ผลิตภัณฑ์ที่เห็นในการเยี่ยม", "Products seen on this visit"),
    # gps
    "gps.capture": ("บันทึกพิกัด GPS", "Capture GPS"),
    "gps.lat": ("ละติจูด", "Latitude"),
    "gps.lon": ("ลองจิจูด", "Longitude"),
    "gps.accuracy": ("ความแม่นยำ ±{m} ม.", "Accuracy ±{m} m"),
    "gps.none": ("ยังไม่มีพิกัด", "No position yet"),
    "gps.working": ("กำลังหาตำแหน่ง…", "Finding position…"),
    "gps.failed": (
        "หาตำแหน่งไม่ได้ ใส่ละติจูด/ลองจิจูดเองได้",
        "Could not get a position; you can type latitude/longitude",
    ),
    "gps.manual_save": ("ใช้พิกัดที่พิมพ์", "Use typed position"),
    "gps.err.range": (
        "พิกัดไม่ถูกต้อง (ละติจูด −90 ถึง 90, ลองจิจูด −180 ถึง 180)",
        "Invalid position (latitude −90 to 90, longitude −180 to 180)",
    ),
    # photos
    "photos.title": ("รูปถ่ายผลิตภัณฑ์", "Product photos"),
    "photos.rule": (
        "ถ่ายเฉพาะสินค้า ฉลาก บรรจุภัณฑ์ และสถานที่ผลิต ห้ามถ่ายบัตรประชาชนหรือตัวบุคคล",
        "Photograph products, labels, packaging and the production site only: "
        "never ID cards or people",
    ),
    "photos.take": ("ถ่าย/เลือกรูป", "Take or choose photo"),
    "photos.retake": ("ถ่ายใหม่", "Retake"),
    "photos.delete": ("ลบรูป", "Delete photo"),
    "photos.none": ("ยังไม่มีรูป", "No photo yet"),
    "photos.count": ("ถ่ายแล้ว {n} รูป", "{n} taken"),
    "photos.saved": ("บันทึกรูปแล้ว", "Photo saved"),
    "photos.preview": ("ดูรูป", "Preview"),
    "photos.close": ("ปิด", "Close"),
    # sync
    "sync.title": ("ส่งและรับข้อมูล", "Sync"),
    "sync.to_send": ("จะส่ง", "To send"),
    "sync.records": ("ข้อมูล {n} รายการ", "{n} record changes"),
    "sync.photos": ("รูป {n} รูป ({mb} MB)", "{n} photos ({mb} MB)"),
    "sync.drafts_wait": (
        "การเยี่ยมฉบับร่าง {n} รายการ จะส่งเมื่อปิดการเยี่ยมแล้ว",
        "{n} draft visits are sent once finalized",
    ),
    "sync.total": ("รวมประมาณ {mb} MB", "About {mb} MB in all"),
    "sync.start": ("ส่งข้อมูลตอนนี้", "Sync now"),
    "sync.retry": ("ลองใหม่", "Retry"),
    "sync.running": ("กำลังส่ง…", "Syncing…"),
    "sync.done": ("ส่งข้อมูลเสร็จแล้ว", "Sync finished"),
    "sync.offline": (
        "ติดต่อเซิร์ฟเวอร์ไม่ได้ ข้อมูลยังอยู่ในเครื่อง จะส่งเมื่อมีสัญญาณ",
        "Cannot reach the server; your data is safe on the phone and will be sent later",
    ),
    "sync.waits": (
        'ข้อมูลทั้งหมดยังอยู่ในเครื่อง กด "ลองใหม่" เมื่อมีสัญญาณ',
        "Everything is still on the phone; press Retry when you have signal",
    ),
    "sync.not_enrolled": (
        "ต้องลงทะเบียนเครื่องก่อนจึงจะส่งข้อมูลได้",
        "Enrol this phone before syncing",
    ),
    "sync.wifi_only": (
        "ตั้งค่าให้ส่งรูปเฉพาะเมื่อใช้ Wi-Fi รูปจะรอจนกว่าจะต่อ Wi-Fi",
        "Photos are set to go on Wi-Fi only; they wait for Wi-Fi",
    ),
    "sync.stage.push": ("ส่งข้อมูล", "Sending records"),
    "sync.stage.pull": ("รับข้อมูล", "Receiving records"),
    "sync.stage.thumbs": ("ส่งรูปย่อ", "Sending thumbnails"),
    "sync.stage.photos": ("ส่งรูปเต็ม", "Sending full photos"),
    "sync.eta": ("เหลือประมาณ {min} นาที", "About {min} min left"),
    "sync.conflicts": ("ข้อมูลที่ขัดกัน", "Conflicts"),
    "sync.no_conflicts": ("ไม่มีข้อมูลที่ขัดกัน", "No conflicts"),
    "sync.mine": ("ของเครื่องนี้", "This phone"),
    "sync.theirs": ("ของอีกเครื่อง", "The other phone"),
    "sync.conflict_waiting": ("รอสำนักงานตัดสิน", "Waiting for the office"),
    "sync.conflict_resolved": (
        "สำนักงานตัดสินแล้ว ใช้ค่า: {value}", "Resolved by the office; kept: {value}"
    ),
    "sync.conflict_by": ("โดย {who} {when}", "by {who} {when}"),
    "sync.last": ("ส่งครั้งล่าสุด {when}", "Last sync {when}"),
    "sync.never": ("ยังไม่เคยส่ง", "Never synced"),
    # settings
    "settings.title": ("ตั้งค่า", "Settings"),
    "settings.server": ("ที่อยู่เซิร์ฟเวอร์", "Server address"),
    "settings.photo_size": ("ขนาดรูป (ด้านยาว พิกเซล)", "Photo size (long edge, pixels)"),
    "settings.wifi_only": ("ส่งรูปเฉพาะเมื่อใช้ Wi-Fi", "Send photos on Wi-Fi only"),
    "settings.language": ("ภาษา", "Language"),
    "settings.lang_th": ("ไทย", "Thai"),
    "settings.lang_en": ("English", "English"),
    "settings.saved": ("บันทึกการตั้งค่าแล้ว", "Settings saved"),
    "settings.device": ("เครื่องนี้: {id}", "This device: {id}"),
    "settings.enrolled_as": ("ลงทะเบียนกับ {server}", "Enrolled with {server}"),
    # generic errors
    "error.generic": ("เกิดข้อผิดพลาด: {msg}", "Something went wrong: {msg}"),
}


@dataclass
class Translator:
    """Holds the chosen language; `t(key, **values)` formats the string in it."""

    lang: str = "th"

    def t(self, key: str, **values: object) -> str:
        th, en = STRINGS[key]
        text = en if self.lang == "en" else th
        return text.format(**values) if values else text

    def pick(self, th: str | None, en: str | None) -> str:
        """Choose between a Thai and an English label (schemas give both); fall back to Thai."""
        if self.lang == "en" and en:
            return en
        return th or en or ""
