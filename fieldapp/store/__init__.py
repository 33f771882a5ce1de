"""The phone's crash-safe record store.

    from fieldapp.store import DeviceStore, open_store
    store = open_store(folder, device_id)

- `device_store`: the repository the screens and the sync client share (records, per-field
  clocks, tombstones, searches); `sync_side`: its outbox, acknowledgements, conflicts,
  pulled state and clock resets; `core`: the state and small readers both build on.
- `storages`: crash-safe TinyDB storages (`JournalStorage`, `AtomicJSONStorage`).
- `journal`, `ops`, `records`, `outbox`, `search`, `finalize`: pure pieces, tested without files.
- `damage`: `DamageReport`, what opening a damaged file lost (`store.damage_report`).
- `errors`: the error tree (Thai and English messages).

See docs/device-store.md.
"""

from .core import SyncState
from .device_store import DeviceStore, open_store
from .errors import (
    DuplicateRecordError,
    InvalidRecordError,
    RecordNotFoundError,
    StoreCorruptError,
    StoreError,
    StoreLockedError,
)
from .storages import AtomicJSONStorage, DurableStorage, JournalStorage

__all__ = [
    "AtomicJSONStorage",
    "DeviceStore",
    "DuplicateRecordError",
    "DurableStorage",
    "InvalidRecordError",
    "JournalStorage",
    "RecordNotFoundError",
    "StoreCorruptError",
    "StoreError",
    "StoreLockedError",
    "SyncState",
    "open_store",
]
