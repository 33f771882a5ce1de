from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from sync_server.reports.charts import Bar, bar_chart, fit_label
from sync_server.reports.fiscal import be_date, fiscal_year_be, fiscal_year_bounds

SVG = "{http://www.w3.org/2000/svg}"


def test_fiscal_year_is_named_by_the_be_year_it_ends_in() -> None:
    assert fiscal_year_be(date(2025, 9, 30)) == 2568
    assert fiscal_year_be(date(2025, 10, 1)) == 2569
    assert fiscal_year_be(date(2026, 9, 30)) == 2569
    assert fiscal_year_bounds(2569) == (date(2025, 10, 1), date(2026, 9, 30))


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_every_day_lies_inside_its_fiscal_year(day: date) -> None:
    start, end = fiscal_year_bounds(fiscal_year_be(day))
    assert start <= day <= end
    assert (end - start).days in (364, 365)


def test_be_dates() -> None:
    assert be_date("2026-03-05") == "05/03/2569"
    assert be_date("2026-02-01T23:30:00Z") == "01/02/2569"
    assert be_date("not a date") == ""
    assert be_date(None) == ""


def test_bar_chart_is_valid_svg_with_thai_labels_and_proportional_bars() -> None:
    svg = bar_chart([Bar("อาหาร", 10), Bar("ผ้า เครื่องแต่งกาย", 5), Bar("<script>", 0)],
                    title="ผลิตภัณฑ์ตามประเภท & more")
    root = ET.fromstring(svg)
    rects = root.findall(f".//{SVG}rect")
    assert len(rects) == 3
    widths = [float(r.get("width", "0")) for r in rects]
    assert widths[0] == 2 * widths[1] and widths[2] == 0
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "อาหาร" in texts and "<script>" in texts  # escaped on the way in, intact out
    assert "10" in texts and "5" in texts


def test_empty_chart_says_no_data() -> None:
    root = ET.fromstring(bar_chart([], title="งบประมาณ"))
    assert any("ไม่มีข้อมูล" in (t.text or "") for t in root.iter(f"{SVG}text"))


def test_long_labels_are_cut_to_fit_but_keep_the_full_text_in_the_tooltip() -> None:
    long = "อย. สำนักงานคณะกรรมการอาหารและยา " * 3
    root = ET.fromstring(bar_chart([Bar(long, 3)], title="มาตรฐาน", width=400))
    label = root.findall(f".//{SVG}g/{SVG}text")[0]
    assert label.text is not None and label.text.endswith("…")
    assert len(label.text) < len(long)
    assert float(label.get("x", "0")) <= 400 * 0.45
    tooltip = root.find(f".//{SVG}rect/{SVG}title")
    assert tooltip is not None and long in (tooltip.text or "")
    assert fit_label("ผ้าไหม", 500, 13) == "ผ้าไหม"


def test_a_page_can_head_the_chart_itself() -> None:
    root = ET.fromstring(bar_chart([Bar("อาหาร", 1)], title="ประเภท", show_title=False))
    assert root.findtext(f"{SVG}title") == "ประเภท"  # still named for screen readers
    assert "ประเภท" not in [t.text for t in root.iter(f"{SVG}text")]


def test_a_bar_drawn_by_a_short_label_carries_the_full_name_in_its_tooltip() -> None:
    full = "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร สาขาบางน้ำเปรี้ยว"
    root = ET.fromstring(bar_chart([Bar("ธ.ก.ส.", 5000, full=full)], title="งบประมาณ"))
    group = root.find(f"{SVG}g")
    assert group is not None
    assert group.findtext(f"{SVG}text") == "ธ.ก.ส."
    assert group.findtext(f"{SVG}title") == f"{full}: 5,000"  # label and bar both hover it
    assert group.findtext(f"{SVG}rect/{SVG}title") == f"{full}: 5,000"
