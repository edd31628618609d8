"""The expert pool as each side may see it, and an expert's workload and history on one page:
panels sat, applications scored, recusals, draws and declines, recorded relations, and (for the
regulator) the audit's member-level findings."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, func, select

from review_service.accounts import service as accounts
from review_service.accounts.models import ExpertProfile, User
from review_service.accounts.schemas import ExpertProfilePublic
from review_service.config import Settings
from review_service.enterprises.models import Enterprise
from review_service.errors import NotFound
from review_service.events.models import Event
from review_service.experts import relations
from review_service.experts.models import PersonRelation
from review_service.experts.schemas import (
    DeclinedDraw,
    ExpertEntry,
    ExpertHistory,
    MemberFinding,
    PanelSeat,
    PoolKind,
)
from review_service.reviews.filing import member_pseudonym
from review_service.reviews.models import Conflict, PanelMember, ReviewSession, Score
from review_service.supervision.models import AuditRun, Flag
from review_service.tenancy import TenantScope


def _expert(session: Session, *, scope: TenantScope, user_id: int) -> tuple[User, ExpertProfile]:
    found = session.exec(
        select(User, ExpertProfile)
        .join(ExpertProfile, col(ExpertProfile.user_id) == col(User.id))
        .where(User.id == user_id, scope.experts_where())
    ).first()
    if found is None:
        raise NotFound("专家", "expert", user_id)
    return found


def pool(
    session: Session,
    *,
    scope: TenantScope,
    today: date,
    kind: PoolKind | None = None,
    enterprise_id: int | None = None,
    cluster: str | None = None,
    series: str | None = None,
    specialty: str | None = None,
    status: str | None = None,
    term_ends_by: date | None = None,
    q: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[ExpertEntry], int]:
    """The experts this principal may see, filtered; ``term_ends_by`` finds terms ending on or
    before a date (renewals due), ended ones included."""
    stmt = (
        select(User, ExpertProfile)
        .join(ExpertProfile, col(ExpertProfile.user_id) == col(User.id))
        .where(scope.experts_where())
    )
    if kind is PoolKind.city:
        stmt = stmt.where(col(ExpertProfile.external).is_(True))
    elif kind is PoolKind.internal:
        stmt = stmt.where(col(ExpertProfile.external).is_(False))
    if enterprise_id is not None:
        stmt = stmt.where(User.enterprise_id == enterprise_id)
    if cluster:
        stmt = stmt.where(ExpertProfile.cluster == cluster)
    if series:
        stmt = stmt.where(ExpertProfile.series == series)
    if specialty:
        stmt = stmt.where(col(ExpertProfile.specialty).contains(specialty, autoescape=True))
    if status:
        stmt = stmt.where(ExpertProfile.status == status)
    if term_ends_by is not None:
        stmt = stmt.where(col(ExpertProfile.term_end) <= term_ends_by)
    if q:
        stmt = stmt.where(col(User.display_name).contains(q, autoescape=True))
    count = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(stmt.order_by(col(User.id)).offset(offset).limit(limit)).all()
    return [
        ExpertEntry(
            user_id=user.id or 0,
            display_name=user.display_name,
            username=user.username,
            enterprise_id=user.enterprise_id,
            is_active=user.is_active,
            expert=ExpertProfilePublic.model_validate(profile.model_dump()),
            term_ended=profile.term_end is not None and profile.term_end < today,
            editable=accounts.keeps(scope, user),
        )
        for user, profile in rows
    ], count


def entry(session: Session, *, scope: TenantScope, user_id: int, today: date) -> ExpertEntry:
    user, profile = _expert(session, scope=scope, user_id=user_id)
    return ExpertEntry(
        user_id=user.id or 0,
        display_name=user.display_name,
        username=user.username,
        enterprise_id=user.enterprise_id,
        is_active=user.is_active,
        expert=ExpertProfilePublic.model_validate(profile.model_dump()),
        term_ended=profile.term_end is not None and profile.term_end < today,
        editable=accounts.keeps(scope, user),
    )


def history(
    session: Session, *, scope: TenantScope, user_id: int, settings: Settings, today: date
) -> ExpertHistory:
    """One expert's record. An enterprise sees only what happened on its own panels."""
    user, profile = _expert(session, scope=scope, user_id=user_id)
    seats = session.exec(
        select(PanelMember, ReviewSession, Enterprise)
        .join(ReviewSession, col(ReviewSession.id) == col(PanelMember.session_id))
        .join(Enterprise, col(Enterprise.id) == col(ReviewSession.enterprise_id))
        .where(PanelMember.user_id == user.id, scope.where(ReviewSession.enterprise_id))
        .order_by(col(ReviewSession.id).desc())
    ).all()
    member_ids = [m.id for m, _, _ in seats]
    scored = dict(
        session.exec(
            select(Score.panel_member_id, func.count())
            .where(col(Score.panel_member_id).in_(member_ids), col(Score.submitted_at).is_not(None))
            .group_by(col(Score.panel_member_id))
        ).all()
    )
    recused = dict(
        session.exec(
            select(Conflict.panel_member_id, func.count())
            .where(col(Conflict.panel_member_id).in_(member_ids), Conflict.status == "confirmed")
            .group_by(col(Conflict.panel_member_id))
        ).all()
    )
    declined = [
        DeclinedDraw(
            session_id=e.detail.get("session_id"),
            enterprise_id=e.enterprise_id,
            at=e.occurred_at,
            reason=e.detail.get("reason"),
        )
        for e in session.exec(
            select(Event)
            .where(
                Event.action == "panel.seat_decline",
                Event.actor_id == user.id,
                scope.where(Event.enterprise_id),
            )
            .order_by(col(Event.id).desc())
        ).all()
    ]
    rows = [
        PanelSeat(
            session_id=rs.id or 0,
            session_name=rs.name,
            enterprise_id=ent.id or 0,
            enterprise_name=ent.name,
            period=rs.period,
            status=rs.status,
            role=m.role,
            selection=m.selection,
            applications_scored=scored.get(m.id or 0, 0),
            recusals=recused.get(m.id or 0, 0),
        )
        for m, rs, ent in seats
    ]
    related = session.exec(
        select(PersonRelation)
        .where(PersonRelation.expert_user_id == user.id, scope.relations_where())
        .order_by(col(PersonRelation.id).desc())
    ).all()
    return ExpertHistory(
        user_id=user.id or 0,
        display_name=user.display_name,
        enterprise_id=user.enterprise_id,
        expert=ExpertProfilePublic.model_validate(profile.model_dump()),
        term_ended=profile.term_end is not None and profile.term_end < today,
        panels_sat=len(rows),
        applications_scored=sum(r.applications_scored for r in rows),
        recusals=sum(r.recusals for r in rows),
        declines=len(declined),
        draws=sum(r.selection in ("drawn", "reserve") for r in rows) + len(declined),
        seats=rows,
        declined=declined,
        relations=relations.to_public(session, list(related)),
        findings=_findings(session, settings, user.id or 0) if scope.sees_supervision else None,
        as_of=today,
    )


def _findings(session: Session, settings: Settings, user_id: int) -> list[MemberFinding]:
    """Member-level flags of the latest finished run of each period."""
    latest = (
        select(func.max(AuditRun.id))
        .where(AuditRun.status == "finished")
        .group_by(col(AuditRun.period))
    )
    flags = session.exec(
        select(Flag, AuditRun)
        .join(AuditRun, col(AuditRun.id) == col(Flag.run_id))
        .where(
            Flag.member_id == member_pseudonym(settings, user_id),
            col(Flag.run_id).in_(latest),
        )
        .order_by(col(Flag.run_id).desc(), col(Flag.id))
    ).all()
    return [
        MemberFinding(
            run_id=run.id or 0,
            period=run.period,
            signal=f.signal,
            band=f.band,
            severity=f.severity,
            enterprise_id=f.enterprise_id,
            reason=f.reason,
            reason_en=f.reason_en,
        )
        for f, run in flags
    ]
