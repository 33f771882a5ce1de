"""Tambon Field, the field app.

    python main.py                                    a desktop window
    python main.py --web --host 127.0.0.1 --port 8550 a web app (served offline, no CDN)

`flet build apk` packs this folder (see [tool.flet] in pyproject.toml and docs/app.md).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import flet as ft

from fieldapp.ui.app import main as app_main

ASSETS = Path(__file__).resolve().parent / "assets"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Tambon Field app")
    parser.add_argument("--web", action="store_true", help="serve as a web app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8550)
    # `flet run` and `flet build` pass their own arguments; ignore what we do not know.
    args, _unknown = parser.parse_known_args(argv)
    return args


def has_display(env: dict[str, str] | os._Environ[str]) -> bool:
    """Linux without X or Wayland (a server, CI) cannot open a window."""
    if not sys.platform.startswith("linux"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def run(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if not args.web and not has_display(os.environ) and not os.environ.get("FLET_PLATFORM"):
        # Flet would fall back to a web server on port 8000, the district server's port.
        print(f"no display: serving the app on http://{args.host}:{args.port}", flush=True)
        args.web = True
    if args.web:
        # Serve only: never try to open a browser on the machine running the server.
        os.environ["FLET_FORCE_WEB_SERVER"] = "true"
        ft.run(
            app_main,
            view=ft.AppView.WEB_BROWSER,
            host=args.host,
            port=args.port,
            assets_dir=str(ASSETS),
            no_cdn=True,
        )
    else:
        ft.run(app_main, assets_dir=str(ASSETS))


if __name__ == "__main__":
    run()
