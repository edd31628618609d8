"""Registry extracts: CSV rows into records keyed like intake, bad rows reported by line."""

from __future__ import annotations

from datetime import date

import factories

from audit.registry import (
    EducationRecord,
    EmploymentRecord,
    parse_education_csv,
    parse_employment_csv,
)
from standards.levels import Education

AS_OF = date(2026, 6, 30)
EMPLOYER = factories.credit_code(1)


def test_employment_rows_become_records_keyed_like_intake() -> None:
    text = (
        "resident_id,employer_credit_code,start,end,months\n"
        f"{factories.resident_id(1)},{EMPLOYER},2019-03-01,,\n"
        f"{factories.resident_id(2)},{EMPLOYER},2015-01-01,2020-12-31,\n"
    )
    records, problems = parse_employment_csv(text, factories.KEY, as_of=AS_OF)
    assert problems == []
    assert records == [
        EmploymentRecord(factories.person_key(1), EMPLOYER, date(2019, 3, 1), None),
        EmploymentRecord(factories.person_key(2), EMPLOYER, date(2015, 1, 1), date(2020, 12, 31)),
    ]


def test_months_run_back_from_the_end_or_from_the_extract_date() -> None:
    text = (
        "resident_id,employer_credit_code,end,months\n"
        f"{factories.resident_id(1)},{EMPLOYER},2026-05-31,6\n"
        f"{factories.resident_id(2)},{EMPLOYER},,12\n"
    )
    records, problems = parse_employment_csv(text, factories.KEY, as_of=AS_OF)
    assert problems == []
    # Six months ending May 2026 start on 1 December 2025; twelve up to June 2026, 1 July 2025.
    assert (records[0].start, records[0].end) == (date(2025, 12, 1), date(2026, 5, 31))
    assert (records[1].start, records[1].end) == (date(2025, 7, 1), None)


def test_chinese_headers_and_a_byte_order_mark_are_understood() -> None:
    text = (
        "\ufeff公民身份号码,单位统一社会信用代码,参保开始日期,参保结束日期\n"
        f"{factories.resident_id(3)},{EMPLOYER},2020/01/15,\n"
    )
    records, problems = parse_employment_csv(text, factories.KEY, as_of=AS_OF)
    assert problems == []
    assert records[0].start == date(2020, 1, 15)
    assert records[0].person_key == factories.person_key(3)


def test_bad_employment_rows_are_reported_by_line_and_skipped() -> None:
    good = factories.resident_id(4)
    text = (
        "resident_id,employer_credit_code,start,end,months\n"
        f"{good},{EMPLOYER},2020-01-01,,\n"  # line 2: fine
        f"{good[:17]}0,{EMPLOYER},2020-01-01,,\n"  # line 3: check digit (unless it is 0)
        f"{good},91320600000000001X,2020-01-01,,\n"  # line 4: credit code check character
        f"{good},{EMPLOYER},2020-13-01,,\n"  # line 5: no month 13
        f"{good},{EMPLOYER},2021-01-01,2020-01-01,\n"  # line 6: ends before it starts
        f"{good},{EMPLOYER},,,\n"  # line 7: neither start nor months
        f"{good},{EMPLOYER},,,zero\n"  # line 8: months not a number
    )
    records, problems = parse_employment_csv(text, factories.KEY, as_of=AS_OF)
    found = {(p.line, p.column, p.code) for p in problems}
    expected = {
        (4, "employer_credit_code", "credit_code.check_character"),
        (5, "start", "registry.bad_date"),
        (6, "end", "registry.end_before_start"),
        (7, "start", "registry.missing_period"),
        (8, "months", "registry.bad_months"),
    }
    if good[17] != "0":
        expected.add((3, "resident_id", "resident_id.check_digit"))
    assert found == expected
    assert len(records) == 1
    assert all(p.message and p.message_en for p in problems)


def test_a_missing_column_is_reported_on_the_header_line() -> None:
    records, problems = parse_employment_csv(
        "resident_id,start\n1,2020-01-01\n", factories.KEY, as_of=AS_OF
    )
    assert records == []
    assert [(p.line, p.column, p.code) for p in problems] == [
        (1, "employer_credit_code", "registry.missing_column")
    ]


def test_education_rows_by_code_or_chinese_name() -> None:
    text = (
        "resident_id,education,institution,year\n"
        f"{factories.resident_id(5)},bachelor,南通大学,2010\n"
        f"{factories.resident_id(6)},大专,南通职业大学,2012\n"
    )
    records, problems = parse_education_csv(text, factories.KEY)
    assert problems == []
    assert records == [
        EducationRecord(factories.person_key(5), Education.bachelor, "南通大学", 2010),
        EducationRecord(factories.person_key(6), Education.junior_college, "南通职业大学", 2012),
    ]


def test_already_hashed_person_keys_are_accepted() -> None:
    text = f"person_key,education,institution,year\n{factories.person_key(7)},master,X,2015\n"
    records, problems = parse_education_csv(text, factories.KEY)
    assert problems == []
    assert records[0].person_key == factories.person_key(7)


def test_bad_education_rows_are_reported_by_line() -> None:
    text = (
        "resident_id,education,institution,year\n"
        f"{factories.resident_id(8)},phd-ish,X,2010\n"
        f"{factories.resident_id(8)},bachelor,X,20x0\n"
        f",bachelor,X,2010\n"
    )
    records, problems = parse_education_csv(text, factories.KEY)
    assert records == []
    assert {(p.line, p.code) for p in problems} == {
        (2, "registry.bad_education"),
        (3, "registry.bad_year"),
        (4, "registry.missing_person"),
    }


def test_education_without_institution_or_year_is_read() -> None:
    # Real extracts often give only the level: that is all the audit checks.
    only_level = f"resident_id,education\n{factories.resident_id(9)},本科\n"
    records, problems = parse_education_csv(only_level, factories.KEY)
    assert problems == []
    assert records == [EducationRecord(factories.person_key(9), Education.bachelor, None, None)]
    empty_cells = (
        "resident_id,education,institution,year\n"
        f"{factories.resident_id(10)},master,,\n"
        f"{factories.resident_id(11)},master,南通大学,\n"
    )
    records, problems = parse_education_csv(empty_cells, factories.KEY)
    assert problems == []
    assert [(r.institution, r.year) for r in records] == [(None, None), ("南通大学", None)]


def test_an_extract_without_an_education_column_is_refused() -> None:
    records, problems = parse_education_csv(
        f"resident_id,institution\n{factories.resident_id(9)},X\n", factories.KEY
    )
    assert records == []
    assert [(p.line, p.code, p.column) for p in problems] == [
        (1, "registry.missing_column", "education")
    ]
