"""Problem documents built from the shared schemas' validation issues (pure)."""

from __future__ import annotations

from schemas import validate_record
from sync_server.problems import PROBLEM_TYPE_BASE, Problem, validation_problem


def test_validation_problem_from_real_schema_issues() -> None:
    issues = validate_record("producer", {"id": "0" * 32, "schema_version": 1,
                                          "name_th": "", "phone": "12345"})
    problem = validation_problem(issues, record_type="producer", record_id="0" * 32)
    body = problem.to_json()
    assert body["status"] == 422 and body["code"] == "validation_failed"
    assert body["type"] == PROBLEM_TYPE_BASE + "validation_failed"
    assert body["title_th"] == "ข้อมูลไม่ถูกต้อง"
    paths = {error["path"] for error in body["errors"]}
    assert {"/name_th", "/phone"} <= paths
    for error in body["errors"]:
        assert error["message_th"] and error["message_en"] and error["code"]


def test_problem_defaults_details_to_titles() -> None:
    body = Problem(409, "conflict", "Conflict", "ข้อมูลขัดแย้งกัน").to_json()
    assert body["detail"] == "Conflict" and body["detail_th"] == "ข้อมูลขัดแย้งกัน"
    assert "errors" not in body
