"""Working days: statutory holidays and make-up working days (调休) of 2025 and 2026, the
regulator's entries for a year the package does not know, and notice periods across them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from review_service.reviews.notice import notice_period
from standards.workdays import WorkCalendar, is_working_day

D = date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # 2025 Spring Festival: 1-28 … 2-4 off; Sunday 1-26 and Saturday 2-8 worked.
        (D(2025, 1, 26), True),
        (D(2025, 1, 28), False),
        (D(2025, 2, 4), False),
        (D(2025, 2, 8), True),
        # 2025 National Day and Mid-Autumn: 10-1 … 10-8 off; Sunday 9-28 and Saturday 10-11 worked.
        (D(2025, 9, 28), True),
        (D(2025, 10, 8), False),
        (D(2025, 10, 11), True),
        (D(2025, 10, 12), False),
        # 2026 Spring Festival: 2-15 … 2-23 off (a Monday among them); Saturdays 2-14 and 2-28 worked.
        (D(2026, 2, 14), True),
        (D(2026, 2, 16), False),
        (D(2026, 2, 23), False),
        (D(2026, 2, 28), True),
        # 2026 National Day: 10-1 … 10-7 off; Sunday 9-20 and Saturday 10-10 worked.
        (D(2026, 9, 20), True),
        (D(2026, 10, 7), False),
        (D(2026, 10, 10), True),
        (D(2026, 10, 9), True),
    ],
)
def test_published_schedule(day: date, working: bool) -> None:
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("published", "ends"),
    [
        # Fri 9-26, Sun 9-28 (worked), 9-29, 9-30, then 10-9 after the holiday.
        (D(2025, 9, 26), D(2025, 10, 9)),
        # Wed 9-30, 10-8, 10-9, Sat 10-10 (worked), Mon 10-12.
        (D(2026, 9, 30), D(2026, 10, 12)),
        # Fri 1-24, Sun 1-26 (worked), 1-27, 2-5, 2-6.
        (D(2025, 1, 24), D(2025, 2, 6)),
        # Fri 2-13, Sat 2-14 (worked), 2-24, 2-25, 2-26.
        (D(2026, 2, 13), D(2026, 2, 26)),
    ],
)
def test_five_working_day_notice_across_the_holiday_weeks(published: date, ends: date) -> None:
    start, end = notice_period(published, 5, WorkCalendar())
    assert (start, end) == (published, ends)


def test_a_notice_published_in_the_holiday_starts_after_it() -> None:
    # 2-24 … 2-27, then Saturday 2-28 is a make-up working day.
    assert notice_period(D(2026, 2, 15), 5, WorkCalendar()) == (D(2026, 2, 24), D(2026, 2, 28))


def test_a_plain_holiday_list_still_works() -> None:
    # Callers passing extra holidays only (the REVIEW_HOLIDAYS setting) keep working.
    assert notice_period(D(2026, 6, 15), 5, [D(2026, 6, 17)]) == (D(2026, 6, 15), D(2026, 6, 23))


def test_the_regulators_days_decide_a_year_the_package_does_not_know() -> None:
    calendar = WorkCalendar()
    assert not calendar.knows(2099) and calendar.knows(2026)
    # Without entries a far year counts Monday to Friday.
    assert is_working_day(D(2099, 1, 31), calendar) is False  # a Saturday
    festival = {D(2099, 1, 20) + timedelta(days=i) for i in range(5)}  # Tue … Sat
    regulator = WorkCalendar.of(holidays=festival, workdays={D(2099, 1, 31)})
    assert not any(regulator.is_working_day(d) for d in festival)
    assert regulator.is_working_day(D(2099, 1, 31))
    # Mon 1-19, then the five days off, then Mon 1-26 … Fri 1-30: ends on Fri 1-30 (6th: Sat 1-31).
    assert notice_period(D(2099, 1, 19), 6, regulator) == (D(2099, 1, 19), D(2099, 1, 30))
    assert notice_period(D(2099, 1, 19), 7, regulator)[1] == D(2099, 1, 31)


def test_an_entry_wins_over_the_published_schedule() -> None:
    override = WorkCalendar.of(workdays={D(2026, 10, 5)})
    assert override.is_working_day(D(2026, 10, 5))
    assert WorkCalendar.of(holidays={D(2026, 10, 9)}).is_working_day(D(2026, 10, 9)) is False
