"""The review panel (评审委员会): internal experts and the city's external pool, checked
against the standard's panel rules before scoring can start."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from review_service.accounts.models import ExpertProfile, User
from review_service.auth.principal import Role
from review_service.errors import Conflict, FieldProblem, NotFound
from review_service.events.service import record, snapshot
from review_service.reviews import conflicts
from review_service.reviews.models import Conflict as ConflictRow
from review_service.reviews.models import PanelMember, ReviewSession
from review_service.reviews.schemas import (
    MemberResponse,
    MemberRole,
    MemberSelection,
    PanelMemberCreate,
    PanelMemberPublic,
    PanelPublic,
    ProblemPublic,
    SessionStatus,
)
from review_service.reviews.state import MEMBER, load_session, require_state, session_standard
from review_service.tenancy import TenantScope
from standards.levels import Track
from standards.panel import PanelMemberFacts, panel_problems
from standards.problems import Problem

EXPERT = ("专家", "expert")
S = SessionStatus
PANEL_EDITABLE = (S.draft, S.open, S.validating)


def members(session: Session, session_id: int) -> list[PanelMember]:
    return list(
        session.exec(
            select(PanelMember)
            .where(PanelMember.session_id == session_id)
            .order_by(col(PanelMember.id))
        ).all()
    )


def add_member(
    session: Session, *, scope: TenantScope, session_id: int, data: PanelMemberCreate
) -> PanelMember:
    rs = load_session(session, scope=scope, session_id=session_id)
    require_state(rs, PANEL_EDITABLE, ("调整评委", "changing the panel"))
    user = session.get(User, data.user_id)
    profile = session.get(ExpertProfile, data.user_id)
    # Own staff or the city's pool; anyone else's expert is reported as missing.
    invitable = (
        user is not None
        and profile is not None
        and user.role == Role.expert.value
        and user.is_active
        and (
            user.enterprise_id == rs.enterprise_id
            or (profile.external and user.enterprise_id is None)
        )
    )
    if not invitable:
        raise NotFound(*EXPERT, data.user_id)
    assert user is not None and profile is not None
    refuse_unseatable(profile, user, today=date.today())
    seated = members(session, rs.id or 0)
    if any(m.user_id == user.id for m in seated):
        raise Conflict(
            f"{user.display_name}已是本批次评委",
            f"{user.username} already sits on this panel",
            details=[FieldProblem("user_id", "已是评委", "already a member")],
            code="already_member",
        )
    chair = next((m for m in seated if m.role == MemberRole.chair), None)
    if data.role is MemberRole.chair and chair is not None:
        raise Conflict(
            f"本批次已有主任委员（评委编号{chair.id}），请先移除",
            f"the panel already has a chair (member {chair.id}); remove them first",
            details=[FieldProblem("role", "主任委员只能有1人", "one chair only")],
            code="chair_exists",
        )
    member = PanelMember(
        session_id=rs.id or 0,
        enterprise_id=rs.enterprise_id,
        user_id=user.id or 0,
        role=data.role.value,
        track=profile.track,
        level=profile.level,
        external=profile.external,
        selection=MemberSelection.hand_picked.value,
        selection_reason=data.reason,
    )
    session.add(member)
    session.flush()
    record(session, actor=scope.principal, action="panel.add_member", subject=member)
    conflicts.detect(session, scope=scope, session_id=rs.id or 0, members=[member])
    return member


def remove_member(session: Session, *, scope: TenantScope, session_id: int, member_id: int) -> None:
    rs = load_session(session, scope=scope, session_id=session_id)
    member = session.get(PanelMember, member_id)
    if member is None or member.session_id != rs.id:
        raise NotFound(*MEMBER, member_id)
    require_state(rs, PANEL_EDITABLE, ("调整评委", "changing the panel"))
    for row in session.exec(
        select(ConflictRow).where(ConflictRow.panel_member_id == member.id)
    ).all():
        record(
            session,
            actor=scope.principal,
            action="conflict.delete",
            subject=row,
            before=snapshot(row),
            deleted=True,
        )
        session.delete(row)
    session.flush()
    record(
        session,
        actor=scope.principal,
        action="panel.remove_member",
        subject=member,
        before=snapshot(member),
        deleted=True,
    )
    session.delete(member)


def refuse_unseatable(profile: ExpertProfile, user: User, *, today: date) -> None:
    """A suspended or removed expert, or one whose term has ended, cannot be seated."""
    if profile.status != "active":
        raise Conflict(
            f"专家{user.display_name}状态为{profile.status}，不能担任评委"
            + (f"（{profile.status_reason}）" if profile.status_reason else ""),
            f"expert {user.username} is {profile.status} and cannot sit on a panel",
            details=[FieldProblem("user_id", "专家不在任", "expert not active")],
            code="expert_not_active",
        )
    if profile.term_end is not None and profile.term_end < today:
        raise Conflict(
            f"专家{user.display_name}的聘期已于{profile.term_end.isoformat()}届满",
            f"expert {user.username}'s term ended on {profile.term_end.isoformat()}",
            details=[FieldProblem("user_id", "聘期已满", "term ended")],
            code="expert_term_ended",
        )


def check(session: Session, rs: ReviewSession) -> list[Problem]:
    """Every panel rule the current members break (empty when the panel may start)."""
    standard = session_standard(session, rs)
    seated = members(session, rs.id or 0)
    pending = [m for m in seated if m.response == MemberResponse.pending]
    waiting = (
        [
            Problem(
                "members",
                "panel.unconfirmed",
                f"{len(pending)}名抽取的评委尚未确认参加",
                f"{len(pending)} drawn members have not confirmed yet",
            )
        ]
        if pending
        else []
    )
    facts = [
        PanelMemberFacts(
            member_id=str(m.id),
            track=Track(m.track),
            level=m.level,
            external=m.external,
            chair=m.role == MemberRole.chair,
        )
        for m in seated
    ]
    return panel_problems(standard.panel, Track(rs.track), rs.level, facts) + waiting


def problem_public(p: Problem, prefix: str = "panel") -> ProblemPublic:
    return ProblemPublic(
        field=f"{prefix}.{p.path}", code=p.code, problem=p.message, problem_en=p.message_en
    )


def member_public(session: Session, m: PanelMember) -> PanelMemberPublic:
    user = session.get(User, m.user_id)
    return PanelMemberPublic(
        id=m.id or 0,
        session_id=m.session_id,
        user_id=m.user_id,
        display_name=user.display_name if user else "",
        role=MemberRole(m.role),
        track=Track(m.track),
        level=m.level,
        external=m.external,
        selection=MemberSelection(m.selection),
        selection_reason=m.selection_reason,
        response=MemberResponse(m.response),
    )


def view(session: Session, *, scope: TenantScope, session_id: int) -> PanelPublic:
    rs = load_session(session, scope=scope, session_id=session_id)
    seated = members(session, rs.id or 0)
    names = {
        u.id: u.display_name
        for u in session.exec(
            select(User).where(col(User.id).in_([m.user_id for m in seated]))
        ).all()
    }
    return PanelPublic(
        session_id=rs.id or 0,
        members=[
            PanelMemberPublic(
                id=m.id or 0,
                session_id=m.session_id,
                user_id=m.user_id,
                display_name=names.get(m.user_id, ""),
                role=MemberRole(m.role),
                track=Track(m.track),
                level=m.level,
                external=m.external,
                selection=MemberSelection(m.selection),
                selection_reason=m.selection_reason,
                response=MemberResponse(m.response),
            )
            for m in seated
        ],
        problems=[problem_public(p) for p in check(session, rs)],
    )
