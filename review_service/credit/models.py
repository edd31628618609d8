from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from review_service.db import UTCDateTime, utcnow


class CreditRecord(SQLModel, table=True):
    """A finding against a person (失信记录): an applicant who forged materials, an expert who
    colluded. Matched on the keyed hash of the resident ID, so a person barred in one
    enterprise is barred in all."""

    __tablename__ = "credit_record"

    id: int | None = Field(default=None, primary_key=True)
    person_key: str = Field(max_length=64, index=True)
    id_mask: str = Field(max_length=18)
    name: str = Field(max_length=100)
    # applicant or expert
    subject: str = Field(max_length=16)
    # bar_applications (不得申报) or remove_from_pool (移出专家库)
    measure: str = Field(max_length=32)
    reason: str = Field(max_length=2000)
    case_id: int | None = Field(default=None, foreign_key="supervision_case.id")
    starts_on: date
    # None: until lifted.
    ends_on: date | None = None
    recorded_by: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    lifted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    lift_reason: str | None = Field(default=None, max_length=2000)
