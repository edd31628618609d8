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
    """A finding against a person: by resident ID (any person), by user id (an account whose
    ID is on file, e.g. an expert) or by application (the applicant as they applied)."""

    model_config = ConfigDict(extra="forbid")

    subject: CreditSubject
    measure: CreditMeasure
    resident_id: str | None = Field(default=None, max_length=20)
    user_id: int | None = Field(default=None, ge=1)
    application_id: int | None = Field(default=None, ge=1)
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


class CasePerson(BaseModel):
    """A person a confirmed case rests on, as the credit form is prefilled with: an applicant
    (by application) or a panel member (by account), resolved from the flag's references."""

    subject: CreditSubject
    name: str
    id_mask: str | None
    user_id: int | None = None
    application_id: int | None = None
    # The flag's own reference: the application (A12) or the member's pseudonym.
    ref: str
    session_id: int | None = None
    # Already under an active record from this case.
    recorded: bool = False


class CasePeople(BaseModel):
    case_id: int
    case_status: str
    period: str | None
    people: list[CasePerson]
