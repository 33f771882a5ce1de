"""Add or edit one producer, product or plan item: every schema section on one page, each
change saved at once (a record is created as soon as it is valid as a draft)."""

from __future__ import annotations

import json
from typing import Any

import flet as ft

from fieldapp import services as sv
from fieldapp.logic.drafts import decide_draft_save
from fieldapp.logic.forms import form_steps
from fieldapp.logic.warnings import record_warning_list
from fieldapp.ui.context import AppContext
from fieldapp.ui.form import RecordForm
from fieldapp.ui.screen import Screen, UiEvent
from fieldapp.ui.widgets import section_title, warnings_box

__all__ = ["RecordFormScreen"]


def _top(path: str) -> str:
    return path.split(".", 1)[0]

TITLES = {
    "producer": ("producer.new_title", "producer.edit"),
    "product": ("producer.add_product", "producer.products"),
    "plan_item": ("producer.add_plan", "producer.plan"),
    "network_link": ("producer.add_link", "producer.links"),
}


class RecordFormScreen(Screen):
    # fields the screen sets itself (links to the producer, the visit)
    fixed: tuple[str, ...] = ("producer_id", "visit_id", "product_id")

    def __init__(
        self,
        ctx: AppContext,
        record_type: str,
        record_id: str | None,
        defaults: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(ctx)
        self.record_type = record_type
        self.record_id = record_id
        stored = sv.get_record(ctx.services, record_type, record_id) if record_id else None
        self.stored: dict[str, Any] = dict(stored or defaults or {})
        self.stored.pop("id", None)
        self.draft = dict(self.stored)

    def build(self) -> ft.View:
        from schemas import field_specs, sections

        self.form = RecordForm(
            self.ctx,
            self.record_type,
            self.draft,
            self.on_save,
            pending=sv.pending_input(self.ctx.services, self.record_type, self.record_id),
            keep_typed=self.keep_typed,
        )
        self.notice = ft.Text("", color=ft.Colors.ERROR)
        controls: list[ft.Control] = [self.notice]
        for step in form_steps(
            field_specs(self.record_type), sections(self.record_type), skip=self.fixed
        ):
            controls.append(section_title(self.ctx.tr.pick(step.title_th, step.title_en)))
            controls.extend(self.form.controls(step.fields))
        controls.append(ft.FilledButton(self.t("form.save"), on_click=self.on_done))
        new_key, edit_key = TITLES.get(self.record_type, ("form.save", "form.save"))
        # warnings that must stay in sight while the officer types further down
        self.banner = ft.Column(spacing=4)
        # the schemas' warnings (amber, never blocking), kept current as the officer types
        self.warnings = ft.Column(spacing=4)
        self.banner.controls.append(self.warnings)
        self.show_warnings()
        self.fields = ft.Column(
            controls,
            spacing=12,
            scroll=ft.ScrollMode.AUTO,
            expand=True,
            # fields use the whole width of a phone, tablet or window
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )
        return ft.View(
            route=self.route,
            appbar=self.app_bar(self.t(edit_key if self.record_id else new_key)),
            padding=16,
            controls=[
                ft.Column(
                    [self.banner, self.fields],
                    spacing=8,
                    expand=True,
                    horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                )
            ],
        )

    def on_save(self, changes: dict[str, Any]) -> None:
        # A record not created yet is judged on everything chosen so far: a network link
        # needs both producers and its kind before it can exist, picked one at a time.
        decision = decide_draft_save(
            self.stored if self.record_id is not None else self.draft,
            changes,
            lambda record: sv.validate_draft(self.record_type, record),
            exists=self.record_id is not None,
        )
        self.form.show_issues(decision.issues)
        messages = {_top(str(i.path)): i for i in decision.issues}
        try:
            if self.record_id is None:
                if decision.can_create:
                    record = {
                        k: v
                        for k, v in self.draft.items()
                        if v is not None and k not in decision.bad_fields
                    }
                    self.record_id = sv.save_record(
                        self.ctx.services, self.record_type, None, record
                    )
                    self.stored = dict(record)
                    for name in decision.bad_fields:
                        self.keep_bad(name, messages.get(name))
            else:
                if decision.to_save:
                    sv.save_record(
                        self.ctx.services, self.record_type, self.record_id, decision.to_save
                    )
                    self.stored.update(decision.to_save)
                for name in changes:
                    self.keep_bad(name, messages.get(name) if name in decision.bad_fields
                                  else None)
        except Exception as exc:
            from fieldapp.sync_errors import describe_error

            self.notice.value = describe_error(exc, self.ctx.tr.lang)
        else:
            self.notice.value = ""
            self.after_save()
        self.show_warnings()
        self.ctx.page.update()

    def show_warnings(self) -> None:
        found = record_warning_list(self.record_type, self.draft, record_id=self.record_id)
        self.warnings.controls = [warnings_box(self.ctx, self.t("warn.title"), found)] \
            if found else []

    def keep_bad(self, name: str, issue: Any | None) -> None:
        """Keep what was typed into `name` while the schema refuses it; forget it once valid."""
        if self.record_id is None:
            return
        if issue is None:
            self.keep_typed(name, None, "", "")
            return
        text = self.form.texts.get(name)
        if text is None:
            value = self.draft.get(name)
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        self.keep_typed(name, text, issue.message("th"), issue.message("en"))

    def keep_typed(self, name: str, text: str | None, message_th: str, message_en: str) -> None:
        if self.record_id is None:
            return
        sv.keep_pending_input(
            self.ctx.services, self.record_type, self.record_id, name, text,
            message_th, message_en,
        )

    def after_save(self) -> None:
        """Hook for screens that react to a save (the producer's duplicate warning)."""

    def on_done(self, e: UiEvent) -> None:
        if self.record_id is None:
            issues = sv.validate_draft(self.record_type, self.draft)
            self.form.show_issues(issues)
            self.ctx.page.update()
            return
        pending = sv.pending_input(self.ctx.services, self.record_type, self.record_id)
        if pending:
            self.ask_fix_or_keep(pending)
            return
        self.leave()

    def ask_fix_or_keep(self, pending: dict[str, dict[str, str]]) -> None:
        """The officer decides: fix the values, or keep the record as a draft that lists
        what is wrong (on its page; the bad values are not sent)."""
        lang = self.ctx.tr.lang
        lines: list[ft.Control] = [
            ft.Text(f"• “{item.get('text', '')}”: "
                    f"{item.get('message_en') if lang == 'en' else item.get('message_th')}")
            for item in pending.values()
        ]

        def keep(e: UiEvent) -> None:
            self.ctx.page.pop_dialog()
            self.leave()

        self.ctx.page.show_dialog(
            ft.AlertDialog(
                title=ft.Text(self.t("form.problems_title")),
                content=ft.Column(lines, tight=True),
                actions=[
                    ft.TextButton(
                        self.t("form.fix"), on_click=lambda e: self.ctx.page.pop_dialog()
                    ),
                    ft.FilledButton(self.t("form.keep_draft"), on_click=keep),
                ],
            )
        )

    def leave(self) -> None:
        self.ctx.toast(self.t("form.saved"))
        self.ctx.back()
