"""The device store's errors: one tree, each message in Thai first, then English.

    StoreError
    ├── StoreLockedError        another process has the store open
    ├── StoreCorruptError       the file cannot be read as a store at all
    ├── InvalidRecordError      unknown record type, bad field name, value not JSON
    ├── RecordNotFoundError     no such record (or it was deleted)
    └── DuplicateRecordError    a record with that id already exists

Screens show `message_th` (or `str(error)`, which carries both languages); the sync client
catches the class.
"""

from __future__ import annotations

__all__ = [
    "DuplicateRecordError",
    "InvalidRecordError",
    "RecordNotFoundError",
    "StoreCorruptError",
    "StoreError",
    "StoreLockedError",
]


class StoreError(Exception):
    """Base of every device-store error."""

    def __init__(self, message_th: str, message_en: str) -> None:
        self.message_th = message_th
        self.message_en = message_en
        super().__init__(f"{message_th} / {message_en}")


class StoreLockedError(StoreError):
    pass


class StoreCorruptError(StoreError):
    pass


class InvalidRecordError(StoreError):
    pass


class RecordNotFoundError(StoreError):
    pass


class DuplicateRecordError(StoreError):
    pass
