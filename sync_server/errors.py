"""One error type for what a person must act on, said in English and Thai.

The admin command lines print it (`terminal_text`); the web routes turn the ones they meet
into problem details (sync_server/problems.py).
"""

from __future__ import annotations

__all__ = ["BilingualError"]


class BilingualError(ValueError):
    """A refused request, with an English and a Thai message."""

    def __init__(self, message_en: str, message_th: str) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_th = message_th

    def terminal_text(self) -> str:
        """How a command line prints it (then exits with status 2)."""
        return f"error: {self.message_en}\nข้อผิดพลาด: {self.message_th}"
