"""How long checking a 10,000-row roster takes (target: at most 5 s).

    python -m bench.roster_import [rows]

Builds the workbook in memory, then times the whole check the import runs before storing
anything: opening the .xlsx (archive checks included), every cell, identifiers, codes, dates
and duplicates. Prints the figures as JSON."""

from __future__ import annotations

import io
import json
import sys
import time
from datetime import date

from openpyxl import Workbook

from review_service.rosters.service import check
from standards.identifiers import resident_id_check_char

HEADERS = ["姓名", "身份证号", "部门", "岗位", "类别", "现等级", "取得时间", "学历", "入职时间"]


def roster(rows: int) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    for i in range(rows):
        body = (
            f"320602{1970 + (i // 1000) % 30}{1 + (i // 28) % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
        )
        sheet.append(
            [
                f"员工{i}",
                body + resident_id_check_char(body),
                "船体车间",
                "焊工",
                "职业技能等级",
                "高级工（三级）",
                date(2018, 7, 1),
                "大专",
                date(2012, 3, 1),
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main(rows: int = 10_000) -> dict[str, float]:
    content = roster(rows)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        records = check(content, "bench.xlsx")
        best = min(best, time.perf_counter() - started)
    assert len(records) == rows
    return {"rows": rows, "file_kb": round(len(content) / 1024), "check_seconds": round(best, 2)}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)))
