"""Review workflow endpoints: parse, authorise, call the service, shape the answer."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from review_service.auth.principal import Role
from review_service.dependencies import (
    Access,
    ObjectId,
    Offset,
    RegulatorAccess,
    RequireRole,
    SessionDep,
    SettingsDep,
)
from review_service.dependencies import (
    ManagerAccess as Managers,
)
from review_service.reviews import (
    applications,
    conflicts,
    draw,
    filing,
    notice,
    panels,
    scoring,
    sessions,
    voting,
)
from review_service.reviews.models import Conflict, Objection
from review_service.reviews.schemas import (
    ApplicationCreate,
    ApplicationPublic,
    ApplicationsPublic,
    ApplicationStatus,
    ApplicationUpdate,
    ConflictCreate,
    ConflictPublic,
    ConflictResolution,
    ConflictsPublic,
    DecisionPublic,
    DrawVerification,
    FilingReceipt,
    NextStepsPublic,
    ObjectionCreate,
    ObjectionPublic,
    ObjectionResolution,
    ObjectionsPublic,
    PanelDrawCreate,
    PanelDrawPublic,
    PanelMemberCreate,
    PanelMemberPublic,
    PanelPublic,
    PanelResponse,
    PublicNoticePublic,
    ReviewSessionCreate,
    ReviewSessionPublic,
    ReviewSessionsPublic,
    ReviewSessionUpdate,
    ScoreSheetIn,
    ScoresPublic,
    SessionStatus,
    TransitionIn,
    VoteIn,
    VoteReceipt,
)
from review_service.working_days import service as working_days

router = APIRouter(tags=["reviews"])

Admin = Annotated[Access, Depends(RequireRole(Role.enterprise_admin))]
Anyone = Annotated[Access, Depends(RequireRole(*Role))]
Expert = Annotated[Access, Depends(RequireRole(Role.expert))]
PanelReaders = Annotated[
    Access, Depends(RequireRole(Role.enterprise_admin, Role.regulator, Role.expert))
]
Applying = Annotated[Access, Depends(RequireRole(Role.applicant, Role.enterprise_admin))]
Declaring = Annotated[
    Access, Depends(RequireRole(Role.expert, Role.applicant, Role.enterprise_admin))
]


def today() -> date:
    """The service's clock for notice periods and authorisations (overridden in tests)."""
    return date.today()


Today = Annotated[date, Depends(today)]


def _conflict(row: Conflict) -> ConflictPublic:
    return ConflictPublic.model_validate(row.model_dump())


def _objection(row: Objection) -> ObjectionPublic:
    return ObjectionPublic.model_validate(row.model_dump())


# --- sessions --------------------------------------------------------------------------------


@router.post(
    "/review-sessions",
    response_model=ReviewSessionPublic,
    status_code=201,
    operation_id="reviews-create_session",
)
def create_session(
    data: ReviewSessionCreate, access: Admin, session: SessionDep
) -> ReviewSessionPublic:
    return sessions.to_public(sessions.create(session, scope=access.scope, data=data))


@router.get(
    "/review-sessions", response_model=ReviewSessionsPublic, operation_id="reviews-list_sessions"
)
def list_sessions(
    access: Anyone,
    session: SessionDep,
    status: SessionStatus | None = None,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ReviewSessionsPublic:
    rows, count = sessions.list_sessions(
        session, scope=access.scope, status=status, offset=offset, limit=limit
    )
    return ReviewSessionsPublic(data=[sessions.to_public(r) for r in rows], count=count)


@router.get(
    "/review-sessions/{session_id}",
    response_model=ReviewSessionPublic,
    operation_id="reviews-get_session",
)
def get_session(session_id: ObjectId, access: Anyone, session: SessionDep) -> ReviewSessionPublic:
    return sessions.to_public(sessions.get(session, scope=access.scope, session_id=session_id))


@router.patch(
    "/review-sessions/{session_id}",
    response_model=ReviewSessionPublic,
    operation_id="reviews-update_session",
)
def update_session(
    session_id: ObjectId, data: ReviewSessionUpdate, access: Admin, session: SessionDep
) -> ReviewSessionPublic:
    rs = sessions.update(session, scope=access.scope, session_id=session_id, data=data)
    return sessions.to_public(rs)


@router.post(
    "/review-sessions/{session_id}/transition",
    response_model=ReviewSessionPublic,
    operation_id="reviews-transition_session",
)
def transition_session(
    session_id: ObjectId,
    data: TransitionIn,
    access: Admin,
    session: SessionDep,
    settings: SettingsDep,
    on: Today,
) -> ReviewSessionPublic:
    rs = sessions.transition(
        session,
        scope=access.scope,
        session_id=session_id,
        target=data.target,
        version=data.version,
        today=on,
        holidays=working_days.load(session, settings),
        settings=settings,
        override_reason=data.override_reason,
    )
    return sessions.to_public(rs)


@router.get(
    "/review-sessions/{session_id}/next-steps",
    response_model=NextStepsPublic,
    operation_id="reviews-session_next_steps",
)
def session_next_steps(
    session_id: ObjectId, access: Admin, session: SessionDep, on: Today
) -> NextStepsPublic:
    """The moves ``allowed_next`` offers, each with what blocks it now (sheets unsubmitted by
    member, votes missing, quorum) and whether an override reason may lift it."""
    return sessions.next_steps(session, scope=access.scope, session_id=session_id, today=on)


@router.post(
    "/review-sessions/{session_id}/file",
    response_model=FilingReceipt,
    operation_id="reviews-file_session",
)
def file_session(
    session_id: ObjectId,
    access: Admin,
    session: SessionDep,
    settings: SettingsDep,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> FilingReceipt:
    rs, record, created = filing.file_session(
        session, scope=access.scope, session_id=session_id, settings=settings, version=version
    )
    return FilingReceipt(
        session_id=rs.id or 0,
        filing_id=record.filing_id,
        created=created,
        session=sessions.to_public(rs),
    )


# --- panel -----------------------------------------------------------------------------------


@router.get(
    "/review-sessions/{session_id}/panel",
    response_model=PanelPublic,
    operation_id="reviews-get_panel",
)
def get_panel(session_id: ObjectId, access: PanelReaders, session: SessionDep) -> PanelPublic:
    return panels.view(session, scope=access.scope, session_id=session_id)


@router.post(
    "/review-sessions/{session_id}/panel/members",
    response_model=PanelPublic,
    status_code=201,
    operation_id="reviews-add_panel_member",
)
def add_panel_member(
    session_id: ObjectId, data: PanelMemberCreate, access: Admin, session: SessionDep
) -> PanelPublic:
    panels.add_member(session, scope=access.scope, session_id=session_id, data=data)
    return panels.view(session, scope=access.scope, session_id=session_id)


@router.delete(
    "/review-sessions/{session_id}/panel/members/{member_id}",
    status_code=204,
    operation_id="reviews-remove_panel_member",
)
def remove_panel_member(
    session_id: ObjectId, member_id: ObjectId, access: Admin, session: SessionDep
) -> Response:
    panels.remove_member(session, scope=access.scope, session_id=session_id, member_id=member_id)
    return Response(status_code=204)


# --- conflicts -------------------------------------------------------------------------------


@router.get(
    "/review-sessions/{session_id}/conflicts",
    response_model=ConflictsPublic,
    operation_id="reviews-list_conflicts",
)
def list_conflicts(session_id: ObjectId, access: Anyone, session: SessionDep) -> ConflictsPublic:
    rows = conflicts.list_conflicts(session, scope=access.scope, session_id=session_id)
    return ConflictsPublic(data=[_conflict(r) for r in rows], count=len(rows))


@router.post(
    "/review-sessions/{session_id}/conflicts",
    response_model=ConflictPublic,
    status_code=201,
    operation_id="reviews-declare_conflict",
)
def declare_conflict(
    session_id: ObjectId, data: ConflictCreate, access: Declaring, session: SessionDep
) -> ConflictPublic:
    return _conflict(
        conflicts.declare(session, scope=access.scope, session_id=session_id, data=data)
    )


@router.post(
    "/review-sessions/{session_id}/conflicts/detection",
    response_model=ConflictsPublic,
    operation_id="reviews-detect_conflicts",
)
def detect_conflicts(session_id: ObjectId, access: Admin, session: SessionDep) -> ConflictsPublic:
    """Re-run conflict detection; answers the conflicts it newly recorded (pending)."""
    rows = conflicts.redetect(session, scope=access.scope, session_id=session_id)
    return ConflictsPublic(data=[_conflict(r) for r in rows], count=len(rows))


@router.post(
    "/conflicts/{conflict_id}/resolution",
    response_model=ConflictPublic,
    operation_id="reviews-resolve_conflict",
)
def resolve_conflict(
    conflict_id: ObjectId, data: ConflictResolution, access: Admin, session: SessionDep
) -> ConflictPublic:
    return _conflict(
        conflicts.resolve(session, scope=access.scope, conflict_id=conflict_id, data=data)
    )


# --- applications ----------------------------------------------------------------------------


@router.post(
    "/review-sessions/{session_id}/applications",
    response_model=ApplicationPublic,
    status_code=201,
    operation_id="reviews-submit_application",
)
def submit_application(
    session_id: ObjectId,
    data: ApplicationCreate,
    access: Applying,
    session: SessionDep,
    settings: SettingsDep,
    on: Today,
) -> ApplicationPublic:
    row = applications.submit(
        session, scope=access.scope, session_id=session_id, data=data, settings=settings, today=on
    )
    return applications.to_public(row)


@router.get(
    "/review-sessions/{session_id}/applications",
    response_model=ApplicationsPublic,
    operation_id="reviews-list_applications",
)
def list_applications(
    session_id: ObjectId,
    access: Anyone,
    session: SessionDep,
    status: ApplicationStatus | None = None,
) -> ApplicationsPublic:
    rows = applications.list_for_session(
        session, scope=access.scope, session_id=session_id, status=status
    )
    return ApplicationsPublic(data=[applications.to_public(r) for r in rows], count=len(rows))


@router.get(
    "/applications/{application_id}",
    response_model=ApplicationPublic,
    operation_id="reviews-get_application",
)
def get_application(
    application_id: ObjectId, access: Anyone, session: SessionDep
) -> ApplicationPublic:
    row = applications.get(session, scope=access.scope, application_id=application_id)
    return applications.to_public(row)


@router.patch(
    "/applications/{application_id}",
    response_model=ApplicationPublic,
    operation_id="reviews-correct_application",
)
def correct_application(
    application_id: ObjectId,
    data: ApplicationUpdate,
    access: Applying,
    session: SessionDep,
    on: Today,
) -> ApplicationPublic:
    row = applications.correct(
        session, scope=access.scope, application_id=application_id, data=data, today=on
    )
    return applications.to_public(row)


@router.post(
    "/applications/{application_id}/withdraw",
    response_model=ApplicationPublic,
    operation_id="reviews-withdraw_application",
)
def withdraw_application(
    application_id: ObjectId, access: Applying, session: SessionDep
) -> ApplicationPublic:
    row = applications.withdraw(session, scope=access.scope, application_id=application_id)
    return applications.to_public(row)


# --- scores, votes, decisions ----------------------------------------------------------------


@router.get(
    "/applications/{application_id}/scores",
    response_model=ScoresPublic,
    operation_id="reviews-list_scores",
)
def list_scores(
    application_id: ObjectId, access: PanelReaders, session: SessionDep
) -> ScoresPublic:
    return scoring.view(session, scope=access.scope, application_id=application_id)


@router.put(
    "/applications/{application_id}/scores/mine",
    response_model=ScoresPublic,
    operation_id="reviews-save_scores",
)
def save_scores(
    application_id: ObjectId, data: ScoreSheetIn, access: Expert, session: SessionDep
) -> ScoresPublic:
    return scoring.save(session, scope=access.scope, application_id=application_id, data=data)


@router.post(
    "/applications/{application_id}/scores/mine/submit",
    response_model=ScoresPublic,
    operation_id="reviews-submit_scores",
)
def submit_scores(application_id: ObjectId, access: Expert, session: SessionDep) -> ScoresPublic:
    return scoring.submit(session, scope=access.scope, application_id=application_id)


@router.post(
    "/applications/{application_id}/vote",
    response_model=VoteReceipt,
    status_code=201,
    operation_id="reviews-cast_vote",
)
def cast_vote(
    application_id: ObjectId, data: VoteIn, access: Expert, session: SessionDep
) -> VoteReceipt:
    vote = voting.cast(session, scope=access.scope, application_id=application_id, data=data)
    return VoteReceipt(application_id=vote.application_id, cast_at=vote.cast_at)


@router.get(
    "/applications/{application_id}/decision",
    response_model=DecisionPublic,
    operation_id="reviews-get_decision",
)
def get_decision(application_id: ObjectId, access: Anyone, session: SessionDep) -> DecisionPublic:
    return voting.view(session, scope=access.scope, application_id=application_id)


# --- public notice and objections ------------------------------------------------------------


@router.get(
    "/review-sessions/{session_id}/notice",
    response_model=PublicNoticePublic,
    operation_id="reviews-get_notice",
)
def get_notice(
    session_id: ObjectId, access: Anyone, session: SessionDep, on: Today
) -> PublicNoticePublic:
    return notice.view(session, scope=access.scope, session_id=session_id, today=on)


@router.post(
    "/review-sessions/{session_id}/objections",
    response_model=ObjectionPublic,
    status_code=201,
    operation_id="reviews-raise_objection",
)
def raise_objection(
    session_id: ObjectId, data: ObjectionCreate, access: Anyone, session: SessionDep, on: Today
) -> ObjectionPublic:
    row = notice.raise_objection(
        session, scope=access.scope, session_id=session_id, data=data, today=on
    )
    return _objection(row)


@router.get(
    "/review-sessions/{session_id}/objections",
    response_model=ObjectionsPublic,
    operation_id="reviews-list_objections",
)
def list_objections(session_id: ObjectId, access: Anyone, session: SessionDep) -> ObjectionsPublic:
    rows = notice.list_objections(session, scope=access.scope, session_id=session_id)
    return ObjectionsPublic(data=[_objection(r) for r in rows], count=len(rows))


@router.post(
    "/objections/{objection_id}/resolution",
    response_model=ObjectionPublic,
    operation_id="reviews-resolve_objection",
)
def resolve_objection(
    objection_id: ObjectId, data: ObjectionResolution, access: Admin, session: SessionDep
) -> ObjectionPublic:
    return _objection(
        notice.resolve(session, scope=access.scope, objection_id=objection_id, data=data)
    )


# --- random panel draw (随机抽取) --------------------------------------------------------------


@router.post("/review-sessions/{session_id}/panel/draw/commitment", response_model=PanelDrawPublic)
def commit_draw(session_id: ObjectId, access: Admin, session: SessionDep) -> PanelDrawPublic:
    row = draw.commit(session, scope=access.scope, session_id=session_id)
    return draw.to_public(row)


@router.post("/review-sessions/{session_id}/panel/draw", response_model=PanelDrawPublic)
def draw_panel(
    session_id: ObjectId, data: PanelDrawCreate, access: Admin, session: SessionDep, on: Today
) -> PanelDrawPublic:
    row = draw.draw(session, scope=access.scope, session_id=session_id, data=data, today=on)
    return draw.to_public(row)


@router.get("/review-sessions/{session_id}/panel/draw", response_model=PanelDrawPublic)
def get_draw(session_id: ObjectId, access: Managers, session: SessionDep) -> PanelDrawPublic:
    return draw.view(session, scope=access.scope, session_id=session_id)


@router.get(
    "/review-sessions/{session_id}/panel/draw/verification", response_model=DrawVerification
)
def verify_draw(
    session_id: ObjectId, access: RegulatorAccess, session: SessionDep
) -> DrawVerification:
    return draw.verify(session, scope=access.scope, session_id=session_id)


@router.post(
    "/review-sessions/{session_id}/panel/response", response_model=PanelMemberPublic | None
)
def answer_draw(
    session_id: ObjectId, data: PanelResponse, access: Expert, session: SessionDep
) -> PanelMemberPublic | None:
    seat = draw.respond(session, scope=access.scope, session_id=session_id, data=data)
    if seat is None:
        return None
    return panels.member_public(session, seat)
