"""The regulator's flag, grade and filing workbooks: the list endpoints' filters, names from
the catalogue instead of codes, typed cells, frozen headers, widths, no live formulas."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session, select

from review_service.enterprises.models import Enterprise
from review_service.events.service import seal
from review_service.filings.service import receive_filing
from tests.review_service.factories import World
from tests.review_service.filings.documents import filing_documents

API = "/api/v1"
EVIL = '=HYPERLINK("http://evil.example","点我")'


def _file_and_audit(client, app, world: World, settings) -> int:  # type: ignore[no-untyped-def]
    documents = filing_documents(8)
    documents[0]["review_body"]["credit_code"] = world.a.enterprise.credit_code
    with Session(app.state.engine) as s:
        for i, document in enumerate(documents[1:]):
            code = document["review_body"]["credit_code"]
            if not s.exec(select(Enterprise).where(Enterprise.credit_code == code)).first():
                s.add(
                    Enterprise(
                        name=EVIL if i == 0 else document["review_body"]["name"],
                        credit_code=code,
                        industry_cluster="electronics",
                    )
                )
        s.flush()
        for document in documents:
            receive_filing(
                s, document=document, source_enterprise_id=None, actor=None, settings=settings
            )
        seal(s)
        s.commit()
    r = client.post(f"{API}/audit-runs", json={"period": "2026"}, headers=world.auth("regulator"))
    assert r.status_code == 202, r.text
    return int(r.json()["id"])


def _sheet(response) -> Worksheet:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert all(sheet.column_dimensions[c].width >= 8 for c in "ABC")
    return sheet


def _no_formulas(sheet: Worksheet) -> None:
    for row in sheet.iter_rows(min_row=2, values_only=True):
        for v in row:
            assert not (isinstance(v, str) and v.startswith("=")), v


def test_flags_export_takes_the_list_filters(client, app, world: World, settings) -> None:  # type: ignore[no-untyped-def]
    run_id = _file_and_audit(client, app, world, settings)
    auth = world.auth("regulator")
    listed = client.get(f"{API}/flags", params={"run_id": run_id, "limit": 500}, headers=auth)
    flags = listed.json()["data"]
    assert flags
    sheet = _sheet(client.get(f"{API}/flags.xlsx", params={"run_id": run_id}, headers=auth))
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(flags)
    assert [c.value for c in sheet[1]][:4] == ["疑点编号", "审查批次", "期间", "信号"]
    codes = {f["signal"] for f in flags} | {f["severity"] for f in flags}
    for row in rows:
        assert isinstance(row[0], int) and row[3] not in codes and row[6] in {"高", "中", "低"}
    _no_formulas(sheet)

    high = [f for f in flags if f["severity"] == "high"]
    only_high = _sheet(
        client.get(f"{API}/flags.xlsx", params={"run_id": run_id, "severity": "high"}, headers=auth)
    )
    assert only_high.max_row - 1 == len(high)
    assert client.get(f"{API}/flags.xlsx", headers=world.auth("a_admin")).status_code == 403


def test_grades_and_filings_exports(client, app, world: World, settings) -> None:  # type: ignore[no-untyped-def]
    run_id = _file_and_audit(client, app, world, settings)
    auth = world.auth("regulator")
    grades = client.get(f"{API}/audit-runs/{run_id}/grades", headers=auth).json()["data"]
    sheet = _sheet(client.get(f"{API}/audit-runs/{run_id}/grades.xlsx", headers=auth))
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(grades) == 8
    assert all(str(r[3]).endswith(("优秀", "良好", "一般", "较差")) for r in rows)
    assert all(isinstance(r[4], float | int) and isinstance(r[5], int) for r in rows)
    # The formula an enterprise name carried goes out as text.
    names = [r[0] for r in rows]
    assert "'" + EVIL in names
    one = grades[0]["grade"]
    filtered = _sheet(
        client.get(f"{API}/audit-runs/{run_id}/grades.xlsx", params={"grade": one}, headers=auth)
    )
    assert filtered.max_row - 1 == sum(1 for g in grades if g["grade"] == one)

    sheet = _sheet(client.get(f"{API}/filings.xlsx", params={"period": "2026"}, headers=auth))
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 8
    header = [c.value for c in sheet[1]]
    held, received = header.index("评审日期"), header.index("接收时间")
    assert all(isinstance(r[held], datetime | date) for r in rows)
    assert all(isinstance(r[received], datetime) for r in rows)
    assert all(r[header.index("类别")] in {"职称", "职业技能等级"} for r in rows)
    assert all(r[header.index("来源")] in {"本平台评审", "外部主体报送"} for r in rows)
    _no_formulas(sheet)
    code = world.a.enterprise.credit_code
    mine = _sheet(client.get(f"{API}/filings.xlsx", params={"credit_code": code}, headers=auth))
    assert mine.max_row == 2
    # An enterprise exports only its own filings, whatever it asks for.
    other = _sheet(client.get(f"{API}/filings.xlsx", headers=world.auth("b_admin")))
    assert other.max_row == 1
