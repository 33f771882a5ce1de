"""What the officer (and the office) is told when the store's file was damaged.

The journal's scan reads past damage (see `journal`); the storage keeps the damaged file
aside and builds a `DamageReport`. The device store keeps every report in its settings until
the sync client has sent it to the server (`POST /api/v1/devices/health`), and the screens
show `message_th` / `message_en`.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from .journal import Scan

__all__ = ["DamageReport", "report_from_scan"]


@dataclass(frozen=True)
class DamageReport:
    """Damage found on opening the store.

    `entries_lost`: saved entries (saves, or documents of the last snapshot) that could not
    be read; when `count_exact` is False the damage ran to the end of the file and this is a
    lower bound. `kept_copy`: the file name (in the store's folder) of the untouched copy of
    the damaged file, None if it could not be written (disk full)."""

    report_id: str
    detected_at: str
    entries_lost: int
    count_exact: bool
    damaged_bytes: int
    regions: int
    file: str
    kept_copy: str | None

    @property
    def message_th(self) -> str:
        if self.entries_lost == 0:
            return ("ส่วนหัวของไฟล์ข้อมูลในเครื่องเสียหาย ซ่อมแล้ว ข้อมูลทุกรายการยังอยู่ครบ "
                    "กรุณาซิงค์ข้อมูลตามปกติ")
        count = f"{self.entries_lost:,}" if self.count_exact else f"อย่างน้อย {self.entries_lost:,}"
        kept = ("เก็บสำเนาไฟล์ที่เสียหายไว้ในเครื่องแล้ว" if self.kept_copy
                else "เก็บสำเนาไฟล์ที่เสียหายไม่ได้ (พื้นที่เครื่องเต็ม)")
        return (f"ข้อมูลในเครื่องเสียหายบางส่วน: อ่านรายการที่บันทึกไว้ไม่ได้ {count} รายการ "
                f"ข้อมูลส่วนอื่นยังอยู่ครบ {kept} "
                "กรุณาซิงค์ข้อมูล แล้วตรวจสอบงานที่บันทึกล่าสุด หากขาดหายให้บันทึกใหม่")

    @property
    def message_en(self) -> str:
        if self.entries_lost == 0:
            return ("The header of the data file on this phone was damaged and has been "
                    "repaired; every saved entry is intact. Sync as usual.")
        count = (f"{self.entries_lost:,}" if self.count_exact
                 else f"at least {self.entries_lost:,}")
        noun = "entry" if self.entries_lost == 1 and self.count_exact else "entries"
        kept = (f"A copy of the damaged file was kept ({self.kept_copy})." if self.kept_copy
                else "No copy of the damaged file could be kept (the phone's storage is full).")
        return (f"Part of the data on this phone was damaged: {count} saved {noun} could not "
                f"be read. Everything else is intact. {kept} Sync now, then check your most "
                "recent work and enter again anything that is missing.")

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "message_th": self.message_th, "message_en": self.message_en}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> DamageReport:
        return cls(**{k: value[k] for k in cls.__dataclass_fields__})


def report_from_scan(found: Scan, data: bytes, file: str, kept_copy: str | None,
                     now: datetime | None = None) -> DamageReport:
    """The report for a damaged scan of `data`. Its id depends only on the damaged bytes and
    where they are, so the same damage seen again (when the file could not be rewritten)
    is recognised as the same report."""
    digest = hashlib.sha256()
    if found.header_damaged:
        digest.update(b"header:" + data[:16])
    for span in found.damage:
        digest.update(b"%d:%d:" % (span.start, span.end) + data[span.start:span.end])
    when = (now or datetime.now(UTC)).astimezone(UTC)
    return DamageReport(
        report_id=digest.hexdigest()[:32],
        detected_at=when.isoformat(timespec="seconds").replace("+00:00", "Z"),
        entries_lost=found.lost_entries,
        count_exact=found.count_exact,
        damaged_bytes=found.damaged_bytes,
        regions=len(found.damage) + (1 if found.header_damaged else 0),
        file=file,
        kept_copy=kept_copy,
    )
