"""Drive the field app in a real headless Chromium, the way an officer would.

- `AppServer` starts `python main.py --web` as a subprocess on a free 127.0.0.1 port with its
  own data folder, and stops it by its pid.
- `launch_chromium` starts Debian's Chromium through Playwright (never a downloaded browser).
- `open_app` opens a phone-sized page, fails on any request leaving 127.0.0.1 (no
  exceptions: the client's rive_native.js lookup is answered locally, assets/index.html),
  waits for Flutter and turns on its accessibility tree so controls are found by their labels.
- `shot` saves a screenshot to test-artifacts/screens/ for people to look at.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / "test-artifacts" / "screens"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except Exception as exc:
            last = exc
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer in {timeout}s: {last}")


@dataclass
class AppServer:
    data_dir: Path
    default_server: str = ""
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> AppServer:
        env = dict(os.environ)
        env["TAMBON_APP_DATA"] = str(self.data_dir)
        env["TAMBON_DEFAULT_SERVER"] = self.default_server
        env.pop("FLET_APP_STORAGE_DATA", None)
        self.log_path = self.data_dir.parent / f"app-{self.port}.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "main.py",
                    "--web",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_http(self.url + "/")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@contextlib.contextmanager
def app_server(data_dir: Path, default_server: str = "") -> Iterator[AppServer]:
    data_dir.mkdir(parents=True, exist_ok=True)
    server = AppServer(data_dir=data_dir, default_server=default_server).start()
    try:
        yield server
    finally:
        server.stop()


def launch_chromium(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


@dataclass
class OutsideGuard:
    """Records every request that tries to leave 127.0.0.1, and aborts it."""

    outside: list[str] = field(default_factory=list)

    def handle(self, route: Any) -> None:
        url = route.request.url
        host = urlsplit(url).hostname or ""
        if url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
            return
        self.outside.append(url)
        route.abort()

    def assert_clean(self) -> None:
        assert not self.outside, f"requests left 127.0.0.1: {self.outside}"


def open_app(
    browser: Any,
    url: str,
    guard: OutsideGuard,
    *,
    viewport: dict[str, int] | None = None,
    geolocation: dict[str, float] | None = None,
) -> Any:
    """A new phone-sized page on the app, with Flutter's semantics tree switched on."""
    options: dict[str, Any] = {"viewport": viewport or PHONE, "locale": "th-TH"}
    if geolocation is not None:
        options["geolocation"] = geolocation
        options["permissions"] = ["geolocation"]
    context = browser.new_context(**options)
    context.route("**/*", guard.handle)
    page = context.new_page()
    page.goto(url)
    enable_semantics(page)
    return page


def enable_semantics(page: Any, timeout_ms: int = 30_000) -> None:
    placeholder = page.locator("flt-semantics-placeholder")
    placeholder.wait_for(state="attached", timeout=timeout_ms)
    placeholder.dispatch_event("click")


# A 390×844 PNG this small is Flet's plain "Working..." overlay (drawn while the first
# screen is still being built), not a screen: real screens are 15 KB and more.
_OVERLAY_BYTES = 8_000


def shot(page: Any, name: str, settle_s: float = 0.6, timeout_s: float = 15.0) -> Path:
    """Save a screenshot once the page transition (about 300 ms in Flutter) has finished
    and Flet's "Working..." overlay has gone."""
    time.sleep(settle_s)
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"{name}.png"
    deadline = time.monotonic() + timeout_s
    while True:
        data = page.screenshot()
        if len(data) >= _OVERLAY_BYTES or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    path.write_bytes(data)
    return path


def type_into(page: Any, label: str, text: str, attempts: int = 3) -> None:
    """Focus a Flutter text field by its label and type; Flutter may drop keys sent before
    the field has focus, so check the value and try again."""
    box = page.get_by_label(label).first
    box.wait_for()
    for _ in range(attempts):
        box.click()
        time.sleep(0.3)
        box.fill(text)
        time.sleep(0.3)
        if box.input_value() == text:
            return
    raise AssertionError(f"could not type {text!r} into {label!r}")


_UNNAMED_JS = """
() => {
  const named = (el) => ((el.getAttribute('aria-label') || '') + (el.textContent || '')).trim();
  const bad = [];
  for (const el of document.querySelectorAll(
      'input, textarea, [role=button], [role=checkbox], [role=radio], [role=tab], [role=switch]')) {
    if (!named(el)) bad.push(el.outerHTML.slice(0, 160));
  }
  return bad;
}
"""


def unnamed_controls(page: Any) -> list[str]:
    """Inputs and buttons in Flutter's accessibility tree that a screen reader cannot name."""
    bad: list[str] = page.evaluate(_UNNAMED_JS)
    return bad
