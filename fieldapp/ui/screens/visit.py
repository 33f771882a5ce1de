"""A survey visit, step by step from the visit schema's sections, saved as a draft on every
change; the last step lists what is still missing and finalizes."""

from __future__ import annotations

from typing import Any

import flet as ft

from fieldapp import services as sv
from fieldapp.logic.drafts import decide_draft_save
from fieldapp.logic.forms import FormStep, form_steps
from fieldapp.logic.warnings import visit_warnings
from fieldapp.sync_errors import describe_error
from fieldapp.ui.context import AppContext
from fieldapp.ui.form import RecordForm, utc_now_iso
from fieldapp.ui.screen import Screen, UiEvent
from fieldapp.ui.widgets import error_banner, section_title, warnings_box

__all__ = ["VisitScreen"]

PRODUCTS_STEP = FormStep("products", "ผลิตภัณฑ์ที่เห็น", "Products seen", ())
FINAL_STEP = FormStep("finalize", "ตรวจและปิดการเยี่ยม", "Check and finalize", ())


class VisitScreen(Screen):
    def __init__(self, ctx: AppContext, producer_id: str, visit_id: str | None) -> None:
        super().__init__(ctx)
        self.producer_id = producer_id
        settings = ctx.services.settings
        if visit_id is None:
            # Created at once: a visit exists from its first second, so a phone call that
            # kills the app loses nothing.
            fields: dict[str, Any] = {
                "producer_id": producer_id,
                "started_at": utc_now_iso(),
                "device_id": settings.device_id,
                "status": "draft",
            }
            if settings.officer_id:
                fields["officer_id"] = settings.officer_id
            if settings.officer_name:
                fields["officer_name"] = settings.officer_name
            visit_id = sv.save_record(ctx.services, "visit", None, fields)
        self.visit_id = visit_id
        self.route = f"/producer/{producer_id}/visit/{visit_id}"
        self.record: dict[str, Any] = dict(sv.get_record(ctx.services, "visit", visit_id) or {})
        self.record.pop("id", None)
        self.step_index = 0

    def build(self) -> ft.View:
        from schemas import field_specs, sections

        self.form = RecordForm(self.ctx, "visit", self.record, self.on_save)
        self.steps = [
            *form_steps(field_specs("visit"), sections("visit"), skip=("producer_id",)),
            PRODUCTS_STEP,
            FINAL_STEP,
        ]
        self.step_label = ft.Text("")
        self.step_title = section_title("")
        self.content = ft.Column(spacing=12, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        self.notice = ft.Text("", color=ft.Colors.ERROR)
        self.prev_button = ft.OutlinedButton(
            self.t("form.prev"), icon=ft.Icons.CHEVRON_LEFT, on_click=self.on_prev
        )
        self.next_button = ft.FilledButton(
            self.t("form.next"), icon=ft.Icons.CHEVRON_RIGHT, on_click=self.on_next
        )
        producer = sv.get_record(self.ctx.services, "producer", self.producer_id) or {}
        # the office's review of this visit, on the visit itself (every step shows it)
        self.review = ft.Column(spacing=4)
        return ft.View(
            route=self.route,
            appbar=self.app_bar(f"{self.t('visit.title')}: {producer.get('name_th', '')}"),
            padding=16,
            controls=[
                ft.Column(
                    [
                        self.step_label,
                        ft.ProgressBar(value=0),
                        self.step_title,
                        self.notice,
                        ft.Column(
                            [self.review, self.content],
                            scroll=ft.ScrollMode.AUTO,
                            expand=True,
                            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                        ),
                        ft.Row(
                            [self.prev_button, self.next_button],
                            alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
                        ),
                    ],
                    spacing=8,
                    expand=True,
                )
            ],
        )

    @property
    def progress(self) -> ft.ProgressBar:
        column = self.view.controls[0]
        assert isinstance(column, ft.Column)
        bar = column.controls[1]
        assert isinstance(bar, ft.ProgressBar)
        return bar

    def refresh(self) -> None:
        fresh = sv.get_record(self.ctx.services, "visit", self.visit_id) or {}
        self.record.clear()
        self.record.update({k: v for k, v in fresh.items() if k != "id"})
        self.review.controls = self.review_box()
        self.show_step()

    def review_box(self) -> list[ft.Control]:
        from fieldapp.ui.widgets import be_datetime

        lang = self.ctx.tr.lang
        status = sv.visit_status_text(self.ctx.services, self.visit_id, lang)
        controls: list[ft.Control] = [
            ft.Text(self.t("visit.status_line", status=status), weight=ft.FontWeight.BOLD)
        ]
        comments = self.record.get("review_comments") or []
        if comments:
            controls.append(ft.Text(self.t("visit.review"), weight=ft.FontWeight.BOLD))
        for comment in comments:
            controls.append(
                ft.Container(
                    ft.Column(
                        [
                            ft.Text(str(comment.get("text", ""))),
                            ft.Text(
                                f"{comment.get('by', '')} · "
                                f"{be_datetime(comment.get('at'), lang)}",
                                size=12,
                            ),
                        ],
                        spacing=2,
                    ),
                    bgcolor=ft.Colors.ERROR_CONTAINER
                    if self.record.get("review_status") in ("has_issues", "rejected")
                    else ft.Colors.SURFACE_CONTAINER_HIGHEST,
                    padding=10,
                    border_radius=8,
                )
            )
        return controls

    def show_step(self) -> None:
        step = self.steps[self.step_index]
        n = len(self.steps)
        self.step_label.value = self.t("form.step", i=self.step_index + 1, n=n)
        self.step_title.value = self.ctx.tr.pick(step.title_th, step.title_en)
        self.progress.value = (self.step_index + 1) / n
        self.prev_button.disabled = self.step_index == 0
        self.next_button.visible = self.step_index < n - 1
        self.form.error_targets.clear()
        if step is PRODUCTS_STEP:
            self.content.controls = self.products_step()
        elif step is FINAL_STEP:
            self.content.controls = self.final_step()
        else:
            self.content.controls = self.form.controls(step.fields)


    def on_save(self, changes: dict[str, Any]) -> None:
        decision = decide_draft_save(
            self.stored(), changes, lambda r: sv.validate_draft("visit", r), exists=True
        )
        self.form.show_issues(decision.issues)
        try:
            if decision.to_save:
                sv.save_record(self.ctx.services, "visit", self.visit_id, decision.to_save)
            self.notice.value = ""
        except Exception as exc:
            self.notice.value = describe_error(exc, self.ctx.tr.lang)
        self.ctx.page.update()

    def stored(self) -> dict[str, Any]:
        record = dict(sv.get_record(self.ctx.services, "visit", self.visit_id) or {})
        record.pop("id", None)
        return record

    # --- the products step ------------------------------------------------------------
    def products_step(self) -> list[ft.Control]:
        products = sv.related(self.ctx.services, "products", self.producer_id)
        seen = list(self.record.get("product_ids") or [])

        def toggle(e: UiEvent, product_id: str) -> None:
            ids = [p for p in seen if p != product_id]
            if e.control.value:
                ids.append(product_id)
            seen[:] = ids
            self.form.set_top("product_ids", ids or None)

        boxes: list[ft.Control] = [
            ft.Checkbox(
                label=str(p.get("name_th", "")),
                value=p["id"] in seen,
                on_change=lambda e, pid=p["id"]: toggle(e, pid),
            )
            for p in products
        ]
        return [
            ft.Text(self.t("visit.products_seen")),
            *(boxes or [ft.Text(self.t("producer.none"), italic=True)]),
            ft.OutlinedButton(
                self.t("producer.add_product"), icon=ft.Icons.ADD, on_click=self.on_add_product
            ),
        ]

    def on_add_product(self, e: UiEvent) -> None:
        # added during this visit: the product form links it to the visit once created
        self.ctx.go(f"/producer/{self.producer_id}/product/new?visit={self.visit_id}")

    # --- the finalize step ------------------------------------------------------------
    def final_step(self) -> list[ft.Control]:
        if self.record.get("status") == "final":
            return []  # the status line above says it (and the office's review, if any)
        try:
            missing = sv.missing_for_finalize(self.ctx.services, self.visit_id)
        except Exception as exc:
            return [error_banner(self.ctx, exc)]
        lang = self.ctx.tr.lang
        controls: list[ft.Control] = []
        if missing:
            controls.append(ft.Text(self.t("visit.missing"), weight=ft.FontWeight.BOLD))
            for issue in missing:
                text = issue["message_en"] if lang == "en" else issue["message_th"]
                row: list[ft.Control] = [
                    ft.Icon(ft.Icons.ERROR_OUTLINE, color=ft.Colors.ERROR),
                    ft.Text(text, expand=True),
                ]
                fix = self.fix_button(issue)
                if fix is not None:
                    row.append(fix)
                controls.append(ft.Row(row))
        else:
            controls.append(ft.Text(self.t("visit.nothing_missing")))
        # worth a look before deciding, never in the way of finalizing
        seen = [
            p for pid in self.record.get("product_ids") or []
            for p in [sv.get_record(self.ctx.services, "product", str(pid))] if p
        ]
        warnings = visit_warnings(seen)
        if warnings:
            controls.append(warnings_box(self.ctx, self.t("warn.visit"), warnings))
        controls.append(
            ft.FilledButton(
                self.t("visit.confirm_final"),
                icon=ft.Icons.CHECK,
                on_click=self.on_finalize,
                disabled=bool(missing),
            )
        )
        controls.append(
            ft.OutlinedButton(
                self.t("visit.discard"), icon=ft.Icons.DELETE_OUTLINE, on_click=self.on_discard
            )
        )
        return controls

    def on_discard(self, e: UiEvent) -> None:
        """A visit started by mistake: discarded after a confirmation (drafts only)."""

        def yes(e: UiEvent) -> None:
            self.ctx.page.pop_dialog()
            if sv.discard_draft_visit(self.ctx.services, self.visit_id):
                self.ctx.toast(self.t("visit.discarded"))
                self.ctx.back()

        self.ctx.page.show_dialog(
            ft.AlertDialog(
                title=ft.Text(self.t("visit.discard_title")),
                content=ft.Text(self.t("visit.discard_body")),
                actions=[
                    ft.TextButton(
                        self.t("visit.discard_no"), on_click=lambda e: self.ctx.page.pop_dialog()
                    ),
                    ft.FilledButton(self.t("visit.discard_yes"), on_click=yes),
                ],
            )
        )

    def fix_button(self, issue: dict[str, Any]) -> ft.Control | None:
        kind, record_id = issue.get("record_type"), issue.get("record_id")
        if kind == "producer":
            return ft.TextButton(self.t("producer.edit"), on_click=self.on_edit_producer)
        if kind == "product" and record_id:
            return ft.TextButton(
                self.t("producer.products"), on_click=lambda e: self.open_product(str(record_id))
            )
        if kind in (None, "visit"):
            target = self._step_of(str(issue.get("field") or ""))
            if target is not None:
                return ft.TextButton(
                    self.t("visit.go_fix"), on_click=lambda e: self.go_step(target)
                )
        return None

    def _step_of(self, path: str) -> int | None:
        top = path.split(".", 1)[0]
        for index, step in enumerate(self.steps):
            if any(spec.name == top for spec in step.fields):
                return index
        return 1 if top in ("needs", "problems") else None

    def on_edit_producer(self, e: UiEvent) -> None:
        self.ctx.go(f"/producer/{self.producer_id}/edit")

    def open_product(self, product_id: str) -> None:
        self.ctx.go(f"/producer/{self.producer_id}/product/{product_id}")

    def on_finalize(self, e: UiEvent) -> None:
        missing = sv.finalize_visit(self.ctx.services, self.visit_id)
        if not missing:
            self.ctx.toast(self.t("visit.finalized"))
        self.refresh()
        self.ctx.page.update()

    # --- moving between steps ---------------------------------------------------------
    def go_step(self, index: int) -> None:
        self.step_index = max(0, min(index, len(self.steps) - 1))
        self.refresh()
        self.ctx.page.update()

    def on_prev(self, e: UiEvent) -> None:
        self.go_step(self.step_index - 1)

    def on_next(self, e: UiEvent) -> None:
        self.go_step(self.step_index + 1)
