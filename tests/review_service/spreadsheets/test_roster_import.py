"""Roster import: template with drop-downs, all-or-nothing with every problem named as
(row, column, rule) in both languages, CSV accepted, formulas refused, zip bombs refused."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook
from sqlmodel import Session, func, select

from review_service.rosters.models import RosterEntry
from tests.review_service.reviews.flow import API, Flow
from tests.review_service.spreadsheets.roster_files import HEADERS, good_row, workbook

URL = f"{API}/rosters/applicants/import"


def _post(flow: Flow, body: bytes, who: str = "a_admin", name: str = "花名册.xlsx"):  # type: ignore[no-untyped-def]
    return flow.client.post(URL, params={"file_name": name}, content=body, headers=flow.auth(who))


def _stored(flow: Flow) -> int:
    with Session(flow.engine) as s:
        return s.exec(select(func.count()).select_from(RosterEntry)).one()


def test_template_has_chinese_headers_dropdowns_and_an_example(flow: Flow) -> None:
    r = flow.client.get(f"{API}/rosters/applicants/template.xlsx", headers=flow.auth("a_admin"))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(r.content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.freeze_panes == "A2"
    assert sheet.cell(2, 1).value == "王小明"
    lists = {str(dv.sqref)[0]: dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert set(lists) == {"E", "F", "H"}
    assert "职业技能等级" in lists["E"] and "高级工（三级）" in lists["F"] and "本科" in lists["H"]
    # The template's own example imports cleanly.
    assert _post(flow, r.content).status_code == 200


def test_a_200_row_roster_with_3_bad_rows_is_refused_whole_then_imported(flow: Flow) -> None:
    bad = {9: (1, "320602198804120012"), 99: (5, "总工程师"), 149: (6, "去年")}
    r = _post(flow, workbook(200, bad))
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "import_invalid" and error["problem_count"] == 3
    found = {(p["row"], p["column"], p["rule"]) for p in error["problems"]}
    assert found == {
        (11, "身份证号", "resident_id.check_digit"),
        (101, "现等级", "choice"),
        (151, "取得时间", "date"),
    }
    for p in error["problems"]:
        assert p["problem"] and p["problem_en"] and p["column_en"]
    assert error["details"][0]["field"] == "第11行·身份证号"
    assert _stored(flow) == 0 and flow.events("roster.import") == 0
    fixed = _post(flow, workbook(200))
    assert fixed.status_code == 200, fixed.text
    assert fixed.json() == {"rows": 200, "created": 200, "updated": 0}
    again = _post(flow, workbook(200)).json()
    assert again == {"rows": 200, "created": 0, "updated": 200}
    assert _stored(flow) == 200 and flow.events("roster.import") == 2
    listed = flow.client.get(f"{API}/rosters/applicants", headers=flow.auth("a_admin")).json()
    assert listed["count"] == 200 and "*" in listed["data"][0]["id_mask"]
    assert listed["data"][0]["level"] == "grade3" and listed["data"][0]["track"] == "skill"
    assert (
        flow.client.get(f"{API}/rosters/applicants", headers=flow.auth("b_admin")).json()["count"]
        == 0
    )


def test_duplicates_wrong_track_levels_and_formulas_are_named(flow: Flow) -> None:
    body = workbook(
        5, {1: (1, good_row(0)[1]), 2: (5, "中级"), 3: (2, '=HYPERLINK("http://evil","点我")')}
    )
    error = _post(flow, body).json()["error"]
    found = {(p["row"], p["rule"]) for p in error["problems"]}
    assert found == {(3, "duplicate"), (4, "level_track"), (5, "formula")}


def test_csv_is_accepted(flow: Flow) -> None:
    lines = [",".join(HEADERS)] + [",".join(str(v) for v in good_row(i)) for i in range(3)]
    r = _post(flow, ("\ufeff" + "\n".join(lines)).encode(), name="roster.csv")
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 3


def test_a_zip_bomb_is_refused_without_inflating_it(flow: Flow) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (200 * 1024 * 1024))
    bomb = buffer.getvalue()
    assert len(bomb) < 1024 * 1024
    r = _post(flow, bomb)
    assert r.status_code == 422 and r.json()["error"]["code"] == "unsafe_workbook"
    assert "压缩" in r.json()["error"]["message"] or "解压" in r.json()["error"]["message"]
    assert _post(flow, b"PK\x03\x04 not really a zip").status_code == 422


def test_only_hr_imports(flow: Flow) -> None:
    assert _post(flow, workbook(2), who="regulator").status_code == 403
    assert _post(flow, workbook(2), who="a_applicant").status_code == 403
