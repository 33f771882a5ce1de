"""Producer list: search by Thai name, filter by subdistrict, category and sync state.

The list is a ListView with a fixed item extent, so Flutter lays out only the rows on
screen: 500 producers scroll as fast as 5.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
from typing import Any

import flet as ft

from fieldapp import services as sv
from fieldapp.logic.producer_list import (
    CATEGORIES,
    SYNC_STATES,
    Filters,
    ProducerRow,
    producer_rows,
    subdistrict_choices,
)
from fieldapp.ui.picker import ChoicePicker
from fieldapp.ui.screen import Screen, UiEvent
from fieldapp.ui.widgets import error_banner, state_chip

__all__ = ["ProducerListScreen"]

# two lines of a long Thai name and one of its place fit a 390 px phone
ROW_HEIGHT = 88
# Rows built before the first frame: a phone screen shows about ten. The rest are added right
# after, so 500 producers appear as fast as 30 (the ListView lays out only what is on screen).
FIRST_ROWS = 30


class ProducerListScreen(Screen):
    route = "/producers"

    def build(self) -> ft.View:
        self.filters = Filters()
        self.generation = 0
        pick = self.ctx.tr.pick
        all_text = self.t("producers.all")
        self.search = ft.TextField(
            label=self.t("producers.search"),
            prefix_icon=ft.Icons.SEARCH,
            on_change=self.on_search,
            dense=True,
        )
        self.subdistrict = ChoicePicker(
            self.ctx,
            self.t("producers.filter_subdistrict"),
            [],
            None,
            lambda key: self._apply(subdistrict_code=key),
            none_text=all_text,
        )
        self.category = ChoicePicker(
            self.ctx,
            self.t("producers.filter_category"),
            [(c, pick(th, en)) for c, th, en in CATEGORIES],
            None,
            lambda key: self._apply(category=key),
            none_text=all_text,
        )
        self.state = ChoicePicker(
            self.ctx,
            self.t("producers.filter_state"),
            [(s, self.t(f"sync.state.{s}")) for s in SYNC_STATES],
            None,
            lambda key: self._apply(sync_state=key),
            none_text=all_text,
        )
        self.count = ft.Text("")
        # room below the last row: the "add producer" button must not cover it
        self.list = ft.ListView(
            item_extent=ROW_HEIGHT, expand=True, padding=ft.Padding.only(bottom=88)
        )
        self.message = ft.Column()
        return ft.View(
            route=self.route,
            appbar=self.app_bar(self.t("producers.title")),
            padding=12,
            controls=[
                ft.Column(
                    [
                        self.search,
                        # Rows that scroll sideways: a wrapping row of buttons inside this
                        # expanding column fails to lay out in Flet 1.0.5's web client.
                        ft.Row(
                            [self.subdistrict.button, self.category.button],
                            scroll=ft.ScrollMode.AUTO,
                            spacing=6,
                        ),
                        ft.Row([self.state.button, self.count], scroll=ft.ScrollMode.AUTO),
                        self.message,
                        self.list,
                    ],
                    spacing=6,
                    expand=True,
                )
            ],
            floating_action_button=ft.FloatingActionButton(
                icon=ft.Icons.PERSON_ADD_ALT,
                content=self.t("producers.add"),
                tooltip=self.t("producers.add"),
                on_click=self.on_add,
            ),
        )

    def refresh(self) -> None:
        services = self.ctx.services
        try:
            found = sv.search_producers(
                services,
                text=self.filters.text,
                subdistrict_code=self.filters.subdistrict_code,
                category=self.filters.category,
                sync_state=self.filters.sync_state,
            )
        except Exception as exc:
            self.message.controls = [error_banner(self.ctx, exc)]
            return
        self.message.controls = []
        from schemas import geo

        if not self.subdistrict.options:
            everyone = found if self.filters == Filters() else sv.list_records(services, "producer")
            choices = subdistrict_choices(
                services.settings.district_code, everyone, geo.subdistricts
            )
            self.subdistrict.set_options(
                [(c, self.ctx.tr.pick(th, en)) for c, th, en in choices],
                self.filters.subdistrict_code,
            )
        names = dict(self.subdistrict.options)

        def place(code: str) -> str:
            if code in names:
                return names[code]
            area = geo.subdistrict(code)
            return area.name(self.ctx.tr.lang) if area else code

        def state_of(record: Any) -> str:
            return sv.record_sync_state(services, "producer", str(record["id"]))

        rows = producer_rows(found, place, state_of)
        self.count.value = self.t("producers.count", n=len(rows))
        self.generation += 1
        self.list.controls = [self._row(r) for r in rows[:FIRST_ROWS]] or [
            ft.Text(self.t("producers.empty"), italic=True)
        ]
        if len(rows) > FIRST_ROWS:
            self.ctx.page.run_task(self._add_rest, rows[FIRST_ROWS:], self.generation)

    async def _add_rest(self, rows: list[ProducerRow], generation: int) -> None:
        await asyncio.sleep(0)  # let the first rows go out first
        if generation != self.generation:
            return  # the officer changed the filter meanwhile
        self.list.controls.extend(self._row(r) for r in rows)
        with contextlib.suppress(RuntimeError):  # the screen was left meanwhile
            self.list.update()

    def _row(self, row: ProducerRow) -> ft.Control:
        return ft.ListTile(
            title=ft.Text(row.name, max_lines=2, overflow=ft.TextOverflow.ELLIPSIS, size=15),
            subtitle=ft.Text(row.place or "—", max_lines=1),
            trailing=state_chip(self.ctx, row.sync_state),
            on_click=lambda e, pid=row.producer_id: self.open(pid),
            height=ROW_HEIGHT,
        )

    def _apply(self, **changes: Any) -> None:
        self.filters = replace(self.filters, **changes)
        self.refresh()
        self.ctx.page.update()

    def on_search(self, e: UiEvent) -> None:
        self._apply(text=(self.search.value or "").strip())

    def open(self, producer_id: str) -> None:
        self.ctx.go(f"/producer/{producer_id}")

    def on_add(self, e: UiEvent) -> None:
        self.ctx.go("/producer/new")
