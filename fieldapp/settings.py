"""The app's own settings and enrolment, kept in one small JSON file in the data folder.

Why not the device store: the device id must exist before the store is opened (the store's
clock is keyed by it), and settings must survive a store wipe. Writes are atomic and durable
(temp file, fsync, rename, fsync of the folder) so a killed app or a power cut never leaves
half a file.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from fieldapp.store.files import atomic_write

__all__ = ["PHOTO_SIZES", "AppSettings", "SettingsError", "load_settings", "save_settings"]

PHOTO_SIZES = (1024, 1280, 1600, 2048)
FILE_NAME = "settings.json"


class SettingsError(ValueError):
    def __init__(self, message_th: str, message_en: str) -> None:
        super().__init__(f"{message_th} / {message_en}")
        self.message_th = message_th
        self.message_en = message_en


@dataclass
class AppSettings:
    device_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    server: str = ""
    language: str = "th"
    photo_long_edge: int = 1600
    photos_wifi_only: bool = False
    # The officer chose to work before enrolling; the enrol screen stays reachable from home.
    enrol_skipped: bool = False
    # The device store's folder under the data folder; enrolment moves it to the server's id.
    store_folder: str = "store"
    # Filled by enrolment.
    token: str = ""
    device_name: str = ""
    officer_name: str = ""
    officer_id: str = ""
    district_code: str = ""

    @property
    def enrolled(self) -> bool:
        return bool(self.token and self.server)

    def validate(self) -> None:
        if self.language not in ("th", "en"):
            raise SettingsError("ภาษาต้องเป็นไทยหรืออังกฤษ", "Language must be Thai or English")
        if self.photo_long_edge not in PHOTO_SIZES:
            raise SettingsError(
                f"ขนาดรูปต้องเป็นหนึ่งใน {PHOTO_SIZES}", f"Photo size must be one of {PHOTO_SIZES}"
            )
        if not self.store_folder.replace("-", "").replace("_", "").isalnum():
            raise SettingsError(
                "ชื่อโฟลเดอร์ข้อมูลไม่ถูกต้อง", f"Invalid store folder name {self.store_folder!r}"
            )
        if self.server and not self.server.startswith(("http://", "https://")):
            raise SettingsError(
                "ที่อยู่เซิร์ฟเวอร์ต้องขึ้นต้นด้วย http:// หรือ https://",
                "The server address must start with http:// or https://",
            )


def load_settings(folder: Path, default_server: str = "") -> AppSettings:
    """Read the settings, or make fresh ones (a new device id) on the first start."""
    path = folder / FILE_NAME
    if not path.exists():
        settings = AppSettings(server=default_server)
        save_settings(folder, settings)
        return settings
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    known = {f.name for f in fields(AppSettings)}
    settings = AppSettings(**{k: v for k, v in raw.items() if k in known})
    if not settings.server and default_server:
        settings.server = default_server
    return settings


def save_settings(folder: Path, settings: AppSettings) -> None:
    settings.validate()
    folder.mkdir(parents=True, exist_ok=True)
    data = json.dumps(asdict(settings), ensure_ascii=False, indent=1).encode("utf-8")
    # Temp file, fsync, rename, fsync of the folder: this file is the commit point of
    # enrolment's store move, and the old store is deleted right after it returns. A rename
    # not yet on disk at a power cut would bring back settings naming the deleted store
    # (or an empty file that no longer parses).
    atomic_write(folder / FILE_NAME, data)
