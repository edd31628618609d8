"""The regulator's calendar entries and the working-day calendar every notice period uses."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from review_service.config import Settings
from review_service.errors import Conflict, NotFound
from review_service.events.service import record, snapshot
from review_service.tenancy import TenantScope
from review_service.working_days.models import CalendarDay
from review_service.working_days.schemas import CalendarDayIn
from standards.workdays import WorkCalendar

DAY = ("日历条目", "calendar entry")


def load(session: Session, settings: Settings) -> WorkCalendar:
    """The calendar notice periods count on: the published schedule, the regulator's entries,
    and the ``REVIEW_HOLIDAYS`` setting (extra holidays)."""
    rows = session.exec(select(CalendarDay)).all()
    holidays = {date.fromisoformat(v) for v in settings.holidays}
    holidays |= {r.day for r in rows if not r.working}
    return WorkCalendar.of(holidays=holidays, workdays={r.day for r in rows if r.working})


def list_days(session: Session, *, year: int | None) -> list[CalendarDay]:
    stmt = select(CalendarDay).order_by(col(CalendarDay.day))
    if year is not None:
        stmt = stmt.where(
            col(CalendarDay.day) >= date(year, 1, 1), col(CalendarDay.day) <= date(year, 12, 31)
        )
    return list(session.exec(stmt).all())


def add(session: Session, *, scope: TenantScope, data: CalendarDayIn) -> CalendarDay:
    taken = session.exec(select(CalendarDay).where(CalendarDay.day == data.day)).first()
    if taken is not None:
        raise Conflict(
            f"{data.day.isoformat()}已有日历条目（{taken.name}），请先删除",
            f"{data.day.isoformat()} already has an entry ({taken.name}); delete it first",
            code="calendar_day_exists",
        )
    row = CalendarDay(**data.model_dump(), created_by=scope.principal.user_id)
    session.add(row)
    session.flush()
    record(session, actor=scope.principal, action="calendar_day.add", subject=row)
    return row


def remove(session: Session, *, scope: TenantScope, day_id: int) -> None:
    row = session.get(CalendarDay, day_id)
    if row is None:
        raise NotFound(*DAY, day_id)
    before = snapshot(row)
    session.delete(row)
    record(
        session,
        actor=scope.principal,
        action="calendar_day.remove",
        object_type="calendar_day",
        object_id=day_id,
        before=before,
        deleted=True,
    )
