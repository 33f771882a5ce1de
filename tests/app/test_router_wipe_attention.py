"""The router (route → screen), the "safe to wipe" statement and the visits that need the
officer's attention: pure, no Flet."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fieldapp.logic.attention import needs_attention, visit_status_key
from fieldapp.logic.wipe import WipeFacts, wipe_status
from fieldapp.ui.router import RouteError, match_route, route_for, tab_index

ROOT = Path(__file__).resolve().parents[2]
PATTERNS = ["/home", "/producer/new", "/producer/{producer_id}",
            "/producer/{producer_id}/visit/{visit_id}", "/producer/{producer_id}/visit/new"]


def test_literal_segments_win_over_parameters() -> None:
    assert match_route("/producer/new", PATTERNS).pattern == "/producer/new"
    found = match_route("/producer/ab12", PATTERNS)
    assert found.pattern == "/producer/{producer_id}" and found.params == {"producer_id": "ab12"}
    found = match_route("/producer/ab12/visit/new?x=1", PATTERNS)
    assert found.pattern.endswith("/visit/new") and found.query == {"x": "1"}
    assert match_route("/", PATTERNS).pattern == "/home"
    with pytest.raises(RouteError):
        match_route("/nowhere/at/all", PATTERNS)


def test_route_for_and_tabs() -> None:
    assert route_for("/producer/{producer_id}", producer_id="a b") == "/producer/a%20b"
    assert route_for("/enrol", {"first": "1", "x": None}) == "/enrol?first=1"
    assert [tab_index(r) for r in ("/home", "/producers", "/sync", "/settings")] == [0, 1, 2, 3]
    assert tab_index("/producer/x") is None and tab_index("/") == 0


def test_no_screen_imports_another_and_the_shell_imports_no_screen() -> None:
    """Regression (issue 12): screens imported each other (and app.py) to navigate."""
    screens = ROOT / "fieldapp" / "ui" / "screens"
    for path in [*screens.glob("*.py"), ROOT / "fieldapp" / "ui" / "app.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("fieldapp.ui.screens"), (path, node.module)
                assert node.module != "fieldapp.ui.app", (path, node.module)


def facts(**kw: object) -> WipeFacts:
    base: dict[str, object] = dict(enrolled=True, records=0, unsent_changes=0,
                                   draft_visits=0, photos_total=0, photos_arrived=0,
                                   last_ok_sync=None)
    base.update(kw)
    return WipeFacts(**base)  # type: ignore[arg-type]


def test_an_empty_phone_says_nothing_is_recorded_not_all_sent() -> None:
    """Regression (issue 12, finding 4): "ส่งครบแล้ว" showed on a freshly enrolled phone."""
    status = wipe_status(facts(), None)
    assert status.empty
    text = " ".join(th for th, _ in status.lines)
    assert "ยังไม่มีข้อมูลที่บันทึกในเครื่องนี้" in text and "ครบ" not in text


def test_safe_to_wipe_names_records_photos_and_the_last_sync() -> None:
    when = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
    status = wipe_status(facts(records=3, photos_total=4, photos_arrived=4,
                               last_ok_sync=when), "5 ธ.ค. 2569 15:00")
    assert status.safe
    en = [e for _, e in status.lines]
    assert en[0] == "Safe to wipe" and "Every photo arrived: 4 of 4" in en
    assert "Last successful sync 5 ธ.ค. 2569 15:00" in en


def test_not_safe_lists_exactly_what_is_missing() -> None:
    status = wipe_status(facts(records=3, unsent_changes=2, draft_visits=1,
                               photos_total=4, photos_arrived=3), None)
    assert not status.safe
    en = [e for _, e in status.lines]
    assert en[0].startswith("Not safe to wipe")
    assert "1 draft visits not finalized, so not sent" in en
    assert "2 changes not yet confirmed by the server" in en
    assert "Photos on the server: 3 of 4" in en
    assert en[-1] == "Never synced successfully"


def test_the_review_is_the_visit_status_once_it_arrives() -> None:
    """Regression (issue 12, finding 3): a reviewed visit still said "finalized, waiting"."""
    visits = [{"id": "a", "status": "final", "review_status": "has_issues"},
              {"id": "b", "status": "final", "review_status": "approved"},
              {"id": "c", "status": "draft"}]
    assert [v["id"] for v in needs_attention(visits)] == ["a"]
    assert visit_status_key(visits[0], "sent") == ("visit.reviewed", "has_issues")
    assert visit_status_key(visits[2], "draft") == ("visit.draft", None)
    assert visit_status_key({"status": "final"}, "sent") == ("visit.final_sent", None)
    assert visit_status_key({"status": "final"}, "waiting") == ("visit.final", None)
