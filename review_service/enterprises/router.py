from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from review_service.dependencies import AnyRoleAccess as Anyone
from review_service.dependencies import ManagerAccess as Managers
from review_service.dependencies import ObjectId, Offset, SessionDep
from review_service.dependencies import RegulatorAccess as Regulator
from review_service.enterprises import service
from review_service.enterprises.schemas import (
    AuthorizationChange,
    AuthorizationCreate,
    AuthorizationPublic,
    AuthorizationsPublic,
    AuthorizationStatus,
    EnterpriseCreate,
    EnterprisePublic,
    EnterprisesPublic,
    EnterpriseUpdate,
)

router = APIRouter(tags=["enterprises"])


@router.post(
    "/enterprises",
    response_model=EnterprisePublic,
    status_code=201,
    operation_id="enterprises-create",
)
def create_enterprise(
    data: EnterpriseCreate, access: Regulator, session: SessionDep
) -> EnterprisePublic:
    enterprise = service.create_enterprise(session, actor=access.principal, data=data)
    return EnterprisePublic.model_validate(enterprise.model_dump())


@router.get("/enterprises", response_model=EnterprisesPublic, operation_id="enterprises-list")
def list_enterprises(
    access: Anyone,
    session: SessionDep,
    cluster: str | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> EnterprisesPublic:
    rows, count = service.list_enterprises(
        session, scope=access.scope, cluster=cluster, q=q, offset=offset, limit=limit
    )
    return EnterprisesPublic(
        data=[EnterprisePublic.model_validate(e.model_dump()) for e in rows], count=count
    )


@router.get(
    "/enterprises/{enterprise_id}", response_model=EnterprisePublic, operation_id="enterprises-get"
)
def get_enterprise(
    enterprise_id: ObjectId, access: Anyone, session: SessionDep
) -> EnterprisePublic:
    enterprise = service.get_enterprise(session, scope=access.scope, enterprise_id=enterprise_id)
    return EnterprisePublic.model_validate(enterprise.model_dump())


@router.patch(
    "/enterprises/{enterprise_id}",
    response_model=EnterprisePublic,
    operation_id="enterprises-update",
)
def update_enterprise(
    enterprise_id: ObjectId, data: EnterpriseUpdate, access: Regulator, session: SessionDep
) -> EnterprisePublic:
    enterprise = service.update_enterprise(
        session, scope=access.scope, enterprise_id=enterprise_id, data=data
    )
    return EnterprisePublic.model_validate(enterprise.model_dump())


@router.post(
    "/enterprises/{enterprise_id}/authorizations",
    response_model=AuthorizationPublic,
    status_code=201,
    operation_id="enterprises-grant_authorization",
)
def grant_authorization(
    enterprise_id: ObjectId, data: AuthorizationCreate, access: Regulator, session: SessionDep
) -> AuthorizationPublic:
    row = service.grant_authorization(
        session, scope=access.scope, enterprise_id=enterprise_id, data=data
    )
    return AuthorizationPublic.model_validate(row.model_dump())


@router.get(
    "/enterprises/{enterprise_id}/authorizations",
    response_model=AuthorizationsPublic,
    operation_id="enterprises-list_authorizations",
)
def list_authorizations(
    enterprise_id: ObjectId, access: Managers, session: SessionDep
) -> AuthorizationsPublic:
    rows = service.list_authorizations(session, scope=access.scope, enterprise_id=enterprise_id)
    return AuthorizationsPublic(
        data=[AuthorizationPublic.model_validate(a.model_dump()) for a in rows], count=len(rows)
    )


def _change(target: AuthorizationStatus, name: str):
    def change(
        authorization_id: ObjectId,
        data: AuthorizationChange,
        access: Regulator,
        session: SessionDep,
    ) -> AuthorizationPublic:
        row = service.change_authorization(
            session, scope=access.scope, authorization_id=authorization_id, target=target, data=data
        )
        return AuthorizationPublic.model_validate(row.model_dump())

    router.add_api_route(
        f"/authorizations/{{authorization_id}}/{name}",
        change,
        methods=["POST"],
        response_model=AuthorizationPublic,
        operation_id=f"enterprises-{name}_authorization",
        name=f"{name}_authorization",
    )


_change(AuthorizationStatus.suspended, "suspend")
_change(AuthorizationStatus.active, "reinstate")
_change(AuthorizationStatus.revoked, "revoke")
