"""Every UI string exists in Thai and English, every key the code asks for exists, and the
settings file survives restarts and refuses bad values."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from fieldapp.i18n import STRINGS, Translator
from fieldapp.settings import AppSettings, SettingsError, load_settings, save_settings

ROOT = Path(__file__).resolve().parents[2]
# Language names are written in their own language.
LATIN_ON_PURPOSE = {"settings.lang_en", "enrol.other_language"}
KEY_USE = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+)["']""")


def test_every_string_has_thai_and_english() -> None:
    for key, (th, en) in STRINGS.items():
        assert th.strip() and en.strip(), key
        assert re.search(r"[\u0E00-\u0E7F]", th) or key in LATIN_ON_PURPOSE, key


def test_every_key_used_in_the_app_exists() -> None:
    used: set[str] = set()
    for path in (ROOT / "fieldapp").rglob("*.py"):
        used |= set(KEY_USE.findall(path.read_text(encoding="utf-8")))
    assert used, "no keys found: the pattern is wrong"
    missing = sorted(k for k in used if k not in STRINGS)
    assert not missing


def test_translator_switches_language_and_formats() -> None:
    tr = Translator("th")
    assert tr.t("home.waiting", n=3) == "รอส่ง 3 รายการ"
    tr.lang = "en"
    assert tr.t("home.waiting", n=3) == "3 changes wait to be sent"
    assert tr.pick("อาหาร", "Food") == "Food"
    assert tr.pick("อาหาร", None) == "อาหาร"
    with pytest.raises(KeyError):
        tr.t("no.such.key")


def test_settings_keep_the_device_id_and_refuse_bad_values(tmp_path: Path) -> None:
    first = load_settings(tmp_path, "http://127.0.0.1:8000")
    assert first.server == "http://127.0.0.1:8000" and len(first.device_id) == 32
    first.language = "en"
    first.photos_wifi_only = True
    save_settings(tmp_path, first)
    again = load_settings(tmp_path, "http://other:1")
    assert again == first
    for bad in (
        AppSettings(language="fr"),
        AppSettings(photo_long_edge=999),
        AppSettings(server="ftp://x"),
    ):
        with pytest.raises(SettingsError) as caught:
            save_settings(tmp_path, bad)
        assert caught.value.message_th and caught.value.message_en
    # nothing half-stored: the file still holds the good settings
    assert json.loads((tmp_path / "settings.json").read_text())["language"] == "en"


def test_saved_settings_are_fsynced_with_their_folder(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The settings file is enrolment's commit point (the old store is deleted right after):
    before save_settings returns, the file's bytes and the rename must be on disk."""
    synced: list[Path] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        synced.append(Path(os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    save_settings(tmp_path, AppSettings(language="en"))
    folder = tmp_path.resolve()
    assert folder in synced  # the rename
    assert any(p.parent == folder and p.name.startswith("settings.json") for p in synced)
    assert load_settings(tmp_path).language == "en"
