"""Whether the phone may be wiped, said plainly: every record acknowledged, every photo
arrived (N of N), the last successful sync — or exactly what is still missing.

Pure: the facts are gathered by `fieldapp.services.wipe_facts`. An empty phone is never
called "all sent": it says there is nothing on it yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["WipeFacts", "WipeStatus", "wipe_status"]


@dataclass(frozen=True)
class WipeFacts:
    enrolled: bool
    records: int  # records on the phone (made here or pulled); 0 means none at all
    unsent_changes: int  # outbox entries, draft visits included
    draft_visits: int  # kept on the phone until finalized
    photos_total: int  # photo files this phone took
    photos_arrived: int  # of those, confirmed whole on the server
    last_ok_sync: datetime | None


@dataclass(frozen=True)
class WipeStatus:
    safe: bool
    empty: bool  # nothing on this phone at all
    # (Thai, English) sentences: the headline first, then each fact or what is missing
    lines: tuple[tuple[str, str], ...]


def wipe_status(f: WipeFacts, when: str | None) -> WipeStatus:
    """`when` is the last successful sync, already written for people (None: never)."""
    last = (
        (f"ส่งสำเร็จล่าสุด {when}", f"Last successful sync {when}")
        if when
        else ("ยังไม่เคยส่งข้อมูลสำเร็จ", "Never synced successfully")
    )
    empty = f.records == 0 and f.unsent_changes == 0 and f.photos_total == 0
    if empty:
        head = ("ยังไม่มีข้อมูลที่บันทึกในเครื่องนี้", "Nothing has been recorded on this phone yet")
        return WipeStatus(safe=f.enrolled, empty=True, lines=(head, last))
    missing: list[tuple[str, str]] = []
    if not f.enrolled:
        missing.append(
            ("เครื่องนี้ยังไม่ได้ลงทะเบียนกับเซิร์ฟเวอร์ ข้อมูลทั้งหมดอยู่ในเครื่องนี้เท่านั้น",
             "This phone is not enrolled: everything is only on this phone")
        )
    if f.draft_visits:
        missing.append(
            (f"การเยี่ยมฉบับร่าง {f.draft_visits} รายการ ยังไม่ได้ปิด จึงยังไม่ส่ง",
             f"{f.draft_visits} draft visits not finalized, so not sent")
        )
    others = f.unsent_changes
    if others:
        missing.append(
            (f"การแก้ไข {others} รายการ เซิร์ฟเวอร์ยังไม่ยืนยัน",
             f"{others} changes not yet confirmed by the server")
        )
    if f.photos_arrived < f.photos_total:
        missing.append(
            (f"รูปถึงเซิร์ฟเวอร์แล้ว {f.photos_arrived} จาก {f.photos_total} รูป",
             f"Photos on the server: {f.photos_arrived} of {f.photos_total}")
        )
    if f.last_ok_sync is None and not missing:
        missing.append(("ยังไม่เคยส่งข้อมูลสำเร็จ", "Never synced successfully"))
    if missing:
        head = ("ยังไม่ควรล้างเครื่อง ยังขาด:", "Not safe to wipe yet; still missing:")
        return WipeStatus(safe=False, empty=False, lines=(head, *missing, last))
    return WipeStatus(
        safe=True,
        empty=False,
        lines=(
            ("ล้างเครื่องได้อย่างปลอดภัย", "Safe to wipe"),
            ("เซิร์ฟเวอร์ยืนยันข้อมูลครบทุกรายการ", "Every record acknowledged by the server"),
            (f"รูปถึงเซิร์ฟเวอร์ครบ {f.photos_arrived} จาก {f.photos_total} รูป",
             f"Every photo arrived: {f.photos_arrived} of {f.photos_total}"),
            last,
        ),
    )
