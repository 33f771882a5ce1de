"""Pydantic shapes of the JSON API's answers (they also document /openapi.json)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from sync_server.auth import Principal

__all__ = ["DistrictOut", "UserOut"]


class DistrictOut(BaseModel):
    code: str
    name_th: str
    name_en: str
    province_code: str
    province_name_th: str
    province_name_en: str


class UserOut(BaseModel):
    id: str
    role: str
    display_name: str
    district_code: str
    agency_name: str | None = None

    @classmethod
    def from_principal(cls, principal: Principal) -> UserOut:
        return cls(id=principal.user_id, role=principal.role,
                   display_name=principal.display_name,
                   district_code=principal.district_code, agency_name=principal.agency_name)

    @classmethod
    def from_row(cls, row: Any) -> UserOut:
        return cls(id=row.id, role=row.role, display_name=row.display_name,
                   district_code=row.district_code, agency_name=row.agency_name)
