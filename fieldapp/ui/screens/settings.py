"""Settings: server address, photo size, photos only on Wi-Fi, language."""

from __future__ import annotations

import flet as ft

from fieldapp.services import store_damage, store_damage_history
from fieldapp.settings import PHOTO_SIZES, SettingsError
from fieldapp.ui.screen import Screen, UiEvent
from fieldapp.ui.theme import configure_page
from fieldapp.ui.widgets import be_datetime, damage_notice, section_title, wipe_lines

__all__ = ["SettingsScreen"]


class SettingsScreen(Screen):
    route = "/settings"

    def build(self) -> ft.View:
        s = self.ctx.services.settings
        self.server = ft.TextField(
            label=self.t("settings.server"), value=s.server, keyboard_type=ft.KeyboardType.URL
        )
        self.photo_size = ft.RadioGroup(
            value=str(s.photo_long_edge),
            content=ft.Row([ft.Radio(value=str(n), label=str(n)) for n in PHOTO_SIZES], wrap=True),
        )
        self.wifi_only = ft.Switch(label=self.t("settings.wifi_only"), value=s.photos_wifi_only)
        self.language = ft.RadioGroup(
            value=s.language,
            content=ft.Row(
                [
                    ft.Radio(value="th", label=self.t("settings.lang_th")),
                    ft.Radio(value="en", label=self.t("settings.lang_en")),
                ]
            ),
        )
        self.error = ft.Text("", color=ft.Colors.ERROR)
        enrolled = (
            self.t("settings.enrolled_as", server=s.server)
            if s.enrolled
            else self.t("home.not_enrolled")
        )
        lang = self.ctx.tr.lang
        damage = store_damage(self.ctx.services, lang)
        # reports the office already has: kept here as the phone's history
        history: list[ft.Control] = [
            ft.Text(self.t("settings.damage_sent", when=be_datetime(when, lang), text=text),
                    size=12)
            for when, text, sent in store_damage_history(self.ctx.services, lang)
            if sent
        ]
        return ft.View(
            route=self.route,
            appbar=self.app_bar(self.t("settings.title")),
            padding=16,
            controls=[
                ft.Column(
                    [
                        self.server,
                        ft.Text(self.t("settings.photo_size")),
                        self.photo_size,
                        self.wifi_only,
                        ft.Text(self.t("settings.language")),
                        self.language,
                        ft.FilledButton(self.t("form.save"), on_click=self.on_save),
                        self.error,
                        ft.Divider(),
                        section_title(self.t("wipe.title")),
                        *wipe_lines(self.ctx),
                        *[damage_notice(text) for text in damage],
                        *history,
                        ft.Divider(),
                        ft.Text(enrolled),
                        ft.Text(self.t("settings.device", id=s.device_id[:8])),
                        ft.OutlinedButton(self.t("home.enrol_now"), on_click=self.on_enrol),
                    ],
                    spacing=12,
                    scroll=ft.ScrollMode.AUTO,
                    expand=True,
                )
            ],
        )

    def on_save(self, e: UiEvent) -> None:
        services = self.ctx.services
        s = services.settings
        before = (s.server, s.photo_long_edge, s.photos_wifi_only, s.language)
        s.server = (self.server.value or "").strip().rstrip("/")
        s.photo_long_edge = int(self.photo_size.value or 1600)
        s.photos_wifi_only = bool(self.wifi_only.value)
        s.language = self.language.value or "th"
        try:
            services.save_settings()
        except SettingsError as err:
            s.server, s.photo_long_edge, s.photos_wifi_only, s.language = before
            self.error.value = err.message_en if self.ctx.tr.lang == "en" else err.message_th
            self.ctx.page.update()
            return
        self.error.value = ""
        language_changed = self.ctx.tr.lang != s.language
        self.ctx.tr.lang = s.language
        self.ctx.toast(self.t("settings.saved"))
        if language_changed:
            configure_page(self.ctx.page, self.ctx.tr)
            self.ctx.go_root("/settings")
        else:
            self.ctx.page.update()

    def on_enrol(self, e: UiEvent) -> None:
        self.ctx.go("/enrol")
