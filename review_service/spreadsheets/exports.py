"""A session's spreadsheets: the 评分汇总表 (applicants × members × criteria, totals, vote
tally, decision), the 公示名单 and the applications list."""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook
from sqlmodel import Session, col, select

from review_service.accounts.models import User
from review_service.reviews import notice, panels, scoring, voting
from review_service.reviews.models import Application, ReviewSession
from review_service.reviews.state import session_standard
from review_service.spreadsheets.xlsx import to_bytes, write_table
from review_service.tenancy import TenantScope
from standards.levels import Track, education_name, level_name

STATUS = {"eligible": "符合", "ineligible": "不符合", "withdrawn": "已撤回"}


def _applications(session: Session, rs: ReviewSession) -> list[Application]:
    return list(
        session.exec(
            select(Application).where(Application.session_id == rs.id).order_by(col(Application.id))
        ).all()
    )


def score_summary(session: Session, *, rs: ReviewSession) -> bytes:
    standard = session_standard(session, rs)
    seated = panels.members(session, rs.id or 0)
    names = {
        u.id: u.display_name
        for u in session.exec(
            select(User).where(col(User.id).in_([m.user_id for m in seated]))
        ).all()
    }
    member_name = {m.id: names.get(m.user_id, str(m.user_id)) for m in seated}
    decisions = voting.decisions(session, rs.id or 0)
    headers = ["申报编号", "姓名", "评委"] + [c.name for c in standard.criteria] + ["评委合计"]
    rows: list[list[object]] = []
    summary: list[list[object]] = []
    for app in _applications(session, rs):
        if app.status == "withdrawn":
            continue
        for sheet in scoring.submitted_sheets(session, app.id or 0):
            rows.append(
                [
                    app.id,
                    app.name,
                    member_name.get(sheet.panel_member_id, ""),
                    *(sheet.values.get(c.code) for c in standard.criteria),
                    sheet.total,
                ]
            )
        d = decisions.get(app.id or 0)
        summary.append(
            [
                app.id,
                app.name,
                app.department,
                d.final_score if d else None,
                d.approvals if d else None,
                d.rejections if d else None,
                d.abstentions if d else None,
                ("通过" if d.approved else "未通过") if d else "未决",
            ]
        )
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "汇总"
    write_table(
        first,
        ["申报编号", "姓名", "部门", "最终得分", "同意", "反对", "弃权", "评审结果"],
        summary,
        [10, 12, 16, 10, 8, 8, 8, 10],
        title=f"{rs.name} 评分汇总表（合格分数线 {standard.pass_score:g}）",
    )
    detail = book.create_sheet("评委评分明细")
    write_table(detail, headers, rows, [10, 12, 12] + [12] * len(standard.criteria) + [10])
    return to_bytes(book)


def notice_list(session: Session, *, scope: TenantScope, rs: ReviewSession, today: date) -> bytes:
    public = notice.view(session, scope=scope, session_id=rs.id or 0, today=today)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "公示名单"
    write_table(
        sheet,
        ["序号", "姓名", "部门", "评审等级", "评审得分"],
        [
            [
                i,
                e.name,
                e.department,
                level_name(Track(rs.track), e.level, series=rs.series),
                e.final_score,
            ]
            for i, e in enumerate((e for e in public.entries if e.approved), 1)
        ],
        [8, 12, 20, 14, 10],
        title=f"{rs.name} 公示名单（{public.starts_on:%Y-%m-%d}至{public.ends_on:%Y-%m-%d}，{public.working_days}个工作日）",
    )
    return to_bytes(book)


def applications_list(session: Session, *, rs: ReviewSession) -> bytes:
    decisions = voting.decisions(session, rs.id or 0)
    rows = []
    for app in _applications(session, rs):
        d = decisions.get(app.id or 0)
        education = app.facts.get("education")
        rows.append(
            [
                app.id,
                app.name,
                app.id_mask,
                app.department,
                education_name(education) if education else None,
                app.facts.get("years_in_occupation"),
                "是" if app.exceptional else "否",
                STATUS.get(app.status, app.status),
                d.final_score if d else None,
                ("通过" if d.approved else "未通过") if d else None,
                app.submitted_at.replace(tzinfo=None),
            ]
        )
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "申报列表"
    write_table(
        sheet,
        [
            "申报编号",
            "姓名",
            "身份证号",
            "部门",
            "学历",
            "从业年限",
            "破格",
            "资格审核",
            "最终得分",
            "评审结果",
            "提交时间",
        ],
        rows,
        [10, 12, 22, 16, 10, 10, 8, 10, 10, 10, 18],
        title=f"{rs.name} 申报列表",
    )
    return to_bytes(book)
