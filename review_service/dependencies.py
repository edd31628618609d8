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

from review_service.accounts.models import User
from review_service.auth import tokens
from review_service.auth.principal import Principal, Role
from review_service.config import Settings
from review_service.errors import Conflict, DomainError, Forbidden, Unauthenticated
from review_service.events.service import seal, track_writes
from review_service.tenancy import TenantScope, resolve_scope

track_writes(Session)

_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/login", auto_error=False)


async def get_settings_dep(request: Request) -> Settings:
    # async: reading app state needs no worker thread of its own.
    return request.app.state.settings


class LockTimeout(Conflict):
    """Another request holds the row (or the log) longer than ``lock_timeout``: refused
    quickly instead of stalling every worker (see db.py)."""

    code = "lock_timeout"


class StatementTimeout(DomainError):
    status_code = 503
    code = "statement_timeout"


# SQLSTATEs of a wait the database gave up: lock_timeout, deadlock, serialization failure.
_LOCK_STATES = frozenset({"55P03", "40P01", "40001"})


def _as_domain_error(exc: DBAPIError) -> DomainError | None:
    state = getattr(exc.orig, "sqlstate", None)
    if state in _LOCK_STATES or "database is locked" in str(exc.orig):
        return LockTimeout(
            "该记录正被另一请求修改，请稍后重试",
            "another request is changing this record; retry in a moment",
        )
    if state == "57014":
        return StatementTimeout(
            "数据库处理超时，请稍后重试", "the database took too long to answer; retry later"
        )
    return None


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
        mapped = _as_domain_error(exc)
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
            mapped = _as_domain_error(exc)
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
            mapped = _as_domain_error(exc)
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


# scope="function": the transaction ends before the response is sent, so a failed commit is
# the answer.
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
    principal = Principal(user.id or 0, user.username, Role(user.role), user.enterprise_id)
    release(session)
    return principal


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
        access = Access(principal, resolve_scope(session, principal))
        release(session)
        return access


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
