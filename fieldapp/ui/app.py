"""The app shell: the screen stack (by route, `fieldapp.ui.routes`) and the bottom navigation."""

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
from fieldapp.ui.router import TABS, tab_index
from fieldapp.ui.routes import screen_router
from fieldapp.ui.screen import UiEvent
from fieldapp.ui.theme import configure_page

__all__ = ["main", "navigation_bar"]


def navigation_bar(ctx: AppContext, selected: int) -> ft.NavigationBar:
    def on_change(e: UiEvent) -> None:
        ctx.go_root(TABS[int(e.control.selected_index)])

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
    ctx.screens = screen_router(ctx)

    def render() -> None:
        views = []
        for screen in ctx.stack:
            view = screen.view
            tab = tab_index(screen.route)
            if tab is not None:
                view.navigation_bar = navigation_bar(ctx, tab)
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
        route = page.route if tab_index(page.route or "/") is not None else "/home"
        ctx.go_root(route or "/home")
    else:
        ctx.go_root("/enrol?first=1")
