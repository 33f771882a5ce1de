"""Fonts, theme and locale of the page (Thai first)."""

from __future__ import annotations

import flet as ft

from fieldapp.i18n import Translator

__all__ = ["FONT_FAMILY", "configure_page"]

FONT_FAMILY = "NotoSansThai"


def configure_page(page: ft.Page, tr: Translator) -> None:
    page.title = tr.t("app.title")
    page.fonts = {
        FONT_FAMILY: "fonts/NotoSansThai-Regular.ttf",
        f"{FONT_FAMILY}Bold": "fonts/NotoSansThai-Bold.ttf",
    }
    page.theme = ft.Theme(font_family=FONT_FAMILY, color_scheme_seed=ft.Colors.TEAL)
    page.theme_mode = ft.ThemeMode.LIGHT
    page.locale_configuration = ft.LocaleConfiguration(
        supported_locales=[ft.Locale("th", "TH"), ft.Locale("en", "US")],
        current_locale=ft.Locale("th", "TH") if tr.lang == "th" else ft.Locale("en", "US"),
    )
