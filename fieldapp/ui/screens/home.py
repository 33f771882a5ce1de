"""Home: today's and recent visits, what waits to be sent, a sync badge."""

from __future__ import annotations

from datetime import UTC, datetime

import flet as ft

from fieldapp import services as sv
from fieldapp.logic.attention import needs_attention
from fieldapp.logic.home import VisitRow, split_visits
from fieldapp.logic.wipe import WipeStatus
from fieldapp.ui.screen import Screen, UiEvent
from fieldapp.ui.widgets import be_datetime, damage_notice, error_banner

__all__ = ["HomeScreen"]


class HomeScreen(Screen):
    route = "/home"

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
            conflicts = sum(1 for item in sv.conflict_view(services).items if item.open)
            wipe = sv.wipe_status(services, self.ctx.tr.lang)
        except Exception as exc:
            controls.append(error_banner(self.ctx, exc))
            self.body.controls = controls
            return
        self.badge_text.value, self.badge.bgcolor = self._badge(pending, wipe)
        if conflicts:
            # the same count the sync screen lists and the producer list filters by
            controls.append(
                ft.Container(
                    ft.Row(
                        [
                            ft.Icon(ft.Icons.CALL_SPLIT, color=ft.Colors.RED_800),
                            ft.TextButton(
                                self.t("home.conflicts", n=conflicts),
                                on_click=self.on_badge,
                                style=ft.ButtonStyle(color=ft.Colors.RED_900),
                            ),
                        ],
                        spacing=4,
                    ),
                    bgcolor=ft.Colors.RED_50,
                    padding=ft.Padding.symmetric(horizontal=8, vertical=2),
                    border_radius=8,
                )
            )
        names = {str(p["id"]): str(p.get("name_th", "")) for p in producers}
        attention = needs_attention(visits)
        if attention:
            # the office's review asks for something: say so first, and open the visits
            controls.append(
                ft.Container(
                    ft.Column(
                        [
                            ft.Text(
                                self.t("home.attention", n=len(attention)),
                                weight=ft.FontWeight.BOLD,
                                color=ft.Colors.ON_ERROR_CONTAINER,
                            ),
                            *[
                                ft.TextButton(
                                    names.get(str(v.get("producer_id")), "?"),
                                    icon=ft.Icons.RATE_REVIEW_OUTLINED,
                                    on_click=lambda e, v=v: self.ctx.go(
                                        f"/producer/{v.get('producer_id')}/visit/{v['id']}"
                                    ),
                                )
                                for v in attention
                            ],
                        ],
                        spacing=2,
                    ),
                    bgcolor=ft.Colors.ERROR_CONTAINER,
                    padding=12,
                    border_radius=8,
                )
            )
        for damage in sv.store_damage(services, self.ctx.tr.lang):
            controls.append(damage_notice(damage))
        today, recent = split_visits(visits, names, datetime.now(UTC))
        controls.append(ft.Text(self.t("home.producers_count", n=len(producers))))
        controls.append(ft.Text(self.t("home.today"), size=18, weight=ft.FontWeight.BOLD))
        controls.extend(self._rows(today))
        controls.append(ft.Text(self.t("home.recent"), size=18, weight=ft.FontWeight.BOLD))
        controls.extend(self._rows(recent))
        controls.append(ft.Container(height=88))  # the last row scrolls above the button
        self.body.controls = controls

    def _badge(self, pending: int, wipe: WipeStatus) -> tuple[str, str]:
        """The one-line state in the app bar; agrees with the sync screen."""
        if pending:
            return self.t("home.waiting", n=pending), ft.Colors.SECONDARY_CONTAINER
        if wipe.empty:
            return self.t("home.nothing_yet"), ft.Colors.SECONDARY_CONTAINER
        if wipe.safe:
            return self.t("home.all_sent"), ft.Colors.GREEN_100
        return self.t("home.photos_wait"), ft.Colors.SECONDARY_CONTAINER

    def _rows(self, rows: list[VisitRow]) -> list[ft.Control]:
        if not rows:
            return [ft.Text(self.t("home.none"), italic=True)]
        return [
            ft.ListTile(
                title=ft.Text(r.producer_name),
                subtitle=ft.Text(
                    f"{be_datetime(r.started_at, self.ctx.tr.lang)} · "
                    + sv.visit_status_text(self.ctx.services, r.visit_id, self.ctx.tr.lang)
                ),
                on_click=lambda e, r=r: self.open_visit(r),
            )
            for r in rows
        ]

    def open_visit(self, row: VisitRow) -> None:
        self.ctx.go(f"/producer/{row.producer_id}/visit/{row.visit_id}")

    def on_add_producer(self, e: UiEvent) -> None:
        self.ctx.go("/producer/new")

    def on_badge(self, e: UiEvent) -> None:
        self.ctx.go_root("/sync")

    def on_enrol(self, e: UiEvent) -> None:
        self.ctx.go("/enrol")
