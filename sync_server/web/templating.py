"""Server-rendered pages: one Jinja2 environment and one `render` for every office page.

`render` puts into every template what the frame (`base.html`) needs: the signed-in
principal, the language and `t()` to look up words in it, the CSRF token for forms, and the
formatting filters (Buddhist-era dates, baht). Reports pass their own words as `strings`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from schemas import code_label, field_label
from sync_server.web.i18n import Strings, normalise_lang, translate

if TYPE_CHECKING:
    from sync_server.auth import Principal

__all__ = [
    "LANG_COOKIE",
    "SECURITY_HEADERS",
    "STATIC_DIR",
    "TEMPLATE_DIR",
    "baht",
    "be_date",
    "be_datetime",
    "render",
    "request_lang",
    "templates",
]

_PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATE_DIR = _PACKAGE / "templates"
STATIC_DIR = _PACKAGE / "static"
LANG_COOKIE = "lang"

templates = Jinja2Templates(directory=str(TEMPLATE_DIR))

# Everything comes from this server (no inline scripts or styles), and no other site may
# frame the office pages (clickjacking a supervisor's "merge" button).
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

_THAI_MONTHS = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _parse_when(value: object) -> datetime | date | None:
    if isinstance(value, datetime | date):
        return value
    if not isinstance(value, str) or not value:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def be_date(value: object, lang: str = "th") -> str:
    """A stored date shown as Thai readers expect: day, month, Buddhist-era year."""
    when = _parse_when(value)
    if when is None:
        return "" if value is None else str(value)
    if lang == "en":
        return f"{when.day} {_EN_MONTHS[when.month - 1]} {when.year}"
    return f"{when.day} {_THAI_MONTHS[when.month - 1]} {when.year + 543}"


def be_datetime(value: object, lang: str = "th") -> str:
    when = _parse_when(value)
    if not isinstance(when, datetime):
        return be_date(value, lang)
    # Stored in UTC; the office is in Thailand (UTC+7, no daylight saving).
    from datetime import timedelta, timezone

    local = when.astimezone(timezone(timedelta(hours=7))) if when.tzinfo else when
    return f"{be_date(local.date(), lang)} {local:%H:%M}"


def baht(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def tojson_th(value: object) -> str:
    """JSON as people can read it (Thai letters, not \\u escapes); autoescaped by Jinja."""
    return json.dumps(value, ensure_ascii=False, default=str)


templates.env.filters["baht"] = baht
templates.env.filters["tojson_th"] = tojson_th


def request_lang(request: Request) -> str:
    return normalise_lang(request.cookies.get(LANG_COOKIE))


def render(
    request: Request,
    template_name: str,
    context: Mapping[str, Any] | None = None,
    principal: Principal | None = None,
    *,
    strings: Strings | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a page inside the office frame.

    The template gets `t(key, **values)`, `label(kind, code)`, `lang`, `principal`,
    `csrf_token` (put it in every POST form as a hidden `csrf_token` field), `be_date(v)`,
    `be_datetime(v)`, `current_path` and `current_url` (for the language switch).
    """
    lang = request_lang(request)
    current_url = request.url.path + (f"?{request.url.query}" if request.url.query else "")

    def t(key: str, **values: object) -> str:
        return translate(key, lang, strings, **values)

    full: dict[str, Any] = {
        "lang": lang,
        "t": t,
        "label": lambda kind, code: code_label(kind, code, lang),
        "field_label": lambda record_type, field: field_label(record_type, field, lang),
        "be_date": lambda value: be_date(value, lang),
        "be_datetime": lambda value: be_datetime(value, lang),
        "principal": principal,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "current_path": request.url.path,
        "current_url": current_url,
        "current_url_quoted": quote(current_url, safe=""),
    }
    full.update(context or {})
    response = templates.TemplateResponse(request, template_name, full, status_code=status_code)
    # Pages show personal data: never let a shared office PC's cache keep them.
    response.headers.setdefault("Cache-Control", "no-store")
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
