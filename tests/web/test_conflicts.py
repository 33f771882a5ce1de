"""Conflicts made by two real phones pushing concurrent edits, resolved in the office."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from sync_server.db.tables import audit_log, conflicts
from sync_server.web.conflicts import ResolveError, parse_new_value
from tests.web.conftest import Office, csrf_of, make_conflict, pull_all, signed_in


@pytest.mark.parametrize(("choice", "typed", "expected"), [
    ("winning", "", "0822222222"),
    ("losing", "", "0811111111"),
    ("custom", "0833333333", "0833333333"),
])
def test_resolving_writes_a_new_version_that_phones_pull(
        office: Office, choice: str, typed: str, expected: str) -> None:
    pid, phones, conflict_id = make_conflict(office)
    before = pull_all(office, phones["first"].token)[pid]
    client = signed_in(office, "malee")
    page = client.get("/conflicts")
    assert "กลุ่มปลาสลิดบางน้ำเปรี้ยว" in page.text
    assert "0811111111" in page.text and "0822222222" in page.text  # side by side
    assert "หมายเลขโทรศัพท์" in page.text  # the field by its Thai label, not its code
    response = client.post(f"/conflicts/{conflict_id}/resolve", data={
        "csrf_token": csrf_of(page.text), "choice": choice, "new_value": typed})
    assert response.status_code == 303
    assert f"conflict-{conflict_id}" not in client.get("/conflicts").text
    after = pull_all(office, phones["second"].token)[pid]
    assert after["data"]["phone"] == expected
    assert after["clocks"]["phone"] > before["clocks"]["phone"]
    assert after["clocks"]["phone"].endswith("-server") and after["seq"] > before["seq"]
    with office.engine.connect() as conn:
        row = conn.execute(sa.select(conflicts).where(conflicts.c.id == conflict_id)).first()
        audited = conn.execute(sa.select(audit_log.c.detail).where(
            audit_log.c.target_id == pid, audit_log.c.action == "conflict.resolve")).scalar()
    assert row is not None and row.status == "resolved" and row.resolved_by == office.ids["malee"]
    assert audited is not None and audited["choice"] == choice


def test_only_supervisors_resolve_and_only_in_their_district(office: Office) -> None:
    _pid, _phones, conflict_id = make_conflict(office)
    officer = signed_in(office, "somchai")
    page = officer.get("/conflicts")
    assert page.status_code == 200 and "conflict_resolve" not in page.text
    assert officer.post(f"/conflicts/{conflict_id}/resolve", data={
        "csrf_token": csrf_of(page.text), "choice": "losing"}).status_code == 403
    other = signed_in(office, "other")
    other_page = other.get("/conflicts")
    assert f"conflict-{conflict_id}" not in other_page.text
    assert other.post(f"/conflicts/{conflict_id}/resolve", data={
        "csrf_token": csrf_of(other_page.text), "choice": "losing"}).status_code == 404
    supervisor = signed_in(office, "malee")
    assert supervisor.post(f"/conflicts/{conflict_id}/resolve",
                           data={"choice": "losing"}).status_code == 403  # no CSRF token


def test_a_bad_choice_is_explained_and_changes_nothing(office: Office) -> None:
    pid, phones, conflict_id = make_conflict(office)
    before = pull_all(office, phones["first"].token)[pid]
    client = signed_in(office, "malee")
    page = client.get("/conflicts")
    response = client.post(f"/conflicts/{conflict_id}/resolve", data={
        "csrf_token": csrf_of(page.text), "choice": "both"})
    assert response.status_code == 400 and "กรุณาเลือกค่าที่จะใช้" in response.text
    assert pull_all(office, phones["first"].token)[pid]["seq"] == before["seq"]


def test_typed_values_keep_the_kind_of_the_value_they_replace() -> None:
    assert parse_new_value(" 0812345678 ", "0811111111") == "0812345678"
    assert parse_new_value("25", 20) == 25
    assert parse_new_value('{"lat": 13.7, "lon": 101.0}', {"lat": 1, "lon": 2}) == {
        "lat": 13.7, "lon": 101.0}
    with pytest.raises(ResolveError) as error:
        parse_new_value("ยี่สิบ", 20)
    assert "ตัวเลข" in error.value.message_th
    with pytest.raises(ResolveError):
        parse_new_value('"20"', 20)
