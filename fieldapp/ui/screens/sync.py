"""Sync: what will be sent and how many MB, progress per stage, errors in plain Thai, retry,
and the conflicts with both values."""

from __future__ import annotations

from typing import Any

import flet as ft

from fieldapp import services as sv
from fieldapp.logic.conflicts import ConflictItem
from fieldapp.logic.sync_summary import eta_minutes, megabytes, summarize
from fieldapp.sync_errors import describe_error
from fieldapp.ui.screen import Screen, UiEvent
from fieldapp.ui.widgets import be_datetime, error_banner, section_title, wipe_lines

__all__ = ["SyncScreen"]


class SyncScreen(Screen):
    route = "/sync"

    def build(self) -> ft.View:
        self.summary = ft.Column(spacing=4)
        self.stage = ft.Text("")
        self.bar = ft.ProgressBar(value=0, visible=False)
        self.detail = ft.Text("")
        self.message = ft.Text("")
        self.start = ft.FilledButton(
            self.t("sync.start"), icon=ft.Icons.SYNC, on_click=self.on_start
        )
        self.conflicts = ft.Column(spacing=8)
        self.wipe = ft.Column(spacing=2)
        self.running = False
        return ft.View(
            route=self.route,
            appbar=self.app_bar(self.t("sync.title")),
            padding=16,
            controls=[
                ft.Column(
                    [
                        section_title(self.t("sync.to_send")),
                        self.summary,
                        self.start,
                        self.stage,
                        self.bar,
                        self.detail,
                        self.message,
                        ft.Divider(),
                        section_title(self.t("wipe.title")),
                        self.wipe,
                        ft.Divider(),
                        section_title(self.t("sync.conflicts")),
                        self.conflicts,
                    ],
                    spacing=10,
                    scroll=ft.ScrollMode.AUTO,
                    expand=True,
                )
            ],
        )

    def refresh(self) -> None:
        services = self.ctx.services
        try:
            photos = sv.list_records(services, "photo")
            summary = summarize(
                sv.pending_changes(services),
                photos,
                lambda p: sv.record_sync_state(services, "photo", str(p["id"])),
            )
            found = sv.conflict_view(services).items
        except Exception as exc:
            self.summary.controls = [error_banner(self.ctx, exc)]
            return
        settings = services.settings
        lines = [
            self.t("sync.records", n=summary.records),
            self.t("sync.photos", n=summary.photos, mb=megabytes(summary.photo_bytes)),
            self.t("sync.total", mb=megabytes(summary.total_bytes)),
        ]
        drafts = sum(
            1
            for v in sv.list_records(services, "visit")
            if sv.record_sync_state(services, "visit", str(v["id"])) == "draft"
        )
        if drafts:
            # ODK's rule: a draft stays on the phone until it is finalized.
            lines.append(self.t("sync.drafts_wait", n=drafts))
        self.summary.controls = [ft.Text(line) for line in lines]
        if settings.photos_wifi_only and summary.photos:
            self.summary.controls.append(ft.Text(self.t("sync.wifi_only"), italic=True))
        held = getattr(services.last_report, "notice_en" if self.ctx.tr.lang == "en"
                       else "notice_th", None)
        if held:
            # The last sync held the full photos back (mobile data): they wait for Wi-Fi.
            self.summary.controls.append(ft.Text(str(held), italic=True))
        if not settings.enrolled:
            self.message.value = self.t("sync.not_enrolled")
            self.start.disabled = True
        else:
            self.start.disabled = self.running
            if not self.running and not self.message.value:
                self.message.value = self._last_sync()
        self.wipe.controls = wipe_lines(self.ctx)
        self.conflicts.controls = [self._conflict(item) for item in found] or [
            ft.Text(self.t("sync.no_conflicts"), italic=True)
        ]

    def _last_sync(self) -> str:
        services = self.ctx.services
        if services.last_sync_at is None:
            return self.t("sync.never")
        when = self.t("sync.last", when=be_datetime(services.last_sync_at, self.ctx.tr.lang))
        report = services.last_report
        if report is not None and not report.completed:
            error = report.error_en if self.ctx.tr.lang == "en" else report.error_th
            return f"{when}: {error or self.t('sync.offline')}"
        return when

    def _conflict(self, item: ConflictItem) -> ft.Control:
        """One conflicting field: its Thai label, both values, who and when, its state."""
        from schemas import field_label

        lang = self.ctx.tr.lang
        name = field_label(item.record_type, item.field, lang) if item.field else ""
        head = " · ".join(x for x in (name, item.title) if x)
        lines: list[ft.Control] = [ft.Text(head, weight=ft.FontWeight.BOLD)]
        if item.state == "flagged":
            message = item.message_en if lang == "en" else item.message_th
            lines.append(ft.Text(str(message or self.t("sync.state.conflict"))))
        else:
            when = be_datetime(item.their_time, lang) if item.their_time else ""
            lines.append(ft.Text(f"{self.t('sync.mine')}: {_show(item.mine)}"))
            lines.append(
                ft.Text(f"{self.t('sync.theirs')}: {_show(item.theirs)} "
                        f"({item.their_who or '?'} {when})".rstrip())
            )
        if item.state == "resolved":
            by = self.t("sync.conflict_by", who=item.resolved_by or "",
                        when=be_datetime(item.resolved_at, lang) if item.resolved_at else "")
            lines.append(ft.Text(self.t("sync.conflict_resolved", value=_show(item.outcome)),
                                 color=ft.Colors.GREEN_800, weight=ft.FontWeight.BOLD))
            lines.append(ft.Text(by, size=12))
        else:
            lines.append(ft.Text(self.t("sync.conflict_waiting"), color=ft.Colors.RED_800,
                                 weight=ft.FontWeight.BOLD))
        return ft.Card(ft.Container(ft.Column(lines, spacing=2), padding=10))

    def on_progress(self, progress: Any) -> None:
        lang = self.ctx.tr.lang
        label = getattr(progress, "label_en" if lang == "en" else "label_th", "")
        self.stage.value = str(label)
        self.bar.visible = True
        self.bar.value = float(getattr(progress, "fraction", 0.0))
        parts = []
        if getattr(progress, "total_items", 0):
            parts.append(f"{progress.done_items}/{progress.total_items}")
        if getattr(progress, "bytes_total", 0):
            parts.append(f"{megabytes(progress.bytes_done)}/{megabytes(progress.bytes_total)} MB")
        minutes = eta_minutes(getattr(progress, "eta_s", None))
        if minutes is not None and progress.bytes_total:
            parts.append(self.t("sync.eta", min=minutes))
        self.detail.value = " · ".join(parts)
        error = getattr(progress, "error_en" if lang == "en" else "error_th", None)
        self.message.value = str(error) if error else ""
        self.message.color = ft.Colors.ERROR if error else None
        self.ctx.page.update()

    async def on_start(self, e: UiEvent) -> None:
        if self.running:
            return
        self.running = True
        self.start.disabled = True
        self.message.value = self.t("sync.running")
        self.message.color = None
        self.ctx.page.update()
        lang = self.ctx.tr.lang
        try:
            probe = self.ctx.connectivity
            link = None if probe is None else await probe()
            report = await sv.run_sync(self.ctx.services, self.on_progress, link)
            error = (
                None
                if report.completed
                else (report.error_en if lang == "en" else report.error_th)
                or self.t("sync.offline")
            )
        except Exception as exc:
            error = describe_error(exc, lang)
        finally:
            self.running = False
        if error:
            # Plain words, and the reassurance that nothing is lost.
            self.message.value = f"{error}\n{self.t('sync.waits')}"
            self.message.color = ft.Colors.ERROR
            self.start.content = self.t("sync.retry")
        else:
            self.message.value = self.t("sync.done")
            notice = report.notice_en if lang == "en" else report.notice_th
            if notice:
                # Records and thumbnails went; the full photos wait for Wi-Fi.
                self.message.value += f"\n{notice}"
            self.message.color = ft.Colors.GREEN_800
            self.start.content = self.t("sync.start")
        self.refresh()
        self.ctx.page.update()


def _show(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)
