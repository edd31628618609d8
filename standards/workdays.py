"""Working days in mainland China: statutory holidays and make-up working days (调休).

The ``chinese_calendar`` package knows each year's State Council schedule once it is
published; the regulator adds next year's days before the package does (or corrects one),
and those entries win. A year neither knows falls back to Monday–Friday."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

import chinese_calendar


@dataclass(frozen=True)
class WorkCalendar(Collection[date]):
    """Extra holidays and extra working days on top of the published schedule. As a
    collection it holds its extra holidays, so it goes where a holiday list went."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def of(cls, holidays: Iterable[date] = (), workdays: Iterable[date] = ()) -> WorkCalendar:
        return cls(frozenset(holidays), frozenset(workdays))

    def __contains__(self, day: object) -> bool:
        return day in self.holidays

    def __iter__(self) -> Iterator[date]:
        return iter(sorted(self.holidays))

    def __len__(self) -> int:
        return len(self.holidays)

    def is_working_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        return published_working_day(day)

    def knows(self, year: int) -> bool:
        """Whether the published schedule covers ``year`` (else only weekends and the
        regulator's entries count)."""
        return _published(year)


def _published(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def published_working_day(day: date) -> bool:
    """The published schedule's answer, or Monday–Friday for a year it does not cover."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def is_working_day(day: date, calendar: Collection[date] = ()) -> bool:
    """Whether ``day`` is a working day, given a ``WorkCalendar`` or a plain list of extra
    holidays."""
    if not isinstance(calendar, WorkCalendar):
        calendar = WorkCalendar.of(holidays=calendar)
    return calendar.is_working_day(day)
