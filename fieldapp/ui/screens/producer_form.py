"""Add or edit a producer; warns when it looks like one already stored."""

from __future__ import annotations

import flet as ft

from fieldapp import services as sv
from fieldapp.logic.duplicates import find_duplicates
from fieldapp.ui.context import AppContext
from fieldapp.ui.record_screen import RecordFormScreen

__all__ = ["ProducerFormScreen"]


class ProducerFormScreen(RecordFormScreen):
    def __init__(self, ctx: AppContext, producer_id: str | None) -> None:
        super().__init__(ctx, "producer", producer_id)

    def build(self) -> ft.View:
        view = super().build()
        self.warning = ft.Text("", color=ft.Colors.ORANGE_900, weight=ft.FontWeight.BOLD)
        self.banner.controls.append(self.warning)
        return view

    def after_save(self) -> None:
        candidate = {**self.draft, "id": self.record_id}
        found = find_duplicates(candidate, sv.list_records(self.ctx.services, "producer"))
        names = ", ".join(
            f"{d.name} ({', '.join(self.t(f'producer.dup.{r}') for r in d.reasons)})"
            for d in found
        )
        self.warning.value = self.t("producer.duplicate_warning", names=names) if found else ""

    def leave(self) -> None:
        self.ctx.toast(self.t("form.saved"))
        # A new producer opens its page; an edited one goes back to it.
        page = f"/producer/{self.record_id}"
        if self.ctx.previous_route() == page:
            self.ctx.back()
        else:
            self.ctx.go_instead(page)
