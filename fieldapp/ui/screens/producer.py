"""Producer page: profile, products with thumbnails, visits, plan items, network links and the
office's review comments."""

from __future__ import annotations

from typing import Any

import flet as ft

from fieldapp import services as sv
from fieldapp.logic.links import link_rows
from fieldapp.ui.context import AppContext
from fieldapp.ui.screen import Screen, UiEvent, bar_title
from fieldapp.ui.widgets import (
    be_datetime,
    error_banner,
    icon_button,
    pending_box,
    section_title,
    state_chip,
    thumbnail,
)

__all__ = ["ProducerScreen"]


class ProducerScreen(Screen):
    def __init__(self, ctx: AppContext, producer_id: str) -> None:
        super().__init__(ctx)
        self.producer_id = producer_id
        self.route = f"/producer/{producer_id}"

    def build(self) -> ft.View:
        self.body = ft.Column(spacing=10, scroll=ft.ScrollMode.AUTO, expand=True)
        self.title = bar_title(self.t("producer.title"))
        return ft.View(
            route=self.route,
            appbar=ft.AppBar(
                title=self.title,
                leading=icon_button(ft.Icons.ARROW_BACK, self.t("nav.back"), self.go_back),
                automatically_imply_leading=False,
                actions=[icon_button(ft.Icons.EDIT, self.t("producer.edit"), self.on_edit)],
            ),
            padding=16,
            controls=[self.body],
            floating_action_button=ft.FloatingActionButton(
                icon=ft.Icons.ASSIGNMENT_ADD,
                content=self.t("producer.new_visit"),
                tooltip=self.t("producer.new_visit"),
                on_click=self.on_new_visit,
            ),
        )

    def refresh(self) -> None:
        services = self.ctx.services
        lang = self.ctx.tr.lang
        try:
            producer = sv.get_record(services, "producer", self.producer_id) or {}
            products = sv.related(services, "products", self.producer_id)
            visits = sv.related(services, "visits", self.producer_id)
            plan = sv.related(services, "plan_items", self.producer_id)
            links = sv.related(services, "links", self.producer_id)
            photos = sv.related(services, "photos", self.producer_id)
            state = sv.record_sync_state(services, "producer", self.producer_id)
        except Exception as exc:
            self.body.controls = [error_banner(self.ctx, exc)]
            return
        from schemas import describe_address, field_label, format_phone, label

        name = str(producer.get("name_th", ""))
        self.title.value = name or self.t("producer.title")
        self.title.size = 15 if len(self.title.value) > 22 else None
        profile: list[ft.Control] = [
            ft.Row(
                [
                    ft.Text(name, size=20, weight=ft.FontWeight.BOLD, expand=True),
                    state_chip(self.ctx, state),
                ]
            ),
        ]
        if producer.get("producer_type"):
            profile.append(
                ft.Text(label("producer", "producer_type", producer["producer_type"], lang))
            )
        if producer.get("phone"):
            profile.append(
                ft.Row([ft.Icon(ft.Icons.PHONE, size=16), ft.Text(format_phone(producer["phone"]))])
            )
        lacking = sv.missing_final_fields("producer", producer, lang)
        if lacking:
            # a draft: the office sees it as one too; the officer sees what it lacks
            profile.append(
                ft.Text(self.t("producer.draft_missing", fields=", ".join(lacking)),
                        color=ft.Colors.ORANGE_900)
            )
        mine = {self.producer_id, *(str(p["id"]) for p in products)}
        for item in sv.conflict_view(services).items:
            if item.open and item.record_id in mine:
                # the same conflicts the Sync screen details
                field = field_label(item.record_type, item.field, lang) if item.field else ""
                profile.append(
                    ft.Text(self.t("producer.conflict", field=field), color=ft.Colors.RED_800)
                )
        pending = sv.pending_input(self.ctx.services, "producer", self.producer_id)
        if pending:
            # what the officer typed that is not valid yet: kept on the phone, not sent
            profile.append(pending_box(self.ctx, "producer", pending))
        if producer.get("address"):
            profile.append(ft.Text(describe_address(producer["address"], lang)))
        gps = producer.get("gps")
        if isinstance(gps, dict) and "lat" in gps:
            profile.append(ft.Text(f"GPS {gps['lat']:.5f}, {gps['lon']:.5f}"))

        controls: list[ft.Control] = [*profile, ft.Divider()]
        controls.append(
            self._header("producer.products", "producer.add_product", self.on_add_product)
        )
        controls.extend(self._products(products, photos) or [self._none()])
        controls.append(section_title(self.t("producer.visits")))
        controls.extend(self._visits(visits) or [self._none()])
        controls.append(self._header("producer.plan", "producer.add_plan", self.on_add_plan))
        controls.extend(self._plan(plan) or [self._none()])
        controls.append(self._header("producer.links", "producer.add_link", self.on_add_link))
        controls.extend(self._links(links) or [self._none()])
        controls.append(section_title(self.t("producer.reviews")))
        controls.extend(self._reviews(visits) or [self._none()])
        # room under the last line: the floating "start a visit" button must not cover it
        controls.append(ft.Container(height=96))
        self.body.controls = controls

    def _none(self) -> ft.Control:
        return ft.Text(self.t("producer.none"), italic=True)

    def _header(self, title_key: str, add_key: str, handler: Any) -> ft.Control:
        return ft.Row(
            [
                section_title(self.t(title_key)),
                ft.TextButton(self.t(add_key), icon=ft.Icons.ADD, on_click=handler),
            ],
            alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
        )

    def _products(
        self, products: list[dict[str, Any]], photos: list[dict[str, Any]]
    ) -> list[ft.Control]:
        from schemas import label

        rows: list[ft.Control] = []
        for product in products:
            mine = [p for p in photos if p.get("product_id") == product["id"]]
            thumb: ft.Control = ft.Icon(ft.Icons.IMAGE_NOT_SUPPORTED_OUTLINED, size=48)
            if mine:
                name = str(product.get("name_th"))
                thumb = thumbnail(self.ctx.services, mine[0], 56, name, radius=6) or thumb
            detail = " · ".join(
                x
                for x in [
                    label("product", "category", product.get("category"), self.ctx.tr.lang)
                    if product.get("category")
                    else "",
                    self.t("money.baht", amount=f"{product['price_thb']:,}")
                    if product.get("price_thb") is not None
                    else "",
                    self.t("photos.count", n=len(mine)),
                ]
                if x
            )
            rows.append(
                ft.ListTile(
                    leading=thumb,
                    title=ft.Text(str(product.get("name_th", ""))),
                    subtitle=ft.Text(detail),
                    on_click=lambda e, pid=product["id"]: self.open_product(pid),
                )
            )
        return rows

    def _visits(self, visits: list[dict[str, Any]]) -> list[ft.Control]:

        lang = self.ctx.tr.lang
        ordered = sorted(visits, key=lambda v: str(v.get("started_at") or ""), reverse=True)
        rows: list[ft.Control] = []
        for visit in ordered:
            # the office's verdict (e.g. "has issues") once it has one, else the phone's state
            state = sv.visit_status_text(self.ctx.services, str(visit["id"]), lang)
            rows.append(
                ft.ListTile(
                    title=ft.Text(be_datetime(visit.get("started_at"), lang)),
                    subtitle=ft.Text(state),
                    on_click=lambda e, vid=visit["id"]: self.open_visit(vid),
                )
            )
        return rows

    def _plan(self, plan: list[dict[str, Any]]) -> list[ft.Control]:
        from schemas import label

        lang = self.ctx.tr.lang
        return [
            ft.ListTile(
                title=ft.Text(
                    str(item.get("action") or label("plan_item", "need", item.get("need"), lang))
                ),
                subtitle=ft.Text(
                    " · ".join(
                        x
                        for x in [
                            label("plan_item", "need", item.get("need"), lang),
                            str(item.get("agency") or ""),
                        ]
                        if x
                    )
                ),
                trailing=ft.Text(
                    label("plan_item", "status", item.get("status") or "planned", lang)
                ),
                on_click=lambda e, iid=item["id"]: self.open_plan(iid),
            )
            for item in plan
        ]

    def _links(self, links: list[dict[str, Any]]) -> list[ft.Control]:
        from schemas import label

        lang = self.ctx.tr.lang

        def name_of(producer_id: str) -> str | None:
            other = sv.get_record(self.ctx.services, "producer", producer_id) or {}
            return str(other.get("name_th") or "") or None

        rows: list[ft.Control] = []
        for row in link_rows(links, self.producer_id, name_of):
            kind = label("network_link", "kind", row.kind, lang) if row.kind else ""
            way = self.t("producer.link_out" if row.outgoing else "producer.link_in")
            rows.append(
                ft.ListTile(
                    leading=ft.Icon(ft.Icons.HUB_OUTLINED),
                    title=ft.Text(row.other_name, max_lines=2),
                    subtitle=ft.Text(" · ".join(x for x in [kind, way] if x)),
                    on_click=lambda e, lid=row.link_id: self.open_link(lid),
                )
            )
        return rows

    def _reviews(self, visits: list[dict[str, Any]]) -> list[ft.Control]:
        rows: list[ft.Control] = []
        for visit in visits:
            for comment in visit.get("review_comments") or []:
                rows.append(
                    ft.ListTile(
                        leading=ft.Icon(ft.Icons.COMMENT_OUTLINED),
                        title=ft.Text(str(comment.get("text", "")), no_wrap=False),
                        subtitle=ft.Text(
                            f"{comment.get('by', '')} · "
                            f"{be_datetime(comment.get('at'), self.ctx.tr.lang)}"
                        ),
                    )
                )
        return rows

    # --- navigation -------------------------------------------------------------------
    def on_edit(self, e: UiEvent) -> None:
        self.ctx.go(f"{self.route}/edit")

    def on_new_visit(self, e: UiEvent) -> None:
        self.ctx.go(f"{self.route}/visit/new")

    def open_visit(self, visit_id: str) -> None:
        self.ctx.go(f"{self.route}/visit/{visit_id}")

    def on_add_product(self, e: UiEvent) -> None:
        self.ctx.go(f"{self.route}/product/new")

    def open_product(self, product_id: str) -> None:
        self.ctx.go(f"{self.route}/product/{product_id}")

    def on_add_plan(self, e: UiEvent) -> None:
        self.ctx.go(f"{self.route}/plan/new")

    def open_plan(self, item_id: str) -> None:
        self.ctx.go(f"{self.route}/plan/{item_id}")

    def on_add_link(self, e: UiEvent) -> None:
        self.ctx.go(f"{self.route}/link/new")

    def open_link(self, link_id: str) -> None:
        self.ctx.go(f"{self.route}/link/{link_id}")
