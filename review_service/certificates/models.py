from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from review_service.db import UTCDateTime, utcnow


class Certificate(SQLModel, table=True):
    """One approved applicant's electronic certificate. What it says is copied at issue, so
    it reads the same however the records change later; only its status moves (revoked)."""

    __tablename__ = "certificate"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=32, unique=True, index=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    session_id: int = Field(foreign_key="review_session.id", index=True)
    application_id: int = Field(foreign_key="application.id", unique=True)
    applicant_user_id: int = Field(foreign_key="user_account.id", index=True)
    holder_name: str = Field(max_length=100)
    id_mask: str = Field(max_length=18)
    track: str = Field(max_length=16)
    series: str = Field(max_length=64)
    level: str = Field(max_length=32)
    enterprise_name: str = Field(max_length=200)
    issued_on: date
    status: str = Field(default="valid", max_length=16, index=True)
    revoked_on: date | None = None
    revoked_reason: str | None = Field(default=None, max_length=500)
    revoked_by: int | None = Field(default=None, foreign_key="user_account.id")
    revoked_case_id: int | None = Field(default=None, foreign_key="supervision_case.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
