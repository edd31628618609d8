"""Request-scoped dependencies: the database session (one transaction per request), the
current principal, and the access declaration every route carries.

Each route declares exactly one of ``Depends(public)`` or an ``Access`` built by
``RequireRole(...)``; the role × tenant matrix test walks the routes and checks this."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session

from review_service.accounts.models import User
from review_service.auth import tokens
from review_service.auth.principal import Principal, Role
from review_service.config import Settings
from review_service.errors import DomainError, Forbidden, Unauthenticated
from review_service.events.service import seal, track_writes
from review_service.tenancy import TenantScope, resolve_scope

track_writes(Session)

_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/login", auto_error=False)


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: services flush, this commits once (or rolls back)."""
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        try:
            yield session
        except DomainError as exc:
            if exc.keeps_writes:
                seal(session)
                session.commit()
            else:
                session.rollback()
            raise
        except BaseException:
            session.rollback()
            raise
        else:
            seal(session)
            session.commit()


# scope="function": commit before the response is sent, so a failed commit is the answer.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def get_principal(
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(_bearer)],
) -> Principal:
    if not token:
        raise Unauthenticated("未登录，请先登录", "not authenticated: log in first")
    try:
        claims = tokens.decode_access_token(token, secret=settings.signing_key)
    except tokens.TokenInvalid as exc:
        raise Unauthenticated(
            "登录凭证无效或已过期，请重新登录", "the access token is invalid or expired"
        ) from exc
    user = session.get(User, claims.user_id)
    # The version, not the issue time: a token issued in the same second as a password
    # change (or before a logout) must not outlive it.
    if user is None or not user.is_active or claims.version != user.token_version:
        raise Unauthenticated(
            "登录凭证已失效，请重新登录", "the access token is no longer valid; log in again"
        )
    return Principal(user.id or 0, user.username, Role(user.role), user.enterprise_id)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


@dataclass(frozen=True)
class Access:
    """The authorised principal of a request and the enterprises it may see."""

    principal: Principal
    scope: TenantScope


class RequireRole:
    """Access declaration: the route is open to these roles; tenancy is resolved once here."""

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)

    def __call__(self, session: SessionDep, principal: CurrentPrincipal) -> Access:
        if principal.role not in self.roles:
            allowed = "、".join(sorted(r.value for r in self.roles))
            raise Forbidden(
                f"当前角色无权执行此操作（需要：{allowed}）",
                f"your role may not do this (allowed: {', '.join(sorted(self.roles))})",
            )
        return Access(principal, resolve_scope(session, principal))


def public() -> None:
    """Access declaration of a route that needs no login (policy, not personal data)."""


def authenticated() -> RequireRole:
    return RequireRole(*Role)


# The common access declarations, named once for every router.
RegulatorAccess = Annotated[Access, Depends(RequireRole(Role.regulator))]
EnterpriseAdminAccess = Annotated[Access, Depends(RequireRole(Role.enterprise_admin))]
ManagerAccess = Annotated[Access, Depends(RequireRole(Role.regulator, Role.enterprise_admin))]
AnyRoleAccess = Annotated[Access, Depends(RequireRole(*Role))]

# Database keys are 64-bit: a larger number in a path or query is the client's error (422),
# not a crash in the database driver.
MAX_KEY = 2**63 - 1
ObjectId = Annotated[int, Path(ge=1, le=MAX_KEY)]
KeyFilter = Annotated[int | None, Query(ge=1, le=MAX_KEY)]
Offset = Annotated[int, Query(ge=0, le=MAX_KEY)]
