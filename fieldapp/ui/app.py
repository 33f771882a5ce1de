"""The app shell: fonts, theme, Thai locale, the screen stack and the bottom navigation."""

from __future__ import annotations

import os
from pathlib import Path

import flet as ft

from fieldapp.config import auto_sync_interval, data_dir, default_server
from fieldapp.i18n import Translator
from fieldapp.services import Services, auto_sync
from fieldapp.settings import load_settings
from fieldapp.ui.context import AppContext
from fieldapp.ui.network import ConnectivityProbe
from fieldapp.ui.screen import Screen, UiEvent

__all__ = ["FONT_FAMILY", "main", "top_level_screen"]

FONT_FAMILY = "NotoSansThai"


def top_level_screen(ctx: AppContext, index: int) -> Screen:
    """The screen behind each bottom-navigation tab (imported when first needed)."""
    if index == 1:
        from fieldapp.ui.screens.producers import ProducerListScreen

        return ProducerListScreen(ctx)
    if index == 2:
        from fieldapp.ui.screens.sync import SyncScreen

        return SyncScreen(ctx)
    if index == 3:
        from fieldapp.ui.screens.settings import SettingsScreen

        return SettingsScreen(ctx)
    from fieldapp.ui.screens.home import HomeScreen

    return HomeScreen(ctx)


def navigation_bar(ctx: AppContext, selected: int) -> ft.NavigationBar:
    def on_change(e: UiEvent) -> None:
        index = int(e.control.selected_index)
        ctx.replace_all(top_level_screen(ctx, index))

    t = ctx.t
    return ft.NavigationBar(
        selected_index=selected,
        on_change=on_change,
        destinations=[
            ft.NavigationBarDestination(icon=ft.Icons.HOME_OUTLINED, label=t("nav.home")),
            ft.NavigationBarDestination(
                icon=ft.Icons.STOREFRONT_OUTLINED, label=t("nav.producers")
            ),
            ft.NavigationBarDestination(icon=ft.Icons.SYNC, label=t("nav.sync")),
            ft.NavigationBarDestination(icon=ft.Icons.SETTINGS_OUTLINED, label=t("nav.settings")),
        ],
    )


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


# One Services per data folder for the whole process: in web mode every browser tab (and a
# reload, while the old session lingers) is a new session, but the store admits one opener.
_SERVICES: dict[Path, Services] = {}


def shared_services(folder: Path) -> Services:
    if folder not in _SERVICES:
        settings = load_settings(folder, default_server(os.environ))
        _SERVICES[folder] = Services(data_dir=folder, settings=settings)
    return _SERVICES[folder]


def main(page: ft.Page) -> None:
    services = shared_services(data_dir(os.environ, Path.cwd()))
    settings = services.settings
    tr = Translator(settings.language)
    configure_page(page, tr)
    ctx = AppContext(page=page, services=services, tr=tr, connectivity=ConnectivityProbe())

    def render() -> None:
        views = []
        for screen in ctx.stack:
            view = screen.view
            if screen.nav_index is not None:
                view.navigation_bar = navigation_bar(ctx, screen.nav_index)
            views.append(view)
        page.views.clear()
        page.views.extend(views)
        if ctx.stack:
            ctx.stack[-1].refresh()
        page.update()

    def on_view_pop(e: ft.ViewPopEvent) -> None:
        ctx.back()

    ctx.on_stack_change = render
    page.on_view_pop = on_view_pop
    task = services.auto_sync_task
    if task is None or task.done():
        # One background sync loop per process (web mode serves many sessions); started
        # again if the session that ran it has gone and took the task with it.
        services.auto_sync_task = page.run_task(auto_sync, services, auto_sync_interval(os.environ),
                                                ctx.connectivity)

    if settings.enrolled or settings.enrol_skipped:
        # A web address such as /producers opens that tab (bookmarks, and the benchmark).
        tab = {"/producers": 1, "/sync": 2, "/settings": 3}.get(page.route or "/", 0)
        ctx.replace_all(top_level_screen(ctx, tab))
    else:
        from fieldapp.ui.screens.enrol import EnrolScreen

        ctx.replace_all(EnrolScreen(ctx, first_run=True))
