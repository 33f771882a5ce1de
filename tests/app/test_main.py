"""The command line: the lead's run command and the no-display fallback."""

from __future__ import annotations

import sys

import pytest

from main import has_display, parse_args


def test_web_flags_of_the_run_command() -> None:
    args = parse_args(["--web", "--host", "127.0.0.1", "--port", "8550"])
    assert (args.web, args.host, args.port) == (True, "127.0.0.1", 8550)
    # `flet run` / `flet build` add their own arguments: ignored, not an error
    assert parse_args(["--some-flet-flag"]).web is False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux display rules")
def test_a_linux_server_has_no_display() -> None:
    assert not has_display({})
    assert has_display({"DISPLAY": ":0"})
    assert has_display({"WAYLAND_DISPLAY": "wayland-0"})
