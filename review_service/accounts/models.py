from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from review_service.db import UTCDateTime, utcnow


class User(SQLModel, table=True):
    """Everyone who logs in. Enterprise staff carry their ``enterprise_id``; regulators and
    the city's external expert pool do not."""

    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(max_length=100)
    role: str = Field(max_length=32, index=True)
    enterprise_id: int | None = Field(default=None, foreign_key="enterprise.id", index=True)
    password_hash: str = Field(max_length=255)
    is_active: bool = True
    password_changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Carried by every access token as ``ver``; bumped to end all of them at once.
    token_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Organisational facts used to detect conflicts of interest (回避).
    department: str | None = Field(default=None, max_length=100)
    supervisor_id: int | None = Field(default=None, foreign_key="user_account.id")
    # Resident ID number, never in clear: keyed hash for matching, mask for display.
    person_key: str | None = Field(default=None, max_length=64, index=True)
    id_mask: str | None = Field(default=None, max_length=18)


class ExpertProfile(SQLModel, table=True):
    """An expert's own qualification, which panel rules compare with the level reviewed."""

    __tablename__ = "expert_profile"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    track: str = Field(max_length=16)
    level: str = Field(max_length=32)
    specialty: str = Field(max_length=100)
    home_organisation: str = Field(max_length=200)
    home_credit_code: str | None = Field(default=None, max_length=18)
    # In the city's pool, invitable by any enterprise; internal experts belong to one enterprise.
    external: bool = False
    # Series (title track) or trade (skill track) code, from the catalogue.
    series: str | None = Field(default=None, max_length=64)
    level_since: date | None = None
    # A term in the pool lasts at most three years; a drawn or seated expert must be in term.
    term_start: date | None = None
    term_end: date | None = None
    birth_date: date | None = None
    contact: str | None = Field(default=None, max_length=200)
    # active, suspended or removed (from the pool, e.g. after a credit finding), with why.
    status: str = Field(default="active", max_length=16, index=True)
    status_reason: str | None = Field(default=None, max_length=500)
    # Industry cluster (enterprises.schemas.INDUSTRY_CLUSTERS) the expert serves, for the pool view.
    cluster: str | None = Field(default=None, max_length=64, index=True)
    # Windows in which the expert can sit: [{"starts_on": ..., "ends_on": ..., "note": ...}].
    availability: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
