from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import col, func, select

from review_service.dependencies import KeyFilter, Offset, SessionDep
from review_service.dependencies import ManagerAccess as Readers
from review_service.dependencies import RegulatorAccess as Regulator
from review_service.errors import FieldProblem, Invalid
from review_service.events.models import Event
from review_service.events.schemas import (
    ChainReportPublic,
    CheckpointPublic,
    EventPublic,
    EventsPublic,
)
from review_service.events.service import (
    ChainReport,
    CheckpointInvalid,
    checkpoint,
    keys_for,
    verify_chain,
)

router = APIRouter(tags=["events"])


@router.get("/events", response_model=EventsPublic, operation_id="events-list")
def list_events(
    access: Readers,
    session: SessionDep,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    actor_id: KeyFilter = None,
    enterprise_id: KeyFilter = None,
    since: datetime | None = None,
    until: datetime | None = None,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> EventsPublic:
    # The visibility policy decides: an enterprise admin reads their own enterprise's part of
    # the log, never the city's or the regulator's supervision, and nobody reads a score
    # sheet's events before they could read the sheet.
    stmt = select(Event).where(access.scope.events_where())
    for column, value in (
        (Event.action, action),
        (Event.object_type, object_type),
        (Event.object_id, object_id),
        (Event.actor_id, actor_id),
        (Event.enterprise_id, enterprise_id),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if since is not None:
        stmt = stmt.where(col(Event.occurred_at) >= since)
    if until is not None:
        stmt = stmt.where(col(Event.occurred_at) < until)
    count = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(stmt.order_by(col(Event.id).desc()).offset(offset).limit(limit)).all()
    return EventsPublic(
        data=[EventPublic.model_validate(r.model_dump()) for r in rows], count=count
    )


def _report(report: ChainReport) -> ChainReportPublic:
    return ChainReportPublic(intact=report.intact, **report.__dict__)


@router.get("/events/verify", response_model=ChainReportPublic, operation_id="events-verify")
def verify_events(access: Regulator, session: SessionDep) -> ChainReportPublic:
    return _report(verify_chain(session))


@router.get("/events/checkpoint", response_model=CheckpointPublic, operation_id="events-checkpoint")
def get_checkpoint(access: Regulator, session: SessionDep) -> CheckpointPublic:
    """A signed checkpoint of the log (every chain's size and head) for the regulator to keep
    outside this service."""
    return CheckpointPublic.model_validate(checkpoint(session))


@router.post(
    "/events/verify",
    response_model=ChainReportPublic,
    operation_id="events-verify_against_checkpoint",
)
def verify_against_checkpoint(
    data: CheckpointPublic, access: Regulator, session: SessionDep
) -> ChainReportPublic:
    """Verify the log and that it still holds everything a checkpoint kept earlier saw."""
    try:
        report = verify_chain(session, keys=keys_for(session), checkpoint=data.model_dump())
    except CheckpointInvalid as exc:
        raise Invalid(
            "检查点签名无效，不是本系统签发的检查点",
            f"the checkpoint is not valid: {exc}",
            details=[FieldProblem("signature", "签名无法验证", "the signature does not verify")],
            code="checkpoint_invalid",
        ) from exc
    return _report(report)
