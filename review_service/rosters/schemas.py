from __future__ import annotations

from datetime import date

from pydantic import BaseModel


class RosterEntryPublic(BaseModel):
    id: int
    name: str
    id_mask: str
    department: str | None
    post: str | None
    track: str | None
    level: str | None
    level_obtained_on: date | None
    education: str | None
    hired_on: date | None


class RosterPublic(BaseModel):
    data: list[RosterEntryPublic]
    count: int


class ImportReceipt(BaseModel):
    rows: int
    created: int
    updated: int
