from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from review_service.accounts import service
from review_service.accounts.schemas import (
    ExpertStatusChange,
    UserCreate,
    UserPublic,
    UsersPublic,
    UserUpdate,
)
from review_service.auth.principal import Role
from review_service.dependencies import KeyFilter, ObjectId, Offset, SessionDep, SettingsDep
from review_service.dependencies import ManagerAccess as Managers

router = APIRouter(tags=["users"])


@router.post("/users", response_model=UserPublic, status_code=201, operation_id="users-create")
def create_user(
    data: UserCreate, access: Managers, session: SessionDep, settings: SettingsDep
) -> UserPublic:
    user = service.create_user(session, scope=access.scope, data=data, settings=settings)
    return service.to_public(session, user)


@router.get("/users", response_model=UsersPublic, operation_id="users-list")
def list_users(
    access: Managers,
    session: SessionDep,
    role: Role | None = None,
    enterprise_id: KeyFilter = None,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> UsersPublic:
    rows, count = service.list_users(
        session,
        scope=access.scope,
        role=role,
        enterprise_id=enterprise_id,
        offset=offset,
        limit=limit,
    )
    return UsersPublic(data=service.many_to_public(session, rows), count=count)


@router.get("/users/{user_id}", response_model=UserPublic, operation_id="users-get")
def get_user(user_id: ObjectId, access: Managers, session: SessionDep) -> UserPublic:
    return service.to_public(
        session, service.get_user(session, scope=access.scope, user_id=user_id)
    )


@router.patch("/users/{user_id}", response_model=UserPublic, operation_id="users-update")
def update_user(
    user_id: ObjectId, data: UserUpdate, access: Managers, session: SessionDep
) -> UserPublic:
    user = service.update_user(session, scope=access.scope, user_id=user_id, data=data)
    return service.to_public(session, user)


@router.get("/experts/pool", response_model=UsersPublic, operation_id="users-expert_pool")
def expert_pool(
    access: Managers,
    session: SessionDep,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> UsersPublic:
    rows, count = service.expert_pool(session, offset=offset, limit=limit)
    return UsersPublic(data=service.many_to_public(session, rows), count=count)


@router.post("/users/{user_id}/expert-status", response_model=UserPublic)
def change_expert_status(
    user_id: ObjectId, data: ExpertStatusChange, access: Managers, session: SessionDep
) -> UserPublic:
    user = service.change_expert_status(session, scope=access.scope, user_id=user_id, data=data)
    return service.to_public(session, user)
