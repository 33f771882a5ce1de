"""Add or edit a producer; warns when it looks like one already stored."""

from __future__ import annotations

import flet as ft

from fieldapp import services as sv
from fieldapp.logic.duplicates import possible_duplicates
from fieldapp.ui.context import AppContext
from fieldapp.ui.screen import UiEvent
from fieldapp.ui.screens.record_form import RecordFormScreen

__all__ = ["ProducerFormScreen"]


class ProducerFormScreen(RecordFormScreen):
    def __init__(self, ctx: AppContext, producer_id: str | None) -> None:
        super().__init__(ctx, "producer", producer_id)

    def build(self) -> ft.View:
        view = super().build()
        self.warning = ft.Text("", color=ft.Colors.ORANGE_900)
        column = view.controls[0]
        assert isinstance(column, ft.Column)
        column.controls.insert(0, self.warning)
        return view

    def after_save(self) -> None:
        candidate = {**self.draft, "id": self.record_id}
        names = possible_duplicates(candidate, sv.list_records(self.ctx.services, "producer"))
        self.warning.value = (
            self.t("producer.duplicate_warning", names=", ".join(names)) if names else ""
        )

    def on_done(self, e: UiEvent) -> None:
        if self.record_id is None:
            super().on_done(e)
            return
        from fieldapp.ui.screens.producer import ProducerScreen

        self.ctx.toast(self.t("form.saved"))
        # A new producer opens its page; an edited one goes back to it.
        if len(self.ctx.stack) >= 2 and isinstance(self.ctx.stack[-2], ProducerScreen):
            self.ctx.back()
        else:
            self.ctx.stack.pop()
            self.ctx.push(ProducerScreen(self.ctx, self.record_id))
