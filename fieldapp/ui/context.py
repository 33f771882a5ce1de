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

# route → a new screen (set by the app shell from `fieldapp.ui.routes`)
ScreenFactory = Callable[[str], "Screen"]

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
    screens: ScreenFactory | None = None

    def t(self, key: str, **values: object) -> str:
        return self.tr.t(key, **values)

    # --- navigation (by route; see fieldapp.ui.router) -----------------------------------
    def screen(self, route: str) -> Screen:
        if self.screens is None:
            raise RuntimeError("the app shell sets AppContext.screens before navigating")
        return self.screens(route)

    def go(self, route: str) -> None:
        """Open the screen of `route` on top of the current one (back returns)."""
        self.push(self.screen(route))

    def go_root(self, route: str) -> None:
        """Make the screen of `route` the only one (the bottom navigation's tabs)."""
        self.replace_all(self.screen(route))

    def go_instead(self, route: str) -> None:
        """Replace the top screen with the screen of `route` (a new record's page)."""
        screen = self.screen(route)
        if self.stack:
            self.stack.pop()
        self.push(screen)

    def previous_route(self) -> str | None:
        return self.stack[-2].route if len(self.stack) >= 2 else None

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
