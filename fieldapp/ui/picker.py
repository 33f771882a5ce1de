"""A choice button that opens a searchable list: used for provinces, districts, subdistricts,
long choice lists and the producer filters.

Why not ft.Dropdown: Flutter's DropdownMenu exposes no usable accessibility node on the web
build, so screen readers (and the browser tests, which use the same tree) cannot operate it.
A button plus a dialog of buttons is readable everywhere, and the search box makes 77
provinces quick to pick on a phone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import flet as ft

from fieldapp.ui.context import AppContext

__all__ = ["ChoicePicker"]

Option = tuple[str, str]  # (key, text)


class ChoicePicker:
    def __init__(
        self,
        ctx: AppContext,
        label: str,
        options: Sequence[Option],
        value: str | None,
        on_pick: Callable[[str | None], None],
        *,
        none_text: str | None = None,
        expand: bool = False,
    ) -> None:
        self.ctx = ctx
        self.label = label
        self.options = list(options)
        self.value = value
        self.on_pick = on_pick
        # Offered first in the list when set (e.g. "All" for a filter); picks None.
        self.none_text = none_text
        self.error: str | None = None
        self.button = ft.OutlinedButton(
            self._caption(), icon=ft.Icons.ARROW_DROP_DOWN, on_click=self.open, expand=expand
        )
        self.error_text = ft.Text("", color=ft.Colors.ERROR, size=12, visible=False)
        self.control = ft.Column(
            [self.button, self.error_text], spacing=2, expand=expand, tight=True
        )

    def _caption(self) -> str:
        text = dict(self.options).get(self.value or "") if self.value else None
        shown = text or self.none_text or self.ctx.t("form.none_chosen")
        return f"{self.label}: {shown}"

    def set_options(self, options: Sequence[Option], value: str | None) -> None:
        self.options = list(options)
        self.value = value
        self.button.content = self._caption()

    def set_value(self, value: str | None) -> None:
        self.value = value
        self.button.content = self._caption()

    def set_error(self, text: str | None) -> None:
        self.error = text
        self.error_text.value = text or ""
        self.error_text.visible = bool(text)

    def open(self, e: ft.Event[ft.OutlinedButton]) -> None:
        search = ft.TextField(label=self.ctx.t("form.search"), dense=True, autofocus=True)
        items = ft.ListView(spacing=0, height=360, width=320)

        def fill(text: str) -> None:
            wanted = text.strip().casefold()
            rows: list[tuple[str | None, str]] = []
            if self.none_text is not None and not wanted:
                rows.append((None, self.none_text))
            rows.extend((k, t) for k, t in self.options if wanted in t.casefold())
            items.controls = [
                ft.ListTile(
                    title=ft.Text(text),
                    selected=key == self.value,
                    on_click=lambda e, key=key: pick(key),
                    dense=True,
                )
                for key, text in rows
            ]

        def pick(key: str | None) -> None:
            self.ctx.page.pop_dialog()
            self.set_value(key)
            self.set_error(None)
            self.on_pick(key)
            self.ctx.page.update()

        def on_search(e: ft.Event[ft.TextField]) -> None:
            fill(search.value or "")
            items.update()

        search.on_change = on_search
        fill("")
        show_search = len(self.options) > 8
        self.ctx.page.show_dialog(
            ft.AlertDialog(
                title=ft.Text(self.label),
                content=ft.Column(
                    [search, items] if show_search else [items], tight=True, spacing=8
                ),
                actions=[
                    ft.TextButton(
                        self.ctx.t("photos.close"), on_click=lambda e: self.ctx.page.pop_dialog()
                    )
                ],
            )
        )
