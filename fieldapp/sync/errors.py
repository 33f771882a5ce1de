"""The sync client's error tree; every error carries a message in Thai and English.

    SyncError
    ├── OfflineError        the network failed (timeout, reset, stall, DNS): retried
    ├── ServerBusyError     5xx or 429 from the server: retried, honouring Retry-After
    ├── NotAuthorisedError  401/403: the phone must be enrolled again; not retried
    └── RefusedError        another 4xx with a problem document; not retried
"""

from __future__ import annotations

from typing import Any

__all__ = ["NotAuthorisedError", "OfflineError", "RefusedError", "ServerBusyError", "SyncError"]


class SyncError(Exception):
    retryable = False

    def __init__(self, message_th: str, message_en: str, *, status: int | None = None,
                 code: str | None = None, retry_after_s: float | None = None) -> None:
        super().__init__(f"{message_en} / {message_th}")
        self.message_th = message_th
        self.message_en = message_en
        self.status = status
        self.code = code
        self.retry_after_s = retry_after_s


class OfflineError(SyncError):
    retryable = True


class ServerBusyError(SyncError):
    retryable = True


class NotAuthorisedError(SyncError):
    pass


class RefusedError(SyncError):
    pass


def error_for_response(status: int, body: Any, retry_after: str | None) -> SyncError:
    """The error for an HTTP answer that is not a success (pure; used by every request)."""
    problem = body if isinstance(body, dict) else {}
    th = str(problem.get("detail_th") or problem.get("title_th") or f"เซิร์ฟเวอร์ตอบ {status}")
    en = str(problem.get("detail") or problem.get("title") or f"server answered {status}")
    code = problem.get("code") if isinstance(problem.get("code"), str) else None
    wait = None
    if retry_after is not None:
        try:
            wait = max(0.0, float(retry_after))
        except ValueError:
            wait = None
    if status in (401, 403):
        return NotAuthorisedError(th, en, status=status, code=code)
    if status >= 500 or status in (408, 423, 429):
        return ServerBusyError(th, en, status=status, code=code, retry_after_s=wait)
    return RefusedError(th, en, status=status, code=code)


def offline(exc: BaseException) -> OfflineError:
    return OfflineError("ติดต่อเซิร์ฟเวอร์ไม่ได้ ข้อมูลยังอยู่ในเครื่อง จะลองใหม่อัตโนมัติ",
                        f"Cannot reach the server ({type(exc).__name__}); your data is safe on "
                        "the phone and the sync will try again.")
