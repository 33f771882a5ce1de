"""The office's review of visits: status and comments that travel back to the phone.

A review writes the visit's server-owned fields (`review_status`, `review_comments`) as a new
version with a server clock and a new feed seq, so the officer's phone pulls it; the history
goes to `review_events` and the audit log, all in the caller's transaction.

The page's history is read from both: `review_events` (office reviews, with who and when, also
those without a comment) and the visit's own `review_comments`/`review_status` (the only place
a review written another way lives: the demo seed, an import, a record restored or merged).
`combine_history` is the one place that joins them, so no review shows twice or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from schemas.cleantext import clean_text, text_problem
from schemas.thai_dates import timestamp_or_none
from sync_server.audit import audit
from sync_server.auth import Principal
from sync_server.db.records import StoredRecord
from sync_server.db.tables import records, review_events, users
from sync_server.web.office_writes import write_fields

__all__ = [
    "MAX_COMMENT",
    "REVIEW_STATUSES",
    "ReviewError",
    "apply_review",
    "combine_history",
    "list_visits",
    "review_history",
    "validate_review",
    "visit_photos",
]

REVIEW_STATUSES = ("received", "has_issues", "approved", "rejected")
# Statuses that send the visit back: the officer needs to know why.
_NEEDS_COMMENT = ("has_issues", "rejected")
MAX_COMMENT = 2000


@dataclass(frozen=True)
class ReviewError:
    message_th: str
    message_en: str


def validate_review(status: str, comment: str) -> tuple[str, str, list[ReviewError]]:
    """Pure check of a review form; returns the cleaned status and comment and any errors."""
    status, comment = status.strip(), clean_text(comment.strip())
    errors = []
    problem = text_problem(comment)  # the one clean-text rule
    if problem:
        errors.append(ReviewError(problem[1].format(label="ความเห็น"),
                                  problem[2].format(label="The comment")))
    if status not in REVIEW_STATUSES:
        errors.append(ReviewError("กรุณาเลือกผลการตรวจ", "Choose a review status"))
    elif status in _NEEDS_COMMENT and not comment:
        errors.append(ReviewError("กรุณาระบุความเห็นเพื่อให้เจ้าหน้าที่แก้ไขได้",
                                  "Add a comment so the officer knows what to fix"))
    if len(comment) > MAX_COMMENT:
        errors.append(ReviewError(f"ความเห็นยาวเกิน {MAX_COMMENT} ตัวอักษร",
                                  f"The comment is longer than {MAX_COMMENT} characters"))
    return status, comment, errors


def apply_review(conn: Connection, principal: Principal, visit: StoredRecord, status: str,
                 comment: str, *, now: datetime | None = None) -> int:
    """Record a review of `visit`; returns the visit's new feed seq."""
    now = now or datetime.now(UTC)
    comments = list(visit.data.get("review_comments") or [])
    if comment:
        comments.append({"by": principal.display_name, "at": now.isoformat(),
                         "text": comment, "status": status})
    seq, _stamp = write_fields(conn, visit, {"review_status": status,
                                             "review_comments": comments}, now=now)
    conn.execute(review_events.insert().values(
        id=uuid.uuid4().hex, district_code=visit.district_code, visit_id=visit.id,
        user_id=principal.user_id, status=status, comment=comment or None, created_at=now))
    audit(conn, principal, f"review.{status}", "visit", visit.id,
          {"comment": comment} if comment else None, now=now)
    return seq


def list_visits(conn: Connection, district_code: str, status: str, limit: int = 200
                ) -> list[dict[str, Any]]:
    """Visits to review: `waiting` (final, never reviewed), a review status, or `all`."""
    v, p = records.alias("v"), records.alias("p")
    query = (
        sa.select(v.c.id, v.c.data, v.c.updated_at, p.c.title.label("producer_name"),
                  p.c.id.label("producer_id"))
        .outerjoin(p, sa.and_(p.c.id == v.c.producer_id, p.c.district_code == district_code))
        .where(v.c.district_code == district_code, v.c.record_type == "visit",
               v.c.deleted == sa.false())
        .order_by(v.c.updated_at.desc()).limit(limit)
    )
    if status == "waiting":
        query = query.where(v.c.data["status"].as_string() == "final",
                            v.c.data["review_status"].as_string().is_(None))
    elif status in REVIEW_STATUSES:
        query = query.where(v.c.data["review_status"].as_string() == status)
    return [{"id": row.id, "data": row.data, "updated_at": row.updated_at,
             "producer_name": row.producer_name, "producer_id": row.producer_id}
            for row in conn.execute(query)]


def review_history(conn: Connection, visit_id: str, visit_data: Mapping[str, Any]
                   ) -> list[dict[str, Any]]:
    """Every review of the visit, newest first (see `combine_history`)."""
    rows = conn.execute(
        sa.select(review_events.c.created_at, review_events.c.status, review_events.c.comment,
                  users.c.display_name)
        .join(users, users.c.id == review_events.c.user_id)
        .where(review_events.c.visit_id == visit_id)
        .order_by(review_events.c.created_at.desc())
    ).all()
    events = [{"at": r.created_at, "status": r.status, "comment": r.comment,
               "who": r.display_name} for r in rows]
    return combine_history(events, visit_data)


def combine_history(events: Sequence[Mapping[str, Any]], visit_data: Mapping[str, Any]
                    ) -> list[dict[str, Any]]:
    """The review history from the office's events and the visit record's own fields.

    Pure. An event and a comment of the record are one review when the comment's text and
    time are the event's (`apply_review` writes both). A comment no event holds is a review
    written another way and is listed with its own author, time and status. If the visit's
    current `review_status` appears nowhere, it is listed first without author or time, so
    the history never says "none yet" for a visit that has a review status.
    Entries: {"at": datetime | None, "status", "comment", "who"}; newest first, undated last.
    """
    entries = [{"at": timestamp_or_none(e.get("at")), "status": e.get("status"),
                "comment": e.get("comment") or None, "who": e.get("who")} for e in events]
    unmatched = list(entries)
    raw_comments = visit_data.get("review_comments")
    for item in raw_comments if isinstance(raw_comments, list) else []:
        if not isinstance(item, Mapping) or not str(item.get("text") or "").strip():
            continue
        text, at = str(item["text"]), timestamp_or_none(item.get("at"))
        twin = next((e for e in unmatched if e["comment"] == text
                     and (at is None or e["at"] == at)), None)
        if twin is not None:
            unmatched.remove(twin)
            continue
        status = item.get("status")
        entries.append({"at": at, "status": status if status in REVIEW_STATUSES else None,
                        "comment": text, "who": str(item.get("by") or "") or None})
    dated = sorted((e for e in entries if e["at"] is not None),
                   key=lambda e: cast(datetime, e["at"]), reverse=True)
    history = dated + [e for e in entries if e["at"] is None]
    current = visit_data.get("review_status")
    if current in REVIEW_STATUSES and not any(e["status"] == current for e in history):
        history.insert(0, {"at": None, "status": current, "comment": None, "who": None})
    return history


def visit_photos(conn: Connection, district_code: str, visit_id: str) -> list[dict[str, Any]]:
    """The photos taken on a visit, so the reviewer can judge them."""
    rows = conn.execute(
        sa.select(records.c.id, records.c.data).where(
            records.c.district_code == district_code, records.c.record_type == "photo",
            records.c.producer_id.is_not(None), records.c.deleted == sa.false(),
            records.c.data["visit_id"].as_string() == visit_id)
    ).all()
    return [{"id": row.id, **(row.data or {})} for row in rows]
