"""The phone's sync client (httpx, async; usable from a Flet background task).

    from fieldapp.sync import SyncClient, enrol
    enrolment = await enrol(server_url, code, "โทรศัพท์ของสมศรี")
    client = SyncClient(store, photo_store, enrolment.base_url, enrolment.token)
    report = await client.sync(progress=lambda p: ...)   # SyncProgress for the screens
    client.is_safe_to_wipe()

- `client`: the sync itself (records, then thumbnails, then photos, then the pull).
- `tus`: resumable, content-addressed photo upload (tus 1.0).
- `backoff`: exponential back-off with full jitter (pure).
- `progress`: `SyncProgress`, what the screens render (stage, items, bytes, eta, last error).
- `wire`: the protocol's messages (pure). `errors`: the error tree.
See docs/sync.md.
"""

from .backoff import RetryPolicy, plan_delays, retry_delay
from .client import CURSOR_KEY, SyncClient, SyncReport
from .enrol import Enrolment, enrol
from .errors import NotAuthorisedError, OfflineError, RefusedError, ServerBusyError, SyncError
from .progress import SyncProgress

__all__ = [
    "CURSOR_KEY",
    "Enrolment",
    "NotAuthorisedError",
    "OfflineError",
    "RefusedError",
    "RetryPolicy",
    "ServerBusyError",
    "SyncClient",
    "SyncError",
    "SyncProgress",
    "SyncReport",
    "enrol",
    "plan_delays",
    "retry_delay",
]
