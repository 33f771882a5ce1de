"""What the sync screens show: stage, items, bytes and time left (pure)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

__all__ = ["ProgressMeter", "Stage", "SyncProgress"]

Stage = Literal["records", "thumbnails", "photos", "pull", "done"]

STAGE_LABELS: dict[str, tuple[str, str]] = {
    "records": ("กำลังส่งข้อมูล", "Sending records"),
    "thumbnails": ("กำลังส่งภาพย่อ", "Sending thumbnails"),
    "photos": ("กำลังส่งรูปถ่าย", "Sending photos"),
    "pull": ("กำลังรับข้อมูลจากสำนักงาน", "Receiving from the office"),
    "done": ("ส่งข้อมูลเสร็จแล้ว", "Sync finished"),
}


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

    @property
    def label_th(self) -> str:
        return STAGE_LABELS[self.stage][0]

    @property
    def label_en(self) -> str:
        return STAGE_LABELS[self.stage][1]

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
                                    self.current.error_en)
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
