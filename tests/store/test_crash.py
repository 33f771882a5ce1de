"""SIGKILL a writing process at random moments; every acknowledged save must survive.

A forked writer reports each save's id after the save returned (after fsync); the test kills
it 5-60 ms after it started writing, reopens the store and checks that the file opens and holds
every acknowledged save (for the device store: with its outbox change). TinyDB's stock
JSONStorage fails this (see docs/device-store.md); run `python -m tests.store.crash_harness
stock 150` to measure it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .crash_harness import run


@pytest.mark.parametrize(("kind", "kills"), [("device", 200), ("atomic", 60)])
def test_every_acknowledged_save_survives_random_kills(tmp_path: Path, kind: str, kills: int
                                                       ) -> None:
    report = run(kind, kills, tmp_path)
    assert report.kills == kills
    assert report.ok, f"{report.summary()}\n" + "\n".join(report.failures[:10])
    # the kills really landed while saves were being made (fewer on a busy machine, where
    # a 5 ms sleep may end before the first fsync does)
    assert report.kills_while_writing >= kills // 4, report.summary()
