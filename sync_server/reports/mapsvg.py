"""An offline map of producers' GPS points as one SVG: no tiles, no internet.

Subdistrict outlines are not in any offline dataset we have, so each subdistrict is drawn
as the convex hull of its producers' points: an approximation that still shows where the
producers of each tambon are. The projection is equirectangular around the points' middle
latitude, accurate to well under 1 % across a district, which is what the scale bar needs.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from .charts import FONT_FAMILY

__all__ = ["MapPoint", "convex_hull", "map_svg", "nice_scale_km"]

EARTH_RADIUS_KM = 6371.0088
PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
    "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
)


@dataclass(frozen=True, slots=True)
class MapPoint:
    lat: float
    lon: float
    label: str
    group: str  # subdistrict code
    group_label: str  # subdistrict name


def convex_hull(points: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """Andrew's monotone chain; counter-clockwise, no repeated first point."""
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts

    def cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[tuple[float, float]] = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def nice_scale_km(max_km: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ km not above `max_km` (a round number for the bar)."""
    if max_km <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(max_km))
    if power > max_km:  # log10 rounds up just below a power of ten
        power /= 10
    for step in (5, 2, 1):
        if step * power <= max_km:
            return float(step * power)
    return float(power)


def _valid(p: MapPoint) -> bool:
    return -90 <= p.lat <= 90 and -180 <= p.lon <= 180 and not (p.lat == 0 and p.lon == 0)


def map_svg(points: Sequence[MapPoint], *, width: int = 760, height: int = 560,
            title: str = "") -> str:
    """Points coloured by subdistrict, a hull and a name per subdistrict, a scale bar."""
    pts = [p for p in points if _valid(p)]
    margin = 40
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-family="{escape(FONT_FAMILY)}" '
        f'font-size="12"><title>{escape(title)}</title>'
        f'<rect width="{width}" height="{height}" fill="#f7f9f4" stroke="#999"/>'
    )
    if not pts:
        return (head + f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" '
                'fill="#666">ไม่มีพิกัด GPS · no GPS points</text></svg>')

    lat0 = math.radians(sum(p.lat for p in pts) / len(pts))
    # Kilometres east and north of the first point.
    def km(p: MapPoint) -> tuple[float, float]:
        x = math.radians(p.lon) * math.cos(lat0) * EARTH_RADIUS_KM
        y = math.radians(p.lat) * EARTH_RADIUS_KM
        return x, y

    xy = [km(p) for p in pts]
    min_x, max_x = min(x for x, _ in xy), max(x for x, _ in xy)
    min_y, max_y = min(y for _, y in xy), max(y for _, y in xy)
    span = max(max_x - min_x, max_y - min_y, 0.5)  # at least 500 m across
    scale = min(width - 2 * margin, height - 2 * margin - 30) / span  # px per km
    off_x = margin + ((width - 2 * margin) - (max_x - min_x) * scale) / 2
    off_y = margin + ((height - 2 * margin - 30) - (max_y - min_y) * scale) / 2

    def screen(x: float, y: float) -> tuple[float, float]:
        return off_x + (x - min_x) * scale, off_y + (max_y - y) * scale

    groups: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(pts):
        groups[p.group].append(i)
    colors = {g: PALETTE[n % len(PALETTE)] for n, g in enumerate(sorted(groups))}

    hulls, dots, names = [], [], []
    for g in sorted(groups):
        members = [screen(*xy[i]) for i in groups[g]]
        hull = convex_hull(members)
        color = colors[g]
        if len(hull) >= 3:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in hull)
            hulls.append(f'<polygon class="hull" points="{path}" fill="{color}" '
                         f'fill-opacity="0.10" stroke="{color}" stroke-dasharray="4 3"/>')
        cx = sum(x for x, _ in members) / len(members)
        cy = sum(y for _, y in members) / len(members)
        names.append(
            f'<text class="area-label" x="{cx:.1f}" y="{cy:.1f}" text-anchor="middle" '
            f'font-weight="bold" fill="{color}" stroke="#fff" stroke-width="3" '
            f'paint-order="stroke">{escape(pts[groups[g][0]].group_label)}</text>')
    for i, p in enumerate(pts):
        x, y = screen(*xy[i])
        dots.append(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="4" '
                    f'fill="{colors[p.group]}" stroke="#fff"><title>{escape(p.label)} · '
                    f'{escape(p.group_label)}</title></circle>')

    bar_km = nice_scale_km(span / 4)
    bar_px = bar_km * scale
    bx, by = margin, height - 22
    bar_text = f"{bar_km:g} กม. · km" if bar_km >= 1 else f"{bar_km * 1000:g} ม. · m"
    scale_bar = (
        f'<g class="scale-bar"><rect x="{bx}" y="{by}" width="{bar_px:.1f}" height="6" '
        f'fill="#333"/><text x="{bx + bar_px + 6:.1f}" y="{by + 7}">{escape(bar_text)}</text></g>'
    )
    north = (f'<g class="north"><path d="M{width - 30},{18} l8,20 l-8,-6 l-8,6 z" fill="#333"/>'
             f'<text x="{width - 30}" y="50" text-anchor="middle">N</text></g>')
    return head + "".join(hulls) + "".join(dots) + "".join(names) + scale_bar + north + "</svg>"
