"""How the phone is connected, from Flet's Connectivity service (for "photos only on Wi-Fi").

The decision itself is pure (`fieldapp.logic.network.send_full_photos`); this only asks.
"""

from __future__ import annotations

import asyncio

import flet as ft

__all__ = ["ConnectivityProbe"]

# The web client may lack the service or never answer: do not hold a sync up for it.
_ASK_TIMEOUT_S = 3.0


class ConnectivityProbe:
    """Asks Flet's Connectivity service; None when it cannot tell (unknown).

    Called from an event handler or a `page.run_task` task, where Flet knows the current
    page: the service registers itself with that page when first made (as `ft.FilePicker()`
    does). The probe keeps it, so the page does not drop it as unreferenced."""

    def __init__(self) -> None:
        self._service: ft.Connectivity | None = None

    async def __call__(self) -> list[str] | None:
        try:
            if self._service is None:
                self._service = ft.Connectivity()
            kinds = await asyncio.wait_for(self._service.get_connectivity(), _ASK_TIMEOUT_S)
        except Exception:  # no service in this build, no page, session gone, timeout
            self._service = None  # made outside a page context perhaps: try again next time
            return None
        return [kind.value for kind in kinds]
