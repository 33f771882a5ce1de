"""A product of a producer: its form, and the way to its photos."""

from __future__ import annotations

import flet as ft

from fieldapp.ui.context import AppContext
from fieldapp.ui.screen import UiEvent
from fieldapp.ui.screens.record_form import RecordFormScreen

__all__ = ["ProductScreen"]


class ProductScreen(RecordFormScreen):
    def __init__(self, ctx: AppContext, producer_id: str, product_id: str | None) -> None:
        super().__init__(ctx, "product", product_id, {"producer_id": producer_id})
        self.producer_id = producer_id

    def build(self) -> ft.View:
        view = super().build()
        self.photos_button = ft.FilledTonalButton(
            self.t("producer.photos"),
            icon=ft.Icons.PHOTO_CAMERA,
            on_click=self.on_photos,
            disabled=self.record_id is None,
        )
        column = view.controls[0]
        assert isinstance(column, ft.Column)
        column.controls.insert(1, self.photos_button)
        return view

    def after_save(self) -> None:
        self.photos_button.disabled = self.record_id is None

    def on_photos(self, e: UiEvent) -> None:
        if self.record_id is None:
            return
        from fieldapp.ui.screens.photos import PhotosScreen

        self.ctx.push(PhotosScreen(self.ctx, self.producer_id, self.record_id))
