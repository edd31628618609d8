"""A session's spreadsheets: numbers as numbers, dates as dates, headers frozen, widths set,
and text that would start a formula written as text (formula injection)."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook

from tests.review_service.reviews.flow import API, Flow, round_in

EVIL = '=HYPERLINK("http://evil.example","点我")'


def _book(flow: Flow, sid: int, name: str, who: str = "a_admin"):  # type: ignore[no-untyped-def]
    r = flow.client.get(f"{API}/review-sessions/{sid}/{name}", headers=flow.auth(who))
    assert r.status_code == 200, r.text
    return load_workbook(io.BytesIO(r.content))


def test_exports_keep_types_and_escape_formulas(flow: Flow) -> None:
    rnd = round_in(flow, "finalized", applicants=2)
    # An applicant whose department (copied into the application) is a formula.
    from sqlmodel import Session

    from review_service.reviews.models import Application

    with Session(flow.engine) as s:
        app = s.get(Application, rnd.applications[0])
        assert app is not None
        app.department = EVIL
        s.add(app)
        s.commit()
    sheet = _book(flow, rnd.session_id, "applications.xlsx").worksheets[0]
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["C"].width == 22
    row = [c for c in sheet[3]]
    dept = row[3]
    assert dept.value == "'" + EVIL and dept.data_type == "s"
    assert isinstance(row[8].value, int | float) and row[8].number_format == "0.0"
    assert isinstance(row[10].value, datetime)
    assert row[0].value == rnd.applications[0]

    summary = _book(flow, rnd.session_id, "score-summary.xlsx")
    head = summary["汇总"]
    totals = [[c.value for c in r] for r in head.iter_rows(min_row=3)]
    assert len(totals) == 2 and totals[0][4:8] == [7, 0, 0, "通过"]
    assert isinstance(totals[0][3], int | float)
    assert totals[0][2] == "'" + EVIL
    detail = summary["评委评分明细"]
    assert detail.max_row == 1 + 2 * 7  # header + applicants × members
    assert isinstance(detail.cell(2, 4).value, int | float)

    notice = _book(flow, rnd.session_id, "notice-list.xlsx").worksheets[0]
    assert "公示名单" in notice.cell(1, 1).value and "个工作日" in notice.cell(1, 1).value
    assert notice.max_row == 2 + 2 and isinstance(notice.cell(3, 5).value, int | float)


def test_exports_are_for_hr_and_the_regulator_only(flow: Flow) -> None:
    rnd = round_in(flow, "decided")
    url = f"{API}/review-sessions/{rnd.session_id}/score-summary.xlsx"
    assert flow.client.get(url, headers=flow.auth("regulator")).status_code == 200
    assert flow.client.get(url, headers=flow.auth("a_expert")).status_code == 403
    assert flow.client.get(url, headers=flow.auth("b_admin")).status_code == 404
