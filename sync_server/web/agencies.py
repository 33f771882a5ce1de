"""The district's list of partner agencies, and which agency a plan item belongs to.

Plan items name their agency by `agency_id` (an entry of this list) and carry its name in
`agency` so the phones can show it. Items written before the list existed have only the
name: `AgencyIndex.resolve` maps those to an entry whose name or short name matches once
spaces are collapsed and case folded, so "พาณิชย์จังหวัด" typed on a phone and the entry
"สำนักงานพาณิชย์จังหวัดฉะเชิงเทรา" (short name "พาณิชย์จังหวัด") are one bar in the budget
chart and one agency for its partner token.

`validate_agency_form`, `normalise` and `AgencyIndex` are pure; the rest reads or writes
the `agencies` table in the caller's transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from schemas import codes
from sync_server.audit import audit
from sync_server.auth import Principal
from sync_server.db.tables import agencies

__all__ = ["Agency", "AgencyError", "AgencyIndex", "list_agencies", "normalise",
           "save_agency", "validate_agency_form"]

MAX_NAME = 200


@dataclass(frozen=True, slots=True)
class Agency:
    id: str
    name_th: str
    short_name: str | None
    kind: str
    active: bool = True

    @property
    def shown(self) -> str:
        return self.short_name or self.name_th


@dataclass(frozen=True, slots=True)
class AgencyError:
    field: str
    message_th: str
    message_en: str


def normalise(name: object) -> str:
    """The form names are compared in: spaces collapsed, case folded ("" for none)."""
    return " ".join(str(name or "").split()).casefold()


class AgencyIndex:
    """Finds the list entry of a plan item (by id, else by name or short name)."""

    def __init__(self, entries: Iterable[Agency]) -> None:
        self.entries = list(entries)
        self.by_id = {a.id: a for a in self.entries}
        self._by_name: dict[str, Agency] = {}
        for agency in self.entries:  # a full name wins over another entry's short name
            if agency.short_name:
                self._by_name.setdefault(normalise(agency.short_name), agency)
        for agency in self.entries:
            self._by_name[normalise(agency.name_th)] = agency

    def find_name(self, name: object) -> Agency | None:
        return self._by_name.get(normalise(name)) if normalise(name) else None

    def resolve(self, item: Mapping[str, Any]) -> Agency | None:
        found = self.by_id.get(str(item.get("agency_id") or ""))
        return found or self.find_name(item.get("agency"))

    def key(self, item: Mapping[str, Any]) -> tuple[str, str]:
        """(grouping key, label) of a plan item's agency: the entry when there is one,
        else the typed name (spaces collapsed); ("", "") when the item names none."""
        agency = self.resolve(item)
        if agency is not None:
            return agency.id, agency.name_th
        name = " ".join(str(item.get("agency") or "").split())
        return (f"name:{normalise(name)}", name) if name else ("", "")


def list_agencies(conn: Connection, district_code: str, *, active_only: bool = False
                  ) -> list[Agency]:
    query = sa.select(agencies).where(agencies.c.district_code == district_code)
    if active_only:
        query = query.where(agencies.c.active.is_(True))
    rows = conn.execute(query).all()
    found = [Agency(r.id, r.name_th, r.short_name, r.kind, bool(r.active)) for r in rows]
    return sorted(found, key=lambda a: (not a.active, a.name_th, a.id))


def validate_agency_form(form: Mapping[str, str]) -> tuple[dict[str, Any], list[AgencyError]]:
    """Clean an agency form: a name, an optional short name, a kind from the schema."""
    errors: list[AgencyError] = []
    name = " ".join((form.get("name_th") or "").split())
    short = " ".join((form.get("short_name") or "").split()) or None
    kind = (form.get("kind") or "").strip()
    if not name:
        errors.append(AgencyError("name_th", "กรุณาระบุชื่อหน่วยงาน", "Give the agency's name"))
    for field, value in (("name_th", name), ("short_name", short)):
        if value and len(value) > MAX_NAME:
            errors.append(AgencyError(field, f"ยาวเกิน {MAX_NAME} ตัวอักษร",
                                      f"Longer than {MAX_NAME} characters"))
    if kind not in codes("agency_kind"):
        errors.append(AgencyError("kind", "กรุณาเลือกประเภทหน่วยงาน",
                                  "Choose the kind of agency"))
    active = (form.get("active") or "1") != "0"
    return {"name_th": name, "short_name": short, "kind": kind, "active": active}, errors


def save_agency(conn: Connection, principal: Principal, fields: Mapping[str, Any],
                agency_id: str | None = None) -> str | AgencyError:
    """Add (or change) an agency of the principal's district; an error if the name is
    already another entry's."""
    district = principal.district_code
    clash = conn.execute(sa.select(agencies.c.id).where(
        agencies.c.district_code == district, agencies.c.name_th == fields["name_th"],
        agencies.c.id != (agency_id or ""))).scalar()
    if clash is not None:
        return AgencyError("name_th", "มีหน่วยงานชื่อนี้ในรายชื่อแล้ว",
                           "An agency of this name is already on the list")
    values = {k: fields[k] for k in ("name_th", "short_name", "kind", "active")}
    if agency_id is None:
        agency_id = uuid.uuid4().hex
        conn.execute(agencies.insert().values(id=agency_id, district_code=district,
                                              created_at=datetime.now(UTC), **values))
        audit(conn, principal, "agency.create", "agency", agency_id, {"name": values["name_th"]})
        return agency_id
    updated = conn.execute(agencies.update().where(
        agencies.c.id == agency_id, agencies.c.district_code == district).values(**values))
    if updated.rowcount == 0:
        return AgencyError("", "ไม่พบหน่วยงานนี้ในอำเภอของคุณ",
                           "No such agency in your district")
    audit(conn, principal, "agency.update", "agency", agency_id, {"name": values["name_th"]})
    return agency_id
