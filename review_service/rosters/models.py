from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from review_service.db import UTCDateTime, utcnow


class RosterEntry(SQLModel, table=True):
    """One person on the enterprise's roster of prospective applicants; the resident ID is
    kept as the keyed hash and mask only, like everywhere else. Re-importing a person
    updates their row (same enterprise, same hash)."""

    __tablename__ = "roster_entry"
    __table_args__ = (UniqueConstraint("enterprise_id", "person_key"),)

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    person_key: str = Field(max_length=64, index=True)
    id_mask: str = Field(max_length=18)
    name: str = Field(max_length=100)
    department: str | None = Field(default=None, max_length=100)
    post: str | None = Field(default=None, max_length=100)
    track: str | None = Field(default=None, max_length=16)
    level: str | None = Field(default=None, max_length=32)
    level_obtained_on: date | None = None
    education: str | None = Field(default=None, max_length=32)
    hired_on: date | None = None
    imported_by: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
