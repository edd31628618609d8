"""Per-criterion scoring (评分): each member scores each criterion within its maximum, revises
until they submit, and sees no other member's scores before submitting their own. HR sees who
has submitted, not the scores, until scoring closes."""

from __future__ import annotations

from sqlmodel import Session, col, select

from review_service.accounts.models import User
from review_service.db import utcnow
from review_service.errors import Conflict, FieldProblem, Invalid, InvalidState
from review_service.events.service import record, snapshot
from review_service.reviews import panels
from review_service.reviews.models import Application, PanelMember, ReviewSession, Score
from review_service.reviews.models import Conflict as ConflictRow
from review_service.reviews.schemas import (
    ApplicationStatus,
    ConflictStatus,
    ScoreSheetIn,
    ScoreSheetPublic,
    ScoresPublic,
    ScoringProgress,
    SessionStatus,
)
from review_service.reviews.state import (
    conflicted_member_ids,
    load_application,
    require_state,
    session_standard,
)
from review_service.tenancy import TenantScope
from review_service.transitions import lock
from standards.document import Criterion
from standards.scoring import ScoreError, member_total

S = SessionStatus


def require_under_review(application: Application) -> None:
    if application.status != ApplicationStatus.eligible:
        raise InvalidState(
            f"该申报未进入评审（状态：{application.status}）",
            f"this application is not under review (status: {application.status})",
            code="not_under_review",
            extra={"current_state": application.status},
        )


def require_no_pending_conflict(
    session: Session, application: Application, member: PanelMember
) -> None:
    pending = session.exec(
        select(ConflictRow.id).where(
            ConflictRow.application_id == application.id,
            ConflictRow.panel_member_id == member.id,
            ConflictRow.status == ConflictStatus.pending.value,
        )
    ).first()
    if pending is not None:
        raise InvalidState(
            f"您对该申报的回避申报（编号{pending}）尚待处理，处理前不能评分或投票",
            f"your conflict {pending} on this application awaits HR's decision; until then you "
            "may neither score nor vote",
            code="conflict_pending",
        )


def _value_problems(criteria: list[Criterion], data: ScoreSheetIn) -> list[FieldProblem]:
    by_code = {c.code: c for c in criteria}
    known = ", ".join(by_code)
    out = []
    for code, value in data.values.items():
        criterion = by_code.get(code)
        if criterion is None:
            out.append(
                FieldProblem(
                    f"values.{code}",
                    f"未知的评价指标“{code}”，可用：{known}",
                    f"unknown criterion '{code}'; known: {known}",
                )
            )
        elif not 0 <= value <= criterion.maximum:
            out.append(
                FieldProblem(
                    f"values.{code}",
                    f"指标“{criterion.name}”的评分{value:g}超出范围0–{criterion.maximum:g}",
                    f"score {value:g} for '{criterion.name_en}' is outside 0–{criterion.maximum:g}",
                )
            )
    for code, comment in data.comments.items():
        if code not in by_code:
            out.append(
                FieldProblem(
                    f"comments.{code}",
                    f"未知的评价指标“{code}”，可用：{known}",
                    f"unknown criterion '{code}'; known: {known}",
                )
            )
        elif len(comment) > 2000:
            out.append(
                FieldProblem(f"comments.{code}", "评语过长（最多2000字）", "too long (2000 max)")
            )
    return out


def _own_sheet(session: Session, application_id: int, member_id: int) -> Score | None:
    # Read afresh: the caller holds the member's lock, so this is the sheet as it stands.
    return session.exec(
        select(Score)
        .where(Score.application_id == application_id, Score.panel_member_id == member_id)
        .execution_options(populate_existing=True)
    ).first()


def _scorer(
    session: Session, *, scope: TenantScope, application_id: int, action: tuple[str, str]
) -> tuple[Application, ReviewSession, PanelMember]:
    """The application, its session and the caller's seat, with the locks a sheet's write
    takes: the session shared (scoring cannot close underneath the write), then the member's
    seat exclusively (one member's saves and submits happen one after the other, so a
    submitted sheet never changes and its total is computed from the values it keeps)."""
    application, rs, member = load_application(session, scope=scope, application_id=application_id)
    assert member is not None
    rs = lock(session, rs, shared=True)
    require_state(rs, (S.reviewing,), action)
    member = lock(session, member)
    require_under_review(application)
    require_no_pending_conflict(session, application, member)
    return application, rs, member


def save(session: Session, *, scope: TenantScope, application_id: int, data: ScoreSheetIn) -> Score:
    application, rs, member = _scorer(
        session, scope=scope, application_id=application_id, action=("评分", "scoring")
    )
    criteria = session_standard(session, rs).criteria
    problems = _value_problems(criteria, data)
    if problems:
        raise Invalid(
            f"评分校验未通过（{len(problems)}处问题）",
            f"the scores did not pass validation ({len(problems)} problems)",
            details=problems,
            code="invalid_scores",
        )
    sheet = _own_sheet(session, application.id or 0, member.id or 0)
    if sheet is not None and sheet.submitted_at is not None:
        raise Conflict(
            "评分已提交，不能再修改",
            "your scores were submitted and can no longer change",
            code="scores_submitted",
            extra={"current_state": "submitted"},
        )
    before = snapshot(sheet) if sheet is not None else None
    if sheet is None:
        sheet = Score(
            session_id=rs.id or 0,
            enterprise_id=rs.enterprise_id,
            application_id=application.id or 0,
            panel_member_id=member.id or 0,
        )
    sheet.values = {**sheet.values, **data.values}
    sheet.comments = {**sheet.comments, **{k: v for k, v in data.comments.items()}}
    sheet.updated_at = utcnow()
    session.add(sheet)
    session.flush()
    record(session, actor=scope.principal, action="score.save", subject=sheet, before=before)
    return sheet


def submit(session: Session, *, scope: TenantScope, application_id: int) -> Score:
    application, rs, member = _scorer(
        session,
        scope=scope,
        application_id=application_id,
        action=("提交评分", "submitting scores"),
    )
    sheet = _own_sheet(session, application.id or 0, member.id or 0)
    criteria = session_standard(session, rs).criteria
    if sheet is None:
        raise Invalid(
            "尚未评分，不能提交",
            "there are no scores to submit",
            details=[FieldProblem(f"values.{c.code}", "缺少评分", "missing") for c in criteria],
            code="incomplete_scores",
        )
    if sheet.submitted_at is not None:
        raise Conflict(
            "评分已提交",
            "your scores were already submitted",
            code="scores_submitted",
            extra={"current_state": "submitted"},
        )
    missing = [c for c in criteria if c.code not in sheet.values]
    if missing:
        raise Invalid(
            f"还有{len(missing)}项指标未评分，不能提交",
            f"{len(missing)} criteria are not scored yet",
            details=[
                FieldProblem(
                    f"values.{c.code}", f"缺少指标“{c.name}”的评分", f"no score for '{c.name_en}'"
                )
                for c in missing
            ],
            code="incomplete_scores",
        )
    try:
        total = member_total(criteria, sheet.values)
    except (
        ScoreError
    ) as exc:  # the stored sheet was checked on save; a changed standard would land here
        raise Invalid(
            exc.message,
            exc.message_en,
            details=[FieldProblem(exc.path, exc.message, exc.message_en)],
        ) from None
    before = snapshot(sheet)
    sheet.total = total
    sheet.submitted_at = utcnow()
    sheet.updated_at = sheet.submitted_at
    session.add(sheet)
    record(session, actor=scope.principal, action="score.submit", subject=sheet, before=before)
    return sheet


def submitted_sheets(session: Session, application_id: int) -> list[Score]:
    return list(
        session.exec(
            select(Score)
            .where(Score.application_id == application_id, col(Score.submitted_at).is_not(None))
            .order_by(col(Score.panel_member_id))
        ).all()
    )


def view(session: Session, *, scope: TenantScope, application_id: int) -> ScoresPublic:
    application, rs, member = load_application(session, scope=scope, application_id=application_id)
    seated = panels.members(session, rs.id or 0)
    names = {
        u.id: u.display_name
        for u in session.exec(
            select(User).where(col(User.id).in_([m.user_id for m in seated]))
        ).all()
    }
    member_names = {m.id: names.get(m.user_id, "") for m in seated}
    sheets = list(session.exec(select(Score).where(Score.application_id == application.id)).all())
    by_member = {s.panel_member_id: s for s in sheets}
    excluded = conflicted_member_ids(session, application.id or 0)

    def public(sheet: Score) -> ScoreSheetPublic:
        return ScoreSheetPublic(
            panel_member_id=sheet.panel_member_id,
            display_name=member_names.get(sheet.panel_member_id, ""),
            values=sheet.values,
            comments=sheet.comments,
            total=sheet.total,
            submitted=sheet.submitted_at is not None,
            submitted_at=sheet.submitted_at,
        )

    mine = by_member.get(member.id or 0) if member is not None else None
    visible = scope.sees_others_sheets(rs.status, mine)
    others = [
        public(s)
        for s in sheets
        if s.submitted_at is not None and (member is None or s.panel_member_id != member.id)
    ]
    return ScoresPublic(
        application_id=application.id or 0,
        session_status=SessionStatus(rs.status),
        mine=public(mine) if mine is not None else None,
        sheets=others if visible else [],
        progress=[
            ScoringProgress(
                panel_member_id=m.id or 0,
                display_name=member_names.get(m.id or 0, ""),
                conflicted=m.id in excluded,
                submitted=(s := by_member.get(m.id or 0)) is not None
                and s.submitted_at is not None,
            )
            for m in seated
        ],
    )
