from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from fastapi.security import OAuth2PasswordRequestForm

from review_service.accounts import service as accounts
from review_service.accounts.schemas import UserPublic
from review_service.auth import service
from review_service.auth.schemas import PasswordChange, RefreshRequest, TokenPair
from review_service.db import utcnow
from review_service.dependencies import AnyRoleAccess as Anyone
from review_service.dependencies import SessionDep, SettingsDep, public

router = APIRouter(tags=["auth"])


@router.post(
    "/auth/login",
    response_model=TokenPair,
    dependencies=[Depends(public)],
    operation_id="auth-login",
)
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
) -> TokenPair:
    return service.login(
        session, settings=settings, username=form.username, password=form.password, now=utcnow()
    )


@router.post(
    "/auth/refresh",
    response_model=TokenPair,
    dependencies=[Depends(public)],
    operation_id="auth-refresh",
)
def refresh(data: RefreshRequest, session: SessionDep, settings: SettingsDep) -> TokenPair:
    return service.refresh(session, settings=settings, token=data.refresh_token, now=utcnow())


@router.post("/auth/logout", status_code=204, operation_id="auth-logout")
def logout(data: RefreshRequest, access: Anyone, session: SessionDep) -> Response:
    service.logout(session, principal=access.principal, token=data.refresh_token, now=utcnow())
    return Response(status_code=204)


@router.get("/me", response_model=UserPublic, operation_id="auth-me")
def me(access: Anyone, session: SessionDep) -> UserPublic:
    user = accounts.get_user(session, scope=access.scope, user_id=access.principal.user_id)
    return accounts.to_public(session, user)


@router.post("/me/password", status_code=204, operation_id="auth-change_password")
def change_password(data: PasswordChange, access: Anyone, session: SessionDep) -> Response:
    service.change_password(
        session,
        principal=access.principal,
        current=data.current_password,
        new=data.new_password,
        now=utcnow(),
    )
    return Response(status_code=204)
