"""What every review module shares: the session's states and moves, the guard that refuses an
action in the wrong state (and every write on a filed session), and the lookups that load a
session or an application through the visibility policy (``review_service.tenancy``)."""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import Session, select

from review_service.catalogue.labels import SESSION_STATUSES
from review_service.errors import InvalidState, NotFound
from review_service.reviews.models import Application, Conflict, PanelMember, ReviewSession
from review_service.reviews.schemas import ConflictStatus, SessionStatus
from review_service.standard_versions.models import StandardVersion
from review_service.tenancy import TenantScope
from standards.document import Standard

SESSION = ("评审批次", "review session")
APPLICATION = ("申报", "application")
MEMBER = ("评委", "panel member")
CONFLICT = ("回避记录", "conflict")
OBJECTION = ("异议", "objection")

S = SessionStatus
MOVES: dict[str, frozenset[str]] = {
    S.draft: frozenset({S.open}),
    S.open: frozenset({S.validating}),
    # Validation may send the round back to intake so ineligible applicants can correct.
    S.validating: frozenset({S.open, S.reviewing}),
    S.reviewing: frozenset({S.voting}),
    S.voting: frozenset({S.decided}),
    S.decided: frozenset({S.public_notice}),
    S.public_notice: frozenset({S.finalized}),
    S.finalized: frozenset({S.filed}),
    S.filed: frozenset(),
}

# The catalogue's names, so a refusal names a state as the screens do, in both languages.
STATE_NAMES = {S(code): zh for code, (zh, _) in SESSION_STATUSES.items()}
STATE_NAMES_EN = {S(code): en for code, (_, en) in SESSION_STATUSES.items()}

# States in which the panel and conflicts may still change.
BEFORE_DECISION = (S.draft, S.open, S.validating, S.reviewing, S.voting)


def require_state(
    rs: ReviewSession, allowed: Collection[SessionStatus], action: tuple[str, str]
) -> None:
    """Refuse ``action`` unless the session is in one of ``allowed``; a filed session refuses
    every write with its own code."""
    if rs.status == S.filed:
        raise InvalidState(
            f"评审批次已备案，内容不可再变更（{action[0]}）",
            f"the review session has been filed and is read-only ({action[1]})",
            code="session_filed",
            extra={"current_state": rs.status},
        )
    if rs.status not in allowed:
        names = "、".join(STATE_NAMES[S(s)] for s in allowed)
        raise InvalidState(
            f"评审批次当前为“{STATE_NAMES[S(rs.status)]}”，不能{action[0]}；仅在以下阶段可以：{names}",
            f"the review session is '{STATE_NAMES_EN[S(rs.status)]}'; {action[1]} is possible "
            "only when it is: " + ", ".join(STATE_NAMES_EN[S(s)] for s in allowed),
            code="wrong_state",
            extra={"current_state": rs.status, "allowed_states": [str(s) for s in allowed]},
        )


def member_for(session: Session, rs_id: int, user_id: int) -> PanelMember | None:
    return session.exec(
        select(PanelMember).where(PanelMember.session_id == rs_id, PanelMember.user_id == user_id)
    ).first()


def load_session(session: Session, *, scope: TenantScope, session_id: int) -> ReviewSession:
    """The session, or 404 when it is foreign or not the principal's to see."""
    rs = session.get(ReviewSession, session_id)
    if rs is None or not scope.sees_session(rs):
        raise NotFound(*SESSION, session_id)
    return rs


def conflicted_member_ids(session: Session, application_id: int) -> set[int]:
    """Panel members with a confirmed conflict on this application."""
    return set(
        session.exec(
            select(Conflict.panel_member_id).where(
                Conflict.application_id == application_id,
                Conflict.status == ConflictStatus.confirmed.value,
            )
        ).all()
    )


def load_application(
    session: Session, *, scope: TenantScope, application_id: int
) -> tuple[Application, ReviewSession, PanelMember | None]:
    """The application, its session and (for an expert) the caller's panel seat; 404 for a
    foreign application, another applicant's, or one the expert is recused from."""
    application = session.get(Application, application_id)
    if application is None or not scope.sees_application(application):
        raise NotFound(*APPLICATION, application_id)
    rs = session.get(ReviewSession, application.session_id)
    assert rs is not None
    seat = scope.seat(rs.id)
    member = session.get(PanelMember, seat) if seat is not None else None
    return application, rs, member


# Frozen standards already validated, by the session that froze them (see session_standard).
_FROZEN: dict[tuple[str, int, object], Standard] = {}
_FROZEN_MAX = 512


def session_standard(session: Session, rs: ReviewSession) -> Standard:
    """The standard the session runs under: its frozen copy once opened, else the version.

    The frozen copy is a published version's document, which never changes: it is validated
    once per process and shared (callers read it, never change it), not on every score."""
    if rs.standard is not None:
        key = (rs.standard_label or "", rs.id or 0, rs.created_at)
        found = _FROZEN.get(key) if rs.standard_label else None
        if found is None:
            found = Standard.model_validate(rs.standard)
            if rs.standard_label:
                if len(_FROZEN) >= _FROZEN_MAX:
                    _FROZEN.clear()
                _FROZEN[key] = found
        return found
    row = session.get(StandardVersion, rs.standard_version_id)
    assert row is not None
    return Standard.model_validate(row.document)
