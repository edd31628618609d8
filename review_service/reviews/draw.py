"""Drawing a session's panel at random from the expert pool (随机抽取), verifiably.

HR first fixes a seed whose hash (the commitment) is published with the session; the draw
then reveals the seed and records the candidate list, the request and the result, so the
regulator can re-run it (``standards.draw``) and get the same panel. Drawn experts confirm or
decline; a decline seats the next reserve that keeps the panel rules."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from review_service.accounts.models import ExpertProfile, User
from review_service.auth.principal import Role
from review_service.db import utcnow
from review_service.enterprises.models import Enterprise
from review_service.errors import FieldProblem, Invalid, InvalidState, NotFound
from review_service.events.service import record, snapshot
from review_service.experts import relations
from review_service.reviews import conflicts, panels
from review_service.reviews.models import Application, PanelDraw, PanelMember, ReviewSession
from review_service.reviews.schemas import (
    ApplicationStatus,
    DrawVerification,
    MemberResponse,
    MemberRole,
    MemberSelection,
    PanelDrawCreate,
    PanelDrawPublic,
    PanelResponse,
)
from review_service.reviews.state import load_session, member_for, require_state, session_standard
from review_service.tenancy import TenantScope
from standards.draw import (
    ALGORITHM,
    DrawCandidate,
    DrawRequest,
    DrawResult,
    commitment,
    draw_panel,
    replacement,
)
from standards.levels import Track, comparable_title_rank

DRAW = ("抽取记录", "panel draw")


def _draw_row(session: Session, rs: ReviewSession, *, lock: bool = False) -> PanelDraw | None:
    stmt = select(PanelDraw).where(PanelDraw.session_id == rs.id)
    if lock:
        stmt = stmt.with_for_update()
    return session.exec(stmt).first()


def commit(session: Session, *, scope: TenantScope, session_id: int) -> PanelDraw:
    """Fix the seed before the draw and publish its hash; asking again returns the same."""
    rs = load_session(session, scope=scope, session_id=session_id)
    require_state(rs, panels.PANEL_EDITABLE, ("抽取评委", "drawing the panel"))
    existing = _draw_row(session, rs)
    if existing is not None:
        return existing
    seed = secrets.token_hex(32)
    row = PanelDraw(
        session_id=rs.id or 0,
        enterprise_id=rs.enterprise_id,
        commitment=commitment(seed),
        seed=seed,
    )
    session.add(row)
    session.flush()
    # The seed stays out of the log until the draw reveals it.
    record(
        session,
        actor=scope.principal,
        action="panel.draw_commit",
        object_type="panel_draw",
        object_id=row.id,
        enterprise_id=rs.enterprise_id,
        detail={"session_id": rs.id, "commitment": row.commitment},
    )
    return row


def _candidates(session: Session, rs: ReviewSession) -> list[DrawCandidate]:
    """The city's pool and the enterprise's own experts, except those already seated."""
    seated = {m.user_id for m in panels.members(session, rs.id or 0)}
    rows = session.exec(
        select(User, ExpertProfile)
        .join(ExpertProfile, col(ExpertProfile.user_id) == col(User.id))
        .where(
            User.role == Role.expert.value,
            col(User.is_active).is_(True),
            (col(User.enterprise_id) == rs.enterprise_id)
            | (col(ExpertProfile.external).is_(True) & col(User.enterprise_id).is_(None)),
        )
        .order_by(col(User.id))
    ).all()
    return [
        DrawCandidate(
            expert_id=str(user.id),
            track=Track(profile.track),
            level=profile.level,
            external=profile.external,
            specialty=profile.specialty,
            organisation_code=profile.home_credit_code,
            person_key=user.person_key,
            status=profile.status,
            term_end=profile.term_end,
            birth_date=profile.birth_date,
            available=tuple(
                (date.fromisoformat(w["starts_on"]), date.fromisoformat(w["ends_on"]))
                for w in profile.availability
            ),
        )
        for user, profile in rows
        if user.id not in seated
    ]


def _related_persons(session: Session, rs: ReviewSession) -> dict[str, str]:
    """Who must not sit, by person key, and why: the applicants themselves, their direct
    supervisors and subordinates, and experts with a recorded relation to any of them."""
    out: dict[str, str] = {}
    rows = session.exec(
        select(Application, User)
        .join(User, col(Application.applicant_user_id) == col(User.id))
        .where(
            Application.session_id == rs.id,
            Application.status != ApplicationStatus.withdrawn.value,
        )
    ).all()
    for app, a in rows:
        for key in {app.person_key, a.person_key} - {None}:
            out[key or ""] = "本人申报"
        if a.supervisor_id is not None:
            boss = session.get(User, a.supervisor_id)
            if boss is not None and boss.person_key:
                out.setdefault(boss.person_key, f"申报人{a.display_name}的直接上级")
        for sub in session.exec(select(User).where(User.supervisor_id == a.id)).all():
            if sub.person_key:
                out.setdefault(sub.person_key, f"申报人{a.display_name}的直接下级")
    for relation in relations.standing(session, person_keys=[app.person_key for app, _ in rows]):
        out.setdefault(relation.expert_key, relations.why(relation)[0])
    return out


def _recent_experts(session: Session, rs: ReviewSession, sessions_back: int) -> frozenset[str]:
    """Experts who sat with this enterprise in each of its last ``sessions_back`` sessions."""
    if sessions_back <= 0:
        return frozenset()
    earlier = session.exec(
        select(ReviewSession.id)
        .where(ReviewSession.enterprise_id == rs.enterprise_id, ReviewSession.id != rs.id)
        .order_by(col(ReviewSession.id).desc())
        .limit(sessions_back)
    ).all()
    if len(earlier) < sessions_back:
        return frozenset()
    common: set[int] | None = None
    for sid in earlier:
        sat = {m.user_id for m in panels.members(session, sid or 0)}
        common = sat if common is None else common & sat
    return frozenset(str(u) for u in common or set())


def draw(
    session: Session,
    *,
    scope: TenantScope,
    session_id: int,
    data: PanelDrawCreate,
    today: date,
) -> PanelDraw:
    rs = load_session(session, scope=scope, session_id=session_id)
    require_state(rs, panels.PANEL_EDITABLE, ("抽取评委", "drawing the panel"))
    row = _draw_row(session, rs, lock=True)
    if row is None:
        raise InvalidState(
            "请先固定并公布抽取种子的哈希值，再抽取",
            "commit the seed (publish its hash) before drawing",
            code="draw_not_committed",
        )
    if row.status != "committed":
        raise InvalidState(
            "本批次已完成抽取，不能重新抽取",
            "this session's panel has already been drawn",
            code="already_drawn",
            extra={"current_state": row.status},
        )
    standard = session_standard(session, rs)
    enterprise = session.get(Enterprise, rs.enterprise_id)
    size = data.size or standard.panel.min_size
    request = DrawRequest(
        track=Track(rs.track),
        level=rs.level,
        rules=standard.panel,
        size=size,
        reserves=data.reserves,
        specialty=data.specialty,
        enterprise_code=enterprise.credit_code if enterprise else None,
        excluded_persons=_related_persons(session, rs),
        recent_expert_ids=_recent_experts(session, rs, data.recent_sessions),
        on=today,
        sitting_on=rs.held_on,
        max_age=data.max_age,
    )
    candidates = _candidates(session, rs)
    result = draw_panel(row.seed, candidates, request)
    if result.problems:
        raise Invalid(
            "抽取未能组成符合规则的评审委员会",
            "the draw cannot form a panel that meets the rules",
            details=[FieldProblem(p.path, p.message, p.message_en) for p in result.problems],
            code="draw_impossible",
        )
    has_chair = any(m.role == MemberRole.chair for m in panels.members(session, rs.id or 0))
    chair = None if has_chair else _chair(result, {c.expert_id: c for c in candidates})
    for expert_id in result.members:
        _seat(session, rs, int(expert_id), MemberSelection.drawn, chair=expert_id == chair)
    before = snapshot(row)
    row.status = "drawn"
    row.algorithm = ALGORITHM
    row.request = request.model_dump(mode="json")
    row.candidates = [c.model_dump(mode="json") for c in candidates]
    row.result = result.model_dump(mode="json")
    row.reserves_left = list(result.reserves)
    row.drawn_at = utcnow()
    session.add(row)
    record(
        session,
        actor=scope.principal,
        action="panel.draw",
        object_type="panel_draw",
        object_id=row.id,
        enterprise_id=rs.enterprise_id,
        before={"status": before["status"]},
        detail={
            "session_id": rs.id,
            "seed": row.seed,
            "commitment": row.commitment,
            "algorithm": ALGORITHM,
            "candidate_digest": result.candidate_digest,
            "candidates": len(candidates),
            "eligible": result.eligible,
            "members": result.members,
            "reserves": result.reserves,
        },
    )
    conflicts.detect(
        session, scope=scope, session_id=rs.id or 0, members=panels.members(session, rs.id or 0)
    )
    return row


def _chair(result: DrawResult, candidates: dict[str, DrawCandidate]) -> str:
    """The drawn member with the highest level chairs; ties go to the earlier draw."""
    return max(
        result.members,
        key=lambda m: (
            comparable_title_rank(candidates[m].track, candidates[m].level),
            -result.members.index(m),
        ),
    )


def _seat(
    session: Session,
    rs: ReviewSession,
    user_id: int,
    selection: MemberSelection,
    *,
    chair: bool = False,
) -> PanelMember:
    profile = session.get(ExpertProfile, user_id)
    assert profile is not None
    member = PanelMember(
        session_id=rs.id or 0,
        enterprise_id=rs.enterprise_id,
        user_id=user_id,
        role=(MemberRole.chair if chair else MemberRole.member).value,
        track=profile.track,
        level=profile.level,
        external=profile.external,
        selection=selection.value,
        response=MemberResponse.pending.value,
    )
    session.add(member)
    session.flush()
    return member


def respond(
    session: Session,
    *,
    scope: TenantScope,
    session_id: int,
    data: PanelResponse,
) -> PanelMember | None:
    """A drawn expert confirms their seat or declines it; a decline calls in the next reserve
    that keeps the panel rules (returned), or leaves the seat empty when none is left."""
    rs = load_session(session, scope=scope, session_id=session_id)
    require_state(rs, panels.PANEL_EDITABLE, ("确认参加评审", "answering the invitation"))
    mine = member_for(session, rs.id or 0, scope.principal.user_id)
    if mine is None:
        raise NotFound("评委席位", "panel seat", session_id)
    member = session.exec(
        select(PanelMember).where(PanelMember.id == mine.id).with_for_update()
    ).one()
    if member.response != MemberResponse.pending:
        raise InvalidState(
            "已答复过本次邀请",
            "this invitation has already been answered",
            code="already_answered",
            extra={"current_state": member.response},
        )
    if data.accept:
        before = snapshot(member)
        member.response = MemberResponse.confirmed.value
        session.add(member)
        record(
            session,
            actor=scope.principal,
            action="panel.seat_accept",
            subject=member,
            before=before,
        )
        return member
    row = _draw_row(session, rs, lock=True)
    record(
        session,
        actor=scope.principal,
        action="panel.seat_decline",
        subject=member,
        before=snapshot(member),
        detail={"reason": data.reason, "session_id": rs.id},
        deleted=True,
    )
    was_chair = member.role == MemberRole.chair
    session.delete(member)
    session.flush()
    if row is None or row.status != "drawn" or row.candidates is None or row.request is None:
        return None
    candidates = {c["expert_id"]: DrawCandidate.model_validate(c) for c in row.candidates}
    request = DrawRequest.model_validate(row.request)
    staying = [str(m.user_id) for m in panels.members(session, rs.id or 0)]
    declined = str(member.user_id)
    pick = replacement(declined, [*staying, declined], row.reserves_left, candidates, request.rules)
    row.declined = [*row.declined, declined]
    if pick is not None:
        row.reserves_left = [r for r in row.reserves_left if r != pick]
    session.add(row)
    if pick is None:
        return None
    seat = _seat(session, rs, int(pick), MemberSelection.reserve, chair=was_chair)
    record(
        session,
        actor=scope.principal,
        action="panel.reserve_called",
        subject=seat,
        detail={"replaces": declined},
    )
    conflicts.detect(session, scope=scope, session_id=rs.id or 0, members=[seat])
    return seat


def view(session: Session, *, scope: TenantScope, session_id: int) -> PanelDrawPublic:
    rs = load_session(session, scope=scope, session_id=session_id)
    row = _draw_row(session, rs)
    if row is None:
        raise NotFound(*DRAW, session_id)
    return to_public(row)


def to_public(row: PanelDraw) -> PanelDrawPublic:
    result: dict[str, Any] = row.result or {}
    drawn = row.status == "drawn"
    return PanelDrawPublic(
        session_id=row.session_id,
        status=row.status,
        commitment=row.commitment,
        committed_at=row.committed_at,
        seed=row.seed if drawn else None,
        algorithm=row.algorithm,
        candidate_digest=result.get("candidate_digest"),
        candidates=len(row.candidates or []),
        eligible=result.get("eligible"),
        members=result.get("members", []),
        reserves=result.get("reserves", []),
        reserves_left=row.reserves_left,
        declined=row.declined,
        excluded=result.get("excluded", []),
        drawn_at=row.drawn_at,
    )


def verify(session: Session, *, scope: TenantScope, session_id: int) -> DrawVerification:
    """Re-run the recorded draw: the seed must match the commitment published before it, and
    the same seed and candidates must give the same panel and reserves."""
    rs = load_session(session, scope=scope, session_id=session_id)
    row = _draw_row(session, rs)
    if row is None or row.status != "drawn" or row.request is None or row.candidates is None:
        raise NotFound(*DRAW, session_id)
    candidates = [DrawCandidate.model_validate(c) for c in row.candidates]
    rerun = draw_panel(row.seed, candidates, DrawRequest.model_validate(row.request))
    recorded = row.result or {}
    return DrawVerification(
        session_id=row.session_id,
        commitment_matches=commitment(row.seed) == row.commitment,
        candidates_unchanged=rerun.candidate_digest == recorded.get("candidate_digest"),
        same_panel=rerun.members == recorded.get("members")
        and rerun.reserves == recorded.get("reserves"),
        members=rerun.members,
        reserves=rerun.reserves,
    )
