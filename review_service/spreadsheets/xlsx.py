"""Reading untrusted .xlsx safely and writing sheets people can work with.

An .xlsx is a zip: before openpyxl sees it, the archive's declared sizes are checked, so a
zip bomb (a few kB that inflate to gigabytes) is refused without inflating it. Written cells
never start a formula: text beginning with = + - @ (or a tab or carriage return) is prefixed
with an apostrophe, so a value imported as "=HYPERLINK(...)" goes out as text (CSV/formula
injection, OWASP)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from review_service.errors import FieldProblem, Invalid

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UNPACKED = 64 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 500
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class UnsafeWorkbook(Invalid):
    code = "unsafe_workbook"


def _refuse(zh: str, en: str) -> UnsafeWorkbook:
    return UnsafeWorkbook(
        f"无法读取该Excel文件：{zh}",
        f"the Excel file cannot be read: {en}",
        details=[FieldProblem("file", zh, en)],
    )


def check_archive(content: bytes) -> None:
    """Refuse what is not a zip, or one that would inflate beyond reason (zip bomb)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise _refuse("不是有效的.xlsx文件", "not an .xlsx file") from None
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise _refuse("压缩包内文件过多", "too many parts in the archive")
    total = 0
    for m in members:
        total += m.file_size
        if m.compress_size and m.file_size / m.compress_size > MAX_RATIO and m.file_size > 1 << 20:
            raise _refuse("压缩比异常（疑似压缩炸弹）", "abnormal compression ratio (zip bomb)")
    if total > MAX_UNPACKED:
        raise _refuse(
            f"解压后超过{MAX_UNPACKED >> 20} MB", f"unpacks to more than {MAX_UNPACKED >> 20} MB"
        )


def read_rows(content: bytes) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, cell values) of the first sheet, formulas as their text (never run)."""
    check_archive(content)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:
        raise _refuse("文件已损坏或格式不受支持", "damaged or unsupported file") from None
    sheet = book.worksheets[0]
    yield from enumerate(sheet.iter_rows(values_only=True), 1)
    book.close()


def safe(value: Any) -> Any:
    """A value as it may go into a cell: text that would start a formula becomes plain text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


HEADER_FILL = PatternFill("solid", fgColor="DCE6F2")


def write_table(
    sheet: Worksheet,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float] | None = None,
    *,
    title: str | None = None,
) -> None:
    """A header row (frozen, shaded), rows of typed values (numbers stay numbers, dates are
    dates), column widths set."""
    offset = 0
    if title:
        sheet.append([safe(title)])
        sheet.cell(1, 1).font = Font(bold=True, size=13)
        offset = 1
    sheet.append([safe(h) for h in headers])
    for col in range(1, len(headers) + 1):
        cell = sheet.cell(offset + 1, col)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        sheet.append([safe(v) for v in row])
    for r in sheet.iter_rows(min_row=offset + 2):
        for cell in r:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, float):
                cell.number_format = "0.0"
    sheet.freeze_panes = sheet.cell(offset + 2, 1)
    for i, header in enumerate(headers, 1):
        width = widths[i - 1] if widths else max(10, min(40, len(str(header)) * 2 + 4))
        sheet.column_dimensions[get_column_letter(i)].width = width


def to_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def as_csv(content: bytes) -> str:
    """The first sheet as CSV text (dates as ISO dates), for importers that read CSV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for _, values in read_rows(content):
        writer.writerow(
            [
                ""
                if v is None
                else v.date().isoformat()
                if isinstance(v, datetime)
                else v.isoformat()
                if isinstance(v, date)
                else str(v)
                for v in values
            ]
        )
    return buffer.getvalue()
