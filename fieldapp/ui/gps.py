"""GPS capture with its accuracy (flet-geolocator), and typed latitude/longitude as a fallback
for phones that cannot get a fix (indoors, no permission, a desktop window)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import flet as ft

from fieldapp.logic.gps import gps_value, parse_manual_gps
from fieldapp.ui.context import AppContext
from fieldapp.ui.screen import UiEvent

__all__ = ["GpsField"]


class GpsField:
    def __init__(
        self, ctx: AppContext, label: str, value: Any, set_value: Callable[[Any], None]
    ) -> None:
        self.ctx = ctx
        self.set_value = set_value
        t = ctx.t
        self.status = ft.Text(self._describe(value))
        self.lat = ft.TextField(
            label=t("gps.lat"),
            value=_num(value, "lat"),
            keyboard_type=ft.KeyboardType.NUMBER,
            expand=True,
            dense=True,
        )
        self.lon = ft.TextField(
            label=t("gps.lon"),
            value=_num(value, "lon"),
            keyboard_type=ft.KeyboardType.NUMBER,
            expand=True,
            dense=True,
        )
        self.column = ft.Column(
            [
                ft.Text(label, weight=ft.FontWeight.BOLD),
                self.status,
                ft.FilledTonalButton(
                    t("gps.capture"), icon=ft.Icons.MY_LOCATION, on_click=self.on_capture
                ),
                ft.Row([self.lat, self.lon], spacing=8),
                ft.TextButton(t("gps.manual_save"), on_click=self.on_manual),
            ],
            spacing=6,
        )

    def _describe(self, value: Any) -> str:
        if not isinstance(value, dict) or "lat" not in value:
            return self.ctx.t("gps.none")
        text = f"{value['lat']:.5f}, {value['lon']:.5f}"
        if value.get("accuracy_m") is not None:
            text += " · " + self.ctx.t("gps.accuracy", m=round(value["accuracy_m"]))
        return text

    def _store(self, value: dict[str, Any]) -> None:
        self.set_value(value)
        self.status.value = self._describe(value)
        self.lat.value = _num(value, "lat")
        self.lon.value = _num(value, "lon")
        self.column.update()

    async def on_capture(self, e: UiEvent) -> None:
        self.status.value = self.ctx.t("gps.working")
        self.column.update()
        try:
            import flet_geolocator as ftg

            locator = ftg.Geolocator()
            position = await locator.get_current_position()
            if position.latitude is None or position.longitude is None:
                raise RuntimeError("no position")
            value = gps_value(
                position.latitude, position.longitude, position.accuracy, datetime.now(UTC)
            )
        except Exception:
            self.status.value = self.ctx.t("gps.failed")
            self.column.update()
            return
        self._store(value)

    def on_manual(self, e: UiEvent) -> None:
        try:
            value = parse_manual_gps(self.lat.value or "", self.lon.value or "", datetime.now(UTC))
        except ValueError as err:
            self.lat.error = self.ctx.t(str(err))
            self.column.update()
            return
        self.lat.error = None
        self._store(value)


def _num(value: Any, key: str) -> str:
    if isinstance(value, dict) and value.get(key) is not None:
        return f"{value[key]:.6f}".rstrip("0").rstrip(".")
    return ""
