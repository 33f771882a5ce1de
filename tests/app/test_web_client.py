"""The app's index.html is flet-web's own plus the hook that keeps the client's Rive lookup
on the server: a Flet upgrade that changes the page fails here, not silently offline."""

from __future__ import annotations

from pathlib import Path

import flet_web

ROOT = Path(__file__).resolve().parents[2]


def test_index_html_is_flet_webs_plus_the_rive_hook() -> None:
    ours = (ROOT / "assets" / "index.html").read_text(encoding="utf-8")
    theirs = (Path(flet_web.__file__).parent / "web" / "index.html").read_text(encoding="utf-8")
    start = ours.index("  <!-- Tambon Field:")
    end = ours.index("  <!-- fletAppConfig -->")
    assert ours[:start] + ours[end:] == theirs
    hook = ours[start:end]
    assert "https://cdn.jsdelivr.net/npm/@rive-app/" in hook and "rive/rive_native.js" in hook
    assert (ROOT / "assets" / "rive" / "rive_native.js").is_file()
