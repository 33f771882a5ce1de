"""An offline map of producers' GPS points as one SVG: no tiles, no internet.

Subdistrict outlines are not in any offline dataset we have, so each subdistrict is drawn
as the convex hull of its producers' points: an approximation that still shows where the
producers of each tambon are. The projection is equirectangular around the points' middle
latitude, accurate to well under 1 % across a district, which is what the scale bar needs.

Subdistrict names never cover a producer's dot: each name's box (a generous estimate of the
rendered text, `label_box`) is placed at the first free spot on rings around its
subdistrict's centre (`place_labels`), clear of every dot, of names already placed and of
the map's edges; a name that finds no such spot goes to the free band above the points.
A browser test measures the rendered boxes against the dots.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from .charts import FONT_FAMILY

__all__ = ["Box", "MapPoint", "convex_hull", "label_box", "map_svg", "nice_scale_km",
           "place_labels"]

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


DOT_RADIUS = 4.0
_DOT_CLEARANCE = DOT_RADIUS + 3.0  # the dot's white outline and a little air
LABEL_FONT_PX = 12.0
# Bold Thai/Latin at 12 px is at most ~8 px a spacing character in the fonts we name; the
# white halo (stroke 3) adds 1.5 px a side. Over-estimating only moves a name a little.
_CHAR_PX = 8.2
_HALO_PX = 2.0


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned rectangle in SVG pixels."""

    left: float
    top: float
    right: float
    bottom: float

    def hits(self, other: Box) -> bool:
        return (self.left < other.right and other.left < self.right
                and self.top < other.bottom and other.top < self.bottom)

    def near_dot(self, x: float, y: float, clearance: float = _DOT_CLEARANCE) -> bool:
        """Whether a dot at (x, y) with `clearance` radius touches this box."""
        dx = max(self.left - x, 0.0, x - self.right)
        dy = max(self.top - y, 0.0, y - self.bottom)
        return dx * dx + dy * dy < clearance * clearance


def label_box(text: str, x: float, y: float) -> Box:
    """The box a centred (text-anchor middle) label with baseline `y` covers at most.
    Thai vowel and tone marks above or below a letter take no width of their own."""
    spacing = sum(1 for ch in text if unicodedata.category(ch) not in ("Mn", "Me", "Cf"))
    half = spacing * _CHAR_PX / 2 + _HALO_PX
    # Thai marks stack above the cap height and below the baseline.
    return Box(x - half, y - LABEL_FONT_PX * 1.25 - _HALO_PX, x + half,
               y + LABEL_FONT_PX * 0.45 + _HALO_PX)


class _DotGrid:
    """Dots bucketed in cells so a box asks only the dots near it."""

    CELL = 24.0

    def __init__(self, dots: Sequence[tuple[float, float]]) -> None:
        self.cells: dict[tuple[int, int], list[tuple[float, float]]] = defaultdict(list)
        for x, y in dots:
            self.cells[(int(x // self.CELL), int(y // self.CELL))].append((x, y))

    def clear_of(self, box: Box) -> bool:
        pad = _DOT_CLEARANCE
        for cx in range(int((box.left - pad) // self.CELL),
                        int((box.right + pad) // self.CELL) + 1):
            for cy in range(int((box.top - pad) // self.CELL),
                            int((box.bottom + pad) // self.CELL) + 1):
                if any(box.near_dot(x, y) for x, y in self.cells.get((cx, cy), ())):
                    return False
        return True


def place_labels(labels: Sequence[tuple[str, float, float]],
                 dots: Sequence[tuple[float, float]], *, width: float, height: float
                 ) -> list[tuple[float, float]]:
    """A baseline position for each (text, wanted x, wanted y) whose `label_box` covers no
    dot and no other label and stays inside the map (above the scale bar). Searched on
    rings around the wanted point (nearest first), then over the whole map; failing that,
    left to right along the top edge, which is above every dot (`map_svg` keeps dots a
    margin away from it). Deterministic: same input, same map."""
    grid = _DotGrid(dots)
    placed: list[Box] = []
    out: list[tuple[float, float]] = []
    band_x = 8.0

    def free(text: str, x: float, y: float) -> bool:
        box = label_box(text, x, y)
        return (box.left >= 2 and box.right <= width - 2 and box.top >= 0
                and box.bottom <= height - 30 and grid.clear_of(box)
                and not any(box.hits(other) for other in placed))

    for text, want_x, want_y in labels:
        spot: tuple[float, float] | None = None
        # Rings around the wanted point, nearest first; then anywhere on the map.
        rings = ((want_x + r * math.cos(2 * math.pi * k / n), want_y + r * math.sin(
            2 * math.pi * k / n)) for r in range(0, 241, 10)
            for n in (1 if r == 0 else max(8, r // 5),) for k in range(n))
        raster = ((float(x), float(y)) for y in range(16, int(height) - 30, 8)
                  for x in range(8, int(width) - 8, 8))
        for x, y in itertools.chain(rings, raster):
            if free(text, x, y):
                spot = (x, y)
                break
        if spot is None:  # the band above the points: no dot is ever drawn there
            box = label_box(text, 0, 0)
            w = box.right - box.left
            spot = (band_x + w / 2, -box.top)
            band_x += w + 6
        placed.append(label_box(text, *spot))
        out.append(spot)
    return out


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
    dot_xy = [screen(*xy[i]) for i in range(len(pts))]
    wanted: list[tuple[str, float, float]] = []
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
        wanted.append((pts[groups[g][0]].group_label, cx, cy))
    spots = place_labels(wanted, dot_xy, width=width, height=height)
    for g, (label, _, _), (lx, ly) in zip(sorted(groups), wanted, spots, strict=True):
        names.append(
            f'<text class="area-label" x="{lx:.1f}" y="{ly:.1f}" text-anchor="middle" '
            f'font-weight="bold" fill="{colors[g]}" stroke="#fff" stroke-width="3" '
            f'paint-order="stroke">{escape(label)}</text>')
    for i, p in enumerate(pts):
        x, y = dot_xy[i]
        dots.append(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="{DOT_RADIUS:g}" '
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
