"""The network between producers: a deterministic layout and its SVG drawing.

Force-directed (Fruchterman–Reingold) starting from a circle in a fixed order, with no
randomness at all: the same links always give the same picture, so a printed page and the
screen agree and tests can pin positions. Large networks fall back to the circle, which
stays readable and costs nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from .charts import FONT_FAMILY

__all__ = ["LINK_COLORS", "Link", "Node", "circle_layout", "force_layout", "network_svg"]

LINK_COLORS = {
    "raw_material_supply": "#2ca02c",
    "co_selling": "#1f77b4",
    "shared_brand": "#d62728",
    "mentoring": "#9467bd",
}
DIRECTED = {"raw_material_supply", "mentoring"}
FORCE_LIMIT = 120  # above this many nodes the circle is used (O(n²) per iteration)


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


def force_layout(nodes: Sequence[Node], links: Sequence[Link], iterations: int = 80
                 ) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold in the unit square scaled to [-1, 1], from the circle layout."""
    if len(nodes) > FORCE_LIMIT or len(nodes) < 3:
        return circle_layout(nodes)
    pos = {k: [x, y] for k, (x, y) in circle_layout(nodes).items()}
    ids = [n.id for n in nodes]
    k = math.sqrt(4.0 / len(nodes))  # ideal distance in a 2×2 square
    edges = [(lk.source, lk.target) for lk in links if lk.source in pos and lk.target in pos
             and lk.source != lk.target]
    temperature = 0.2
    for _ in range(iterations):
        disp = {i: [0.0, 0.0] for i in ids}
        for a_index, a in enumerate(ids):
            ax, ay = pos[a]
            for b in ids[a_index + 1:]:
                dx, dy = ax - pos[b][0], ay - pos[b][1]
                dist = math.hypot(dx, dy) or 1e-6
                force = k * k / dist
                disp[a][0] += dx / dist * force
                disp[a][1] += dy / dist * force
                disp[b][0] -= dx / dist * force
                disp[b][1] -= dy / dist * force
        for a, b in edges:
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            dist = math.hypot(dx, dy) or 1e-6
            force = dist * dist / k
            disp[a][0] -= dx / dist * force
            disp[a][1] -= dy / dist * force
            disp[b][0] += dx / dist * force
            disp[b][1] += dy / dist * force
        for i in ids:
            dx, dy = disp[i]
            length = math.hypot(dx, dy) or 1e-6
            step = min(length, temperature)
            pos[i][0] = min(1.0, max(-1.0, pos[i][0] + dx / length * step))
            pos[i][1] = min(1.0, max(-1.0, pos[i][1] + dy / length * step))
        temperature *= 0.95
    return {i: (p[0], p[1]) for i, p in pos.items()}


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
    layout = force_layout(nodes, links)
    pad_x, pad_top, pad_bottom = 110, 30, 60

    def screen(node_id: str) -> tuple[float, float]:
        x, y = layout[node_id]
        return (pad_x + (x + 1) / 2 * (width - 2 * pad_x),
                pad_top + (y + 1) / 2 * (height - pad_top - pad_bottom))

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
        parts.append(f'<g class="node"><circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="#fff" '
                     f'stroke="#333" stroke-width="1.5"><title>{escape(node.label)}</title>'
                     f'</circle><text x="{x:.1f}" y="{y - 11:.1f}" text-anchor="middle" '
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
