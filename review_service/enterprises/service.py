"""Enterprises (review bodies) and their review authorisations."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, func, select

from review_service.auth.principal import Principal
from review_service.db import LIKE_ESCAPE, contains_pattern, utcnow
from review_service.enterprises.models import Authorization, Enterprise
from review_service.enterprises.schemas import (
    AuthorizationChange,
    AuthorizationCreate,
    AuthorizationStatus,
    EnterpriseCreate,
    EnterpriseUpdate,
)
from review_service.errors import Conflict, FieldProblem, Invalid, NotFound
from review_service.events.service import record, snapshot
from review_service.tenancy import TenantScope
from review_service.transitions import check_transition
from standards import identifiers
from standards.levels import is_level, level_rank

ENTERPRISE = ("企业", "enterprise")
AUTHORIZATION = ("评审权限", "authorisation")

_AUTHORIZATION_MOVES: dict[str, frozenset[str]] = {
    AuthorizationStatus.active: frozenset(
        {AuthorizationStatus.suspended, AuthorizationStatus.revoked}
    ),
    AuthorizationStatus.suspended: frozenset(
        {AuthorizationStatus.active, AuthorizationStatus.revoked}
    ),
    AuthorizationStatus.revoked: frozenset(),
}
_ACTIONS = {
    AuthorizationStatus.suspended: "authorization.suspend",
    AuthorizationStatus.active: "authorization.reinstate",
    AuthorizationStatus.revoked: "authorization.revoke",
}


def credit_code_field_problem(code: str, field: str = "credit_code") -> FieldProblem | None:
    bad = identifiers.credit_code_problem(code)
    return FieldProblem(field, bad.message, f"{bad.message_en} [{bad.code}]") if bad else None


def create_enterprise(session: Session, *, actor: Principal, data: EnterpriseCreate) -> Enterprise:
    problem = credit_code_field_problem(data.credit_code)
    if problem:
        raise Invalid(
            "统一社会信用代码无效：" + problem.problem,
            "invalid unified social credit code: " + (problem.problem_en or ""),
            details=[problem],
            code="invalid_credit_code",
        )
    if session.exec(
        select(Enterprise.id).where(Enterprise.credit_code == data.credit_code)
    ).first():
        raise Conflict(
            f"统一社会信用代码{data.credit_code}已登记",
            f"credit code {data.credit_code} is already registered",
            details=[FieldProblem("credit_code", "已存在", "already registered")],
        )
    enterprise = Enterprise(**data.model_dump())
    session.add(enterprise)
    session.flush()
    record(
        session,
        actor=actor,
        action="enterprise.create",
        subject=enterprise,
        enterprise_id=enterprise.id,
    )
    return enterprise


def get_enterprise(session: Session, *, scope: TenantScope, enterprise_id: int) -> Enterprise:
    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None or not scope.allows(enterprise.id):
        raise NotFound(*ENTERPRISE, enterprise_id)
    return enterprise


def list_enterprises(
    session: Session,
    *,
    scope: TenantScope,
    cluster: str | None,
    q: str | None,
    offset: int,
    limit: int,
) -> tuple[list[Enterprise], int]:
    stmt = select(Enterprise).where(scope.where(Enterprise.id))
    if cluster:
        stmt = stmt.where(Enterprise.industry_cluster == cluster)
    if q:
        like = contains_pattern(q)
        stmt = stmt.where(
            col(Enterprise.name).like(like, escape=LIKE_ESCAPE)
            | col(Enterprise.credit_code).like(like, escape=LIKE_ESCAPE)
        )
    count = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(stmt.order_by(col(Enterprise.id)).offset(offset).limit(limit)).all()
    return list(rows), count


def update_enterprise(
    session: Session, *, scope: TenantScope, enterprise_id: int, data: EnterpriseUpdate
) -> Enterprise:
    enterprise = get_enterprise(session, scope=scope, enterprise_id=enterprise_id)
    before = snapshot(enterprise)
    for key, value in data.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(enterprise, key, value)
    enterprise.updated_at = utcnow()
    session.add(enterprise)
    record(
        session,
        actor=scope.principal,
        action="enterprise.update",
        subject=enterprise,
        before=before,
        enterprise_id=enterprise.id,
    )
    return enterprise


def grant_authorization(
    session: Session, *, scope: TenantScope, enterprise_id: int, data: AuthorizationCreate
) -> Authorization:
    get_enterprise(session, scope=scope, enterprise_id=enterprise_id)
    problems = [
        FieldProblem(
            f"levels[{i}]",
            f"“{lvl}”不是{data.track.value}序列的等级",
            f"'{lvl}' is not a level of the {data.track.value} track",
        )
        for i, lvl in enumerate(data.levels)
        if not is_level(data.track, lvl)
    ]
    if len(set(data.levels)) != len(data.levels):
        problems.append(FieldProblem("levels", "等级重复", "a level is listed twice"))
    if data.valid_to < data.valid_from:
        problems.append(FieldProblem("valid_to", "截止日期早于起始日期", "ends before it starts"))
    if problems:
        raise Invalid(
            "评审权限校验未通过", "the authorisation did not pass validation", details=problems
        )
    levels = sorted(data.levels, key=lambda lvl: level_rank(data.track, lvl))
    authorization = Authorization(
        enterprise_id=enterprise_id,
        track=data.track.value,
        series=data.series,
        levels=levels,
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        reason=data.reason,
    )
    session.add(authorization)
    session.flush()
    record(session, actor=scope.principal, action="authorization.grant", subject=authorization)
    return authorization


def list_authorizations(
    session: Session, *, scope: TenantScope, enterprise_id: int
) -> list[Authorization]:
    get_enterprise(session, scope=scope, enterprise_id=enterprise_id)
    return list(
        session.exec(
            select(Authorization)
            .where(Authorization.enterprise_id == enterprise_id)
            .order_by(col(Authorization.id))
        ).all()
    )


def change_authorization(
    session: Session,
    *,
    scope: TenantScope,
    authorization_id: int,
    target: AuthorizationStatus,
    data: AuthorizationChange,
) -> Authorization:
    authorization = scope.get(session, Authorization, authorization_id, AUTHORIZATION)
    check_transition(
        what=AUTHORIZATION,
        current=authorization.status,
        target=target.value,
        allowed=_AUTHORIZATION_MOVES,
        expected_version=data.version,
        version=authorization.version,
    )
    before = snapshot(authorization)
    authorization.status = target.value
    authorization.reason = data.reason
    authorization.updated_at = utcnow()
    session.add(authorization)
    session.flush()
    record(
        session,
        actor=scope.principal,
        action=_ACTIONS[target],
        subject=authorization,
        before=before,
    )
    return authorization


def active_authorization(
    session: Session, *, enterprise_id: int, track: str, series: str, level: str, on: date
) -> Authorization | None:
    """The authorisation that lets ``enterprise_id`` review this level today, if any."""
    rows = session.exec(
        select(Authorization).where(
            Authorization.enterprise_id == enterprise_id,
            Authorization.track == track,
            Authorization.series == series,
            Authorization.status == AuthorizationStatus.active.value,
            col(Authorization.valid_from) <= on,
            col(Authorization.valid_to) >= on,
        )
    ).all()
    return next((a for a in rows if level in a.levels), None)
