"""Development plan items edited in the office, synced to phones as records.

`validate_plan_form` is pure: form fields in, (clean fields, errors in Thai and English) out.
`save_plan_item` writes a new or changed item through `office_writes` (server clock, new feed
seq) and an audit row, in the caller's transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.engine import Connection

from schemas import codes, field_label, fiscal_year_be
from schemas.cleantext import clean_text, text_problem
from sync_server.audit import audit
from sync_server.auth import Principal
from sync_server.db.records import StoredRecord
from sync_server.web.office_writes import create_record, write_fields

__all__ = ["PLAN_FIELDS", "FieldError", "save_plan_item", "validate_plan_form"]

PLAN_FIELDS = ("need", "action", "agency_id", "budget_thb", "fiscal_year_be", "funding_source",
               "due_on", "status", "follow_up_notes")
_MAX_TEXT = 2000


@dataclass(frozen=True)
class FieldError:
    field: str
    message_th: str
    message_en: str


def _text_errors(name: str, value: str) -> list[FieldError]:
    """The one clean-text rule (schemas/cleantext.py) for a typed field."""
    problem = text_problem(value)
    if problem is None:
        return []
    th, en = field_label("plan_item", name), field_label("plan_item", name, "en")
    return [FieldError(name, problem[1].format(label=f"«{th}»"),
                       problem[2].format(label=f"“{en}”"))]


def validate_plan_form(form: Mapping[str, str], agencies: Mapping[str, str] | None = None
                       ) -> tuple[dict[str, Any], list[FieldError]]:
    """Clean a plan item form. Empty optional fields become None; nothing is guessed but
    the fiscal year, which a due date names when the form leaves it blank.

    `agencies` maps the district's agency ids to their names: the form chooses one by id,
    and the item keeps its name in `agency` for the phones. No agency chosen leaves the
    item's `agency` text as it was (an older item's typed name)."""
    agencies = agencies or {}
    errors: list[FieldError] = []
    clean: dict[str, Any] = {}
    need = (form.get("need") or "").strip()
    if need and need not in codes("need"):
        errors.append(FieldError("need", "ประเด็นความต้องการไม่ถูกต้อง", "Unknown need"))
    clean["need"] = need or None
    action = (form.get("action") or "").strip()
    if not action:
        errors.append(FieldError("action", "กรุณาระบุกิจกรรม", "Describe the action"))
    clean["action"] = action
    clean["follow_up_notes"] = (form.get("follow_up_notes") or "").strip() or None
    agency_id = (form.get("agency_id") or "").strip()
    clean["agency_id"] = None
    if agency_id:
        if agency_id in agencies:
            clean["agency_id"], clean["agency"] = agency_id, agencies[agency_id]
        else:
            errors.append(FieldError("agency_id", "ไม่พบหน่วยงานนี้ในรายชื่อของอำเภอ",
                                     "This agency is not on the district's list"))
    funding = (form.get("funding_source") or "").strip()
    if funding and funding not in codes("funding_source"):
        errors.append(FieldError("funding_source", "แหล่งงบประมาณไม่ถูกต้อง",
                                 "Unknown funding source"))
    clean["funding_source"] = funding or None
    for name in ("action", "follow_up_notes"):
        if clean[name]:
            clean[name] = clean_text(clean[name])
            errors.extend(_text_errors(name, clean[name]))
        if clean[name] and len(clean[name]) > _MAX_TEXT:
            errors.append(FieldError(name, f"ข้อความยาวเกิน {_MAX_TEXT} ตัวอักษร",
                                     f"Longer than {_MAX_TEXT} characters"))
    budget_text = (form.get("budget_thb") or "").replace(",", "").strip()
    clean["budget_thb"] = None
    if budget_text:
        try:
            budget = float(budget_text)
        except ValueError:
            budget = -1.0
        if not 0 <= budget < 1e12 or budget != budget:
            errors.append(FieldError("budget_thb", "งบประมาณต้องเป็นจำนวนเงินไม่ติดลบ",
                                     "Budget must be a non-negative amount in baht"))
        else:
            clean["budget_thb"] = int(budget) if budget.is_integer() else round(budget, 2)
    due = (form.get("due_on") or "").strip()
    clean["due_on"] = None
    if due:
        try:
            clean["due_on"] = date.fromisoformat(due).isoformat()
        except ValueError:
            errors.append(FieldError("due_on", "วันที่ไม่ถูกต้อง (ปปปป-ดด-วว)",
                                     "Not a date (YYYY-MM-DD)"))
    year_text = (form.get("fiscal_year_be") or "").strip()
    clean["fiscal_year_be"] = None
    if year_text:
        if year_text.isascii() and year_text.isdecimal() and 2500 <= int(year_text) <= 2700:
            clean["fiscal_year_be"] = int(year_text)
        else:
            errors.append(FieldError("fiscal_year_be",
                                     "ปีงบประมาณต้องเป็นปี พ.ศ. 4 หลัก เช่น 2569",
                                     "The fiscal year is a Buddhist-Era year, e.g. 2569"))
    elif clean["due_on"]:
        clean["fiscal_year_be"] = fiscal_year_be(date.fromisoformat(clean["due_on"]))
    status = (form.get("status") or "planned").strip()
    if status not in codes("plan_status"):
        errors.append(FieldError("status", "สถานะไม่ถูกต้อง", "Unknown status"))
    clean["status"] = status
    return clean, errors


def save_plan_item(
    conn: Connection,
    principal: Principal,
    producer: StoredRecord,
    fields: Mapping[str, Any],
    existing: StoredRecord | None = None,
) -> str:
    """Create or update a plan item of `producer`; returns its id. Only changed fields get
    a new clock, so an officer's concurrent edit of another field still stands."""
    if existing is None:
        item_id = uuid.uuid4().hex
        data = {"producer_id": producer.id, **{k: v for k, v in fields.items()
                                               if v is not None}}
        create_record(conn, district_code=producer.district_code, record_type="plan_item",
                      record_id=item_id, data=data)
        audit(conn, principal, "plan.create", "plan_item", item_id, {"fields": sorted(data)})
        return item_id
    changes = {k: v for k, v in fields.items() if existing.data.get(k) != v}
    if changes:
        write_fields(conn, existing, changes)
        audit(conn, principal, "plan.update", "plan_item", existing.id,
              {"fields": sorted(changes)})
    return existing.id
