"""Home: today's and recent visits, what waits to be sent, a sync badge."""

from __future__ import annotations

from datetime import UTC, datetime

import flet as ft

from fieldapp import services as sv
from fieldapp.logic.home import VisitRow, split_visits
from fieldapp.ui.screen import Screen, UiEvent
from fieldapp.ui.widgets import be_datetime, error_banner

__all__ = ["HomeScreen"]


class HomeScreen(Screen):
    route = "/home"
    nav_index = 0

    def build(self) -> ft.View:
        self.badge_text = ft.Text("", size=13)
        self.badge = ft.Container(
            ft.Row([ft.Icon(ft.Icons.CLOUD_UPLOAD_OUTLINED, size=18), self.badge_text], spacing=4),
            padding=ft.Padding.symmetric(horizontal=10, vertical=4),
            margin=ft.Margin.only(right=8),
            border_radius=14,
            bgcolor=ft.Colors.SECONDARY_CONTAINER,
            on_click=self.on_badge,
        )
        self.body = ft.Column(spacing=8, scroll=ft.ScrollMode.AUTO, expand=True)
        return ft.View(
            route=self.route,
            appbar=self.app_bar(self.t("home.title"), actions=[self.badge]),
            padding=16,
            controls=[self.body],
            floating_action_button=ft.FloatingActionButton(
                icon=ft.Icons.PERSON_ADD_ALT,
                content=self.t("producers.add"),
                tooltip=self.t("producers.add"),
                on_click=self.on_add_producer,
            ),
        )

    def refresh(self) -> None:
        services = self.ctx.services
        controls: list[ft.Control] = []
        if not services.settings.enrolled:
            controls.append(
                ft.Card(
                    ft.Container(
                        ft.Column(
                            [
                                ft.Text(self.t("home.not_enrolled")),
                                ft.TextButton(self.t("home.enrol_now"), on_click=self.on_enrol),
                            ]
                        ),
                        padding=12,
                    )
                )
            )
        try:
            pending = sv.pending_changes(services)
            producers = sv.list_records(services, "producer")
            visits = sv.list_records(services, "visit")
        except Exception as exc:
            controls.append(error_banner(self.ctx, exc))
            self.body.controls = controls
            return
        self.badge_text.value = (
            self.t("home.waiting", n=pending) if pending else self.t("home.all_sent")
        )
        names = {str(p["id"]): str(p.get("name_th", "")) for p in producers}
        today, recent = split_visits(visits, names, datetime.now(UTC))
        controls.append(ft.Text(self.t("home.producers_count", n=len(producers))))
        controls.append(ft.Text(self.t("home.today"), size=18, weight=ft.FontWeight.BOLD))
        controls.extend(self._rows(today))
        controls.append(ft.Text(self.t("home.recent"), size=18, weight=ft.FontWeight.BOLD))
        controls.extend(self._rows(recent))
        self.body.controls = controls

    def _rows(self, rows: list[VisitRow]) -> list[ft.Control]:
        if not rows:
            return [ft.Text(self.t("home.none"), italic=True)]
        return [
            ft.ListTile(
                title=ft.Text(r.producer_name),
                subtitle=ft.Text(
                    f"{be_datetime(r.started_at, self.ctx.tr.lang)} · "
                    + self.t("visit.final" if r.status == "final" else "visit.draft")
                ),
                on_click=lambda e, r=r: self.open_visit(r),
            )
            for r in rows
        ]

    def open_visit(self, row: VisitRow) -> None:
        from fieldapp.ui.screens.visit import VisitScreen

        self.ctx.push(VisitScreen(self.ctx, row.producer_id, row.visit_id))

    def on_add_producer(self, e: UiEvent) -> None:
        from fieldapp.ui.screens.producer_form import ProducerFormScreen

        self.ctx.push(ProducerFormScreen(self.ctx, None))

    def on_badge(self, e: UiEvent) -> None:
        from fieldapp.ui.app import top_level_screen

        self.ctx.replace_all(top_level_screen(self.ctx, 2))

    def on_enrol(self, e: UiEvent) -> None:
        from fieldapp.ui.screens.enrol import EnrolScreen

        self.ctx.push(EnrolScreen(self.ctx))
