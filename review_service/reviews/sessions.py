"""Review sessions (评审批次) and their checked transitions:
draft → open → validating → reviewing → voting → decided → public_notice → finalized → filed.

Each move is checked here (state, version, and what the move requires), takes the session row
first (optimistic version lock, so of two concurrent requests exactly one wins), then does
its work: freezing the standard, starting the review, computing decisions, publishing the
notice."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlmodel import Session, col, func, select

from review_service.certificates import service as certificates
from review_service.db import utcnow
from review_service.enterprises import service as enterprises
from review_service.errors import Conflict, FieldProblem, InvalidState, NotFound
from review_service.events.service import record, snapshot
from review_service.reviews import applications, conflicts, notice, panels, voting
from review_service.reviews.models import Application, ReviewSession
from review_service.reviews.schemas import (
    ReviewSessionCreate,
    ReviewSessionPublic,
    ReviewSessionUpdate,
    SessionStatus,
    TransitionTarget,
)
from review_service.reviews.state import MOVES, SESSION, load_session, require_state
from review_service.standard_versions import service as standard_versions
from review_service.standard_versions.models import StandardVersion
from review_service.tenancy import TenantScope
from review_service.transitions import check_transition
from standards.document import Standard

S = SessionStatus
STANDARD = ("评价标准", "standard")


def create(session: Session, *, scope: TenantScope, data: ReviewSessionCreate) -> ReviewSession:
    principal = scope.principal
    row = session.get(StandardVersion, data.standard_version_id)
    if row is None or row.kind != "standard" or not scope.allows(row.enterprise_id):
        raise NotFound(*STANDARD, data.standard_version_id)
    rs = ReviewSession(
        enterprise_id=row.enterprise_id or 0,
        standard_version_id=row.id or 0,
        name=data.name,
        track=row.track,
        series=row.series,
        level=row.level,
        period=data.period,
        held_on=data.held_on,
        created_by=principal.user_id,
    )
    session.add(rs)
    session.flush()
    record(session, actor=principal, action="review_session.create", subject=rs)
    return rs


def list_sessions(
    session: Session,
    *,
    scope: TenantScope,
    status: SessionStatus | None,
    offset: int,
    limit: int,
) -> tuple[list[ReviewSession], int]:
    stmt = select(ReviewSession).where(scope.sessions_where())
    if status is not None:
        stmt = stmt.where(ReviewSession.status == status.value)
    count = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(
        stmt.order_by(col(ReviewSession.id).desc()).offset(offset).limit(limit)
    ).all()
    return list(rows), count


def get(session: Session, *, scope: TenantScope, session_id: int) -> ReviewSession:
    return load_session(session, scope=scope, session_id=session_id)


def update(
    session: Session, *, scope: TenantScope, session_id: int, data: ReviewSessionUpdate
) -> ReviewSession:
    rs = load_session(session, scope=scope, session_id=session_id)
    require_state(rs, (S.draft, S.open, S.validating), ("修改评审批次", "changing the session"))
    before = snapshot(rs)
    for key, value in data.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(rs, key, value)
    rs.updated_at = utcnow()
    session.add(rs)
    record(
        session, actor=scope.principal, action="review_session.update", subject=rs, before=before
    )
    return rs


def transition(
    session: Session,
    *,
    scope: TenantScope,
    session_id: int,
    target: TransitionTarget,
    version: int | None,
    today: date,
    holidays: Collection[date],
) -> ReviewSession:
    rs = load_session(session, scope=scope, session_id=session_id)
    require_state(rs, [S(s) for s in MOVES if MOVES[s]], ("变更状态", "changing state"))
    check_transition(
        what=SESSION,
        current=rs.status,
        target=target.value,
        allowed=MOVES,
        expected_version=version,
        version=rs.version,
    )
    before = snapshot(rs)
    _PRECONDITIONS[target](session, scope=scope, rs=rs, today=today)
    rs.status = target.value
    rs.updated_at = utcnow()
    session.add(rs)
    # Flush the versioned update before any side effect: a concurrent loser stops here.
    session.flush()
    if target is TransitionTarget.decided:
        voting.decide_all(session, scope=scope, rs=rs)
    elif target is TransitionTarget.public_notice:
        notice.publish(session, scope=scope, rs=rs, today=today, holidays=holidays)
    elif target is TransitionTarget.finalized:
        _release_unapproved(session, scope=scope, rs=rs)
        certificates.issue_for_session(session, scope=scope, rs=rs, today=today)
    record(
        session,
        actor=scope.principal,
        action=f"review_session.{target.value}",
        subject=rs,
        before=before,
    )
    return rs


def _not_ready(rs: ReviewSession, target: str, problems: list[FieldProblem]) -> InvalidState:
    return InvalidState(
        f"评审批次还不能进入“{target}”：{len(problems)}项条件未满足",
        f"the session cannot move to '{target}' yet: {len(problems)} conditions not met",
        details=problems,
        code="not_ready",
        extra={"current_state": rs.status},
    )


def _check_open(session: Session, *, scope: TenantScope, rs: ReviewSession, today: date) -> None:
    authorization = enterprises.active_authorization(
        session,
        enterprise_id=rs.enterprise_id,
        track=rs.track,
        series=rs.series,
        level=rs.level,
        on=today,
    )
    if authorization is None:
        raise Conflict(
            f"本企业在{today.isoformat()}没有{rs.track}/{rs.series}/{rs.level}的有效评审权限"
            "（未授权、已过期、已暂停或已撤销），不能开启评审",
            f"on {today.isoformat()} the enterprise holds no active authorisation for "
            f"{rs.track}/{rs.series}/{rs.level} (none, expired, suspended or revoked); the "
            "session cannot open",
            code="no_active_authorization",
        )
    row, standard = standard_versions.require_usable(
        session, scope=scope, standard_version_id=rs.standard_version_id
    )
    # The round keeps the standard as opened: a later version never changes it.
    rs.authorization_id = authorization.id
    rs.standard = standard.model_dump(mode="json", exclude_none=True)
    rs.standard_label = f"{row.id}:v{row.version}"


def _check_nothing(session: Session, *, scope: TenantScope, rs: ReviewSession, today: date) -> None:
    return None


def _check_reviewing(
    session: Session, *, scope: TenantScope, rs: ReviewSession, today: date
) -> None:
    problems = [
        FieldProblem(p.field, p.problem, p.problem_en)
        for p in (panels.problem_public(x) for x in panels.check(session, rs))
    ]
    # Departments and reporting lines may have changed since members were seated: a conflict the
    # data shows now but nobody recorded blocks the review until HR re-runs detection.
    for app, member, kind in conflicts.evident(session, session_id=rs.id or 0):
        problems.append(
            FieldProblem(
                f"applications[{app.id}]",
                f"评委{member.id}与申报{app.id}存在未记录的回避情形（{kind.value}），请重新检测回避并处理",
                f"member {member.id} and application {app.id} show an unrecorded conflict "
                f"({kind.value}); re-run conflict detection and resolve it",
            )
        )
    for c in conflicts.pending(session, rs.id or 0):
        problems.append(
            FieldProblem(
                f"conflicts[{c.id}]",
                f"回避记录{c.id}（评委{c.panel_member_id}，申报{c.application_id}，{c.kind}）尚未处理",
                f"conflict {c.id} (member {c.panel_member_id}, application {c.application_id}, "
                f"{c.kind}) is not resolved",
            )
        )
    eligible = applications.under_review(session, rs.id or 0)
    if not eligible:
        problems.append(
            FieldProblem(
                "applications", "没有通过资格审核的申报", "no eligible application to review"
            )
        )
    standard = Standard.model_validate(rs.standard)
    cap = standard.exceptional.max_share if standard.exceptional else None
    exceptional = sum(1 for a in eligible if a.exceptional)
    if cap is not None and eligible and exceptional > cap * len(eligible) + 1e-9:
        problems.append(
            FieldProblem(
                "applications",
                f"破格申报{exceptional}人，超过本批次{cap:.0%}的上限",
                f"{exceptional} exceptional-track applications exceed the cap of {cap:.0%}",
            )
        )
    if problems:
        raise _not_ready(rs, S.reviewing, problems)
    if rs.held_on is None:
        rs.held_on = today


def _check_finalized(
    session: Session, *, scope: TenantScope, rs: ReviewSession, today: date
) -> None:
    problems = notice.finalize_problems(session, rs=rs, today=today)
    if problems:
        raise _not_ready(rs, S.finalized, problems)


def _release_unapproved(session: Session, *, scope: TenantScope, rs: ReviewSession) -> None:
    """Once final, only approved applications still hold their person's level and period."""
    approved = {
        d.application_id for d in voting.decisions(session, rs.id or 0).values() if d.approved
    }
    for app in session.exec(
        select(Application).where(
            Application.session_id == rs.id, col(Application.live_key).is_not(None)
        )
    ).all():
        if app.id not in approved:
            before = snapshot(app)
            app.live_key = None
            session.add(app)
            record(
                session,
                actor=scope.principal,
                action="application.release",
                subject=app,
                before=before,
            )


_PRECONDITIONS = {
    TransitionTarget.open: _check_open,
    TransitionTarget.validating: _check_nothing,
    TransitionTarget.reviewing: _check_reviewing,
    TransitionTarget.voting: _check_nothing,
    TransitionTarget.decided: _check_nothing,
    TransitionTarget.public_notice: _check_nothing,
    TransitionTarget.finalized: _check_finalized,
}


def to_public(rs: ReviewSession) -> ReviewSessionPublic:
    return ReviewSessionPublic(
        id=rs.id or 0,
        enterprise_id=rs.enterprise_id,
        standard_version_id=rs.standard_version_id,
        name=rs.name,
        track=rs.track,  # type: ignore[arg-type]
        series=rs.series,
        level=rs.level,
        period=rs.period,
        held_on=rs.held_on,
        status=S(rs.status),
        allowed_next=sorted(S(s) for s in MOVES[S(rs.status)]),
        filing_id=rs.filing_id,
        version=rs.version,
        created_at=rs.created_at,
        updated_at=rs.updated_at,
    )
