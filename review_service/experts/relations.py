"""Relations between experts and other people that oblige an expert to withdraw (回避):
recorded by HR for an applicant (e.g. declared on applying) or declared by the expert, and
matched on keyed resident-ID hashes only. The draw leaves out every expert related to an
applicant of the session, naming why; seating such an expert raises a pending conflict."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, func, select

from review_service.accounts import service as accounts
from review_service.accounts.models import ExpertProfile, User
from review_service.auth.principal import Role
from review_service.config import Settings
from review_service.db import utcnow
from review_service.errors import Conflict, FieldProblem, Invalid, NotFound
from review_service.events.service import record, snapshot
from review_service.experts.models import PersonRelation
from review_service.experts.schemas import (
    RelationCreate,
    RelationKind,
    RelationPublic,
    RelationSource,
)
from review_service.tenancy import TenantScope
from standards import identifiers

RELATION = ("回避关系", "relation")

# How the relation reads from the applicant's side, for the draw record and the conflict.
KIND_NAMES: dict[RelationKind, tuple[str, str]] = {
    RelationKind.relative: ("近亲属", "a relative"),
    RelationKind.supervisor: ("直接上级", "the direct supervisor"),
    RelationKind.subordinate: ("直接下级", "a direct subordinate"),
    RelationKind.collaborator: ("合作关系人", "a collaborator"),
    RelationKind.other: ("存在其他利害关系", "otherwise interested"),
}
SOURCE_NAMES: dict[RelationSource, tuple[str, str]] = {
    RelationSource.admin: ("人事登记", "recorded by HR"),
    RelationSource.expert: ("专家申报", "declared by the expert"),
    RelationSource.regulator: ("监管登记", "recorded by the regulator"),
}


def create(
    session: Session, *, scope: TenantScope, data: RelationCreate, settings: Settings
) -> PersonRelation:
    principal = scope.principal
    expert_id = data.expert_user_id
    if principal.role is Role.expert:
        if expert_id not in (None, principal.user_id):
            raise Invalid(
                "专家只能申报本人的回避关系",
                "an expert declares their own relations only",
                details=[FieldProblem("expert_user_id", "应为本人", "must be yourself")],
            )
        expert_id = principal.user_id
    elif expert_id is None:
        raise Invalid(
            "请指明专家",
            "name the expert",
            details=[FieldProblem("expert_user_id", "必填", "required")],
        )
    expert = _expert(session, scope=scope, user_id=expert_id)
    person_key, mask, name = _person(session, scope=scope, data=data, settings=settings)
    if person_key == expert.person_key:
        raise Invalid(
            "专家与对方为同一人",
            "the expert and the other person are the same",
            details=[FieldProblem("resident_id", "同一人", "same person")],
        )
    existing = session.exec(
        select(PersonRelation).where(
            PersonRelation.expert_key == expert.person_key,
            PersonRelation.person_key == person_key,
            PersonRelation.kind == data.kind.value,
            col(PersonRelation.retracted_at).is_(None),
        )
    ).first()
    if existing is not None:
        raise Conflict(
            f"该回避关系已登记（编号{existing.id}）",
            f"this relation is already recorded (id {existing.id})",
            details=[FieldProblem("kind", "已登记", "already recorded")],
            code="relation_exists",
        )
    source = {
        Role.expert: RelationSource.expert,
        Role.enterprise_admin: RelationSource.admin,
    }.get(principal.role, RelationSource.regulator)
    row = PersonRelation(
        expert_key=expert.person_key or "",
        expert_user_id=expert.id,
        person_key=person_key,
        person_mask=mask,
        person_name=name,
        kind=data.kind.value,
        source=source.value,
        note=data.note,
        enterprise_id=principal.enterprise_id if principal.role is Role.enterprise_admin else None,
        recorded_by=principal.user_id,
    )
    session.add(row)
    session.flush()
    record(session, actor=principal, action="relation.record", subject=row)
    return row


def _expert(session: Session, *, scope: TenantScope, user_id: int) -> User:
    """An expert HR may name: its own internal experts and the city's pool."""
    user = session.get(User, user_id)
    profile = session.get(ExpertProfile, user_id) if user is not None else None
    visible = user is not None and (
        scope.everything
        or user.id == scope.principal.user_id
        or scope.allows(user.enterprise_id)
        or (profile is not None and profile.external and user.enterprise_id is None)
    )
    if user is None or profile is None or not visible:
        raise NotFound("专家", "expert", user_id)
    if not user.person_key:
        raise Invalid(
            "该专家未登记身份证号，无法按身份匹配回避关系",
            "this expert has no resident ID on file, so no relation can be matched",
            details=[FieldProblem("expert_user_id", "未登记身份证号", "no resident ID on file")],
        )
    return user


def _person(
    session: Session, *, scope: TenantScope, data: RelationCreate, settings: Settings
) -> tuple[str, str, str]:
    if (data.resident_id is None) == (data.person_user_id is None):
        raise Invalid(
            "须且只能给出对方的身份证号或账户之一",
            "give exactly one of resident_id and person_user_id",
            details=[FieldProblem("resident_id", "二选一", "exactly one of the two")],
        )
    if data.resident_id is not None:
        bad = identifiers.resident_id_problem(data.resident_id)
        if bad is not None:
            raise Invalid(
                "身份证号无效",
                "invalid resident ID number",
                details=[FieldProblem("resident_id", bad.message, bad.message_en)],
            )
        if not data.name:
            raise Invalid(
                "须填写对方姓名",
                "the other person's name is required",
                details=[FieldProblem("name", "必填", "required")],
            )
        key = identifiers.resident_id_digest(data.resident_id, settings.id_hash_key_bytes)
        return key, identifiers.mask_resident_id(data.resident_id), data.name
    person = accounts.get_user(session, scope=scope, user_id=data.person_user_id or 0)
    if not person.person_key or not person.id_mask:
        raise Invalid(
            "对方账户未登记身份证号，请按身份证号登记",
            "this account has no resident ID on file; record by resident ID",
            details=[FieldProblem("person_user_id", "未登记身份证号", "no resident ID on file")],
        )
    return person.person_key, person.id_mask, data.name or person.display_name


def retract(
    session: Session, *, scope: TenantScope, relation_id: int, reason: str
) -> PersonRelation:
    row = _visible(session, scope=scope, relation_id=relation_id)
    if row.retracted_at is not None:
        raise Conflict(
            "该回避关系已撤销", "this relation was already retracted", code="already_retracted"
        )
    before = snapshot(row)
    row.retracted_at = utcnow()
    row.retract_reason = reason
    session.add(row)
    record(session, actor=scope.principal, action="relation.retract", subject=row, before=before)
    return row


def _visible(session: Session, *, scope: TenantScope, relation_id: int) -> PersonRelation:
    row = session.exec(
        select(PersonRelation).where(PersonRelation.id == relation_id, scope.relations_where())
    ).first()
    if row is None:
        raise NotFound(*RELATION, relation_id)
    return row


def list_relations(
    session: Session,
    *,
    scope: TenantScope,
    expert_user_id: int | None,
    include_retracted: bool,
    offset: int,
    limit: int,
) -> tuple[list[PersonRelation], int]:
    stmt = select(PersonRelation).where(scope.relations_where())
    if expert_user_id is not None:
        stmt = stmt.where(PersonRelation.expert_user_id == expert_user_id)
    if not include_retracted:
        stmt = stmt.where(col(PersonRelation.retracted_at).is_(None))
    count = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(
        stmt.order_by(col(PersonRelation.id).desc()).offset(offset).limit(limit)
    ).all()
    return list(rows), count


def standing(
    session: Session, *, person_keys: Iterable[str], expert_keys: Iterable[str] | None = None
) -> list[PersonRelation]:
    """Relations in force touching any of ``person_keys`` (and, if given, ``expert_keys``)."""
    keys = sorted(set(person_keys))
    if not keys:
        return []
    stmt = select(PersonRelation).where(
        col(PersonRelation.person_key).in_(keys), col(PersonRelation.retracted_at).is_(None)
    )
    if expert_keys is not None:
        stmt = stmt.where(col(PersonRelation.expert_key).in_(sorted(set(expert_keys))))
    return list(session.exec(stmt.order_by(col(PersonRelation.id))).all())


def why(row: PersonRelation) -> tuple[str, str]:
    """'The expert is the applicant's relative (recorded by HR)', in both languages."""
    kind = KIND_NAMES[RelationKind(row.kind)]
    source = SOURCE_NAMES[RelationSource(row.source)]
    return (
        f"系申报人{row.person_name}的{kind[0]}（{source[0]}）",
        f"is {kind[1]} of the applicant {row.person_name} ({source[1]})",
    )


def to_public(session: Session, rows: list[PersonRelation]) -> list[RelationPublic]:
    names = dict(
        session.exec(
            select(User.id, User.display_name).where(
                col(User.id).in_({r.expert_user_id for r in rows if r.expert_user_id})
            )
        ).all()
    )
    return [
        RelationPublic.model_validate(
            {**r.model_dump(), "expert_name": names.get(r.expert_user_id or 0)}
        )
        for r in rows
    ]
