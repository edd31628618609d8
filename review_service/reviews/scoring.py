"""Per-criterion scoring (评分): each member scores each criterion within its maximum, revises
until they submit, and sees no other member's scores before submitting their own. HR sees who
has submitted, not the scores, until scoring closes."""

from __future__ import annotations

from sqlalchemy import and_
from sqlmodel import Session, col, select

from review_service.accounts.models import User
from review_service.db import utcnow
from review_service.errors import Conflict, FieldProblem, Invalid, InvalidState, NotFound
from review_service.events.service import record, snapshot
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
    APPLICATION,
    load_application,
    require_state,
    session_standard,
)
from review_service.tenancy import TenantScope
from review_service.transitions import lock_by_key
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
            extra={"current_state": ConflictStatus.pending.value},
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


def _locked_scorer(
    session: Session, *, scope: TenantScope, application_id: int, action: tuple[str, str]
) -> tuple[Application, ReviewSession, int, Score | None]:
    """The application, its session, the caller's seat and their sheet, with the locks a
    sheet's write takes: the session shared (scoring cannot close underneath the write), then
    the sheet exclusively (its saves and its submit happen one after the other, so a submitted
    sheet never changes and its total is computed from the values it keeps). Each member's
    sheet has its own lock: experts scoring in parallel never wait for one another."""
    found = session.exec(
        select(Application, ReviewSession)
        .join(ReviewSession, col(ReviewSession.id) == Application.session_id)
        .where(col(Application.id) == application_id)
        .with_for_update(read=True, of=ReviewSession)
        .execution_options(populate_existing=True)
    ).first()
    if found is None or not scope.sees_application(found[0]):
        raise NotFound(*APPLICATION, application_id)
    application, rs = found
    member_id = scope.seat(rs.id)
    assert member_id is not None
    require_state(rs, (S.reviewing,), action)
    require_under_review(application)
    sheet, conflict = _lock_sheet(session, application_id, member_id)
    if conflict == ConflictStatus.confirmed.value:
        # Recused meanwhile: the application is no longer theirs to see.
        raise NotFound(*APPLICATION, application_id)
    if conflict == ConflictStatus.pending.value:
        raise InvalidState(
            "您对该申报的回避申报尚待处理，处理前不能评分或投票",
            "your conflict on this application awaits HR's decision; until then you may "
            "neither score nor vote",
            code="conflict_pending",
            extra={"current_state": ConflictStatus.pending.value},
        )
    return application, rs, member_id, sheet


def _lock_sheet(
    session: Session, application_id: int, member_id: int
) -> tuple[Score | None, str | None]:
    """The member's sheet under its row lock, and the member's open conflict on the
    application (pending or confirmed), read after the lock."""
    open_conflict = (
        select(ConflictRow.status)
        .where(
            ConflictRow.application_id == application_id,
            ConflictRow.panel_member_id == member_id,
            col(ConflictRow.status).in_(
                [ConflictStatus.pending.value, ConflictStatus.confirmed.value]
            ),
        )
        .order_by(col(ConflictRow.status))  # confirmed before pending
        .limit(1)
    )
    sheet_stmt = (
        select(Score, open_conflict.scalar_subquery())
        .where(Score.application_id == application_id, Score.panel_member_id == member_id)
        .with_for_update(of=Score)
        .execution_options(populate_existing=True)
    )
    found = session.exec(sheet_stmt).first()
    if found is not None:
        # A confirmation that withdraws this sheet deletes it, so it waits for this lock or
        # (having deleted it first) leaves nothing to find: the conflict read here is current.
        return found[0], found[1]
    # No sheet yet: the first one is written under the member's seat, the lock a conflict's
    # confirmation takes before withdrawing the member's contributions; a sheet another
    # request wrote meanwhile is found again, and the conflict read after the lock.
    lock_by_key(session, PanelMember, member_id)
    found = session.exec(sheet_stmt).first()
    if found is not None:
        return found[0], found[1]
    return None, session.exec(open_conflict).first()


def save(
    session: Session, *, scope: TenantScope, application_id: int, data: ScoreSheetIn
) -> ScoresPublic:
    """Save the caller's scores (a partial sheet is fine until they submit); the answer is
    what ``view`` would show them, built from the rows this write already holds."""
    application, rs, member_id, sheet = _locked_scorer(
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
            panel_member_id=member_id,
        )
    sheet.values = {**sheet.values, **data.values}
    sheet.comments = {**sheet.comments, **{k: v for k, v in data.comments.items()}}
    sheet.updated_at = utcnow()
    session.add(sheet)
    session.flush()
    record(session, actor=scope.principal, action="score.save", subject=sheet, before=before)
    return _answer(session, scope=scope, application=application, rs=rs, mine=sheet)


def submit(session: Session, *, scope: TenantScope, application_id: int) -> ScoresPublic:
    application, rs, _, sheet = _locked_scorer(
        session,
        scope=scope,
        application_id=application_id,
        action=("提交评分", "submitting scores"),
    )
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
    session.flush()
    record(session, actor=scope.principal, action="score.submit", subject=sheet, before=before)
    return _answer(session, scope=scope, application=application, rs=rs, mine=sheet)


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
    mine = None
    if member is not None:
        mine = session.exec(
            select(Score).where(
                Score.application_id == application_id, Score.panel_member_id == member.id
            )
        ).first()
    return _answer(session, scope=scope, application=application, rs=rs, mine=mine)


def _answer(
    session: Session,
    *,
    scope: TenantScope,
    application: Application,
    rs: ReviewSession,
    mine: Score | None,
) -> ScoresPublic:
    """The caller's view of the application's scoring: one read for the panel's progress,
    and one more for the others' sheets only when the caller may see them."""
    app_id = application.id or 0
    conflicted = (
        select(ConflictRow.id)
        .where(
            ConflictRow.application_id == app_id,
            ConflictRow.panel_member_id == PanelMember.id,
            ConflictRow.status == ConflictStatus.confirmed.value,
        )
        .exists()
    )
    seated = session.exec(
        select(PanelMember.id, User.display_name, Score.submitted_at, conflicted)
        .join(User, col(User.id) == PanelMember.user_id)
        .outerjoin(
            Score,
            and_(col(Score.panel_member_id) == PanelMember.id, col(Score.application_id) == app_id),
        )
        .where(PanelMember.session_id == rs.id)
        .order_by(col(PanelMember.id))
    ).all()
    names = {member_id: name for member_id, name, _, _ in seated}

    def public(sheet: Score) -> ScoreSheetPublic:
        return ScoreSheetPublic(
            panel_member_id=sheet.panel_member_id,
            display_name=names.get(sheet.panel_member_id, ""),
            values=sheet.values,
            comments=sheet.comments,
            total=sheet.total,
            submitted=sheet.submitted_at is not None,
            submitted_at=sheet.submitted_at,
        )

    others: list[ScoreSheetPublic] = []
    if scope.sees_others_sheets(rs.status, mine):
        others = [
            public(s)
            for s in session.exec(
                select(Score)
                .where(Score.application_id == app_id, col(Score.submitted_at).is_not(None))
                .order_by(col(Score.panel_member_id))
            ).all()
            if mine is None or s.panel_member_id != mine.panel_member_id
        ]
    return ScoresPublic(
        application_id=app_id,
        session_status=SessionStatus(rs.status),
        mine=public(mine) if mine is not None else None,
        sheets=others,
        progress=[
            ScoringProgress(
                panel_member_id=member_id or 0,
                display_name=name,
                conflicted=bool(is_conflicted),
                submitted=submitted_at is not None,
            )
            for member_id, name, submitted_at, is_conflicted in seated
        ],
    )
