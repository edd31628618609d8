from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from review_service.db import UTCDateTime, utcnow


class CalendarDay(SQLModel, table=True):
    """A day the regulator declares a holiday or a (make-up) working day, e.g. next year's
    schedule before the calendar package publishes it; it wins over the package."""

    __tablename__ = "calendar_day"

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(unique=True)
    working: bool
    name: str = Field(max_length=100)
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
