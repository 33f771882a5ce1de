"""Where the app keeps its data and which server it talks to, decided from the environment.

Pure functions of an environment mapping, so tests pass a dict instead of patching os.environ.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

__all__ = ["DEFAULT_SERVER_ENV", "auto_sync_interval", "data_dir", "default_server"]

DEFAULT_SERVER_ENV = "TAMBON_DEFAULT_SERVER"


def data_dir(env: Mapping[str, str], cwd: Path) -> Path:
    """The app's private data folder.

    A phone build (and `flet run`) sets FLET_APP_STORAGE_DATA; TAMBON_APP_DATA lets tests and
    the desktop pick a folder; otherwise `./var/app` under the working directory.
    """
    for name in ("FLET_APP_STORAGE_DATA", "TAMBON_APP_DATA"):
        value = env.get(name, "").strip()
        if value:
            return Path(value)
    return cwd / "var" / "app"


def default_server(env: Mapping[str, str]) -> str:
    """The server address offered on the enrol screen (the QR code may override it)."""
    return env.get(DEFAULT_SERVER_ENV, "").strip().rstrip("/")


def auto_sync_interval(env: Mapping[str, str]) -> float:
    """Seconds between background syncs (TAMBON_AUTO_SYNC_S, default 5 minutes, at least 10)."""
    try:
        value = float(env.get("TAMBON_AUTO_SYNC_S", "300"))
    except ValueError:
        value = 300.0
    return max(10.0, value)
