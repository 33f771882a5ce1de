"""Enrol: the supervisor's one-time code (typed, or the QR text pasted) and the server."""

from __future__ import annotations

import flet as ft

from fieldapp.logic.enrol import EnrolInputError, parse_enrol_input
from fieldapp.services import enrol_device
from fieldapp.sync_errors import describe_error
from fieldapp.ui.context import AppContext
from fieldapp.ui.screen import Screen, UiEvent
from fieldapp.ui.theme import configure_page

__all__ = ["EnrolScreen"]


class EnrolScreen(Screen):
    route = "/enrol"

    def __init__(self, ctx: AppContext, first_run: bool = False) -> None:
        super().__init__(ctx)
        self.first_run = first_run

    def build(self) -> ft.View:
        settings = self.ctx.services.settings
        self.code = ft.TextField(label=self.t("enrol.code"), autofocus=True)
        self.server = ft.TextField(
            label=self.t("enrol.server"), value=settings.server, keyboard_type=ft.KeyboardType.URL
        )
        self.device_name = ft.TextField(
            label=self.t("enrol.device_name"), value=settings.device_name or "โทรศัพท์ภาคสนาม"
        )
        self.status = ft.Text("", color=ft.Colors.ERROR)
        self.submit = ft.FilledButton(self.t("enrol.submit"), on_click=self.on_submit)
        controls: list[ft.Control] = [
            ft.Text(self.t("enrol.intro")),
            self.code,
            self.server,
            self.device_name,
            self.submit,
            self.status,
        ]
        if self.first_run:
            controls.append(ft.TextButton(self.t("enrol.skip"), on_click=self.on_skip))
            controls.append(
                ft.TextButton(
                    self.t("enrol.other_language"),
                    icon=ft.Icons.TRANSLATE,
                    on_click=self.on_language,
                )
            )
        return ft.View(
            route=self.route,
            appbar=self.app_bar(self.t("enrol.title")),
            controls=[
                ft.Column(
                    controls,
                    spacing=16,
                    scroll=ft.ScrollMode.AUTO,
                    expand=True,
                    horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                )
            ],
            padding=16,
        )

    async def on_submit(self, e: UiEvent) -> None:
        self.code.error = None
        self.server.error = None
        self.status.value = ""
        try:
            parsed = parse_enrol_input(self.code.value or "", self.server.value or "")
        except EnrolInputError as err:
            target = self.code if err.field == "code" else self.server
            target.error = self.t(err.key)
            self.ctx.page.update()
            return
        self.code.value = parsed.code
        self.server.value = parsed.server
        self.submit.disabled = True
        self.status.color = None
        self.status.value = self.t("enrol.working")
        self.ctx.page.update()
        try:
            await enrol_device(
                self.ctx.services,
                parsed.server,
                parsed.code,
                (self.device_name.value or "").strip(),
            )
        except Exception as exc:
            self.status.color = ft.Colors.ERROR
            self.status.value = describe_error(exc, self.ctx.tr.lang)
            self.submit.disabled = False
            self.ctx.page.update()
            return
        self.ctx.toast(self.t("enrol.done"))
        self._go_home()

    def on_language(self, e: UiEvent) -> None:
        settings = self.ctx.services.settings
        settings.language = "en" if settings.language == "th" else "th"
        self.ctx.services.save_settings()
        self.ctx.tr.lang = settings.language
        configure_page(self.ctx.page, self.ctx.tr)
        self.ctx.go_root("/enrol?first=1" if self.first_run else "/enrol")

    def on_skip(self, e: UiEvent) -> None:
        self.ctx.services.settings.enrol_skipped = True
        self.ctx.services.save_settings()
        self._go_home()

    def _go_home(self) -> None:
        self.ctx.go_root("/home")
