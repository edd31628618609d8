"""The regulator's registry extracts come as .xlsx too (CSV still accepted), through the same
checks; a zip bomb is refused before it is opened."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from openpyxl import Workbook
from sqlmodel import Session, func, select

from review_service.filings.models import EmploymentRegistryRow
from tests.review_service.factories import World, resident_id

API = "/api/v1"


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["公民身份号码", "单位统一社会信用代码", "参保开始日期", "参保结束日期"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _post(client, world: World, body: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        f"{API}/registries/employment",
        files={"file": ("si.xlsx", body, "application/octet-stream")},
        data={"as_of": "2026-06-30"},
        headers=world.auth("regulator"),
    )


def test_an_xlsx_extract_is_imported_like_csv(client, app, world: World) -> None:  # type: ignore[no-untyped-def]
    code = world.a.enterprise.credit_code
    r = _post(client, world, _xlsx([[resident_id(), code, date(2020, 1, 1), None]]))
    assert r.status_code == 201, r.text
    assert r.json()["row_count"] == 1
    bad = _post(
        client,
        world,
        _xlsx([[resident_id(), code, date(2020, 1, 1), None], ["1", "x", "2020-13-01", None]]),
    )
    assert bad.status_code == 422
    assert all(d["field"].startswith("line 3") for d in bad.json()["error"]["details"])
    with Session(app.state.engine) as s:
        assert s.exec(select(func.count()).select_from(EmploymentRegistryRow)).one() == 1


def test_a_zip_bomb_extract_is_refused(client, world: World) -> None:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (100 * 1024 * 1024))
    r = _post(client, world, buffer.getvalue())
    assert r.status_code == 422 and r.json()["error"]["code"] == "unsafe_workbook"


def _filled(client, world: World, kind: str, row: list[object]) -> bytes:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    r = client.get(f"{API}/registries/{kind}/template.xlsx", headers=world.auth("regulator"))
    assert r.status_code == 200, r.text
    book = load_workbook(io.BytesIO(r.content))
    sheet = book.worksheets[0]
    for i, value in enumerate(row, 1):
        sheet.cell(2, i).value = value  # the example row replaced
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_filled_template_imports_for_both_kinds(client, app, world: World) -> None:  # type: ignore[no-untyped-def]
    code = world.a.enterprise.credit_code
    body = _filled(client, world, "employment", [resident_id(), code, date(2020, 1, 1), None, None])
    assert _post(client, world, body).status_code == 201
    body = _filled(client, world, "education", [resident_id(), "本科", "南通大学", 2012])
    r = client.post(
        f"{API}/registries/education",
        files={"file": ("edu.xlsx", body, "application/octet-stream")},
        data={"as_of": "2026-06-30"},
        headers=world.auth("regulator"),
    )
    assert r.status_code == 201, r.text
    assert (
        client.get(
            f"{API}/registries/nonsense/template.xlsx", headers=world.auth("regulator")
        ).status_code
        == 404
    )


def test_a_refused_extract_lists_row_column_and_rule(client, app, world: World) -> None:  # type: ignore[no-untyped-def]
    code = world.a.enterprise.credit_code
    r = _post(
        client,
        world,
        _xlsx(
            [
                [resident_id(), code, date(2020, 1, 1), None],
                [resident_id(), "x", "2020-13-01", None],
            ]
        ),
    )
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["problem_count"] == len(error["problems"]) >= 2
    by_column = {p["column"]: p for p in error["problems"]}
    assert by_column["单位统一社会信用代码"]["row"] == 3
    assert by_column["单位统一社会信用代码"]["column_en"] == "Employer credit code"
    assert by_column["参保开始日期"]["rule"].startswith("registry.")
    assert all(p["problem"] and p["problem_en"] for p in error["problems"])
