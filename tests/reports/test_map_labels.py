"""Subdistrict names on the map never cover a producer's dot.

Checked on the boxes the map reserves for its names (fixed and generated districts) and,
in Chromium, on the boxes the browser really draws for the map the real server sends.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync_server.reports.mapsvg import DOT_RADIUS, MapPoint, label_box, map_svg, place_labels
from sync_server.web.session import SESSION_COOKIE
from tests.support.browser import OutsideGuard, launch_chromium

from .conftest import Seeded
from .seed import web_session

SVG = "{http://www.w3.org/2000/svg}"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"


def _dots_and_labels(svg: str) -> tuple[list[tuple[float, float]], list[tuple[str, float, float]]]:
    root = ET.fromstring(svg)
    dots = [(float(c.get("cx", "0")), float(c.get("cy", "0")))
            for c in root.iter(f"{SVG}circle")]
    labels = [(t.text or "", float(t.get("x", "0")), float(t.get("y", "0")))
              for t in root.iter(f"{SVG}text") if t.get("class") == "area-label"]
    return dots, labels


def _covered(svg: str) -> list[str]:
    dots, labels = _dots_and_labels(svg)
    return [text for text, x, y in labels
            if any(label_box(text, x, y).near_dot(dx, dy, DOT_RADIUS + 1) for dx, dy in dots)]


def _crowded_district() -> list[MapPoint]:
    """Thirteen producers around few subdistrict centres, like the demo district whose
    names hid 9 of its 13 dots."""
    spots = [(13.695, 101.155), (13.700, 101.160), (13.698, 101.158), (13.702, 101.150),
             (13.690, 101.165), (13.705, 101.170), (13.710, 101.162), (13.688, 101.148),
             (13.693, 101.152), (13.699, 101.157), (13.701, 101.161), (13.697, 101.163),
             (13.704, 101.156)]
    groups = ["240301", "240301", "240301", "240302", "240302", "240303", "240303",
              "240304", "240304", "240305", "240305", "240306", "240306"]
    return [MapPoint(lat, lon, f"ผู้ผลิต {n}", g, f"ตำบลบางน้ำเปรี้ยว {g[-2:]}")
            for n, ((lat, lon), g) in enumerate(zip(spots, groups, strict=True))]


def test_names_leave_every_dot_visible_in_a_crowded_district() -> None:
    svg = map_svg(_crowded_district())
    dots, labels = _dots_and_labels(svg)
    assert len(dots) == 13 and len(labels) == 6
    assert _covered(svg) == []


def test_the_old_placement_would_have_covered_dots() -> None:
    """The regression: names at their subdistrict's centre sit on its dots."""
    points = _crowded_district()
    dots, _ = _dots_and_labels(map_svg(points))
    centred = []
    for group in sorted({p.group for p in points}):
        xs = [d for d, p in zip(dots, points, strict=True) if p.group == group]
        centred.append((next(p.group_label for p in points if p.group == group),
                        sum(x for x, _ in xs) / len(xs), sum(y for _, y in xs) / len(xs)))
    assert any(label_box(t, x, y).near_dot(dx, dy) for t, x, y in centred for dx, dy in dots)


def test_names_do_not_cover_each_other() -> None:
    _, labels = _dots_and_labels(map_svg(_crowded_district()))
    boxes = [label_box(t, x, y) for t, x, y in labels]
    assert not any(a.hits(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(13.60, 13.80), st.floats(101.05, 101.25),
                          st.sampled_from(["240301", "240302", "240303", "240304", "240305",
                                           "240306", "240307", "240308", "240309", "240310"])),
                min_size=1, max_size=150))
def test_no_generated_map_has_a_name_over_a_dot(rows: list[tuple[float, float, str]]) -> None:
    points = [MapPoint(lat, lon, "ผู้ผลิต", g, f"ตำบล{'คลองนครเนื่องเขต'[: int(g[-1]) + 3]}")
              for lat, lon, g in rows]
    svg = map_svg(points)
    assert _covered(svg) == []
    _, labels = _dots_and_labels(svg)
    for text, x, y in labels:  # every name stays on the map
        box = label_box(text, x, y)
        assert box.left >= 0 and box.right <= 760 and box.top >= 0 and box.bottom <= 560


def test_a_full_map_puts_names_along_the_top_edge() -> None:
    dots = [(float(x), float(y)) for x in range(40, 721, 9) for y in range(40, 531, 9)]
    spots = place_labels([("ตำบลบางน้ำเปรี้ยว", 380.0, 280.0), ("ตำบลโยธะกา", 380.0, 280.0)],
                         dots, width=760, height=560)
    for (x, y), text in zip(spots, ["ตำบลบางน้ำเปรี้ยว", "ตำบลโยธะกา"], strict=True):
        box = label_box(text, x, y)
        assert box.bottom < 40 - DOT_RADIUS and box.top >= 0
        assert not any(box.near_dot(dx, dy) for dx, dy in dots)
    assert not label_box("ตำบลบางน้ำเปรี้ยว", *spots[0]).hits(label_box("ตำบลโยธะกา", *spots[1]))


@pytest.mark.browser
@pytest.mark.parametrize("seeded", ["sqlite"], indirect=True)
def test_rendered_names_cover_no_dot_in_chromium(seeded: Seeded) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    guard = OutsideGuard()
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900},
                                          locale="th-TH")
            token = web_session(seeded.server.engine, seeded.actors["supervisor"].user_id)
            context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": seeded.url}])
            context.route("**/*", guard.handle)
            page: Any = context.new_page()
            page.goto(seeded.url + "/reports/map")
            page.wait_for_load_state("networkidle")
            boxes = page.evaluate("""() => {
                const svg = document.querySelector('figure.map svg');
                const box = (el) => {
                  const b = el.getBBox(); return [b.x, b.y, b.width, b.height]; };
                return {
                  dots: [...svg.querySelectorAll('circle.point')].map(box),
                  names: [...svg.querySelectorAll('text.area-label')].map(
                    (t) => [t.textContent, ...box(t)]),
                  anchors: [...svg.querySelectorAll('text.area-label')].map(
                    (t) => [+t.getAttribute('x'), +t.getAttribute('y')]),
                };
            }""")
            page.screenshot(path=str(ARTIFACTS / "map-labels.png"), full_page=True)
        finally:
            browser.close()
    guard.assert_clean()
    assert boxes["names"] and len(boxes["dots"]) == sum(
        1 for x in seeded.ds.producers if "gps" in x)
    over = [name for name, nx, ny, nw, nh in boxes["names"]
            for dx, dy, dw, dh in boxes["dots"]
            if nx < dx + dw and dx < nx + nw and ny < dy + dh and dy < ny + nh]
    assert over == []
    # The box the map reserves is generous: the text Chromium draws fits inside it.
    for (name, nx, ny, nw, nh), (ax, ay) in zip(boxes["names"], boxes["anchors"], strict=True):
        reserved = label_box(name, ax, ay)
        assert reserved.left <= nx and nx + nw <= reserved.right, (name, nx, nw, reserved)
        assert reserved.top <= ny and ny + nh <= reserved.bottom, (name, ny, nh, reserved)
