"""Request-scoped dependencies: the database session (one transaction per request), the
current principal, and the access declaration every route carries.

Each route declares exactly one of ``Depends(public)`` or an ``Access`` built by
``RequireRole(...)``; the role × tenant matrix test walks the routes and checks this."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.routing import APIRoute
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from review_service.auth import tokens
from review_service.auth.principal import Principal, Role
from review_service.config import Settings
from review_service.errors import (
    DomainError,
    Forbidden,
    Unauthenticated,
    from_database_error,
)
from review_service.events.service import seal, track_writes
from review_service.tenancy import TenantScope, load_account, scope_from_seats

track_writes(Session)

_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/login", auto_error=False)


async def get_settings_dep(request: Request) -> Settings:
    # async: reading app state needs no worker thread of its own.
    return request.app.state.settings


def finish(session: Session, error: BaseException | None = None) -> None:
    """End the request's transaction: seal the events and commit, or roll back. Kept writes
    (a failed login's counter) commit although the request is refused. Runs once."""
    if session.info.get("finished"):
        return
    session.info["finished"] = True
    keep = error is None or (isinstance(error, DomainError) and error.keeps_writes)
    if not keep:
        session.rollback()
        return
    try:
        seal(session)
        session.commit()
    except DBAPIError as exc:
        session.rollback()
        mapped = from_database_error(exc)
        if mapped is None:
            raise
        raise mapped from exc
    except BaseException:
        session.rollback()
        raise


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: services flush; the endpoint's own thread commits (see
    ``commit_in_endpoints``). This cleanup only closes the session, or ends the transaction
    of a route whose endpoint never took it."""
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        try:
            yield session
        except DBAPIError as exc:
            finish(session, exc)
            mapped = from_database_error(exc)
            if mapped is None:
                raise
            raise mapped from exc
        except BaseException as exc:
            finish(session, exc)
            raise
        else:
            finish(session)


def commit_in_endpoints(routers: Iterable[APIRouter]) -> None:
    """Make every synchronous endpoint end its transaction in its own worker thread, right
    after it returns. A dependency's cleanup runs only after the response is serialised,
    and serialising a synchronous endpoint's answer needs a free worker thread: with every
    thread waiting for a row this transaction held, nobody committed until the lock timed
    out (issue 9, item 9). Call before the routers are included."""
    for router in routers:
        for route in router.routes:
            if not isinstance(route, APIRoute) or inspect.iscoroutinefunction(route.endpoint):
                continue
            if not getattr(route.endpoint, "_commits", False):
                route.endpoint = _committing(route.endpoint)


def _committing(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(endpoint)
    def run(*args: Any, **values: Any) -> Any:
        session = next((v for v in values.values() if isinstance(v, Session)), None)
        if session is None:
            return endpoint(*args, **values)
        try:
            result = endpoint(*args, **values)
        except DBAPIError as exc:
            finish(session, exc)
            mapped = from_database_error(exc)
            if mapped is None:
                raise
            raise mapped from exc
        except BaseException as exc:
            finish(session, exc)
            raise
        finish(session)
        return result

    run._commits = True  # type: ignore[attr-defined]
    return run


def release(session: Session) -> None:
    """End a read-only transaction (authentication, tenancy) so that the request holds no
    pooled connection while it waits for a worker thread to run its endpoint. Holding one
    across that wait let 50 requests stall the service: every thread waited for a
    connection held by a request that waited for a thread."""
    if session.in_transaction() and not session.new and not session.dirty:
        session.commit()


def _outside_a_transaction(session: Session) -> Session:
    """Authentication is one read, released before the endpoint runs: on PostgreSQL it runs
    outside a transaction, sparing every request a BEGIN and a COMMIT round trip (the
    connection's isolation is restored when it goes back to the pool)."""
    if not session.in_transaction() and session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    return session


# scope="function": the transaction ends before the response is sent, so a failed commit is
# the answer.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def authenticate(
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(_bearer)],
) -> TenantScope:
    """The request's principal and what it may see, read in one statement (cached for the
    request by FastAPI, so every dependency asking for it shares the one read)."""
    if not token:
        raise Unauthenticated("未登录，请先登录", "not authenticated: log in first")
    try:
        claims = tokens.decode_access_token(token, secret=settings.signing_key)
    except tokens.TokenInvalid as exc:
        raise Unauthenticated(
            "登录凭证无效或已过期，请重新登录", "the access token is invalid or expired"
        ) from exc
    found = load_account(_outside_a_transaction(session), claims.user_id)
    # The version, not the issue time: a token issued in the same second as a password
    # change (or before a logout) must not outlive it.
    if found is None or not found[0].is_active or claims.version != found[0].token_version:
        raise Unauthenticated(
            "登录凭证已失效，请重新登录", "the access token is no longer valid; log in again"
        )
    account, seats = found
    principal = Principal(
        account.user_id, account.username, Role(account.role), account.enterprise_id
    )
    scope = scope_from_seats(principal, seats)
    release(session)
    return scope


Authenticated = Annotated[TenantScope, Depends(authenticate)]


async def get_principal(scope: Authenticated) -> Principal:
    # async: no database work left, so no worker thread of its own.
    return scope.principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


@dataclass(frozen=True)
class Access:
    """The authorised principal of a request and the enterprises it may see."""

    principal: Principal
    scope: TenantScope


class RequireRole:
    """Access declaration: the route is open to these roles; tenancy is resolved once, with
    authentication."""

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)

    async def __call__(self, scope: Authenticated) -> Access:
        principal = scope.principal
        if principal.role not in self.roles:
            allowed = "、".join(sorted(r.value for r in self.roles))
            raise Forbidden(
                f"当前角色无权执行此操作（需要：{allowed}）",
                f"your role may not do this (allowed: {', '.join(sorted(self.roles))})",
            )
        return Access(principal, scope)


async def public() -> None:
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
