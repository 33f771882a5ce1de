"""The audit trail: who did what, when, from where, in the caller's transaction.

Written in the same transaction as the change it describes, so an audited action that rolls
back leaves no audit row, and one that commits always has one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection

from sync_server.db.tables import audit_log

if TYPE_CHECKING:
    from sync_server.auth import Principal

__all__ = ["audit"]


def audit(
    conn: Connection,
    principal: Principal | None,
    action: str,
    target_type: str | None = None,
    target_id: str | None = None,
    detail: Mapping[str, Any] | None = None,
    ip: str | None = None,
    *,
    district_code: str | None = None,
    now: datetime | None = None,
) -> int:
    """Append one audit row; returns its id. `principal` None means the admin CLI or the
    system; then pass `district_code` if the action concerns one district."""
    result = conn.execute(audit_log.insert().values(
        at=now or datetime.now(UTC),
        district_code=principal.district_code if principal else district_code,
        user_id=principal.user_id if principal else None,
        device_id=principal.device_id if principal else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        detail=dict(detail) if detail is not None else None,
        ip=ip,
    ))
    return int(result.inserted_primary_key[0])  # type: ignore[index]
