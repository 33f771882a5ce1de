from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from sync_server.reports.mapsvg import MapPoint, convex_hull, map_svg, nice_scale_km
from sync_server.reports.network import Link, Node, network_svg, ordered_nodes

from .thai_data import make_dataset

SVG = "{http://www.w3.org/2000/svg}"


def _cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


@given(st.lists(st.tuples(st.integers(-1000, 1000), st.integers(-1000, 1000)), max_size=60))
def test_convex_hull_contains_every_point(raw: list[tuple[int, int]]) -> None:
    points = [(float(x), float(y)) for x, y in raw]
    hull = convex_hull(points)
    assert set(hull) <= set(points)
    if len(hull) >= 3:
        for i in range(len(hull)):
            a, b = hull[i], hull[(i + 1) % len(hull)]
            assert all(_cross(a, b, p) >= 0 for p in points)  # left of every edge (CCW)


@given(st.floats(0.001, 10_000))
def test_scale_bar_is_a_round_number_not_longer_than_asked(max_km: float) -> None:
    km = nice_scale_km(max_km)
    assert km <= max_km and km * 10 > max_km
    leading = km / 10 ** math.floor(math.log10(km) + 1e-9)
    assert min(abs(leading - d) for d in (1, 2, 5)) < 1e-6


def test_map_draws_a_point_per_gps_producer_a_hull_and_a_name_per_subdistrict() -> None:
    ds = make_dataset(30)
    points = [MapPoint(p["gps"]["lat"], p["gps"]["lon"], p["name_th"],
                       p["address"]["subdistrict_code"], "ตำบล " + p["address"]["subdistrict_code"])
              for p in ds.producers if "gps" in p]
    root = ET.fromstring(map_svg(points, title="แผนที่ผู้ผลิต"))
    circles = root.findall(f".//{SVG}circle")
    assert len(circles) == len(points)
    xs = [float(c.get("cx", "0")) for c in circles]
    assert min(xs) >= 0 and max(xs) <= 760
    labels = {t.text for t in root.iter(f"{SVG}text")}
    assert {"ตำบล " + s for s in {p.group for p in points}} <= labels
    assert any("กม." in (t or "") or "ม." in (t or "") for t in labels)
    assert root.findall(f".//{SVG}polygon")


def test_map_without_points_says_so() -> None:
    root = ET.fromstring(map_svg([]))
    assert any("ไม่มีพิกัด" in (t.text or "") for t in root.iter(f"{SVG}text"))


def test_network_layout_is_deterministic_and_puts_linked_producers_side_by_side() -> None:
    nodes = [Node(f"p{i}", f"กลุ่มผู้ผลิต {i:02d}") for i in range(15)]
    # A chain p0-p1-...-p9 given in shuffled order, and a separate pair.
    chain = [Link(f"p{i}", f"p{i + 1}", "co_selling") for i in (5, 0, 8, 2, 7, 1, 3, 6, 4)]
    links = [*chain, Link("p12", "p13", "mentoring")]
    order = [n.id for n in ordered_nodes(nodes, links)]
    assert order == [n.id for n in ordered_nodes(list(reversed(nodes)), links[::-1])]
    assert sorted(order) == sorted(n.id for n in nodes)
    positions = {node_id: i for i, node_id in enumerate(order)}
    assert sum(abs(positions[lk.source] - positions[lk.target]) for lk in chain) <= 2 * 9
    assert abs(positions["p12"] - positions["p13"]) == 1
    svg = network_svg(nodes, links, kind_labels={"co_selling": "ขายร่วมกัน"})
    root = ET.fromstring(svg)
    assert len(root.findall(f".//{SVG}g[@class='node']")) == 15
    assert len(root.findall(f".//{SVG}line[@class='link']")) == 10
    assert "ขายร่วมกัน" in {t.text for t in root.iter(f"{SVG}text")}
    for circle in root.iter(f"{SVG}circle"):
        assert 0 < float(circle.get("cx", "0")) < 760 and 0 < float(circle.get("cy", "0")) < 600
