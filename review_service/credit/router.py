from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from review_service.credit import service
from review_service.credit.schemas import (
    CasePeople,
    CreditRecordCreate,
    CreditRecordLift,
    CreditRecordPublic,
    CreditRecordsPublic,
    CreditSubject,
)
from review_service.dependencies import (
    AnyRoleAccess,
    ObjectId,
    Offset,
    RegulatorAccess,
    SessionDep,
    SettingsDep,
)
from review_service.reviews.router import Today

router = APIRouter(tags=["credit"])


@router.post("/credit-records", response_model=CreditRecordPublic, status_code=201)
def record_finding(
    data: CreditRecordCreate,
    access: RegulatorAccess,
    session: SessionDep,
    settings: SettingsDep,
    on: Today,
) -> CreditRecordPublic:
    row = service.record_finding(
        session, actor=access.principal, data=data, settings=settings, today=on
    )
    return service.to_public(row, on)


@router.get("/credit-records", response_model=CreditRecordsPublic)
def list_records(
    access: RegulatorAccess,
    session: SessionDep,
    on: Today,
    subject: CreditSubject | None = None,
    active: bool = False,
    q: Annotated[str | None, Query(max_length=100)] = None,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> CreditRecordsPublic:
    rows, count = service.list_records(
        session,
        subject=subject,
        active_on=on if active else None,
        q=q,
        offset=offset,
        limit=limit,
    )
    return CreditRecordsPublic(data=[service.to_public(r, on) for r in rows], count=count)


@router.post("/credit-records/{record_id}/lift", response_model=CreditRecordPublic)
def lift(
    record_id: ObjectId,
    data: CreditRecordLift,
    access: RegulatorAccess,
    session: SessionDep,
    on: Today,
) -> CreditRecordPublic:
    row = service.lift(session, actor=access.principal, record_id=record_id, reason=data.reason)
    return service.to_public(row, on)


@router.get("/me/credit-records", response_model=CreditRecordsPublic)
def own_records(access: AnyRoleAccess, session: SessionDep, on: Today) -> CreditRecordsPublic:
    rows = service.own_records(session, principal=access.principal)
    return CreditRecordsPublic(data=[service.to_public(r, on) for r in rows], count=len(rows))


@router.get("/cases/{case_id}/people", response_model=CasePeople)
def case_people(
    case_id: ObjectId,
    access: RegulatorAccess,
    session: SessionDep,
    settings: SettingsDep,
    on: Today,
) -> CasePeople:
    return service.case_people(session, case_id=case_id, settings=settings, today=on)
