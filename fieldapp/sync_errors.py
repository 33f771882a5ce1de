"""Turn any failure the app meets into one plain sentence for an officer, Thai or English.

The parts raise their own errors (`PhotoError`, the sync client's, httpx's); most carry
`message_th`/`message_en`. Network failures get a sentence that says the data is safe.
"""

from __future__ import annotations

__all__ = ["describe_error"]

_OFFLINE = (
    "ติดต่อเซิร์ฟเวอร์ไม่ได้ ข้อมูลยังอยู่ในเครื่อง ลองใหม่เมื่อมีสัญญาณ",
    "Cannot reach the server; your data is safe on the phone. Try again when online.",
)


def describe_error(exc: BaseException, lang: str) -> str:
    th = getattr(exc, "message_th", None) or getattr(exc, "error_th", None)
    en = getattr(exc, "message_en", None) or getattr(exc, "error_en", None)
    if th or en:
        return str(en or th) if lang == "en" else str(th or en)
    if _is_network_error(exc):
        return _OFFLINE[1] if lang == "en" else _OFFLINE[0]
    if lang == "en":
        return f"Something went wrong: {exc}"
    return f"เกิดข้อผิดพลาด: {exc}"


def _is_network_error(exc: BaseException) -> bool:
    try:
        import httpx
    except ImportError:  # pragma: no cover - httpx is a dependency
        return isinstance(exc, OSError)
    return isinstance(exc, httpx.TransportError | OSError | TimeoutError)
