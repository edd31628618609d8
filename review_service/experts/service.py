"""An expert's workload and history on one page: panels sat, applications scored, recusals,
declined draws, and (for the regulator) the audit's member-level findings."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, func, select

from review_service.accounts import service as accounts
from review_service.accounts.models import ExpertProfile
from review_service.accounts.schemas import ExpertProfilePublic
from review_service.config import Settings
from review_service.enterprises.models import Enterprise
from review_service.errors import NotFound
from review_service.events.models import Event
from review_service.experts.schemas import ExpertHistory, MemberFinding, PanelSeat
from review_service.reviews.filing import member_pseudonym
from review_service.reviews.models import Conflict, PanelMember, ReviewSession, Score
from review_service.supervision.models import AuditRun, Flag
from review_service.tenancy import TenantScope


def history(
    session: Session, *, scope: TenantScope, user_id: int, settings: Settings, today: date
) -> ExpertHistory:
    user = accounts.get_user(session, scope=scope, user_id=user_id)
    profile = session.get(ExpertProfile, user.id)
    if profile is None:
        raise NotFound("专家", "expert", user_id)
    seats = session.exec(
        select(PanelMember, ReviewSession, Enterprise)
        .join(ReviewSession, col(ReviewSession.id) == col(PanelMember.session_id))
        .join(Enterprise, col(Enterprise.id) == col(ReviewSession.enterprise_id))
        .where(PanelMember.user_id == user.id)
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
    declines = session.exec(
        select(func.count())
        .select_from(Event)
        .where(Event.action == "panel.seat_decline", Event.actor_id == user.id)
    ).one()
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
    return ExpertHistory(
        user_id=user.id or 0,
        display_name=user.display_name,
        enterprise_id=user.enterprise_id,
        expert=ExpertProfilePublic.model_validate(profile.model_dump()),
        term_ended=profile.term_end is not None and profile.term_end < today,
        panels_sat=len(rows),
        applications_scored=sum(r.applications_scored for r in rows),
        recusals=sum(r.recusals for r in rows),
        declines=declines,
        seats=rows,
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
