"""What every screen gets: the page, the translator, the services, and navigation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import flet as ft

from fieldapp.i18n import Translator
from fieldapp.services import Services

if TYPE_CHECKING:
    from fieldapp.ui.screen import Screen

__all__ = ["AppContext"]


@dataclass
class AppContext:
    page: ft.Page
    services: Services
    tr: Translator
    stack: list[Screen] = field(default_factory=list)
    on_stack_change: Callable[[], None] | None = None
    # how the phone is connected ("wifi", "mobile", ...; None: unknown), for the
    # "photos only on Wi-Fi" setting; set by the app shell (fieldapp.ui.network)
    connectivity: Callable[[], Awaitable[list[str] | None]] | None = None

    def t(self, key: str, **values: object) -> str:
        return self.tr.t(key, **values)

    # --- navigation ---------------------------------------------------------------------
    def push(self, screen: Screen) -> None:
        self.stack.append(screen)
        self._changed()

    def replace_all(self, screen: Screen) -> None:
        self.stack[:] = [screen]
        self._changed()

    def back(self) -> None:
        if len(self.stack) > 1:
            self.stack.pop()
            self._changed()

    def _changed(self) -> None:
        if self.on_stack_change is not None:
            self.on_stack_change()

    # --- feedback -----------------------------------------------------------------------
    def toast(self, text: str) -> None:
        self.page.show_dialog(ft.SnackBar(content=ft.Text(text), duration=2500))
