"""docs/device-store.md names every public call of the device store (sqlite-utils' habit)."""

from __future__ import annotations

import inspect
from pathlib import Path

from fieldapp.store import DeviceStore

DOC = Path(__file__).resolve().parents[2] / "docs" / "device-store.md"


def test_every_public_method_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    public = [name for name, _ in inspect.getmembers(DeviceStore, callable)
              if not name.startswith("_")]
    assert len(public) > 20
    missing = [name for name in public if f"{name}(" not in text and f"`{name}`" not in text]
    assert missing == []
