from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class CreditSubject(StrEnum):
    applicant = "applicant"
    expert = "expert"


class CreditMeasure(StrEnum):
    # 不得申报: no applications until the end date (e.g. 3 years after forged materials).
    bar_applications = "bar_applications"
    # 移出专家库: the expert can no longer be drawn, invited or seated.
    remove_from_pool = "remove_from_pool"


class CreditRecordCreate(BaseModel):
    """A finding against a person: by resident ID (any person) or by user id (an expert's
    account, whose ID is already on file)."""

    model_config = ConfigDict(extra="forbid")

    subject: CreditSubject
    measure: CreditMeasure
    resident_id: str | None = Field(default=None, max_length=20)
    user_id: int | None = Field(default=None, ge=1)
    name: str | None = Field(default=None, min_length=1, max_length=100)
    reason: str = Field(min_length=4, max_length=2000)
    case_id: int | None = Field(default=None, ge=1)
    starts_on: date | None = None
    ends_on: date | None = None


class CreditRecordLift(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=4, max_length=2000)


class CreditRecordPublic(BaseModel):
    id: int
    id_mask: str
    name: str
    subject: CreditSubject
    measure: CreditMeasure
    reason: str
    case_id: int | None
    starts_on: date
    ends_on: date | None
    active: bool
    created_at: datetime
    lifted_at: datetime | None
    lift_reason: str | None


class CreditRecordsPublic(BaseModel):
    data: list[CreditRecordPublic]
    count: int
