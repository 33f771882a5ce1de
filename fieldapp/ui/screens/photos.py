"""A product's photos along a shot list (product, label, packaging, production site):
take or choose, preview, retake, delete. Never ID cards or people — the screen says so."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import flet as ft

from fieldapp import services as sv
from fieldapp.logic.shots import Shot, shot_list
from fieldapp.sync_errors import describe_error
from fieldapp.ui.context import AppContext
from fieldapp.ui.screen import Screen, UiEvent
from fieldapp.ui.widgets import error_banner, thumbnail

__all__ = ["PhotosScreen"]


class PhotosScreen(Screen):
    def __init__(self, ctx: AppContext, producer_id: str, product_id: str) -> None:
        super().__init__(ctx)
        self.producer_id = producer_id
        self.product_id = product_id
        self.route = f"/producer/{producer_id}/product/{product_id}/photos"

    def build(self) -> ft.View:
        self.body = ft.Column(spacing=12, scroll=ft.ScrollMode.AUTO, expand=True)
        self.status = ft.Text("")
        rule = ft.Container(
            ft.Row(
                [
                    ft.Icon(ft.Icons.NO_PHOTOGRAPHY, color=ft.Colors.RED_800),
                    ft.Text(self.t("photos.rule"), expand=True, color=ft.Colors.RED_900),
                ]
            ),
            bgcolor=ft.Colors.RED_50,
            padding=10,
            border_radius=8,
        )
        return ft.View(
            route=self.route,
            appbar=self.app_bar(self.t("photos.title")),
            padding=16,
            controls=[ft.Column([rule, self.status, self.body], spacing=10, expand=True)],
        )

    def refresh(self) -> None:
        try:
            photos = sv.related(self.ctx.services, "photos", self.producer_id)
        except Exception as exc:
            self.body.controls = [error_banner(self.ctx, exc)]
            return
        self.body.controls = [self._shot(s) for s in shot_list(photos, self.product_id)]

    def _subject(self, subject: str) -> str:
        from schemas import label

        return label("photo", "subject", subject, self.ctx.tr.lang)

    def _shot(self, shot: Shot) -> ft.Control:
        name = self._subject(shot.subject)
        picture: ft.Control = ft.Container(
            ft.Icon(ft.Icons.ADD_A_PHOTO_OUTLINED, size=36),
            width=96,
            height=96,
            bgcolor=ft.Colors.SURFACE_CONTAINER_HIGHEST,
            border_radius=8,
            alignment=ft.Alignment.CENTER,
        )
        buttons: list[ft.Control]
        here = shot.photo is not None and sv.photo_is_here(self.ctx.services, dict(shot.photo))
        if shot.photo is not None and not here:
            # another phone's photo: its file is on the server, not here; this phone
            # cannot delete or retake it
            picture = thumbnail(self.ctx.services, dict(shot.photo), 96, name) or ft.Container(
                ft.Column(
                    [ft.Icon(ft.Icons.CLOUD_DONE_OUTLINED, size=28),
                     ft.Text(self.t("photos.on_server"), size=11, text_align=ft.TextAlign.CENTER)],
                    horizontal_alignment=ft.CrossAxisAlignment.CENTER,
                    alignment=ft.MainAxisAlignment.CENTER,
                    spacing=2,
                ),
                width=96,
                height=96,
                bgcolor=ft.Colors.SURFACE_CONTAINER_HIGHEST,
                border_radius=8,
            )
            buttons = [ft.Text(self.t("photos.not_here"), size=12, italic=True)]
        elif shot.photo is not None:
            picture = thumbnail(self.ctx.services, dict(shot.photo), 96, name) or picture
            buttons = [
                ft.TextButton(
                    f"{self.t('photos.preview')}: {name}",
                    on_click=lambda e, p=shot.photo: self.preview(p),
                ),
                ft.TextButton(
                    f"{self.t('photos.retake')}: {name}",
                    on_click=self.take_handler(shot.subject, shot.photo),
                ),
                ft.TextButton(
                    f"{self.t('photos.delete')}: {name}",
                    on_click=lambda e, p=shot.photo: self.delete(p),
                ),
            ]
        else:
            buttons = [
                ft.FilledTonalButton(
                    f"{self.t('photos.take')}: {name}",
                    icon=ft.Icons.PHOTO_CAMERA,
                    on_click=self.take_handler(shot.subject),
                ),
            ]
        status = (
            self.t("photos.none") if shot.photo is None else self.t("photos.count", n=shot.count)
        )
        return ft.Row(
            [
                picture,
                ft.Column(
                    [ft.Text(name, weight=ft.FontWeight.BOLD), ft.Text(status), *buttons],
                    spacing=0,
                    expand=True,
                ),
            ],
            vertical_alignment=ft.CrossAxisAlignment.START,
        )

    def take_handler(
        self, subject: str, replace: Mapping[str, Any] | None = None
    ) -> Callable[[UiEvent], Awaitable[None]]:
        # Flet awaits a coroutine *function*; a lambda returning a coroutine would be dropped.
        async def handler(e: UiEvent) -> None:
            await self.take(subject, replace)

        return handler

    async def take(self, subject: str, replace: Mapping[str, Any] | None = None) -> None:
        self.status.value = ""  # "saved" below then always speaks of this photo
        self.ctx.page.update()
        files = await ft.FilePicker().pick_files(
            file_type=ft.FilePickerFileType.IMAGE, with_data=True
        )
        if not files:
            return
        picked = files[0]
        data = picked.bytes
        if data is None and picked.path:
            with open(picked.path, "rb") as fh:
                data = fh.read()
        if not data:
            return
        try:
            links = {"producer_id": self.producer_id, "product_id": self.product_id}
            visit_id = self._open_visit_id()
            if visit_id:
                links["visit_id"] = visit_id
            stored = sv.add_photo(self.ctx.services, bytes(data), links, subject)
            if replace is not None and replace.get("id") != stored["id"]:
                sv.delete_record(self.ctx.services, "photo", str(replace["id"]))
        except Exception as exc:
            self.status.value = describe_error(exc, self.ctx.tr.lang)
            self.status.color = ft.Colors.ERROR
        else:
            self.status.value = self.t("photos.saved")
            self.status.color = None
        self.refresh()
        self.ctx.page.update()

    def _open_visit_id(self) -> str | None:
        """The producer's draft visit, if one is open: photos taken now belong to it."""
        visits = sv.related(self.ctx.services, "visits", self.producer_id)
        drafts = [v for v in visits if v.get("status", "draft") == "draft"]
        drafts.sort(key=lambda v: str(v.get("started_at") or ""))
        return str(drafts[-1]["id"]) if drafts else None

    def delete(self, photo: Any) -> None:
        sv.delete_record(self.ctx.services, "photo", str(photo["id"]))
        self.refresh()
        self.ctx.page.update()

    def preview(self, photo: Any) -> None:
        data: bytes | None
        try:
            data = self.ctx.services.photo_store.read(str(photo["id"]))
        except Exception:
            data = sv.thumbnail_bytes(self.ctx.services, dict(photo))
        dialog = ft.AlertDialog(
            title=ft.Text(self._subject(str(photo.get("subject")))),
            content=ft.Image(src=data, fit=ft.BoxFit.CONTAIN) if data else ft.Text("—"),
            actions=[
                ft.TextButton(self.t("photos.close"), on_click=lambda e: self.ctx.page.pop_dialog())
            ],
        )
        self.ctx.page.show_dialog(dialog)
