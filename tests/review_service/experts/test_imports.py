"""Expert imports: HR's internal experts and the regulator's pool, each with its template,
all or nothing with every problem as (row, column, rule), checked against stored accounts."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from sqlmodel import Session, col, func, select

from bench.expert_import import pool_row, resident_id, workbook
from review_service.accounts.models import ExpertProfile, User
from review_service.experts.imports import INTERNAL_COLUMNS
from standards.levels import Track, level_name
from tests.review_service.reviews.flow import API, Flow

URL = f"{API}/experts/import"


def _post(flow: Flow, body: bytes, who: str = "regulator"):  # type: ignore[no-untyped-def]
    return flow.client.post(
        URL, params={"file_name": "专家.xlsx"}, content=body, headers=flow.auth(who)
    )


def _experts(flow: Flow) -> int:
    with Session(flow.engine) as s:
        return s.exec(select(func.count()).select_from(ExpertProfile)).one()


def _internal_row(i: int) -> list[object]:
    row = pool_row(i)
    return [*row[:3], "质量部", *row[3:]]


def test_templates_have_dropdowns_an_example_and_import_cleanly(flow: Flow) -> None:
    for who, first_sheet, lists in (
        ("regulator", "专家库专家", {"D", "E", "F", "O"}),
        ("a_admin", "企业内部专家", {"E", "F", "G", "P"}),
    ):
        r = flow.client.get(f"{API}/experts/import/template.xlsx", headers=flow.auth(who))
        assert r.status_code == 200
        sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
        assert sheet.title == first_sheet and sheet.freeze_panes == "A2"
        found = {str(dv.sqref)[0]: dv.formula1 for dv in sheet.data_validations.dataValidation}
        assert set(found) == lists
        assert any("工程技术" in f and "焊工" in f for f in found.values())
        answer = _post(flow, r.content, who)
        if who == "regulator":
            assert answer.status_code == 200, answer.text
        else:  # the same example person, already imported into the pool
            rules = {p["rule"] for p in answer.json()["error"]["problems"]}
            assert rules == {"username_taken", "expert_exists"}
    assert (
        flow.client.get(
            f"{API}/experts/import/template.xlsx", headers=flow.auth("a_applicant")
        ).status_code
        == 403
    )


def test_pool_import_refuses_every_bad_row_then_stores_the_fixed_file(flow: Flow) -> None:
    before = _experts(flow)
    rows = [pool_row(i) for i in range(40)]
    rows[3][2] = "320602198804120012"  # check digit
    rows[7][5] = level_name(Track.skill, "grade1")  # a skill level on the title track
    rows[11][11] = date(2029, 6, 1)  # a term of 3.5 years
    rows[15][0] = rows[2][0]  # user name twice in the file
    rows[19][9] = "91320600MA1M000010"  # credit code check character
    rows[23][1] = '=HYPERLINK("http://evil","点我")'
    rows[27][4] = "焊工"  # a trade on the title track
    rows[31][12] = date(1961, 1, 1)  # not the birth date in the ID
    r = _post(flow, workbook(rows))
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "import_invalid"
    found = {(p["row"], p["column"], p["rule"]) for p in error["problems"]}
    assert found == {
        (5, "身份证号", "resident_id.check_digit"),
        (9, "本人等级", "level_track"),
        (13, "聘期结束", "term_length"),
        (17, "用户名", "duplicate"),
        (21, "单位统一社会信用代码", "credit_code.check_character"),
        (25, "姓名", "formula"),
        (29, "系列/工种", "series_track"),
        (33, "出生日期", "birth_date_mismatch"),
    }, found
    assert all(p["problem"] and p["problem_en"] for p in error["problems"])
    assert _experts(flow) == before and flow.events("expert.import") == 0

    fixed = _post(flow, workbook([pool_row(i) for i in range(40)]))
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["created"] == 40
    assert _experts(flow) == before + 40 and flow.events("expert.import") == 1
    with Session(flow.engine) as s:
        user = s.exec(select(User).where(User.username == "pool.3")).one()
        profile = s.get(ExpertProfile, user.id)
        assert user.enterprise_id is None and user.id_mask and "*" in user.id_mask
        assert profile is not None and profile.external and profile.series == "engineering"
        assert profile.level == "deputy_senior" and profile.term_end == date(2028, 12, 31)
    pool = flow.client.get(
        f"{API}/experts/pool", params={"limit": 500}, headers=flow.auth("a_admin")
    ).json()
    assert "pool.3" in {u["username"] for u in pool["data"]}

    # The same file again: every name and person is already there.
    again = _post(flow, workbook([pool_row(i) for i in range(3)])).json()["error"]
    assert {(p["row"], p["rule"]) for p in again["problems"]} == {
        (n, rule) for n in (2, 3, 4) for rule in ("username_taken", "expert_exists")
    }


def test_hr_imports_its_own_internal_experts_who_can_then_get_a_password(flow: Flow) -> None:
    headers = [c.header for c in INTERNAL_COLUMNS]
    rows = [_internal_row(i) for i in range(100, 103)]
    rows[0][9] = None  # organisation: the enterprise's own
    r = _post(flow, workbook(rows, headers), "a_admin")
    assert r.status_code == 200, r.text
    ids = r.json()["user_ids"]
    with Session(flow.engine) as s:
        users = s.exec(select(User).where(col(User.id).in_(ids))).all()
        assert {u.enterprise_id for u in users} == {flow.world.a.enterprise.id}
        assert {u.department for u in users} == {"质量部"}
        profile = s.get(ExpertProfile, ids[0])
        assert profile is not None and not profile.external
        assert profile.home_organisation == flow.world.a.enterprise.name
        assert profile.cluster == "shipbuilding_offshore"
    # The other enterprise does not see them; no one can log in until a password is set.
    assert flow.client.get(f"{API}/users/{ids[0]}", headers=flow.auth("b_admin")).status_code == 404
    login = {"username": "pool.100", "password": "secret-pass-123"}
    assert flow.client.post(f"{API}/auth/login", data=login).status_code == 401
    set_pw = flow.client.patch(
        f"{API}/users/{ids[0]}", json={"password": "secret-pass-123"}, headers=flow.auth("a_admin")
    )
    assert set_pw.status_code == 200, set_pw.text
    assert flow.client.post(f"{API}/auth/login", data=login).status_code == 200


def test_a_duplicate_resident_id_in_the_file_is_named(flow: Flow) -> None:
    rows = [pool_row(i) for i in range(200, 203)]
    rows[2][2] = resident_id(200)
    rows[2][12] = None
    error = _post(flow, workbook(rows)).json()["error"]
    assert {(p["row"], p["column"], p["rule"]) for p in error["problems"]} == {
        (4, "身份证号", "duplicate")
    }
