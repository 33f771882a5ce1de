"""The network between producers: a deterministic layout and its SVG drawing.

A circle in a fixed order, with no randomness at all: the same links always give the same
picture, so a printed page and the screen agree and tests can pin positions. The order
puts linked producers next to each other (breadth-first through each group), so most links
are short chords, and names sit outside the circle where they do not cover the lines. A
force-directed layout was tried first: district networks are sparse (chains and small
stars), which it stretches into one long crowded line.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from schemas.textfold import sort_key

from .charts import FONT_FAMILY

__all__ = ["LINK_COLORS", "Link", "Node", "circle_layout", "network_svg", "ordered_nodes"]

LINK_COLORS = {
    "raw_material_supply": "#2ca02c",
    "co_selling": "#1f77b4",
    "shared_brand": "#d62728",
    "mentoring": "#9467bd",
}
DIRECTED = {"raw_material_supply", "mentoring"}


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Link:
    source: str
    target: str
    kind: str


def circle_layout(nodes: Sequence[Node]) -> dict[str, tuple[float, float]]:
    """Unit-circle positions in the given order, starting at the top."""
    n = max(len(nodes), 1)
    return {
        node.id: (math.cos(2 * math.pi * i / n - math.pi / 2),
                  math.sin(2 * math.pi * i / n - math.pi / 2))
        for i, node in enumerate(nodes)
    }


def ordered_nodes(nodes: Sequence[Node], links: Sequence[Link]) -> list[Node]:
    """Nodes in circle order: largest group of linked producers first, each walked
    breadth-first from its best-connected producer, so linked producers sit side by side
    and most links are short chords instead of lines across the circle. Ties go by name,
    then id: the same data always gives the same picture."""
    by_id = {n.id: n for n in nodes}
    neighbours: dict[str, set[str]] = {n.id: set() for n in nodes}
    for lk in links:
        if lk.source in by_id and lk.target in by_id and lk.source != lk.target:
            neighbours[lk.source].add(lk.target)
            neighbours[lk.target].add(lk.source)

    def key(node_id: str) -> tuple[int, str, str]:
        return (-len(neighbours[node_id]), sort_key(by_id[node_id].label), node_id)

    seen: set[str] = set()
    groups: list[list[str]] = []
    for start in sorted(by_id, key=key):
        if start in seen:
            continue
        group, queue = [], [start]
        seen.add(start)
        while queue:
            current = queue.pop(0)
            group.append(current)
            for nxt in sorted(neighbours[current] - seen, key=key):
                seen.add(nxt)
                queue.append(nxt)
        groups.append(group)
    groups.sort(key=lambda g: -len(g))  # stable: equal sizes keep their order
    return [by_id[i] for g in groups for i in g]


def _short(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def network_svg(nodes: Sequence[Node], links: Sequence[Link], *, kind_labels: dict[str, str],
                width: int = 760, height: int = 600, title: str = "") -> str:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="network" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-family="{escape(FONT_FAMILY)}" '
        f'font-size="11"><title>{escape(title)}</title>'
        '<defs>' + "".join(
            f'<marker id="arrow-{kind}" viewBox="0 0 10 10" refX="16" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{color}"/>'
            "</marker>" for kind, color in LINK_COLORS.items()) + "</defs>"
    )
    if not nodes:
        return (head + f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" '
                'fill="#666">ยังไม่มีเครือข่าย · no network links yet</text></svg>')
    layout = circle_layout(ordered_nodes(nodes, links))
    pad_x, pad_top, pad_bottom = 150, 40, 80
    radius = min(width - 2 * pad_x, height - pad_top - pad_bottom) / 2
    cx, cy = width / 2, pad_top + (height - pad_top - pad_bottom) / 2

    def screen(node_id: str) -> tuple[float, float]:
        x, y = layout[node_id]
        return cx + x * radius, cy + y * radius

    parts = [head]
    for lk in links:
        if lk.source not in layout or lk.target not in layout:
            continue
        (x1, y1), (x2, y2) = screen(lk.source), screen(lk.target)
        color = LINK_COLORS.get(lk.kind, "#777")
        marker = f' marker-end="url(#arrow-{lk.kind})"' if lk.kind in DIRECTED else ""
        parts.append(f'<line class="link" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" '
                     f'y2="{y2:.1f}" stroke="{color}" stroke-width="2"{marker}>'
                     f"<title>{escape(kind_labels.get(lk.kind, lk.kind))}</title></line>")
    for node in nodes:
        x, y = screen(node.id)
        ux, uy = layout[node.id]
        # Labels outside the circle, reading away from it.
        anchor = "start" if ux > 0.25 else "end" if ux < -0.25 else "middle"
        tx, ty = x + ux * 12, y + uy * 12 + (4 if abs(uy) < 0.9 else (12 if uy > 0 else -4))
        parts.append(f'<g class="node"><circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="#fff" '
                     f'stroke="#333" stroke-width="1.5"><title>{escape(node.label)}</title>'
                     f'</circle><text x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}" '
                     f'stroke="#fff" stroke-width="3" paint-order="stroke">'
                     f"{escape(_short(node.label))}</text></g>")
    lx, ly = 10, height - 40
    for i, (kind, color) in enumerate(LINK_COLORS.items()):
        x = lx + i * (width - 20) / len(LINK_COLORS)
        parts.append(f'<g class="legend"><line x1="{x:.1f}" y1="{ly}" x2="{x + 24:.1f}" '
                     f'y2="{ly}" stroke="{color}" stroke-width="3"/><text x="{x + 30:.1f}" '
                     f'y="{ly + 4}">{escape(kind_labels.get(kind, kind))}</text></g>')
    parts.append("</svg>")
    return "".join(parts)
