"""Server-rendered bar charts as SVG strings: no JavaScript, prints sharply on A4.

Horizontal bars, because Thai labels are long and read best on the left of their bar.
Every text is escaped; the numbers are drawn at the end of each bar and the page shows
them in a table beside the chart as well, so nothing depends on reading bar lengths.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["Bar", "bar_chart", "fit_label", "text_width"]

FONT_FAMILY = "'Noto Sans Thai', 'Sarabun', 'Tahoma', sans-serif"


@dataclass(frozen=True, slots=True)
class Bar:
    """`label` is drawn left of the bar; `full` (default: the label) is its tooltip, e.g. an
    agency's full name beside its short name."""

    label: str
    value: float
    full: str = ""


def text_width(text: str, font_px: float) -> float:
    """A width estimate in pixels, enough to size a label column.

    Thai vowel and tone marks above or below a consonant (combining characters) take no
    width of their own, so they are not counted.
    """
    visible = sum(1 for ch in text if not unicodedata.combining(ch))
    return visible * font_px * 0.62


def fit_label(text: str, max_px: float, font_px: float) -> str:
    """`text`, cut with "…" so it fits `max_px`; the full text stays in the bar's tooltip
    and in the table beside the chart."""
    if text_width(text, font_px) <= max_px:
        return text
    out = text
    while out and text_width(out + "…", font_px) > max_px:
        out = out[:-1]
    while out and unicodedata.combining(out[-1]):  # never leave a mark without its letter
        out = out[:-1]
    return out.rstrip() + "…"


def _format_number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    width: int = 560,
    bar_height: int = 22,
    gap: int = 6,
    font_px: int = 13,
    color: str = "#2f6f8f",
    value_format: Callable[[float], str] = _format_number,
    show_title: bool = True,
) -> str:
    """One horizontal bar per item, longest bar = the largest value.

    An empty list draws the title and a "no data" line rather than an empty box, so a
    printed page never shows a chart that looks broken.
    """
    label_w = min(width * 0.45, max((text_width(b.label, font_px) for b in bars), default=0) + 8)
    labels = [fit_label(b.label, label_w - 8, font_px) for b in bars]
    value_w = max((text_width(value_format(b.value), font_px) for b in bars), default=0) + 8
    plot_w = max(width - label_w - value_w - 8, 20)
    top = font_px + 14 if show_title else 6
    height = top + max(len(bars), 1) * (bar_height + gap) + gap
    biggest = max((b.value for b in bars), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{escape(FONT_FAMILY)}" font-size="{font_px}">',
        f"<title>{escape(title)}</title>",
    ]
    if show_title:  # a page that heads the chart itself passes False
        parts.append(f'<text x="0" y="{font_px + 2}" font-weight="bold">{escape(title)}</text>')
    if not bars:
        parts.append(
            f'<text x="0" y="{top + bar_height * 0.7:.1f}" fill="#666">'
            "ไม่มีข้อมูล · no data</text>"
        )
    for i, (bar, shown) in enumerate(zip(bars, labels, strict=True)):
        y = top + i * (bar_height + gap)
        length = max(bar.value, 0) / biggest * plot_w
        text_y = y + bar_height * 0.7
        tooltip = f"{escape(bar.full or bar.label)}: {escape(value_format(bar.value))}"
        parts.append(
            f'<g class="bar"><title>{tooltip}</title>'
            f'<text x="{label_w - 6:.1f}" y="{text_y:.1f}" '
            f'text-anchor="end">{escape(shown)}</text>'
            f'<rect x="{label_w:.1f}" y="{y}" width="{length:.1f}" height="{bar_height}" '
            f'fill="{color}"><title>{tooltip}</title></rect>'
            f'<text x="{label_w + length + 4:.1f}" y="{text_y:.1f}">'
            f"{escape(value_format(bar.value))}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)
