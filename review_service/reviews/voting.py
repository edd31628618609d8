"""Secret ballot (表决) and the decision the server computes from it (评审结果).

Ballots are stored with their member so the filing can carry pseudonymous votes for the
regulator's audit; no API answer and no event ever pairs a voter with a choice. HR and
applicants see counts."""

from __future__ import annotations

from sqlmodel import Session, col, select

from review_service.db import utcnow
from review_service.errors import Conflict, InvalidState
from review_service.events.service import record, snapshot
from review_service.reviews import applications, panels, scoring
from review_service.reviews.models import Application, Decision, ReviewSession, Vote
from review_service.reviews.schemas import (
    DecisionPublic,
    SessionStatus,
    VoteChoice,
    VoteIn,
    VoteTally,
)
from review_service.reviews.state import (
    conflicted_member_ids,
    load_application,
    require_state,
    session_standard,
)
from review_service.tenancy import TenantScope
from review_service.transitions import lock
from standards.decision import DecisionPart, decide
from standards.scoring import final_score

S = SessionStatus
_DECIDED = (S.decided, S.public_notice, S.finalized, S.filed)


def cast(session: Session, *, scope: TenantScope, application_id: int, data: VoteIn) -> Vote:
    application, rs, member = load_application(session, scope=scope, application_id=application_id)
    assert member is not None
    # The session shared (voting cannot close underneath the ballot), the seat exclusively
    # (two ballots of one member: the second sees the first and is refused).
    rs = lock(session, rs, shared=True)
    require_state(rs, (S.voting,), ("投票", "voting"))
    member = lock(session, member)
    scoring.require_under_review(application)
    scoring.require_no_pending_conflict(session, application, member)
    already = session.exec(
        select(Vote.id).where(
            Vote.application_id == application.id, Vote.panel_member_id == member.id
        )
    ).first()
    if already is not None:
        raise Conflict(
            "您已对该申报投票，不能重复投票或改票",
            "you have already voted on this application; a ballot cannot be cast twice or changed",
            code="already_voted",
            extra={"current_state": "voted"},
        )
    vote = Vote(
        session_id=rs.id or 0,
        enterprise_id=rs.enterprise_id,
        application_id=application.id or 0,
        panel_member_id=member.id or 0,
        choice=data.choice.value,
    )
    session.add(vote)
    session.flush()
    # Who voted is logged, how they voted is not: the event carries no subject snapshot.
    record(
        session,
        actor=scope.principal,
        action="vote.cast",
        object_type="application",
        object_id=application.id,
        enterprise_id=rs.enterprise_id,
    )
    return vote


def tally(session: Session, application: Application, panel_size: int) -> VoteTally:
    excluded = conflicted_member_ids(session, application.id or 0)
    choices = [
        v.choice
        for v in session.exec(select(Vote).where(Vote.application_id == application.id)).all()
        if v.panel_member_id not in excluded
    ]
    eligible = panel_size - len(excluded)
    return VoteTally(
        eligible_members=eligible,
        approvals=choices.count(VoteChoice.approve.value),
        rejections=choices.count(VoteChoice.reject.value),
        abstentions=choices.count(VoteChoice.abstain.value),
        not_voted=eligible - len(choices),
    )


def decide_all(session: Session, *, scope: TenantScope, rs: ReviewSession) -> list[Decision]:
    """Compute and store the decision of every application under review."""
    standard = session_standard(session, rs)
    size = len(panels.members(session, rs.id or 0))
    out = []
    for application in applications.under_review(session, rs.id or 0):
        counts = tally(session, application, size)
        excluded = conflicted_member_ids(session, application.id or 0)
        totals = [
            s.total
            for s in scoring.submitted_sheets(session, application.id or 0)
            if s.total is not None and s.panel_member_id not in excluded
        ]
        score = final_score(totals)
        result = decide(
            rules=standard.panel,
            pass_score=standard.pass_score,
            eligible_members=counts.eligible_members,
            approvals=counts.approvals,
            rejections=counts.rejections,
            abstentions=counts.abstentions,
            final_score=score,
        )
        row = Decision(
            session_id=rs.id or 0,
            enterprise_id=rs.enterprise_id,
            application_id=application.id or 0,
            approved=result.approved,
            computed_approved=result.approved,
            final_score=score,
            eligible_members=counts.eligible_members,
            approvals=counts.approvals,
            rejections=counts.rejections,
            abstentions=counts.abstentions,
            parts=[p.model_dump() for p in result.parts],
        )
        session.add(row)
        session.flush()
        record(session, actor=scope.principal, action="decision.compute", subject=row)
        out.append(row)
    return out


def decision_for(session: Session, application_id: int) -> Decision | None:
    return session.exec(select(Decision).where(Decision.application_id == application_id)).first()


def overturn(
    session: Session, *, scope: TenantScope, application_id: int, objection_id: int
) -> Decision:
    """An upheld objection turns an approval into a refusal; the change is logged."""
    row = decision_for(session, application_id)
    assert row is not None
    before = snapshot(row)
    row.approved = False
    row.overturned_by_objection_id = objection_id
    row.updated_at = utcnow()
    session.add(row)
    record(
        session,
        actor=scope.principal,
        action="decision.overturn",
        subject=row,
        before=before,
        detail={"objection_id": objection_id},
    )
    return row


def view(session: Session, *, scope: TenantScope, application_id: int) -> DecisionPublic:
    application, rs, _ = load_application(session, scope=scope, application_id=application_id)
    row = decision_for(session, application.id or 0)
    if rs.status not in _DECIDED or row is None:
        raise InvalidState(
            "该申报尚无评审结果",
            "this application has no decision yet",
            code="not_decided",
            extra={"current_state": rs.status},
        )
    return DecisionPublic(
        application_id=application.id or 0,
        approved=row.approved,
        computed_approved=row.computed_approved,
        final_score=row.final_score,
        tally=VoteTally(
            eligible_members=row.eligible_members,
            approvals=row.approvals,
            rejections=row.rejections,
            abstentions=row.abstentions,
            not_voted=row.eligible_members - row.approvals - row.rejections - row.abstentions,
        ),
        parts=[DecisionPart.model_validate(p) for p in row.parts],
        overturned_by_objection_id=row.overturned_by_objection_id,
        decided_at=row.decided_at,
    )


def decisions(session: Session, session_id: int) -> dict[int, Decision]:
    return {
        d.application_id: d
        for d in session.exec(
            select(Decision).where(Decision.session_id == session_id).order_by(col(Decision.id))
        ).all()
    }
