"""Working-day calendar: the regulator adds holidays and make-up working days."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from review_service.dependencies import (
    ManagerAccess,
    ObjectId,
    RegulatorAccess,
    SessionDep,
)
from review_service.working_days import service
from review_service.working_days.models import CalendarDay
from review_service.working_days.schemas import (
    CalendarDayIn,
    CalendarDayPublic,
    CalendarDaysPublic,
)
from standards.workdays import WorkCalendar

router = APIRouter(tags=["calendar"])


def _public(row: CalendarDay) -> CalendarDayPublic:
    return CalendarDayPublic.model_validate(row.model_dump())


@router.get("/calendar/days", response_model=CalendarDaysPublic, operation_id="calendar-list_days")
def list_days(
    access: ManagerAccess,
    session: SessionDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> CalendarDaysPublic:
    years = [year] if year else [date.today().year, date.today().year + 1]
    calendar = WorkCalendar()
    return CalendarDaysPublic(
        data=[_public(r) for r in service.list_days(session, year=year)],
        published_years=[y for y in years if calendar.knows(y)],
    )


@router.post(
    "/calendar/days",
    response_model=CalendarDayPublic,
    status_code=201,
    operation_id="calendar-add_day",
)
def add_day(data: CalendarDayIn, access: RegulatorAccess, session: SessionDep) -> CalendarDayPublic:
    return _public(service.add(session, scope=access.scope, data=data))


@router.delete("/calendar/days/{day_id}", status_code=204, operation_id="calendar-remove_day")
def remove_day(day_id: ObjectId, access: RegulatorAccess, session: SessionDep) -> Response:
    service.remove(session, scope=access.scope, day_id=day_id)
    return Response(status_code=204)
