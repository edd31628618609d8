from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import col, func, select

from review_service.dependencies import KeyFilter, Offset, SessionDep
from review_service.dependencies import ManagerAccess as Readers
from review_service.dependencies import RegulatorAccess as Regulator
from review_service.events.models import Event
from review_service.events.schemas import ChainReportPublic, EventPublic, EventsPublic
from review_service.events.service import verify_chain

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
    # Enterprise admins read their own enterprise's part of the log, never the city's.
    stmt = select(Event).where(access.scope.where(Event.enterprise_id))
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
    rows = session.exec(stmt.order_by(col(Event.seq).desc()).offset(offset).limit(limit)).all()
    return EventsPublic(
        data=[EventPublic.model_validate(r.model_dump()) for r in rows], count=count
    )


@router.get("/events/verify", response_model=ChainReportPublic, operation_id="events-verify")
def verify_events(access: Regulator, session: SessionDep) -> ChainReportPublic:
    report = verify_chain(session)
    return ChainReportPublic(intact=report.intact, **report.__dict__)
