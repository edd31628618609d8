"""All-or-nothing imports: every row of a sheet checked against its columns, every problem
reported as (row, column, rule) in Chinese and English, nothing stored unless all is clean.
Templates carry the Chinese headers, drop-down lists for coded columns and an example row."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.worksheet.datavalidation import DataValidation

from review_service.errors import FieldProblem, Invalid
from review_service.spreadsheets import xlsx
from standards import identifiers
from standards.levels import TRACK_NAMES, Track, level_name, levels

MAX_ROWS = 20_000


class CellError(ValueError):
    """A cell's value breaks a rule: the rule's code and the problem in both languages."""

    def __init__(self, rule: str, problem: str, problem_en: str) -> None:
        super().__init__(problem_en)
        self.rule, self.problem, self.problem_en = rule, problem, problem_en


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    header_en: str
    parse: Callable[[Any], Any]
    required: bool = True
    # Drop-down: label shown in the sheet -> code stored (codes are accepted as typed too).
    choices: dict[str, str] = field(default_factory=dict)
    example: Any = None
    width: float = 16


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    column_en: str
    rule: str
    problem: str
    problem_en: str

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def text(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        s = str(value).strip()
        if len(s) > max_length:
            raise CellError(
                "too_long", f"超过{max_length}个字符", f"longer than {max_length} characters"
            )
        return s

    return parse


def resident_id(value: Any) -> str:
    """A resident ID cell (GB 11643), normalised; refused with the identifier rule's words."""
    number = identifiers.normalize_resident_id(str(value))
    bad = identifiers.resident_id_problem(number)
    if bad is not None:
        raise CellError(bad.code, bad.message, bad.message_en)
    return number


# Drop-down labels of the people sheets (staff roster, expert pool): level and track names.
LEVEL_CHOICES = {
    level_name(t, code): code for t in (Track.title, Track.skill) for code in levels(t)
}
RESIDENT_ID_COLUMN = Column(
    "resident_id", "身份证号", "Resident ID", resident_id, example="11010519491231002X", width=22
)
TRACK_COLUMN = Column(
    "track",
    "类别",
    "Track",
    text(16),
    choices={TRACK_NAMES[t][0]: t.value for t in Track},
    example="职称",
    width=14,
)


def a_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip().replace("/", "-").replace(".", "-"))
    except ValueError:
        raise CellError(
            "date", "应为日期（如2020-07-01）", "must be a date (e.g. 2020-07-01)"
        ) from None


def choice(column: Column, value: Any) -> str:
    s = str(value).strip()
    if s in column.choices:
        return column.choices[s]
    if s in column.choices.values():
        return s
    allowed = "、".join(column.choices)
    raise CellError(
        "choice",
        f"“{s}”不在可选值中（{allowed}）",
        f"'{s}' is not one of: {', '.join(column.choices.values())}",
    )


def _is_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("=")


def check_rows(
    columns: Sequence[Column], rows: Iterable[tuple[int, Sequence[Any]]]
) -> tuple[list[dict[str, Any]], list[RowProblem]]:
    """Parsed records and every problem. The first row holds the headers (Chinese or English,
    any order); blank rows are skipped."""
    records: list[dict[str, Any]] = []
    problems: list[RowProblem] = []
    iterator = iter(rows)
    try:
        _, header_row = next(iterator)
    except StopIteration:
        raise _empty() from None
    names = [str(h).strip() if h is not None else "" for h in header_row]
    index: dict[str, int] = {}
    for col in columns:
        for i, name in enumerate(names):
            if name in (col.header, col.header_en, col.key):
                index[col.key] = i
        if col.key not in index and col.required:
            problems.append(
                RowProblem(
                    1, col.header, col.header_en, "missing_column", "缺少此列", "column missing"
                )
            )
    if problems:
        return [], problems
    for number, values in iterator:
        if number > MAX_ROWS + 1:
            raise Invalid(
                f"一次最多导入{MAX_ROWS}行",
                f"at most {MAX_ROWS} rows per import",
                code="too_many_rows",
            )
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        record: dict[str, Any] = {"_row": number}
        for col in columns:
            at = index.get(col.key)
            raw = values[at] if at is not None and at < len(values) else None
            if raw is None or str(raw).strip() == "":
                if col.required:
                    problems.append(
                        RowProblem(
                            number, col.header, col.header_en, "required", "必填", "required"
                        )
                    )
                record[col.key] = None
                continue
            if _is_formula(raw):
                problems.append(
                    RowProblem(
                        number,
                        col.header,
                        col.header_en,
                        "formula",
                        "不允许公式，请填写数值或文字",
                        "formulas are not accepted; enter the value",
                    )
                )
                continue
            try:
                record[col.key] = choice(col, raw) if col.choices else col.parse(raw)
            except CellError as exc:
                problems.append(
                    RowProblem(
                        number, col.header, col.header_en, exc.rule, exc.problem, exc.problem_en
                    )
                )
        records.append(record)
    if not records and not problems:
        raise _empty()
    return records, problems


def _empty() -> Invalid:
    return Invalid("文件中没有数据行", "the file has no data rows", code="empty_import")


def refuse(problems: list[RowProblem], limit: int = 500) -> Invalid:
    """The one refusal of an import: nothing stored, every problem listed."""
    shown = problems[:limit]
    return Invalid(
        f"导入未通过校验：共{len(problems)}处问题，未导入任何数据，请修改后重新上传",
        f"the import did not pass: {len(problems)} problems; nothing was stored, fix and upload again",
        details=[
            FieldProblem(
                f"第{p.row}行·{p.column}", p.problem, f"row {p.row} · {p.column_en}: {p.problem_en}"
            )
            for p in shown
        ],
        code="import_invalid",
        extra={"problems": [p.as_dict() for p in shown], "problem_count": len(problems)},
    )


def rows_of(content: bytes, file_name: str | None) -> Iterable[tuple[int, Sequence[Any]]]:
    """The rows of an uploaded .xlsx, or of a CSV (UTF-8, with or without BOM, or GB18030)."""
    if content[:2] == b"PK":
        return xlsx.read_rows(content)
    try:
        decoded = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        decoded = content.decode("gb18030", errors="replace")
    reader = csv.reader(io.StringIO(decoded))
    return enumerate((tuple(r) for r in reader), 1)


def template(columns: Sequence[Column], sheet_title: str, note: str) -> bytes:
    """Headers in Chinese (English in a comment), drop-downs for coded columns, one example
    row, and a second sheet explaining the rules."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_title
    xlsx.write_table(
        sheet,
        [c.header for c in columns],
        [[c.example for c in columns]],
        [c.width for c in columns],
    )
    for i, col in enumerate(columns, 1):
        cell = sheet.cell(1, i)
        cell.comment = Comment(f"{col.header_en}{'（必填）' if col.required else ''}", "template")
        if col.choices:
            letter = cell.column_letter
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(col.choices) + '"',
                allow_blank=not col.required,
                showErrorMessage=True,
                errorTitle="取值无效",
                error="请从下拉列表中选择",
            )
            dv.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(dv)
    help_sheet = book.create_sheet("说明")
    help_sheet.append([note])
    help_sheet.append(["第1行为列名，请勿修改；第2行为示例，导入前请删除或替换。"])
    help_sheet.append(["带下拉列表的列请从列表中选择；日期写作2020-07-01；不接受公式。"])
    help_sheet.append(["导入为“全有或全无”：任何一行有问题，整份文件都不会导入，并逐行列出问题。"])
    help_sheet.column_dimensions["A"].width = 90
    return xlsx.to_bytes(book)
