"""Roster workbooks for tests and the import bench: ``n`` good rows, some made bad."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook

from standards.identifiers import resident_id_check_char

HEADERS = ["姓名", "身份证号", "部门", "岗位", "类别", "现等级", "取得时间", "学历", "入职时间"]


def rid(i: int) -> str:
    body = f"320602{1970 + i % 30}0412{i % 1000:03d}"
    body = f"320602{1970 + (i // 1000) % 30}{1 + (i // 28) % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
    return body + resident_id_check_char(body)


def good_row(i: int) -> list[object]:
    return [
        f"员工{i}",
        rid(i),
        "船体车间",
        "焊工",
        "职业技能等级",
        "高级工（三级）",
        date(2018, 7, 1),
        "大专",
        date(2012, 3, 1),
    ]


def workbook(n: int, bad: dict[int, tuple[int, object]] | None = None) -> bytes:
    """``bad`` maps a data row index (0-based) to (column index, value)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    for i in range(n):
        row = good_row(i)
        if bad and i in bad:
            col, value = bad[i]
            row[col] = value
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
