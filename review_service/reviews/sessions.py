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

from review_service.accounts.models import User
from review_service.certificates import service as certificates
from review_service.config import Settings
from review_service.db import utcnow
from review_service.enterprises import service as enterprises
from review_service.enterprises.models import Authorization
from review_service.errors import DomainError, FieldProblem, InvalidState, NotFound
from review_service.events.service import record, snapshot
from review_service.materials import service as materials
from review_service.reviews import applications, conflicts, filing, notice, panels, voting
from review_service.reviews.models import Application, PanelMember, ReviewSession, Score, Vote
from review_service.reviews.schemas import (
    ApplicationStatus,
    NextStep,
    NextStepsPublic,
    ReviewSessionCreate,
    ReviewSessionPublic,
    ReviewSessionUpdate,
    SessionStatus,
    StepBlocker,
    TransitionTarget,
)
from review_service.reviews.state import (
    MOVES,
    SESSION,
    STATE_NAMES,
    STATE_NAMES_EN,
    conflicted_member_ids,
    load_session,
    require_state,
    session_standard,
)
from review_service.standard_versions import service as standard_versions
from review_service.standard_versions.models import StandardVersion
from review_service.tenancy import TenantScope
from review_service.transitions import check_transition, lock
from standards.decision import quorum_required
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
    settings: Settings | None = None,
    override_reason: str | None = None,
) -> ReviewSession:
    """Move the session under its row lock, if ``blockers`` lets it (the same answer
    ``next_steps`` gives); a loser of two concurrent moves is refused with the current state."""
    rs = load_session(session, scope=scope, session_id=session_id)
    rs = lock(session, rs)
    require_state(rs, [S(s) for s in MOVES if MOVES[s]], ("变更状态", "changing state"))
    check_transition(
        what=SESSION,
        current=rs.status,
        target=target.value,
        allowed=MOVES,
        expected_version=version,
        version=rs.version,
    )
    if target is TransitionTarget.open:
        # The standard's own refusal keeps its status (422 when laxer than the baseline).
        standard_versions.require_usable(
            session, scope=scope, standard_version_id=rs.standard_version_id
        )
    found = blockers(session, scope=scope, rs=rs, target=target, today=today)
    override = None
    if found:
        if override_reason is None or not all(b.overridable for b in found):
            raise _not_ready(rs, target, found, override_reason is not None)
        override = {
            "reason": override_reason,
            "blockers": [{"field": b.field, "problem_en": b.problem_en} for b in found],
        }
    if target is TransitionTarget.filed:
        assert settings is not None, "filing needs the service's settings (its keys)"
        rs, _, _ = filing.file_session(
            session, scope=scope, session_id=rs.id or 0, settings=settings, version=version
        )
        return rs
    before = snapshot(rs)
    _PREPARE.get(target, _prepare_nothing)(session, scope=scope, rs=rs, today=today)
    rs.status = target.value
    rs.updated_at = utcnow()
    session.add(rs)
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
        detail={"override": override} if override else None,
    )
    return rs


def next_steps(
    session: Session, *, scope: TenantScope, session_id: int, today: date
) -> NextStepsPublic:
    """Every move ``allowed_next`` offers, with what blocks it now (``transition`` asks the
    same function, so a step shown ready is a step the transition takes)."""
    rs = load_session(session, scope=scope, session_id=session_id)
    steps = []
    for target in sorted(MOVES[S(rs.status)]):
        found = blockers(session, scope=scope, rs=rs, target=TransitionTarget(target), today=today)
        steps.append(
            NextStep(
                target=TransitionTarget(target),
                ready=not found,
                override_allowed=bool(found) and all(b.overridable for b in found),
                blockers=found,
            )
        )
    return NextStepsPublic(
        session_id=rs.id or 0, status=S(rs.status), version=rs.version, steps=steps
    )


def blockers(
    session: Session,
    *,
    scope: TenantScope,
    rs: ReviewSession,
    target: TransitionTarget,
    today: date,
) -> list[StepBlocker]:
    """What stands between the session and ``target``; empty when the move may be made."""
    check = _BLOCKERS.get(target)
    return check(session, scope=scope, rs=rs, today=today) if check else []


def _hard(field: str, problem: str, problem_en: str, code: str | None = None) -> StepBlocker:
    return StepBlocker(
        field=field, problem=problem, problem_en=problem_en, overridable=False, code=code
    )


def _not_ready(
    rs: ReviewSession, target: str, found: list[StepBlocker], tried_override: bool
) -> InvalidState:
    hard = [b for b in found if not b.overridable]
    if tried_override and hard:
        tail_zh, tail_en = "；其中有不可越过的条件", "; some of them cannot be overridden"
    elif not hard:
        tail_zh = "；如确需继续，请填写理由后越过（将记入日志）"
        tail_en = "; to move on anyway, give an override reason (it is logged)"
    else:
        tail_zh = tail_en = ""
    return InvalidState(
        f"评审批次还不能进入“{STATE_NAMES[S(target)]}”：{len(found)}项条件未满足{tail_zh}",
        f"the session cannot move to '{STATE_NAMES_EN[S(target)]}' yet: {len(found)} "
        f"conditions not met{tail_en}",
        details=[FieldProblem(b.field, b.problem, b.problem_en) for b in found],
        # One refusal with a code of its own keeps it (no authorisation, standard unusable).
        code=found[0].code if len(found) == 1 and found[0].code else "not_ready",
        extra={
            "current_state": rs.status,
            "blockers": [b.model_dump() for b in found],
            "override_allowed": not hard,
        },
    )


def _blockers_open(
    session: Session, *, scope: TenantScope, rs: ReviewSession, today: date
) -> list[StepBlocker]:
    out = []
    if _authorization(session, rs, today) is None:
        out.append(
            _hard(
                "authorization",
                f"本企业在{today.isoformat()}没有{rs.track}/{rs.series}/{rs.level}的有效评审权限"
                "（未授权、已过期、已暂停或已撤销），不能开启评审",
                f"on {today.isoformat()} the enterprise holds no active authorisation for "
                f"{rs.track}/{rs.series}/{rs.level} (none, expired, suspended or revoked); the "
                "session cannot open",
                code="no_active_authorization",
            )
        )
    try:
        standard_versions.require_usable(
            session, scope=scope, standard_version_id=rs.standard_version_id
        )
    except DomainError as exc:
        out.append(_hard("standard_version_id", exc.message, exc.message_en, exc.code))
    return out


def _material_gaps(
    session: Session, rs: ReviewSession, candidates: list[Application]
) -> list[StepBlocker]:
    """One hard blocker per application still missing a required material, or holding one
    returned for correction and not replaced: 资格审核 cannot pass it, nor can it be reviewed."""
    out = []
    for app, missing, returned in materials.gaps(session, rs, candidates):
        zh, en = [], []
        if missing:
            zh.append("缺少" + "、".join(k.name for k in missing))
            en.append("missing " + ", ".join(k.name_en for k in missing))
        if returned:
            zh.append("退回待更换：" + "、".join(k.name for k in returned))
            en.append("returned and not replaced: " + ", ".join(k.name_en for k in returned))
        out.append(
            _hard(
                f"applications[{app.id}].materials",
                f"申报{app.id}（{app.name}）的必需材料不齐：{'；'.join(zh)}",
                f"application {app.id} ({app.name}) lacks required materials: {'; '.join(en)}",
                code="materials_incomplete",
            )
        )
    return out


def _blockers_validating(
    session: Session, *, scope: TenantScope, rs: ReviewSession, today: date
) -> list[StepBlocker]:
    taken = session.exec(
        select(Application)
        .where(
            Application.session_id == rs.id,
            Application.status != ApplicationStatus.withdrawn.value,
        )
        .order_by(col(Application.id))
    ).all()
    return _material_gaps(session, rs, list(taken))


def _authorization(session: Session, rs: ReviewSession, today: date) -> Authorization | None:
    return enterprises.active_authorization(
        session,
        enterprise_id=rs.enterprise_id,
        track=rs.track,
        series=rs.series,
        level=rs.level,
        on=today,
    )


def _prepare_open(session: Session, *, scope: TenantScope, rs: ReviewSession, today: date) -> None:
    authorization = _authorization(session, rs, today)
    row, standard = standard_versions.require_usable(
        session, scope=scope, standard_version_id=rs.standard_version_id
    )
    # The round keeps the standard as opened: a later version never changes it.
    rs.authorization_id = authorization.id if authorization else None
    rs.standard = standard.model_dump(mode="json", exclude_none=True)
    rs.standard_label = f"{row.id}:v{row.version}"


def _prepare_nothing(
    session: Session, *, scope: TenantScope, rs: ReviewSession, today: date
) -> None:
    return None


def _prepare_reviewing(
    session: Session, *, scope: TenantScope, rs: ReviewSession, today: date
) -> None:
    if rs.held_on is None:
        rs.held_on = today


def _blockers_reviewing(
    session: Session, *, scope: TenantScope, rs: ReviewSession, today: date
) -> list[StepBlocker]:
    problems = [
        _hard(p.field, p.problem, p.problem_en or p.problem)
        for p in (panels.problem_public(x) for x in panels.check(session, rs))
    ]
    # Departments and reporting lines may have changed since members were seated: a conflict the
    # data shows now but nobody recorded blocks the review until HR re-runs detection.
    for app, member, kind in conflicts.evident(session, session_id=rs.id or 0):
        problems.append(
            _hard(
                f"applications[{app.id}]",
                f"评委{member.id}与申报{app.id}存在未记录的回避情形（{kind.value}），请重新检测回避并处理",
                f"member {member.id} and application {app.id} show an unrecorded conflict "
                f"({kind.value}); re-run conflict detection and resolve it",
            )
        )
    for c in conflicts.pending(session, rs.id or 0):
        problems.append(
            _hard(
                f"conflicts[{c.id}]",
                f"回避记录{c.id}（评委{c.panel_member_id}，申报{c.application_id}，{c.kind}）尚未处理",
                f"conflict {c.id} (member {c.panel_member_id}, application {c.application_id}, "
                f"{c.kind}) is not resolved",
            )
        )
    eligible = applications.under_review(session, rs.id or 0)
    if not eligible:
        problems.append(
            _hard("applications", "没有通过资格审核的申报", "no eligible application to review")
        )
    # A material returned during 资格审核 keeps its application out of the review until the
    # round goes back to intake and the applicant replaces it.
    problems += _material_gaps(session, rs, eligible)
    standard = Standard.model_validate(rs.standard)
    cap = standard.exceptional.max_share if standard.exceptional else None
    exceptional = sum(1 for a in eligible if a.exceptional)
    if cap is not None and eligible and exceptional > cap * len(eligible) + 1e-9:
        problems.append(
            _hard(
                "applications",
                f"破格申报{exceptional}人，超过本批次{cap:.0%}的上限",
                f"{exceptional} exceptional-track applications exceed the cap of {cap:.0%}",
            )
        )
    return problems


def _seats(session: Session, rs: ReviewSession) -> tuple[list[PanelMember], dict[int, str]]:
    seated = panels.members(session, rs.id or 0)
    names = {
        u.id: u.display_name
        for u in session.exec(
            select(User).where(col(User.id).in_([m.user_id for m in seated]))
        ).all()
    }
    return seated, {m.id or 0: names.get(m.user_id, "") for m in seated}


def _blockers_voting(
    session: Session, *, scope: TenantScope, rs: ReviewSession, today: date
) -> list[StepBlocker]:
    """Sheets not submitted, by member. Overridable: a member may be absent from the review;
    the decision then rests on the sheets that were submitted."""
    seated, names = _seats(session, rs)
    submitted = {
        (a, m)
        for a, m in session.exec(
            select(Score.application_id, Score.panel_member_id).where(
                Score.session_id == rs.id, col(Score.submitted_at).is_not(None)
            )
        ).all()
    }
    owed: dict[int, list[int]] = {}
    for app in applications.under_review(session, rs.id or 0):
        excluded = conflicted_member_ids(session, app.id or 0)
        for m in seated:
            if m.id not in excluded and (app.id, m.id) not in submitted:
                owed.setdefault(m.id or 0, []).append(app.id or 0)
    return [
        StepBlocker(
            field=f"panel[{member_id}].scores",
            problem=f"评委{names[member_id] or member_id}有{len(apps)}份评分未提交"
            f"（申报{'、'.join(map(str, apps))}）",
            problem_en=f"member {names[member_id] or member_id} has not submitted {len(apps)} "
            f"score sheets (applications {', '.join(map(str, apps))})",
            overridable=True,
        )
        for member_id, apps in owed.items()
    ]


def _blockers_decided(
    session: Session, *, scope: TenantScope, rs: ReviewSession, today: date
) -> list[StepBlocker]:
    """Votes missing, by member, and applications short of the quorum. Both refuse the move
    unless HR gives a reason: absent members count as not present, and an application short
    of the quorum is then refused for want of it (the panel could not convene), not on its
    merits; the reason and what it overrode are logged with the move."""
    seated, names = _seats(session, rs)
    standard = session_standard(session, rs)
    cast = {
        (a, m)
        for a, m in session.exec(
            select(Vote.application_id, Vote.panel_member_id).where(Vote.session_id == rs.id)
        ).all()
    }
    owed: dict[int, list[int]] = {}
    out: list[StepBlocker] = []
    for app in applications.under_review(session, rs.id or 0):
        excluded = conflicted_member_ids(session, app.id or 0)
        voters = [m for m in seated if m.id not in excluded]
        present = sum(1 for m in voters if (app.id, m.id) in cast)
        for m in voters:
            if (app.id, m.id) not in cast:
                owed.setdefault(m.id or 0, []).append(app.id or 0)
        required = quorum_required(standard.panel, len(voters))
        if present < required or present == 0:
            out.append(
                StepBlocker(
                    field=f"applications[{app.id}].quorum",
                    problem=f"申报{app.id}（{app.name}）应到{len(voters)}人，需{required}人投票，"
                    f"实投{present}人：不足法定人数，此时决定将因人数不足而不通过",
                    problem_en=f"application {app.id}: {present} of {len(voters)} eligible "
                    f"members voted, {required} required for a quorum; decided now, it fails "
                    "for want of a quorum",
                    overridable=True,
                )
            )
    for member_id, apps in owed.items():
        out.append(
            StepBlocker(
                field=f"panel[{member_id}].votes",
                problem=f"评委{names[member_id] or member_id}有{len(apps)}份表决未投"
                f"（申报{'、'.join(map(str, apps))}）",
                problem_en=f"member {names[member_id] or member_id} has not voted on {len(apps)} "
                f"applications ({', '.join(map(str, apps))})",
                overridable=True,
            )
        )
    return out


def _blockers_finalized(
    session: Session, *, scope: TenantScope, rs: ReviewSession, today: date
) -> list[StepBlocker]:
    return [
        _hard(p.field, p.problem, p.problem_en or p.problem)
        for p in notice.finalize_problems(session, rs=rs, today=today)
    ]


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


_BLOCKERS = {
    TransitionTarget.open: _blockers_open,
    TransitionTarget.validating: _blockers_validating,
    TransitionTarget.reviewing: _blockers_reviewing,
    TransitionTarget.voting: _blockers_voting,
    TransitionTarget.decided: _blockers_decided,
    TransitionTarget.finalized: _blockers_finalized,
}
_PREPARE = {
    TransitionTarget.open: _prepare_open,
    TransitionTarget.reviewing: _prepare_reviewing,
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
