from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class CalendarDayIn(BaseModel):
    day: date
    working: bool = Field(description="true: a (make-up) working day 调休上班; false: a holiday")
    name: str = Field(min_length=1, max_length=100, description="e.g. 2027年春节")


class CalendarDayPublic(CalendarDayIn):
    id: int
    created_at: datetime


class CalendarDaysPublic(BaseModel):
    data: list[CalendarDayPublic]
    # Years the published schedule covers, among the years asked about.
    published_years: list[int]
