"""Fixtures: every storage test runs on each crash-safe storage (TinyDB's `db` fixture idea)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tinydb import TinyDB

from fieldapp.store import (
    AtomicJSONStorage,
    DeviceStore,
    DurableStorage,
    JournalStorage,
    open_store,
)

STORAGES: dict[str, type[DurableStorage]] = {
    "journal": JournalStorage,
    "atomic": AtomicJSONStorage,
}

DEVICE = "phone_bnp_01"


class ManualClock:
    """A phone clock the test sets by hand (it may go backwards, like a real one)."""

    def __init__(self, start_ms: int = 1_764_000_000_000) -> None:
        self.ms = start_ms

    def __call__(self) -> int:
        return self.ms

    def advance(self, ms: int = 1) -> None:
        self.ms += ms


@pytest.fixture(params=list(STORAGES), ids=list(STORAGES))
def storage_class(request: pytest.FixtureRequest) -> type[DurableStorage]:
    return STORAGES[request.param]


@pytest.fixture
def db(tmp_path: Path, storage_class: type[DurableStorage]) -> Iterator[TinyDB]:
    database = TinyDB(tmp_path / "tambon.db", storage=storage_class)
    yield database
    database.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def make_store(
    tmp_path: Path, storage_class: type[DurableStorage], clock: ManualClock
) -> Iterator[Callable[..., DeviceStore]]:
    """Open the store folder (again); every store opened here is closed after the test."""
    opened: list[DeviceStore] = []

    def make(device_id: str = DEVICE, **kwargs: object) -> DeviceStore:
        store = open_store(tmp_path / "store", device_id, clock, storage=storage_class, **kwargs)  # type: ignore[arg-type]
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(make_store: Callable[..., DeviceStore]) -> DeviceStore:
    return make_store()
