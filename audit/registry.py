"""External registry extracts the regulator imports for cross-checks, matched on the keyed hash.

- Social insurance employment (社保参保记录): person, employer credit code, and the period of
  contributions, as ``start``/``end`` dates or as a number of consecutive ``months`` ending at
  ``end`` (or at the extract date when ``end`` is empty: still insured). Months are whole
  calendar months counted inclusively: "6 months ending 2025-09-10" is April to September
  2025 (``start`` 2025-04-01), and the audit counts the months a spell touches up to and
  including the session date's month (contract 1.1, ``docs/filing-contract.md``).
- Education (学历学籍登记): person, education level, and, when the extract has them,
  institution and year of graduation (real extracts often lack them; only the level is
  checked).

The CSV parsers take the same key as intake, turn each resident ID into its keyed hash (the
clear number is not kept) and report every bad row with its line number (the header is line 1);
good rows are kept, so one typo does not void an extract. Headers may be the English column
names below or the usual Chinese ones.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from standards.identifiers import credit_code_problem, resident_id_digest, resident_id_problem
from standards.levels import EDUCATION_NAMES, Education


@dataclass(frozen=True)
class EmploymentRecord:
    """Social-insurance contributions of one person at one employer from ``start`` to ``end``
    (None: still contributing on the extract date)."""

    person_key: str
    employer_credit_code: str
    start: date
    end: date | None = None


@dataclass(frozen=True)
class EducationRecord:
    """One education registered for a person; institution and year when the extract gives them."""

    person_key: str
    education: Education
    institution: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class Registries:
    """The registry extracts an audit cross-checks against."""

    employment: list[EmploymentRecord] = field(default_factory=list)
    education: list[EducationRecord] = field(default_factory=list)


@dataclass(frozen=True)
class RegistryProblem:
    """A row (or the header, line 1) of an extract that could not be read."""

    line: int
    column: str | None
    code: str
    message: str
    message_en: str


# Column names as the regulator's extracts usually spell them; values are the canonical names.
_ALIASES: dict[str, str] = {
    "公民身份号码": "resident_id",
    "身份证号码": "resident_id",
    "身份证号": "resident_id",
    "人员密钥": "person_key",
    "单位统一社会信用代码": "employer_credit_code",
    "统一社会信用代码": "employer_credit_code",
    "参保开始日期": "start",
    "开始日期": "start",
    "参保结束日期": "end",
    "结束日期": "end",
    "连续缴费月数": "months",
    "缴费月数": "months",
    "学历": "education",
    "毕业院校": "institution",
    "院校": "institution",
    "毕业年份": "year",
}

# Education given by its Chinese name (本科) as well as its code (bachelor).
_EDUCATION_BY_NAME: dict[str, Education] = {
    **{e.value: e for e in Education},
    **{names[0]: e for e, names in EDUCATION_NAMES.items()},
    "中专": Education.secondary_vocational,
    "技校": Education.secondary_vocational,
    "研究生": Education.master,
}


class _Rows:
    """CSV rows with canonical column names and a problem list with line numbers."""

    def __init__(self, source: str | Iterable[str], required: tuple[str, ...]) -> None:
        text = source if isinstance(source, str) else "".join(source)
        reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
        header = next(reader, [])
        self.columns = [_ALIASES.get(h.strip(), h.strip()) for h in header]
        self.reader = reader
        self.problems: list[RegistryProblem] = []
        if "resident_id" not in self.columns and "person_key" not in self.columns:
            self.header_problem("resident_id", "公民身份号码（resident_id）", "resident_id")
        for column in required:
            if column not in self.columns:
                self.header_problem(column, column, column)

    def header_problem(self, column: str, zh: str, en: str) -> None:
        self.problems.append(
            RegistryProblem(
                1, column, "registry.missing_column", f"缺少列：{zh}", f"missing column: {en}"
            )
        )

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        if self.problems:
            return
        for line, values in enumerate(self.reader, start=2):
            if not any(v.strip() for v in values):
                continue
            yield line, {c: v.strip() for c, v in zip(self.columns, values, strict=False)}

    def bad(self, line: int, column: str, code: str, message: str, message_en: str) -> None:
        self.problems.append(RegistryProblem(line, column, code, message, message_en))

    def person(self, line: int, row: dict[str, str], key: bytes, today: date | None) -> str | None:
        number = row.get("resident_id", "")
        if number:
            found = resident_id_problem(number, today=today)
            if found is not None:
                self.bad(line, "resident_id", found.code, found.message, found.message_en)
                return None
            return resident_id_digest(number, key)
        if row.get("person_key"):
            return row["person_key"]
        self.bad(
            line, "resident_id", "registry.missing_person", "缺少公民身份号码", "no resident ID"
        )
        return None

    def day(self, line: int, row: dict[str, str], column: str) -> tuple[bool, date | None]:
        """(readable, the date in ``column`` or None when empty); unreadable adds a problem."""
        value = row.get(column, "")
        if not value:
            return True, None
        try:
            return True, date.fromisoformat(value.replace("/", "-"))
        except ValueError:
            self.bad(
                line,
                column,
                "registry.bad_date",
                f"日期“{value}”无效（应为YYYY-MM-DD）",
                f"'{value}' is not a date (YYYY-MM-DD)",
            )
            return False, None

    def months(self, line: int, row: dict[str, str]) -> int | None:
        """The ``months`` column as a positive whole number; None when empty or unreadable."""
        text = row.get("months", "")
        if not text:
            return None
        if not text.isdigit() or int(text) < 1:
            self.bad(
                line,
                "months",
                "registry.bad_months",
                f"缴费月数“{text}”应为正整数",
                f"months '{text}' must be a positive whole number",
            )
            return None
        return int(text)


def _months_before(end: date, months: int) -> date:
    """First day of the earliest of ``months`` consecutive calendar months ending with ``end``'s
    month."""
    index = end.year * 12 + end.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def parse_employment_csv(
    source: str | Iterable[str], key: bytes, *, as_of: date, today: date | None = None
) -> tuple[list[EmploymentRecord], list[RegistryProblem]]:
    """Read a social-insurance extract. Columns: ``resident_id`` (or an already hashed
    ``person_key``), ``employer_credit_code``, and either ``start`` [+ ``end``] or ``months``
    [+ ``end``]. ``as_of`` is the extract date: a ``months`` row without ``end`` runs up to it.
    Returns the records read and every problem, by line."""
    rows = _Rows(source, ("employer_credit_code",))
    records: list[EmploymentRecord] = []
    for line, row in rows:
        before = len(rows.problems)
        person = rows.person(line, row, key, today)
        employer = row.get("employer_credit_code", "")
        found = credit_code_problem(employer)
        if found is not None:
            rows.bad(line, "employer_credit_code", found.code, found.message, found.message_en)
        start_ok, start = rows.day(line, row, "start")
        end_ok, end = rows.day(line, row, "end")
        months = rows.months(line, row) if start is None else None
        if start is None and months is not None and end_ok:
            start = _months_before(end or as_of, months)
        if start is None and start_ok and not row.get("months"):
            rows.bad(
                line,
                "start",
                "registry.missing_period",
                "缺少参保开始日期或缴费月数",
                "neither a start date nor a number of months",
            )
        if start is not None and end is not None and end < start:
            rows.bad(
                line,
                "end",
                "registry.end_before_start",
                "结束日期早于开始日期",
                "the end date is before the start date",
            )
        if len(rows.problems) > before or person is None or start is None:
            continue
        records.append(EmploymentRecord(person, employer, start, end))
    return records, rows.problems


def parse_education_csv(
    source: str | Iterable[str], key: bytes, *, today: date | None = None
) -> tuple[list[EducationRecord], list[RegistryProblem]]:
    """Read an education-registry extract. Columns: ``resident_id`` (or ``person_key``),
    ``education`` (a code such as ``bachelor`` or its Chinese name 本科), and optionally
    ``institution`` and ``year`` (columns may be missing or cells empty; a year given must be a
    year). Returns the records read and every problem, by line."""
    rows = _Rows(source, ("education",))
    records: list[EducationRecord] = []
    for line, row in rows:
        person = rows.person(line, row, key, today)
        education = _EDUCATION_BY_NAME.get(row.get("education", ""))
        if education is None:
            rows.bad(
                line,
                "education",
                "registry.bad_education",
                f"学历“{row.get('education', '')}”无法识别",
                f"education '{row.get('education', '')}' is not a known level",
            )
        year_text = row.get("year", "")
        year = int(year_text) if year_text.isdigit() and 1900 <= int(year_text) <= 2100 else None
        if year is None and year_text:
            rows.bad(
                line,
                "year",
                "registry.bad_year",
                f"毕业年份“{year_text}”无效",
                f"graduation year '{year_text}' is not a year",
            )
        if person is None or education is None or (year is None and year_text):
            continue
        institution = row.get("institution") or None
        records.append(EducationRecord(person, education, institution, year))
    return records, rows.problems
