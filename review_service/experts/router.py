from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from review_service.accounts import service as accounts
from review_service.accounts.schemas import ExpertProfileChange, ExpertStatus
from review_service.auth.principal import Role
from review_service.dependencies import (
    Access,
    AnyRoleAccess,
    KeyFilter,
    ManagerAccess,
    ObjectId,
    Offset,
    RequireRole,
    SessionDep,
    SettingsDep,
)
from review_service.experts import imports, relations, service
from review_service.experts.schemas import (
    ExpertEntry,
    ExpertHistory,
    ExpertImportReceipt,
    ExpertsPublic,
    PoolKind,
    RelationCreate,
    RelationPublic,
    RelationRetract,
    RelationsPublic,
)
from review_service.reviews.router import Today
from review_service.spreadsheets.router import IMPORT_BODY, XLSX, import_body, xlsx_response

router = APIRouter(tags=["experts"])

# Relations are recorded by HR, the regulator, or the expert themselves; never by applicants
# (HR records what an applicant declares on applying).
RelationKeepers = Annotated[
    Access, Depends(RequireRole(Role.regulator, Role.enterprise_admin, Role.expert))
]


@router.get("/experts", response_model=ExpertsPublic)
def pool(
    access: ManagerAccess,
    session: SessionDep,
    on: Today,
    kind: PoolKind | None = None,
    enterprise_id: KeyFilter = None,
    cluster: Annotated[str | None, Query(max_length=64)] = None,
    series: Annotated[str | None, Query(max_length=64)] = None,
    specialty: Annotated[str | None, Query(max_length=100)] = None,
    status: ExpertStatus | None = None,
    term_ends_by: date | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> ExpertsPublic:
    rows, count = service.pool(
        session,
        scope=access.scope,
        today=on,
        kind=kind,
        enterprise_id=enterprise_id,
        cluster=cluster,
        series=series,
        specialty=specialty,
        status=status.value if status else None,
        term_ends_by=term_ends_by,
        q=q,
        offset=offset,
        limit=limit,
    )
    return ExpertsPublic(data=rows, count=count)


@router.get("/experts/{user_id}", response_model=ExpertEntry)
def get_expert(
    user_id: ObjectId, access: ManagerAccess, session: SessionDep, on: Today
) -> ExpertEntry:
    return service.entry(session, scope=access.scope, user_id=user_id, today=on)


@router.patch("/experts/{user_id}", response_model=ExpertEntry)
def change_profile(
    user_id: ObjectId,
    data: ExpertProfileChange,
    access: ManagerAccess,
    session: SessionDep,
    on: Today,
) -> ExpertEntry:
    accounts.change_expert_profile(session, scope=access.scope, user_id=user_id, data=data)
    return service.entry(session, scope=access.scope, user_id=user_id, today=on)


@router.get("/experts/{user_id}/history", response_model=ExpertHistory)
def history(
    user_id: ObjectId,
    access: AnyRoleAccess,
    session: SessionDep,
    settings: SettingsDep,
    on: Today,
) -> ExpertHistory:
    return service.history(
        session, scope=access.scope, user_id=user_id, settings=settings, today=on
    )


@router.post("/relations", response_model=RelationPublic, status_code=201)
def record_relation(
    data: RelationCreate, access: RelationKeepers, session: SessionDep, settings: SettingsDep
) -> RelationPublic:
    row = relations.create(session, scope=access.scope, data=data, settings=settings)
    return relations.to_public(session, [row])[0]


@router.get("/relations", response_model=RelationsPublic)
def list_relations(
    access: RelationKeepers,
    session: SessionDep,
    expert_user_id: KeyFilter = None,
    include_retracted: bool = False,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> RelationsPublic:
    rows, count = relations.list_relations(
        session,
        scope=access.scope,
        expert_user_id=expert_user_id,
        include_retracted=include_retracted,
        offset=offset,
        limit=limit,
    )
    return RelationsPublic(data=relations.to_public(session, rows), count=count)


@router.post("/relations/{relation_id}/retract", response_model=RelationPublic)
def retract_relation(
    relation_id: ObjectId, data: RelationRetract, access: RelationKeepers, session: SessionDep
) -> RelationPublic:
    row = relations.retract(
        session, scope=access.scope, relation_id=relation_id, reason=data.reason
    )
    return relations.to_public(session, [row])[0]


@router.get(
    "/experts/import/template.xlsx",
    response_class=Response,
    responses=XLSX,
    operation_id="experts-import_template",
)
def import_template(access: ManagerAccess) -> Response:
    """HR's template lists its internal experts; the regulator's, the city pool's."""
    if access.scope.everything:
        return xlsx_response(imports.pool_template(), "专家库专家-导入模板.xlsx")
    return xlsx_response(imports.internal_template(), "企业内部专家-导入模板.xlsx")


@router.post(
    "/experts/import",
    response_model=ExpertImportReceipt,
    openapi_extra=IMPORT_BODY,
    operation_id="experts-import",
)
def import_experts(
    access: ManagerAccess,
    body: Annotated[bytes, Depends(import_body)],
    session: SessionDep,
    settings: SettingsDep,
    file_name: Annotated[str | None, Query(max_length=255)] = None,
) -> ExpertImportReceipt:
    """Create experts from a sheet, all or nothing: HR's are its own enterprise's internal
    experts, the regulator's join the city pool. Passwords are set afterwards."""
    users = imports.import_experts(
        session, scope=access.scope, content=body, file_name=file_name, settings=settings
    )
    return ExpertImportReceipt(
        rows=len(users), created=len(users), user_ids=[u.id or 0 for u in users]
    )
