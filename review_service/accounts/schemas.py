from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from review_service.auth.principal import Role


class AvailabilityWindow(BaseModel):
    """A period in which the expert can sit on panels."""

    model_config = ConfigDict(extra="forbid")

    starts_on: date
    ends_on: date
    note: str | None = Field(default=None, max_length=100)


class ExpertProfileIn(BaseModel):
    track: str = Field(pattern="^(title|skill)$")
    level: str = Field(min_length=1, max_length=32)
    specialty: str = Field(min_length=1, max_length=100)
    home_organisation: str = Field(min_length=1, max_length=200)
    home_credit_code: str | None = Field(default=None, min_length=18, max_length=18)
    series: str | None = Field(default=None, min_length=1, max_length=64)
    level_since: date | None = None
    # A term in the pool lasts at most three years.
    term_start: date | None = None
    term_end: date | None = None
    birth_date: date | None = None
    contact: str | None = Field(default=None, max_length=200)
    cluster: str | None = Field(default=None, min_length=1, max_length=64)
    availability: list[AvailabilityWindow] = Field(default_factory=list, max_length=24)


class ExpertStatus(StrEnum):
    active = "active"
    suspended = "suspended"
    removed = "removed"


class ExpertProfilePublic(ExpertProfileIn):
    external: bool
    status: ExpertStatus = ExpertStatus.active
    status_reason: str | None = None


class ExpertStatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ExpertStatus
    reason: str = Field(min_length=2, max_length=500)


class ExpertProfileChange(BaseModel):
    """What the pool's keeper edits on an expert: term (at most three years), specialty,
    series, cluster, availability and contact. Fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    specialty: str | None = Field(default=None, min_length=1, max_length=100)
    series: str | None = Field(default=None, min_length=1, max_length=64)
    cluster: str | None = Field(default=None, min_length=1, max_length=64)
    term_start: date | None = None
    term_end: date | None = None
    availability: list[AvailabilityWindow] | None = Field(default=None, max_length=24)
    contact: str | None = Field(default=None, max_length=200)


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    display_name: str = Field(min_length=1, max_length=100)
    role: Role
    password: str = Field(min_length=1, max_length=200)
    enterprise_id: int | None = None
    department: str | None = Field(default=None, max_length=100)
    supervisor_id: int | None = None
    resident_id: str | None = Field(
        default=None, max_length=20, description="GB 11643; stored only as keyed hash and mask"
    )
    expert: ExpertProfileIn | None = None


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: str | None = Field(default=None, min_length=1, max_length=100)
    department: str | None = Field(default=None, max_length=100)
    supervisor_id: int | None = None
    is_active: bool | None = None
    # Set by HR or the regulator, e.g. for an expert created by an Excel import.
    password: str | None = Field(default=None, min_length=1, max_length=200)
    expert: ExpertProfileIn | None = None


class UserPublic(BaseModel):
    id: int
    username: str
    display_name: str
    role: Role
    enterprise_id: int | None
    is_active: bool
    department: str | None
    supervisor_id: int | None
    id_mask: str | None
    created_at: datetime
    expert: ExpertProfilePublic | None = None


class UsersPublic(BaseModel):
    data: list[UserPublic]
    count: int
