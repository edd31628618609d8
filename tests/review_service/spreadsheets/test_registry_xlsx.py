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
