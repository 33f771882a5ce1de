"""Errors raised by the helpers and the loader, each with a Thai and an English message.

    SchemaError (ValueError)
    ├── InputError          a value typed by a person cannot be read (phone, ID, date)
    ├── UnknownRecordType   a caller asked for a record type that does not exist
    ├── NewerSchemaError    a record made by a newer app than this one
    └── UnknownSchemaVersion  a record version no upgrade leads from
"""

from __future__ import annotations

__all__ = ["InputError", "NewerSchemaError", "SchemaError", "UnknownRecordType",
           "UnknownSchemaVersion"]


class SchemaError(ValueError):
    """Base class: carries a stable code and a message in Thai and in English."""

    def __init__(self, code: str, message_th: str, message_en: str) -> None:
        self.code = code
        self.message_th = message_th
        self.message_en = message_en
        super().__init__(f"{message_en} / {message_th}")


class InputError(SchemaError):
    """A value typed by a person cannot be read; the message says what to type instead."""


class UnknownRecordType(SchemaError):
    def __init__(self, record_type: object) -> None:
        super().__init__(
            "unknown_record_type",
            f"ไม่รู้จักประเภทระเบียน {record_type!r}",
            f"Unknown record type {record_type!r}",
        )
        self.record_type = record_type


class NewerSchemaError(SchemaError):
    """The record was written under a model version this app does not know yet."""

    def __init__(self, record_version: int, known_version: int) -> None:
        super().__init__(
            "schema_version_newer",
            f"ข้อมูลนี้สร้างจากแอปรุ่นใหม่กว่า (แบบข้อมูลรุ่น {record_version} "
            f"แต่แอปนี้รู้จักถึงรุ่น {known_version}) กรุณาอัปเดตแอป",
            f"This record was made by a newer version of the app (record model "
            f"v{record_version}, this app knows up to v{known_version}): please update the app",
        )
        self.record_version = record_version
        self.known_version = known_version


class UnknownSchemaVersion(SchemaError):
    """No upgrade is registered from this version (below 1, or a step is missing)."""

    def __init__(self, record_version: int) -> None:
        super().__init__(
            "schema_version_unknown",
            f"ไม่รู้จักแบบข้อมูลรุ่น {record_version} ของระเบียนนี้",
            f"Unknown record model version {record_version}",
        )
        self.record_version = record_version
