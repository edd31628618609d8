"""How long checking a 10,000-row expert sheet takes (target: at most 5 s).

    python -m bench.expert_import [rows]

Builds the city pool's workbook in memory, then times the check the import runs before it
looks at the database: opening the .xlsx (archive checks included), every cell, resident IDs
and credit codes, codes and levels from the catalogue, dates, the three-year term, and
duplicates within the file. Prints the figures as JSON."""

from __future__ import annotations

import io
import json
import sys
import time
from datetime import date

from openpyxl import Workbook

from review_service.experts.imports import POOL_COLUMNS, check
from standards.identifiers import credit_code_check_char, resident_id_check_char


def resident_id(i: int) -> str:
    body = f"320602{1960 + (i // 1000) % 30}{1 + (i // 28) % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
    return body + resident_id_check_char(body)


def credit_code(i: int) -> str:
    body = f"91320600MA1M{i % 100000:05d}"
    return body + credit_code_check_char(body)


def pool_row(i: int) -> list[object]:
    """A clean row of the pool template, in its column order."""
    return [
        f"pool.{i}",
        f"专家{i}",
        resident_id(i),
        "职称",
        "工程技术",
        "副高级",
        date(2015, 12, 1),
        "船舶与海洋工程",
        "南通大学",
        credit_code(i),
        date(2026, 1, 1),
        date(2028, 12, 31),
        None,
        "0513-8000000",
        "船舶海工",
    ]


def workbook(rows: list[list[object]], headers: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers or [c.header for c in POOL_COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main(rows: int = 10_000) -> dict[str, float]:
    content = workbook([pool_row(i) for i in range(rows)])
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        records = check(content, "bench.xlsx", internal=False)
        best = min(best, time.perf_counter() - started)
    assert len(records) == rows
    return {"rows": rows, "file_kb": round(len(content) / 1024), "check_seconds": round(best, 2)}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)))
