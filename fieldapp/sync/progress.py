"""What the sync screens show: stage, items, bytes and time left (pure)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

__all__ = ["ProgressMeter", "Stage", "SyncProgress", "photos_wait_note"]

Stage = Literal["records", "thumbnails", "photos", "pull", "done"]

STAGE_LABELS: dict[str, tuple[str, str]] = {
    "records": ("กำลังส่งข้อมูล", "Sending records"),
    "thumbnails": ("กำลังส่งภาพย่อ", "Sending thumbnails"),
    "photos": ("กำลังส่งรูปถ่าย", "Sending photos"),
    "pull": ("กำลังรับข้อมูลจากสำนักงาน", "Receiving from the office"),
    "done": ("ส่งข้อมูลเสร็จแล้ว", "Sync finished"),
}
# When the full photos are held back (the phone is on mobile data and the officer chose
# "photos only on Wi-Fi"): what the photos stage and the finished sync say.
PHOTOS_WAIT_TH = "รูปถ่ายเต็ม {n} รูปรอส่งเมื่อต่อ Wi-Fi (ส่งข้อมูลและภาพย่อแล้ว)"
PHOTOS_WAIT_EN = "{n} full photos wait for Wi-Fi (records and thumbnails were sent)"


def photos_wait_note(waiting: int) -> tuple[str, str] | None:
    """The Thai and English sentence for photos waiting for Wi-Fi; None when none wait."""
    if waiting <= 0:
        return None
    return PHOTOS_WAIT_TH.format(n=waiting), PHOTOS_WAIT_EN.format(n=waiting)


@dataclass(frozen=True, slots=True)
class SyncProgress:
    stage: Stage
    done_items: int = 0
    total_items: int = 0
    bytes_done: int = 0
    bytes_total: int = 0
    eta_s: float | None = None  # None until there is a rate to estimate from
    error_th: str | None = None  # the last error met (the sync goes on retrying)
    error_en: str | None = None
    # full photos held back for Wi-Fi in this sync (kept from the photos stage on)
    photos_waiting_wifi: int = 0

    @property
    def label_th(self) -> str:
        note = self.wifi_note
        if note is not None and self.stage == "photos":
            return note[0]
        return STAGE_LABELS[self.stage][0]

    @property
    def label_en(self) -> str:
        note = self.wifi_note
        if note is not None and self.stage == "photos":
            return note[1]
        return STAGE_LABELS[self.stage][1]

    @property
    def wifi_note(self) -> tuple[str, str] | None:
        """(Thai, English) saying full photos wait for Wi-Fi, or None."""
        return photos_wait_note(self.photos_waiting_wifi)

    @property
    def fraction(self) -> float:
        if self.bytes_total:
            return min(1.0, self.bytes_done / self.bytes_total)
        if self.total_items:
            return min(1.0, self.done_items / self.total_items)
        return 1.0 if self.stage == "done" else 0.0


class ProgressMeter:
    """Keeps the current `SyncProgress` and estimates time left from the byte rate so far.

    The rate is a moving average (so a stall shows up in the estimate) over the bytes of
    this sync; `now` is a monotonic clock in seconds, passed in for tests.
    """

    def __init__(self, report: Callable[[SyncProgress], None] | None,
                 now: Callable[[], float]) -> None:
        self._report = report
        self._now = now
        self._rate: float | None = None  # bytes per second
        self._last_t: float | None = None
        self._last_bytes = 0
        self.current = SyncProgress("records")

    def stage(self, stage: Stage, total_items: int, bytes_total: int = 0) -> None:
        self._last_t, self._last_bytes = self._now(), 0
        self.current = SyncProgress(stage, 0, total_items, 0, bytes_total,
                                    None if bytes_total else 0.0, self.current.error_th,
                                    self.current.error_en, self.current.photos_waiting_wifi)
        self._emit()

    def photos_held(self, waiting: int) -> None:
        """Full photos are not sent this time: they wait for Wi-Fi."""
        self.current = replace(self.current, photos_waiting_wifi=waiting)
        self._emit()

    def advance(self, items: int = 0, nbytes: int = 0) -> None:
        c = self.current
        now = self._now()
        if nbytes and self._last_t is not None:
            elapsed = now - self._last_t
            if elapsed > 0:
                sample = nbytes / elapsed
                self._rate = sample if self._rate is None else 0.7 * self._rate + 0.3 * sample
        self._last_t = now
        done_bytes = c.bytes_done + nbytes
        eta = None
        if c.bytes_total and self._rate:
            eta = max(0.0, (c.bytes_total - done_bytes) / self._rate)
        elif not c.bytes_total:
            eta = 0.0
        self.current = replace(c, done_items=c.done_items + items, bytes_done=done_bytes,
                               eta_s=eta)
        self._emit()

    def error(self, message_th: str, message_en: str) -> None:
        self.current = replace(self.current, error_th=message_th, error_en=message_en)
        self._emit()

    def clear_error(self) -> None:
        if self.current.error_th is not None:
            self.current = replace(self.current, error_th=None, error_en=None)

    def _emit(self) -> None:
        if self._report is not None:
            self._report(self.current)
