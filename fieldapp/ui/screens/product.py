"""A product of a producer: its form, and the way to its photos."""

from __future__ import annotations

import flet as ft

from fieldapp import services as sv
from fieldapp.ui.context import AppContext
from fieldapp.ui.record_screen import RecordFormScreen
from fieldapp.ui.screen import UiEvent

__all__ = ["ProductScreen"]


class ProductScreen(RecordFormScreen):
    def __init__(
        self,
        ctx: AppContext,
        producer_id: str,
        product_id: str | None,
        visit_id: str | None = None,
    ) -> None:
        super().__init__(ctx, "product", product_id, {"producer_id": producer_id})
        self.producer_id = producer_id
        # a product added during a visit is one the officer saw: linked to that visit
        self.visit_id = visit_id

    def build(self) -> ft.View:
        view = super().build()
        self.photos_button = ft.FilledTonalButton(
            self.t("producer.photos"),
            icon=ft.Icons.PHOTO_CAMERA,
            on_click=self.on_photos,
            disabled=self.record_id is None,
        )
        self.fields.controls.insert(1, self.photos_button)
        return view

    def after_save(self) -> None:
        self.photos_button.disabled = self.record_id is None
        if self.record_id is not None and self.visit_id:
            sv.link_product_to_visit(self.ctx.services, self.visit_id, self.record_id)

    def on_photos(self, e: UiEvent) -> None:
        if self.record_id is None:
            return
        self.ctx.go(f"/producer/{self.producer_id}/product/{self.record_id}/photos")
