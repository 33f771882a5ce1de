"""Whether this sync may send full photos, from the setting and the phone's connection (pure).

`connectivity` is what Flet's `Connectivity.get_connectivity()` reports, as strings
("wifi", "ethernet", "mobile", "vpn", "bluetooth", "other", "none"), or None when it could
not be asked (a web build without the service, a closed session, a timeout).
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["send_full_photos"]

# Links that do not spend the officer's mobile data.
_UNMETERED = frozenset({"wifi", "ethernet"})


def send_full_photos(wifi_only: bool, connectivity: Iterable[str] | None) -> bool:
    """False only when the officer chose "photos only on Wi-Fi" and the phone says it is on
    mobile data (and not also on Wi-Fi or a cable). Anything unknown sends: holding photos
    back on a guess would leave them on the phone (not safe to wipe) for no reason."""
    if not wifi_only or connectivity is None:
        return True
    kinds = {str(kind).lower() for kind in connectivity}
    if kinds & _UNMETERED:
        return True
    return "mobile" not in kinds
