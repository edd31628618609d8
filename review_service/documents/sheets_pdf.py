"""A session's printable documents: the public notice (公示) and the 评审结果/备案表."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from review_service.documents.pdf import Document
from review_service.enterprises.models import Enterprise
from review_service.reviews import notice, panels, voting
from review_service.reviews.models import Application, ReviewSession
from review_service.reviews.schemas import ApplicationStatus
from review_service.reviews.state import STATE_NAMES, session_standard
from review_service.tenancy import TenantScope
from standards.catalogue import load_catalogue
from standards.levels import TRACK_NAMES, Track, level_name


def _what(rs: ReviewSession) -> str:
    track = Track(rs.track)
    return (
        f"{TRACK_NAMES[track][0]}·{load_catalogue().name(track, rs.series)}·"
        f"{level_name(track, rs.level, series=rs.series)}"
    )


def _cn(day: date) -> str:
    return day.strftime("%Y年%m月%d日")


def notice_pdf(session: Session, *, scope: TenantScope, rs: ReviewSession, today: date) -> bytes:
    """The 公示: who passed, for how many working days, and how to object."""
    enterprise = session.get(Enterprise, rs.enterprise_id)
    assert enterprise is not None
    public = notice.view(session, scope=scope, session_id=rs.id or 0, today=today)
    title = f"{enterprise.name}{rs.period}年度{_what(rs).split('·')[-1]}自主评审结果公示"
    doc = Document(title=title, footer=f"{enterprise.name} · {rs.name}")
    doc.heading(title, size=16)
    passed = [e for e in public.entries if e.approved]
    doc.paragraph(
        f"　　根据{rs.name}（{_what(rs)}）评审委员会评审、表决结果，经研究，"
        f"拟通过以下{len(passed)}名同志的评审，现予以公示。"
    )
    doc.rows(
        ["序号", "姓名", "部门", "评审等级", "评审得分"],
        [
            [
                str(i),
                e.name,
                e.department or "—",
                level_name(Track(rs.track), e.level, series=rs.series),
                f"{e.final_score:.1f}" if e.final_score is not None else "—",
            ]
            for i, e in enumerate(passed, 1)
        ],
        widths=(14, 34, 50, 36, 26),
    )
    doc.paragraph(
        f"公示期：{_cn(public.starts_on)}至{_cn(public.ends_on)}，共{public.working_days}个工作日"
        "（按国家法定节假日及调休安排计算）。"
    )
    doc.paragraph(
        "公示期间，对公示对象的申报材料、评审程序或评审结果有异议的，可登录自主评审平台"
        "“我的申报—公示—提出异议”实名提出，或以书面形式向本单位人事部门反映，"
        "并写明具体事实及联系方式；匿名或无具体事实的异议不予受理。"
        "本单位将在公示期结束前核实处理并答复。"
    )
    doc.ln(8)
    doc.set_x(110)
    doc.multi_cell(0, 7, f"{enterprise.name}\n{_cn(public.published_on)}", align="R")
    return doc.render()


def result_sheet_pdf(session: Session, *, rs: ReviewSession) -> bytes:
    """评审结果/备案表: the session, its panel and every application's score, votes and
    decision, for the enterprise's records and the filing."""
    enterprise = session.get(Enterprise, rs.enterprise_id)
    assert enterprise is not None
    standard = session_standard(session, rs)
    seated = panels.members(session, rs.id or 0)
    decisions = voting.decisions(session, rs.id or 0)
    title = f"{rs.name} 评审结果备案表"
    doc = Document(title=title, footer=f"{enterprise.name} · {rs.name}", landscape=True)
    doc.heading(title, size=16)
    doc.fields(
        [
            ("评审单位", f"{enterprise.name}（统一社会信用代码 {enterprise.credit_code}）"),
            ("评审类别", _what(rs)),
            ("评审批次", f"{rs.name}（{rs.period}，状态：{STATE_NAMES[rs.status]}）"),  # type: ignore[index]
            (
                "评价标准",
                f"{standard.name}（{rs.standard_label or ''}），合格分数线{standard.pass_score:g}",
            ),
            (
                "评审委员会",
                f"{len(seated)}人，其中外部专家{sum(1 for m in seated if m.external)}人，"
                f"主任委员{sum(1 for m in seated if m.role == 'chair')}人",
            ),
            ("备案编号", rs.filing_id or "（未备案）"),
        ],
        label_width=30,
    )
    doc.ln(2)
    rows = []
    apps = session.exec(
        select(Application)
        .where(
            Application.session_id == rs.id,
            Application.status != ApplicationStatus.withdrawn.value,
        )
        .order_by(col(Application.id))
    ).all()
    for i, app in enumerate(apps, 1):
        d = decisions.get(app.id or 0)
        rows.append(
            [
                str(i),
                app.name,
                app.id_mask,
                app.department or "—",
                "是" if app.exceptional else "否",
                "符合" if app.status == ApplicationStatus.eligible else "不符合",
                f"{d.final_score:.1f}" if d and d.final_score is not None else "—",
                f"{d.approvals}/{d.rejections}/{d.abstentions}" if d else "—",
                ("通过" if d.approved else "未通过") if d else "—",
            ]
        )
    doc.rows(
        [
            "序号",
            "姓名",
            "身份证号",
            "部门",
            "破格",
            "资格审核",
            "得分",
            "同意/反对/弃权",
            "评审结果",
        ],
        rows,
        widths=(12, 26, 42, 42, 14, 22, 18, 34, 24),
    )
    doc.paragraph(
        f"通过{sum(1 for d in decisions.values() if d.approved)}人，"
        f"未通过{sum(1 for d in decisions.values() if not d.approved)}人。"
    )
    doc.ln(6)
    doc.paragraph(
        "评审委员会主任委员（签字）：____________        单位人事部门（盖章）：____________"
    )
    return doc.render()
