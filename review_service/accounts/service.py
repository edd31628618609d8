"""Accounts: who may create whom, expert profiles and the city's external expert pool.

Regulators create regulators, enterprise admins (for an enterprise) and pool experts
(external, no enterprise); enterprise admins create experts and applicants of their own
enterprise."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, func, select

from review_service.accounts.models import ExpertProfile, User
from review_service.accounts.schemas import (
    ExpertProfileChange,
    ExpertProfileIn,
    ExpertProfilePublic,
    ExpertStatusChange,
    UserCreate,
    UserPublic,
    UserUpdate,
)
from review_service.auth.passwords import hash_password, password_problem
from review_service.auth.principal import Principal, Role
from review_service.config import Settings
from review_service.db import utcnow
from review_service.enterprises.models import Enterprise
from review_service.enterprises.schemas import INDUSTRY_CLUSTERS
from review_service.errors import Conflict, FieldProblem, Forbidden, Invalid, NotFound
from review_service.events.service import record, snapshot
from review_service.tenancy import TenantScope
from standards import identifiers
from standards.levels import Track, is_level

USER = ("用户", "user")
TERM_YEARS = 3

# Which roles each role may create (DESIGN §2).
_MAY_CREATE: dict[Role, frozenset[Role]] = {
    Role.regulator: frozenset({Role.regulator, Role.enterprise_admin, Role.expert}),
    Role.enterprise_admin: frozenset({Role.expert, Role.applicant}),
}


def create_user(
    session: Session, *, scope: TenantScope, data: UserCreate, settings: Settings
) -> User:
    actor = scope.principal
    if data.role not in _MAY_CREATE.get(actor.role, frozenset()):
        raise Forbidden(
            f"当前角色不能创建“{data.role.value}”账户",
            f"a {actor.role.value} may not create {data.role.value} accounts",
        )
    enterprise_id = _enterprise_for_new_user(session, actor=actor, data=data)
    problems: list[FieldProblem] = []
    pw = password_problem(data.password)
    if pw:
        problems.append(FieldProblem("password", *pw))
    if data.role is Role.expert and data.expert is None:
        problems.append(
            FieldProblem(
                "expert",
                "专家账户须填写本人职称或技能等级",
                "an expert needs a profile with their own level",
            )
        )
    if data.expert is not None:
        problems += _profile_problems(data.expert)
    person_key = id_mask = None
    if data.resident_id:
        bad = identifiers.resident_id_problem(data.resident_id)
        if bad:
            problems.append(FieldProblem("resident_id", bad.message, bad.message_en))
        else:
            person_key = identifiers.resident_id_digest(
                data.resident_id, settings.id_hash_key_bytes
            )
            id_mask = identifiers.mask_resident_id(data.resident_id)
    if data.supervisor_id is not None:
        supervisor = session.get(User, data.supervisor_id)
        if supervisor is None or supervisor.enterprise_id != enterprise_id:
            problems.append(
                FieldProblem(
                    "supervisor_id",
                    "直接上级须为本企业人员",
                    "the supervisor must belong to the same enterprise",
                )
            )
    if problems:
        raise Invalid("账户信息校验未通过", "the account did not pass validation", details=problems)
    username = data.username.lower()
    if session.exec(select(User.id).where(User.username == username)).first() is not None:
        raise Conflict(
            f"用户名“{username}”已被使用",
            f"the user name '{username}' is taken",
            details=[FieldProblem("username", "用户名已存在", "already taken")],
        )
    user = User(
        username=username,
        display_name=data.display_name,
        role=data.role.value,
        enterprise_id=enterprise_id,
        password_hash=hash_password(data.password),
        department=data.department,
        supervisor_id=data.supervisor_id,
        person_key=person_key,
        id_mask=id_mask,
    )
    session.add(user)
    session.flush()
    if data.expert is not None:
        profile = ExpertProfile(
            user_id=user.id or 0, external=enterprise_id is None, **_profile_values(data.expert)
        )
        session.add(profile)
    record(
        session, actor=actor, action="user.create", subject=user, detail={"role": data.role.value}
    )
    return user


def _enterprise_for_new_user(session: Session, *, actor: Principal, data: UserCreate) -> int | None:
    if actor.role is Role.enterprise_admin:
        if data.enterprise_id not in (None, actor.enterprise_id):
            raise NotFound("企业", "enterprise", data.enterprise_id)
        return actor.enterprise_id
    # Regulator: admins belong to an enterprise; pool experts and regulators to none.
    if data.role is Role.enterprise_admin:
        if data.enterprise_id is None:
            raise Invalid(
                "企业管理员须指定所属企业",
                "an enterprise admin needs an enterprise",
                details=[FieldProblem("enterprise_id", "必填", "required")],
            )
        if session.get(Enterprise, data.enterprise_id) is None:
            raise NotFound("企业", "enterprise", data.enterprise_id)
        return data.enterprise_id
    if data.enterprise_id is not None:
        raise Invalid(
            "监管人员和专家库专家不属于任何企业",
            "regulators and pool experts belong to no enterprise",
            details=[FieldProblem("enterprise_id", "应为空", "must be empty")],
        )
    return None


def _profile_values(profile: ExpertProfileIn, *, only_set: bool = False) -> dict[str, Any]:
    """The profile's columns; availability windows as JSON (dates as ISO strings)."""
    values = profile.model_dump(exclude_unset=only_set)
    if "availability" in values:
        values["availability"] = [w.model_dump(mode="json") for w in profile.availability]
    return values


def _profile_problems(profile: ExpertProfileIn) -> list[FieldProblem]:
    problems = []
    if profile.cluster is not None and profile.cluster not in INDUSTRY_CLUSTERS:
        problems.append(
            FieldProblem(
                "expert.cluster",
                f"“{profile.cluster}”不是产业集群代码",
                f"'{profile.cluster}' is not an industry cluster",
            )
        )
    for i, window in enumerate(profile.availability):
        if window.ends_on < window.starts_on:
            problems.append(
                FieldProblem(
                    f"expert.availability.{i}.ends_on",
                    "可参评时段结束早于开始",
                    "the window ends before it starts",
                )
            )
    if not is_level(Track(profile.track), profile.level):
        problems.append(
            FieldProblem(
                "expert.level",
                f"“{profile.level}”不是{profile.track}序列的有效等级",
                f"'{profile.level}' is not a level of the {profile.track} track",
            )
        )
    if profile.home_credit_code:
        bad = identifiers.credit_code_problem(profile.home_credit_code)
        if bad:
            problems.append(FieldProblem("expert.home_credit_code", bad.message, bad.message_en))
    if (profile.term_start is None) != (profile.term_end is None):
        problems.append(
            FieldProblem("expert.term_end", "聘期须有起止日期", "a term needs a start and an end")
        )
    elif profile.term_start is not None and profile.term_end is not None:
        if profile.term_end <= profile.term_start:
            problems.append(
                FieldProblem(
                    "expert.term_end", "聘期结束早于开始", "the term ends before it starts"
                )
            )
        elif profile.term_end > years_after(profile.term_start, TERM_YEARS):
            problems.append(
                FieldProblem(
                    "expert.term_end",
                    f"专家聘期最长{TERM_YEARS}年",
                    f"a term lasts at most {TERM_YEARS} years",
                )
            )
    if profile.birth_date is not None and profile.birth_date > date.today():
        problems.append(FieldProblem("expert.birth_date", "出生日期晚于今天", "born after today"))
    return problems


def years_after(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def change_expert_status(
    session: Session, *, scope: TenantScope, user_id: int, data: ExpertStatusChange
) -> User:
    """Suspend, remove or reinstate an expert: the regulator for the city's pool, an
    enterprise for its own experts. A removed or suspended expert is never drawn or seated."""
    user, profile = _kept_expert(session, scope=scope, user_id=user_id)
    before = snapshot(profile)
    profile.status = data.status.value
    profile.status_reason = data.reason
    session.add(profile)
    record(
        session,
        actor=scope.principal,
        action=f"expert.{data.status.value}",
        subject=profile,
        object_id=profile.user_id,
        enterprise_id=user.enterprise_id,
        before=before,
    )
    return user


def _kept_expert(
    session: Session, *, scope: TenantScope, user_id: int
) -> tuple[User, ExpertProfile]:
    """An expert whose pool entry this principal keeps: the regulator the city's pool (and any
    expert), an enterprise its own internal experts."""
    found = session.exec(
        select(User, ExpertProfile)
        .join(ExpertProfile, col(ExpertProfile.user_id) == col(User.id))
        .where(User.id == user_id, scope.experts_where())
    ).first()
    if found is None:
        raise NotFound("专家", "expert", user_id)
    user, profile = found
    if not keeps(scope, user):
        raise Forbidden("无权变更该专家的信息", "you may not change this expert's entry")
    return user, profile


def keeps(scope: TenantScope, user: User) -> bool:
    return scope.everything or (
        scope.principal.role is Role.enterprise_admin
        and user.enterprise_id == scope.principal.enterprise_id
    )


def change_expert_profile(
    session: Session, *, scope: TenantScope, user_id: int, data: ExpertProfileChange
) -> User:
    """Edit an expert's term, specialty, series, cluster, availability or contact; the merged
    profile is checked like a new one (a term lasts at most three years)."""
    user, profile = _kept_expert(session, scope=scope, user_id=user_id)
    changes = data.model_dump(exclude_unset=True)
    merged = ExpertProfileIn.model_validate(
        {**ExpertProfileIn.model_validate(profile.model_dump()).model_dump(), **changes}
    )
    problems = _profile_problems(merged)
    if problems:
        raise Invalid(
            "专家信息校验未通过", "the expert profile did not pass validation", details=problems
        )
    before = snapshot(profile)
    values = _profile_values(merged)
    for key in changes:
        setattr(profile, key, values[key])
    session.add(profile)
    record(
        session,
        actor=scope.principal,
        action="expert.update",
        subject=profile,
        object_id=profile.user_id,
        enterprise_id=user.enterprise_id,
        before=before,
        detail={"changed": sorted(changes)},
    )
    return user


def get_user(session: Session, *, scope: TenantScope, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not _visible(scope, user):
        raise NotFound(*USER, user_id)
    return user


def _visible(scope: TenantScope, user: User) -> bool:
    principal = scope.principal
    if scope.everything or user.id == principal.user_id:
        return True
    if principal.role is Role.enterprise_admin:
        return user.enterprise_id == principal.enterprise_id
    return False


def list_users(
    session: Session,
    *,
    scope: TenantScope,
    role: Role | None,
    enterprise_id: int | None,
    offset: int,
    limit: int,
) -> tuple[list[User], int]:
    stmt = select(User)
    if not scope.everything:
        stmt = stmt.where(User.enterprise_id == scope.principal.enterprise_id)
    if role is not None:
        stmt = stmt.where(User.role == role.value)
    if enterprise_id is not None:
        stmt = stmt.where(User.enterprise_id == enterprise_id)
    count = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(stmt.order_by(col(User.id)).offset(offset).limit(limit)).all()
    return list(rows), count


def expert_pool(session: Session, *, offset: int, limit: int) -> tuple[list[User], int]:
    stmt = (
        select(User)
        .join(ExpertProfile, col(ExpertProfile.user_id) == col(User.id))
        .where(col(ExpertProfile.external).is_(True), col(User.is_active).is_(True))
    )
    count = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(stmt.order_by(col(User.id)).offset(offset).limit(limit)).all()
    return list(rows), count


def update_user(session: Session, *, scope: TenantScope, user_id: int, data: UserUpdate) -> User:
    user = get_user(session, scope=scope, user_id=user_id)
    actor = scope.principal
    if actor.role not in _MAY_CREATE or (user.id == actor.user_id and data.is_active is False):
        raise Forbidden("无权修改该账户", "you may not change this account")
    if Role(user.role) not in _MAY_CREATE[actor.role] and user.id != actor.user_id:
        raise Forbidden("无权修改该账户", "you may not change this account")
    before = snapshot(user)
    changes = data.model_dump(exclude_unset=True, exclude={"expert", "password"})
    if data.password is not None:
        pw = password_problem(data.password)
        if pw:
            raise Invalid(
                "密码不符合要求",
                "the password is too weak",
                details=[FieldProblem("password", *pw)],
            )
        user.password_hash = hash_password(data.password)
        user.password_changed_at = utcnow()
        user.token_version += 1  # a new password ends the sessions of the old one
    if "supervisor_id" in changes and changes["supervisor_id"] is not None:
        supervisor = session.get(User, changes["supervisor_id"])
        if (
            supervisor is None
            or supervisor.enterprise_id != user.enterprise_id
            or supervisor.id == user.id
        ):
            raise Invalid(
                "直接上级须为本企业的其他人员",
                "the supervisor must be another person of the same enterprise",
                details=[FieldProblem("supervisor_id", "无效", "invalid")],
            )
    if "is_active" in changes and changes["is_active"] != user.is_active:
        user.token_version += 1  # disabling or re-enabling ends every access token issued
    for key, value in changes.items():
        setattr(user, key, value)
    session.add(user)
    if data.expert is not None:
        problems = _profile_problems(data.expert)
        if problems:
            raise Invalid(
                "专家信息校验未通过", "the expert profile did not pass validation", details=problems
            )
        profile = session.get(ExpertProfile, user.id) or ExpertProfile(
            user_id=user.id or 0,
            external=user.enterprise_id is None,
            **_profile_values(data.expert),
        )
        # Fields the form left out (cluster, availability) stay as they are.
        for key, value in _profile_values(data.expert, only_set=True).items():
            setattr(profile, key, value)
        session.add(profile)
    record(session, actor=actor, action="user.update", subject=user, before=before)
    return user


def to_public(session: Session, user: User) -> UserPublic:
    return many_to_public(session, [user])[0]


def many_to_public(session: Session, users: list[User]) -> list[UserPublic]:
    """Users with their expert profiles, read in one query rather than one per user."""
    ids = [u.id for u in users]
    profiles = {
        p.user_id: p
        for p in session.exec(
            select(ExpertProfile).where(col(ExpertProfile.user_id).in_(ids))
        ).all()
    }
    return [
        UserPublic.model_validate(
            {
                **user.model_dump(),
                "expert": ExpertProfilePublic.model_validate(profiles[user.id].model_dump())
                if user.id in profiles
                else None,
            }
        )
        for user in users
    ]
