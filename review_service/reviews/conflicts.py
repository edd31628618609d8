"""Conflicts of interest (回避): typed, declared by experts or applicants, detected where the
data shows them, and confirmed or dismissed by HR with a reason. Detected: one's own
application and a direct reporting line either way (直接上下级, ``User.supervisor_id``).
Same department is no conflict (人社部令第40号): in enterprise self-review the internal
members usually come from the applicant's department; it may still be declared. A confirmed conflict removes
the member from that application entirely: no view, no score, no vote, no quorum seat."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from review_service.accounts.models import User
from review_service.auth.principal import Role
from review_service.catalogue import labels as L
from review_service.db import utcnow
from review_service.errors import Conflict as ConflictError
from review_service.errors import FieldProblem, Invalid, NotFound
from review_service.events.service import record
from review_service.experts import relations
from review_service.experts.schemas import RelationKind
from review_service.reviews.models import Application, Conflict, PanelMember, Score, Vote
from review_service.reviews.schemas import (
    ApplicationStatus,
    ConflictCreate,
    ConflictKind,
    ConflictResolution,
    ConflictSource,
    ConflictStatus,
)
from review_service.reviews.state import (
    APPLICATION,
    BEFORE_DECISION,
    CONFLICT,
    MEMBER,
    load_application,
    load_session,
    require_state,
)
from review_service.tenancy import TenantScope
from review_service.transitions import lock, move

_WHY = {
    ConflictKind.own_application: ("评委本人即申报人", "the member is the applicant"),
    ConflictKind.supervisor: (
        "评委与申报人为直接上下级",
        "member and applicant are direct supervisor and subordinate",
    ),
    ConflictKind.relative: ("评委系申报人的近亲属（已登记）", "the member is a recorded relative"),
    ConflictKind.collaborator: (
        "评委与申报人有登记的合作关系",
        "member and applicant are recorded collaborators",
    ),
    ConflictKind.other: (
        "评委与申报人有登记的其他利害关系",
        "the member has a recorded interest in the applicant",
    ),
}
# A recorded relation (experts.relations) seen as a conflict of the member on the application.
_RELATION_CONFLICT = {
    RelationKind.relative: ConflictKind.relative,
    RelationKind.supervisor: ConflictKind.supervisor,
    RelationKind.subordinate: ConflictKind.supervisor,
    RelationKind.collaborator: ConflictKind.collaborator,
    RelationKind.other: ConflictKind.other,
}


def _found(
    member: PanelMember,
    m_user: User,
    app: Application,
    a_user: User,
    recorded: dict[tuple[str, str], set[ConflictKind]],
) -> list[ConflictKind]:
    if m_user.id == a_user.id or (m_user.person_key and m_user.person_key == app.person_key):
        # The same person: the reporting line says nothing more.
        return [ConflictKind.own_application]
    kinds = set(recorded.get((m_user.person_key or "", app.person_key), set()))
    if m_user.id == a_user.supervisor_id or (
        m_user.supervisor_id is not None and m_user.supervisor_id == a_user.id
    ):
        kinds.add(ConflictKind.supervisor)
    return sorted(kinds)


def evident(
    session: Session,
    *,
    session_id: int,
    applications: Iterable[Application] | None = None,
    members: Iterable[PanelMember] | None = None,
) -> list[tuple[Application, PanelMember, ConflictKind]]:
    """Every (application, member, kind) the data shows (same person, a direct reporting
    line, or a relation recorded between the two people) that has no record of that kind yet,
    dismissed ones included. Reads only."""
    if applications is None:
        applications = session.exec(
            select(Application).where(
                Application.session_id == session_id,
                Application.status != ApplicationStatus.withdrawn.value,
            )
        ).all()
    if members is None:
        members = session.exec(
            select(PanelMember).where(PanelMember.session_id == session_id)
        ).all()
    applications, members = list(applications), list(members)
    if not applications or not members:
        return []
    known = {
        (c.application_id, c.panel_member_id, c.kind)
        for c in session.exec(select(Conflict).where(Conflict.session_id == session_id)).all()
    }
    users = {
        u.id: u
        for u in session.exec(
            select(User).where(
                col(User.id).in_(
                    {m.user_id for m in members} | {a.applicant_user_id for a in applications}
                )
            )
        ).all()
    }
    recorded: dict[tuple[str, str], set[ConflictKind]] = {}
    for rel in relations.standing(
        session,
        person_keys=[a.person_key for a in applications],
        expert_keys=[k for m in members if (k := users[m.user_id].person_key)],
    ):
        recorded.setdefault((rel.expert_key, rel.person_key), set()).add(
            _RELATION_CONFLICT[RelationKind(rel.kind)]
        )
    return [
        (app, member, kind)
        for app in applications
        for member in members
        for kind in _found(
            member, users[member.user_id], app, users[app.applicant_user_id], recorded
        )
        if (app.id, member.id, kind.value) not in known
    ]


def detect(
    session: Session,
    *,
    scope: TenantScope,
    session_id: int,
    applications: Iterable[Application] | None = None,
    members: Iterable[PanelMember] | None = None,
) -> list[Conflict]:
    """Record a pending conflict for every evident, unrecorded pair (see ``evident``)."""
    created = []
    for app, member, kind in evident(
        session, session_id=session_id, applications=applications, members=members
    ):
        row = Conflict(
            session_id=session_id,
            enterprise_id=app.enterprise_id,
            application_id=app.id or 0,
            panel_member_id=member.id or 0,
            kind=kind.value,
            source=ConflictSource.detected.value,
            reason=_WHY[kind][0],
        )
        session.add(row)
        session.flush()
        record(
            session,
            actor=scope.principal,
            action="conflict.detect",
            subject=row,
            detail={"why": _WHY[kind][1]},
        )
        created.append(row)
    return created


def redetect(session: Session, *, scope: TenantScope, session_id: int) -> list[Conflict]:
    """HR re-runs detection (people change supervisors after they were seated or applied); only sessions not yet past voting can still take a conflict."""
    rs = load_session(session, scope=scope, session_id=session_id)
    require_state(rs, BEFORE_DECISION, ("重新检测回避", "re-detecting conflicts"))
    return detect(session, scope=scope, session_id=session_id)


def pending(session: Session, session_id: int) -> list[Conflict]:
    return list(
        session.exec(
            select(Conflict).where(
                Conflict.session_id == session_id,
                Conflict.status == ConflictStatus.pending.value,
            )
        ).all()
    )


def declare(
    session: Session, *, scope: TenantScope, session_id: int, data: ConflictCreate
) -> Conflict:
    rs = load_session(session, scope=scope, session_id=session_id)
    require_state(rs, BEFORE_DECISION, ("申报回避", "declaring a conflict"))
    principal = scope.principal
    application, _, own_seat = load_application(
        session, scope=scope, application_id=data.application_id
    )
    if application.session_id != rs.id:
        raise NotFound(*APPLICATION, data.application_id)
    if principal.role is Role.expert:
        assert own_seat is not None
        if data.panel_member_id not in (None, own_seat.id):
            raise Invalid(
                "评委只能申报本人的回避",
                "an expert declares their own conflicts only",
                details=[
                    FieldProblem("panel_member_id", "应为本人的评委编号", "must be your own seat")
                ],
            )
        member = own_seat
        source = ConflictSource.expert
    else:
        if data.panel_member_id is None:
            raise Invalid(
                "请指明需要回避的评委",
                "name the panel member who should withdraw",
                details=[FieldProblem("panel_member_id", "必填", "required")],
            )
        found = session.get(PanelMember, data.panel_member_id)
        if found is None or found.session_id != rs.id:
            raise NotFound(*MEMBER, data.panel_member_id)
        member = found
        source = (
            ConflictSource.applicant if principal.role is Role.applicant else ConflictSource.admin
        )
    existing = session.exec(
        select(Conflict).where(
            Conflict.application_id == application.id,
            Conflict.panel_member_id == member.id,
            Conflict.kind == data.kind.value,
        )
    ).first()
    if existing is not None:
        raise ConflictError(
            f"该评委对该申报已有同类回避记录（编号{existing.id}，"
            f"{L.CONFLICT_STATUSES[existing.status][0]}）",
            f"this member already has a '{L.CONFLICT_KINDS[data.kind.value][1]}' conflict on "
            f"this application (id {existing.id}, {L.CONFLICT_STATUSES[existing.status][1]})",
            details=[FieldProblem("kind", "回避记录已存在", "already recorded")],
            code="conflict_exists",
        )
    row = Conflict(
        session_id=rs.id or 0,
        enterprise_id=rs.enterprise_id,
        application_id=application.id or 0,
        panel_member_id=member.id or 0,
        kind=data.kind.value,
        source=source.value,
        reason=data.reason,
        declared_by=principal.user_id,
    )
    session.add(row)
    session.flush()
    record(session, actor=principal, action="conflict.declare", subject=row)
    return row


def resolve(
    session: Session, *, scope: TenantScope, conflict_id: int, data: ConflictResolution
) -> Conflict:
    row = scope.get(session, Conflict, conflict_id, CONFLICT)
    rs = load_session(session, scope=scope, session_id=row.session_id)
    # Shared: the session cannot move on while the conflict is decided.
    rs = lock(session, rs, shared=True)
    require_state(rs, BEFORE_DECISION, ("处理回避", "resolving a conflict"))
    if data.status is ConflictStatus.pending:
        raise Invalid(
            "处理结果应为确认（confirmed）或驳回（dismissed）",
            "the resolution is confirmed or dismissed",
            details=[
                FieldProblem("status", "应为 confirmed 或 dismissed", "confirmed or dismissed")
            ],
        )
    # The member's seat first (the lock a sheet's or ballot's write takes), so no score or
    # vote of the member lands between the confirmation and the withdrawal below.
    member = session.get(PanelMember, row.panel_member_id)
    if member is not None:
        lock(session, member)
    row = move(
        session,
        row,
        what=CONFLICT,
        target=data.status.value,
        allowed=CONFLICT_MOVES,
        actor=scope.principal,
        action=f"conflict.{data.status.value}",
        refused_code="already_resolved",
        change=lambda r: _resolution(r, scope=scope, reason=data.reason),
    )
    if data.status is ConflictStatus.confirmed:
        _withdraw_member(session, scope=scope, row=row)
    return row


CONFLICT_MOVES = {
    ConflictStatus.pending.value: frozenset(
        {ConflictStatus.confirmed.value, ConflictStatus.dismissed.value}
    )
}


def _resolution(row: Conflict, *, scope: TenantScope, reason: str | None) -> None:
    row.resolution_reason = reason
    row.resolved_by = scope.principal.user_id
    row.resolved_at = utcnow()


def _withdraw_member(session: Session, *, scope: TenantScope, row: Conflict) -> None:
    """A confirmed conflict takes back whatever the member had already given this application."""
    removed: dict[str, int] = {"score_sheets_removed": 0, "votes_removed": 0}
    for model, key in ((Score, "score_sheets_removed"), (Vote, "votes_removed")):
        for given in session.exec(
            select(model).where(
                model.application_id == row.application_id,
                model.panel_member_id == row.panel_member_id,
            )
        ).all():
            session.delete(given)
            removed[key] += 1
    if any(removed.values()):
        record(
            session,
            actor=scope.principal,
            action="conflict.withdraw_contributions",
            object_type="conflict",
            object_id=row.id,
            enterprise_id=row.enterprise_id,
            detail=removed,
        )


def list_conflicts(session: Session, *, scope: TenantScope, session_id: int) -> list[Conflict]:
    rs = load_session(session, scope=scope, session_id=session_id)
    stmt = select(Conflict).where(Conflict.session_id == rs.id, scope.conflicts_where())
    return list(session.exec(stmt.order_by(col(Conflict.id))).all())
