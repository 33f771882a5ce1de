"""A screen: builds its view once, refreshes its content when it comes back to the top."""

from __future__ import annotations

from typing import Any

import flet as ft

from fieldapp.ui.context import AppContext
from fieldapp.ui.widgets import icon_button

__all__ = ["Screen", "UiEvent", "bar_title"]

# Handlers accept any control's event: Flet types them per control class.
UiEvent = ft.Event[Any]


class Screen:
    # The route this screen answers to (fieldapp.ui.routes); the router sets it when the
    # screen does not know it better (a new record's screen names its id once created).
    route = "/"

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self._view: ft.View | None = None

    def t(self, key: str, **values: object) -> str:
        return self.ctx.t(key, **values)

    @property
    def view(self) -> ft.View:
        if self._view is None:
            self._view = self.build()
        return self._view

    def build(self) -> ft.View:
        raise NotImplementedError

    def refresh(self) -> None:
        """Reload data from the store; called every time the screen shows."""

    def go_back(self, e: UiEvent) -> None:
        self.ctx.back()

    def app_bar(self, title: str, actions: list[ft.Control] | None = None) -> ft.AppBar:
        leading: ft.Control | None = None
        if len(self.ctx.stack) > 1 and self.ctx.stack[0] is not self:
            leading = icon_button(ft.Icons.ARROW_BACK, self.t("nav.back"), self.go_back)
        return ft.AppBar(
            title=bar_title(title),
            leading=leading,
            automatically_imply_leading=False,
            actions=actions or [],
        )


def bar_title(title: str) -> ft.Text:
    """An app bar title that fits 390 px: a long producer name takes two smaller lines
    instead of being cut after a few words."""
    long = len(title) > 22
    return ft.Text(
        title,
        size=15 if long else None,
        max_lines=2,
        overflow=ft.TextOverflow.ELLIPSIS,
    )
