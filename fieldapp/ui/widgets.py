"""Small shared pieces of UI."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import flet as ft

from fieldapp.services import Services
from fieldapp.sync_errors import describe_error
from fieldapp.ui.context import AppContext
from schemas.thai_dates import format_thai_datetime

__all__ = [
    "STATE_COLORS",
    "be_datetime",
    "damage_notice",
    "error_banner",
    "icon_button",
    "pending_box",
    "section_title",
    "state_chip",
    "thumbnail",
    "wipe_lines",
]

STATE_COLORS = {
    "sent": ft.Colors.GREEN_700,
    "waiting": ft.Colors.ORANGE_800,
    "conflict": ft.Colors.RED_700,
    "draft": ft.Colors.BLUE_GREY_600,
}


def be_datetime(value: datetime | str | None, lang: str = "th") -> str:
    if not value:
        return "—"
    try:
        return format_thai_datetime(value, lang=lang)
    except ValueError:
        return str(value)


def error_banner(ctx: AppContext, exc: BaseException) -> ft.Control:
    return ft.Container(
        ft.Text(describe_error(exc, ctx.tr.lang), color=ft.Colors.ON_ERROR_CONTAINER),
        bgcolor=ft.Colors.ERROR_CONTAINER,
        padding=12,
        border_radius=8,
    )


def section_title(text: str) -> ft.Text:
    return ft.Text(text, size=18, weight=ft.FontWeight.BOLD)


def state_chip(ctx: AppContext, state: str) -> ft.Control:
    key = f"sync.state.{state}"
    label = ctx.t(key) if key in _known_keys() else state
    return ft.Container(
        ft.Text(label, size=12, color=ft.Colors.WHITE),
        bgcolor=STATE_COLORS.get(state, ft.Colors.BLUE_GREY_600),
        padding=ft.Padding.symmetric(horizontal=8, vertical=2),
        border_radius=10,
    )


def _known_keys() -> set[str]:
    from fieldapp.i18n import STRINGS

    return set(STRINGS)


def icon_button(icon: ft.IconData, label: str, on_click: Any) -> ft.Control:
    """An icon button that screen readers (and the browser tests) can name: Flutter's
    IconButton exposes its tooltip to sighted users only."""
    return ft.Semantics(
        label=label,
        button=True,
        # one node, not a named wrapper around an unnamed button
        exclude_semantics=True,
        on_tap=on_click,
        content=ft.IconButton(icon, tooltip=label, on_click=on_click),
    )


def thumbnail(
    services: Services, photo: dict[str, Any], size: int, label: str, radius: int = 8
) -> ft.Control | None:
    """A photo's thumbnail from the phone's photo store, named for screen readers."""
    from fieldapp.services import thumbnail_bytes

    data = thumbnail_bytes(services, photo)
    if not data:
        return None
    return ft.Image(
        src=data,
        width=size,
        height=size,
        fit=ft.BoxFit.COVER,
        border_radius=radius,
        semantics_label=label,
    )


def wipe_lines(ctx: AppContext) -> list[ft.Control]:
    """The "safe to wipe" statement (sync screen and settings): the headline, then each
    fact or what is still missing."""
    from fieldapp.services import wipe_status

    try:
        status = wipe_status(ctx.services, ctx.tr.lang)
    except Exception as exc:
        return [error_banner(ctx, exc)]
    lines = [ctx.tr.pick(th, en) for th, en in status.lines]
    color = ft.Colors.GREEN_800 if status.safe and not status.empty else None
    if not status.safe:
        color = ft.Colors.ORANGE_900
    icon = ft.Icons.VERIFIED_OUTLINED if status.safe else ft.Icons.WARNING_AMBER_OUTLINED
    return [
        ft.Row(
            [ft.Icon(icon, color=color), ft.Text(lines[0], weight=ft.FontWeight.BOLD,
                                                 color=color, expand=True)]
        ),
        *[ft.Text(f"• {line}") for line in lines[1:]],
    ]


def pending_box(
    ctx: AppContext, record_type: str, pending: dict[str, dict[str, str]]
) -> ft.Control:
    """What was typed but is not valid yet (kept on this phone, not sent): each field with
    the text and what is wrong."""
    rows: list[ft.Control] = [
        ft.Text(ctx.t("form.pending_title"), weight=ft.FontWeight.BOLD,
                color=ft.Colors.ON_ERROR_CONTAINER)
    ]
    from schemas import field_label

    for name, item in pending.items():
        why = item.get("message_en") if ctx.tr.lang == "en" else item.get("message_th")
        title = field_label(record_type, name, ctx.tr.lang)
        rows.append(ft.Text(f"• {title}: “{item.get('text', '')}” — {why}",
                            color=ft.Colors.ON_ERROR_CONTAINER))
    return ft.Container(ft.Column(rows, spacing=2), bgcolor=ft.Colors.ERROR_CONTAINER,
                        padding=10, border_radius=8)


def damage_notice(text: str) -> ft.Control:
    """The device store's report of a damaged file (what could not be read, what to do)."""
    return ft.Container(
        ft.Row(
            [ft.Icon(ft.Icons.REPORT_GMAILERRORRED, color=ft.Colors.ON_ERROR_CONTAINER),
             ft.Text(text, color=ft.Colors.ON_ERROR_CONTAINER, expand=True)],
            vertical_alignment=ft.CrossAxisAlignment.START,
        ),
        bgcolor=ft.Colors.ERROR_CONTAINER,
        padding=10,
        border_radius=8,
    )


def warnings_box(ctx: AppContext, title: str, warnings: list[Any]) -> ft.Control:
    """Amber: what deserves a second look but blocks nothing (`fieldapp.logic.warnings`).
    Each warning in the officer's language first, the other language beneath it."""
    if not warnings:
        return ft.Container(visible=False)
    english = ctx.tr.lang == "en"
    rows: list[ft.Control] = [
        ft.Row(
            [ft.Icon(ft.Icons.WARNING_AMBER_ROUNDED, color=ft.Colors.AMBER_900),
             ft.Text(title, weight=ft.FontWeight.BOLD, color=ft.Colors.BROWN_900, expand=True)],
        )
    ]
    for w in warnings:
        first, second = (w.en, w.th) if english else (w.th, w.en)
        rows.append(ft.Text(f"• {first}", color=ft.Colors.BROWN_900))
        rows.append(ft.Text(second, size=12, italic=True, color=ft.Colors.BROWN_700))
    return ft.Container(
        ft.Column(rows, spacing=2),
        bgcolor=ft.Colors.AMBER_100,
        border=ft.Border.all(1, ft.Colors.AMBER_700),
        padding=10,
        border_radius=8,
    )
