from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.sync.harness import District, make_district
from tests.sync.phones import Phone, make_phone


@pytest.fixture
def district(tmp_path: Path) -> District:
    return make_district(tmp_path / "server")


@pytest.fixture
def phone_factory(tmp_path: Path) -> Iterator[Callable[..., Phone]]:
    """Open phones (real device stores) that are closed after the test."""
    opened: list[Phone] = []

    def make(name: str, device: Any, **kwargs: Any) -> Phone:
        phone = make_phone(tmp_path / name, device, **kwargs)
        opened.append(phone)
        return phone

    yield make
    for phone in opened:
        phone.store.close()
