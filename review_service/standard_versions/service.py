"""Enterprise standards and regulator baselines as versioned documents; the equivalence table.

Rules: drafts are edited freely; publishing checks the document against the current baseline
(refused with every laxity listed) and, for an enterprise, against its active authorisations;
a published version is immutable and publishing a newer one retires it."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, func, select

from review_service.auth.principal import Principal
from review_service.db import utcnow
from review_service.enterprises import service as enterprises
from review_service.enterprises.models import Enterprise
from review_service.errors import Conflict, FieldProblem, Invalid, InvalidState, NotFound
from review_service.events.service import record, snapshot
from review_service.standard_versions.models import EquivalenceTableVersion, StandardVersion
from review_service.standard_versions.schemas import StandardKind, VersionStatus
from review_service.tenancy import TenantScope
from review_service.transitions import check_transition, lock
from standards import defaults
from standards.baseline import laxities
from standards.catalogue import load_catalogue
from standards.document import Standard, parse_standard
from standards.eligibility import Verdict, evaluate
from standards.equivalence import (
    EquivalenceOption,
    EquivalenceTable,
    open_levels,
    parse_equivalence_table,
)
from standards.facts import ApplicantFacts, Qualification
from standards.levels import Education
from standards.problems import Laxity, Problem, StandardInvalid

STANDARD = ("评价标准", "standard")
BASELINE = ("基准标准", "baseline")
EQUIVALENCE = ("贯通对应表", "equivalence table")

_MOVES: dict[str, frozenset[str]] = {
    VersionStatus.draft: frozenset({VersionStatus.published}),
    VersionStatus.published: frozenset({VersionStatus.retired}),
    VersionStatus.retired: frozenset(),
}


def _what(kind: StandardKind) -> tuple[str, str]:
    return STANDARD if kind is StandardKind.standard else BASELINE


def _invalid_document(problems: list[Problem], what: tuple[str, str]) -> Invalid:
    return Invalid(
        f"{what[0]}文档校验未通过（{len(problems)}处问题）",
        f"the {what[1]} document did not pass validation ({len(problems)} problems)",
        details=[
            FieldProblem(f"document.{p.path}".rstrip("."), p.message, p.message_en)
            for p in problems
        ],
        code="invalid_document",
    )


def parse_document(document: dict[str, Any], what: tuple[str, str]) -> Standard:
    try:
        return parse_standard(document, catalogue=load_catalogue())
    except StandardInvalid as exc:
        raise _invalid_document(exc.problems, what) from None


def lineage_of(owner: int | None, standard: Standard) -> str:
    return ":".join(
        [
            str(owner) if owner is not None else "baseline",
            standard.track.value,
            standard.series,
            standard.specialty or "-",
            standard.level,
        ]
    )


def _owner(
    session: Session, *, principal: Principal, kind: StandardKind, standard: Standard
) -> Enterprise | None:
    if kind is StandardKind.baseline:
        if standard.enterprise_credit_code is not None:
            raise Invalid(
                "基准标准不属于任何企业",
                "a baseline belongs to no enterprise",
                details=[
                    FieldProblem("document.enterprise_credit_code", "应为空", "must be empty")
                ],
            )
        return None
    enterprise = session.get(Enterprise, principal.enterprise_id)
    assert enterprise is not None
    if standard.enterprise_credit_code not in (None, enterprise.credit_code):
        raise Invalid(
            "标准中的统一社会信用代码与本企业不符",
            "the standard's credit code is not this enterprise's",
            details=[
                FieldProblem(
                    "document.enterprise_credit_code",
                    f"应为{enterprise.credit_code}",
                    f"must be {enterprise.credit_code}",
                )
            ],
        )
    return enterprise


def _stored(standard: Standard, enterprise: Enterprise | None) -> dict[str, Any]:
    data = standard.model_dump(mode="json", exclude_none=True)
    if enterprise is not None:
        data["enterprise_credit_code"] = enterprise.credit_code
    return data


def create_draft(
    session: Session, *, scope: TenantScope, kind: StandardKind, document: dict[str, Any]
) -> StandardVersion:
    what = _what(kind)
    standard = parse_document(document, what)
    enterprise = _owner(session, principal=scope.principal, kind=kind, standard=standard)
    lineage = lineage_of(enterprise.id if enterprise else None, standard)
    existing = session.exec(select(StandardVersion).where(StandardVersion.lineage == lineage)).all()
    draft = next((v for v in existing if v.status == VersionStatus.draft), None)
    if draft is not None:
        raise Conflict(
            f"该{what[0]}已有草稿（编号{draft.id}），请直接修改草稿",
            f"this {what[1]} already has a draft (id {draft.id}); edit that draft",
            code="draft_exists",
            extra={"draft_id": draft.id},
        )
    row = StandardVersion(
        enterprise_id=enterprise.id if enterprise else None,
        kind=kind.value,
        track=standard.track.value,
        series=standard.series,
        specialty=standard.specialty,
        level=standard.level,
        lineage=lineage,
        version=max((v.version for v in existing), default=0) + 1,
        name=standard.name,
        document=_stored(standard, enterprise),
        created_by=scope.principal.user_id,
    )
    session.add(row)
    session.flush()
    record(session, actor=scope.principal, action=f"{kind.value}.create_draft", subject=row)
    return row


def get_version(
    session: Session, *, scope: TenantScope, kind: StandardKind, version_id: int
) -> StandardVersion:
    row = session.get(StandardVersion, version_id)
    if row is None or row.kind != kind.value or not scope.sees_standard_version(row):
        raise NotFound(*_what(kind), version_id)
    return row


def _require_draft(row: StandardVersion, kind: StandardKind) -> None:
    if row.status != VersionStatus.draft:
        what = _what(kind)
        raise InvalidState(
            f"{what[0]}第{row.version}版已{'发布' if row.status == 'published' else '停用'}，不可修改；请新建版本",
            f"version {row.version} of this {what[1]} is {row.status} and cannot change; create a new version",
            code="immutable_version",
            extra={"current_state": row.status},
        )


def update_draft(
    session: Session,
    *,
    scope: TenantScope,
    kind: StandardKind,
    version_id: int,
    document: dict[str, Any],
) -> StandardVersion:
    row = get_version(session, scope=scope, kind=kind, version_id=version_id)
    _require_draft(row, kind)
    what = _what(kind)
    standard = parse_document(document, what)
    enterprise = _owner(session, principal=scope.principal, kind=kind, standard=standard)
    if lineage_of(enterprise.id if enterprise else None, standard) != row.lineage:
        raise Invalid(
            "草稿不能改变序列/工种、专业或等级；请另建标准",
            "a draft cannot change its track, series/trade, specialty or level; create another standard",
            details=[
                FieldProblem(
                    "document",
                    "序列、专业或等级与草稿不符",
                    "track, series, specialty or level differ from the draft",
                )
            ],
        )
    before = snapshot(row)
    row.document = _stored(standard, enterprise)
    row.name = standard.name
    session.add(row)
    session.flush()
    record(
        session,
        actor=scope.principal,
        action=f"{kind.value}.update_draft",
        subject=row,
        before=before,
    )
    return row


def new_version(
    session: Session, *, scope: TenantScope, kind: StandardKind, version_id: int
) -> StandardVersion:
    row = get_version(session, scope=scope, kind=kind, version_id=version_id)
    document = dict(row.document)
    return create_draft(session, scope=scope, kind=kind, document=document)


def current_baseline(
    session: Session, standard: Standard
) -> tuple[StandardVersion | None, Standard | None]:
    """The published baseline a standard is held against: exact series first, then ``*``."""
    rows = session.exec(
        select(StandardVersion).where(
            StandardVersion.kind == StandardKind.baseline.value,
            StandardVersion.status == VersionStatus.published.value,
            StandardVersion.track == standard.track.value,
            StandardVersion.level == standard.level,
            col(StandardVersion.series).in_([standard.series, "*"]),
        )
    ).all()
    for series in (standard.series, "*"):
        for row in sorted(rows, key=lambda r: -r.version):
            if row.series == series:
                return row, Standard.model_validate(row.document)
    return None, None


def published_baselines(session: Session) -> list[Standard]:
    rows = session.exec(
        select(StandardVersion).where(
            StandardVersion.kind == StandardKind.baseline.value,
            StandardVersion.status == VersionStatus.published.value,
        )
    ).all()
    return [Standard.model_validate(r.document) for r in rows]


def baseline_check(
    session: Session, row: StandardVersion
) -> tuple[StandardVersion | None, list[Laxity]]:
    standard = Standard.model_validate(row.document)
    baseline_row, baseline = current_baseline(session, standard)
    if baseline is None:
        return None, []
    return baseline_row, laxities(standard, baseline)


def _no_baseline(row: StandardVersion) -> Conflict:
    return Conflict(
        f"监管部门尚未发布{row.track}/{row.series}/{row.level}的基准标准，暂不能发布或使用企业标准",
        f"the regulator has published no baseline for {row.track}/{row.series}/{row.level}; the standard cannot be published or used yet",
        code="no_baseline",
    )


def _laxer(row: StandardVersion, found: list[Laxity]) -> Invalid:
    return Invalid(
        f"标准低于监管基准（{len(found)}处），不能发布或使用",
        f"the standard is laxer than the baseline in {len(found)} ways; it cannot be published or used",
        details=[FieldProblem(f"document.{x.path}", x.message, x.message_en) for x in found],
        code="laxer_than_baseline",
    )


def publish(
    session: Session,
    *,
    scope: TenantScope,
    kind: StandardKind,
    version_id: int,
    expected_version: int | None,
    today: date,
) -> StandardVersion:
    row = get_version(session, scope=scope, kind=kind, version_id=version_id)
    # The whole lineage under lock: of two versions published at once, the second waits,
    # then retires the first, so a lineage never has two published versions.
    session.exec(
        select(StandardVersion.id).where(StandardVersion.lineage == row.lineage).with_for_update()
    ).all()
    row = lock(session, row)
    what = _what(kind)
    check_transition(
        what=what,
        current=row.status,
        target=VersionStatus.published,
        allowed=_MOVES,
        expected_version=expected_version,
        version=row.row_version,
    )
    if kind is StandardKind.standard:
        if (
            enterprises.active_authorization(
                session,
                enterprise_id=row.enterprise_id or 0,
                track=row.track,
                series=row.series,
                level=row.level,
                on=today,
            )
            is None
        ):
            raise Conflict(
                f"本企业没有{row.track}/{row.series}/{row.level}的有效评审权限，不能发布该标准",
                f"the enterprise holds no active authorisation for {row.track}/{row.series}/{row.level}; the standard cannot be published",
                code="outside_authorization",
            )
        baseline_row, found = baseline_check(session, row)
        if baseline_row is None:
            raise _no_baseline(row)
        if found:
            raise _laxer(row, found)
    now = utcnow()
    for previous in session.exec(
        select(StandardVersion).where(
            StandardVersion.lineage == row.lineage,
            StandardVersion.status == VersionStatus.published.value,
        )
    ).all():
        prev_before = snapshot(previous)
        previous.status, previous.retired_at = VersionStatus.retired.value, now
        session.add(previous)
        record(
            session,
            actor=scope.principal,
            action=f"{kind.value}.retire",
            subject=previous,
            before=prev_before,
            detail={"superseded_by": row.id},
        )
    before = snapshot(row)
    row.status, row.published_at = VersionStatus.published.value, now
    session.add(row)
    session.flush()
    record(
        session, actor=scope.principal, action=f"{kind.value}.publish", subject=row, before=before
    )
    return row


def retire(
    session: Session,
    *,
    scope: TenantScope,
    kind: StandardKind,
    version_id: int,
    expected_version: int | None,
) -> StandardVersion:
    row = lock(session, get_version(session, scope=scope, kind=kind, version_id=version_id))
    check_transition(
        what=_what(kind),
        current=row.status,
        target=VersionStatus.retired,
        allowed=_MOVES,
        expected_version=expected_version,
        version=row.row_version,
    )
    before = snapshot(row)
    row.status, row.retired_at = VersionStatus.retired.value, utcnow()
    session.add(row)
    session.flush()
    record(
        session, actor=scope.principal, action=f"{kind.value}.retire", subject=row, before=before
    )
    return row


def list_versions(
    session: Session,
    *,
    scope: TenantScope,
    kind: StandardKind,
    track: str | None,
    series: str | None,
    level: str | None,
    status: VersionStatus | None,
    enterprise_id: int | None,
    offset: int,
    limit: int,
) -> tuple[list[StandardVersion], int]:
    stmt = select(StandardVersion).where(scope.standard_versions_where(kind.value))
    for column, value in (
        (StandardVersion.track, track),
        (StandardVersion.series, series),
        (StandardVersion.level, level),
        (StandardVersion.enterprise_id, enterprise_id),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if status is not None:
        stmt = stmt.where(StandardVersion.status == status.value)
    count = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(
        stmt.order_by(col(StandardVersion.lineage), col(StandardVersion.version))
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), count


def require_usable(
    session: Session, *, scope: TenantScope, standard_version_id: int
) -> tuple[StandardVersion, Standard]:
    """A published enterprise standard, still no laxer than the current baseline (a baseline
    published after the standard may have raised the floor)."""
    row = get_version(
        session, scope=scope, kind=StandardKind.standard, version_id=standard_version_id
    )
    if row.status != VersionStatus.published:
        raise InvalidState(
            f"评价标准第{row.version}版状态为“{row.status}”，只有已发布的标准可用于评审",
            f"version {row.version} of the standard is {row.status}; only a published standard can be used",
            code="standard_not_published",
            extra={"current_state": row.status},
        )
    baseline_row, found = baseline_check(session, row)
    if baseline_row is None:
        raise _no_baseline(row)
    if found:
        raise _laxer(row, found)
    return row, Standard.model_validate(row.document)


def self_check(
    session: Session, *, scope: TenantScope, version_id: int, facts: ApplicantFacts
) -> Verdict:
    row = get_version(session, scope=scope, kind=StandardKind.standard, version_id=version_id)
    if row.status != VersionStatus.published:
        raise InvalidState(
            "只能对照已发布的标准自查",
            "self-checks run against published standards only",
            extra={"current_state": row.status},
        )
    return evaluate(facts, Standard.model_validate(row.document))


# --- equivalence table -------------------------------------------------------------------


def _parse_equivalence(document: dict[str, Any]) -> EquivalenceTable:
    try:
        return parse_equivalence_table(document)
    except StandardInvalid as exc:
        raise _invalid_document(exc.problems, EQUIVALENCE) from None


def create_equivalence_draft(
    session: Session, *, actor: Principal, document: dict[str, Any]
) -> EquivalenceTableVersion:
    table = _parse_equivalence(document)
    if session.exec(
        select(EquivalenceTableVersion.id).where(
            EquivalenceTableVersion.status == VersionStatus.draft.value
        )
    ).first():
        raise Conflict(
            "贯通对应表已有草稿，请直接修改草稿",
            "the equivalence table already has a draft; edit it",
            code="draft_exists",
        )
    latest = session.exec(select(func.max(EquivalenceTableVersion.version))).one() or 0
    row = EquivalenceTableVersion(
        version=latest + 1,
        document=table.model_dump(mode="json", exclude_none=True),
        created_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    record(session, actor=actor, action="equivalence.create_draft", subject=row)
    return row


def get_equivalence(session: Session, *, version_id: int) -> EquivalenceTableVersion:
    row = session.get(EquivalenceTableVersion, version_id)
    if row is None:
        raise NotFound(*EQUIVALENCE, version_id)
    return row


def update_equivalence_draft(
    session: Session, *, actor: Principal, version_id: int, document: dict[str, Any]
) -> EquivalenceTableVersion:
    row = get_equivalence(session, version_id=version_id)
    if row.status != VersionStatus.draft:
        raise InvalidState(
            "已发布的贯通对应表不可修改；请新建版本",
            "a published equivalence table cannot change; create a new version",
            code="immutable_version",
            extra={"current_state": row.status},
        )
    before = snapshot(row)
    row.document = _parse_equivalence(document).model_dump(mode="json", exclude_none=True)
    session.add(row)
    session.flush()
    record(session, actor=actor, action="equivalence.update_draft", subject=row, before=before)
    return row


def publish_equivalence(
    session: Session, *, actor: Principal, version_id: int, expected_version: int | None
) -> EquivalenceTableVersion:
    # Every version under lock: one table is published at a time.
    session.exec(select(EquivalenceTableVersion.id).with_for_update()).all()
    row = lock(session, get_equivalence(session, version_id=version_id))
    check_transition(
        what=EQUIVALENCE,
        current=row.status,
        target=VersionStatus.published,
        allowed=_MOVES,
        expected_version=expected_version,
        version=row.row_version,
    )
    now = utcnow()
    for previous in session.exec(
        select(EquivalenceTableVersion).where(
            EquivalenceTableVersion.status == VersionStatus.published.value
        )
    ).all():
        before = snapshot(previous)
        previous.status, previous.retired_at = VersionStatus.retired.value, now
        session.add(previous)
        record(session, actor=actor, action="equivalence.retire", subject=previous, before=before)
    before = snapshot(row)
    row.status, row.published_at = VersionStatus.published.value, now
    session.add(row)
    session.flush()
    record(session, actor=actor, action="equivalence.publish", subject=row, before=before)
    return row


def list_equivalence(session: Session) -> list[EquivalenceTableVersion]:
    return list(
        session.exec(
            select(EquivalenceTableVersion).order_by(col(EquivalenceTableVersion.version).desc())
        ).all()
    )


def current_equivalence(session: Session) -> tuple[int | None, EquivalenceTable]:
    """The published table; the library's national default until the regulator publishes one."""
    row = session.exec(
        select(EquivalenceTableVersion)
        .where(EquivalenceTableVersion.status == VersionStatus.published.value)
        .order_by(col(EquivalenceTableVersion.version).desc())
    ).first()
    if row is None:
        return None, defaults.load_equivalence()
    return row.version, EquivalenceTable.model_validate(row.document)


def lookup_equivalence(
    session: Session,
    *,
    holding: Qualification,
    facts: ApplicantFacts | None,
    as_of: date,
    enterprise_id: int | None,
) -> tuple[int | None, list[tuple[EquivalenceOption, list[tuple[StandardVersion, Enterprise]]]]]:
    """What a holding opens on the other track, and which enterprises' published standards
    one could apply under. Public: the rules are policy, not personal data."""
    version, table = current_equivalence(session)
    cluster = credit_code = None
    if enterprise_id is not None:
        enterprise = session.get(Enterprise, enterprise_id)
        if enterprise is None:
            raise NotFound("企业", "enterprise", enterprise_id)
        cluster, credit_code = enterprise.industry_cluster, enterprise.credit_code
    base = facts or ApplicantFacts(as_of=as_of, education=Education.senior_high)
    held = [q for q in base.qualifications if q != holding]
    full = base.model_copy(
        update={"qualifications": [*held, holding], "as_of": facts.as_of if facts else as_of}
    )
    options = open_levels(
        table,
        full,
        holding,
        cluster=cluster,
        enterprise_credit_code=credit_code,
        facts_given=facts is not None,
    )
    out = []
    for option in options:
        stmt = (
            select(StandardVersion, Enterprise)
            .join(Enterprise, col(Enterprise.id) == col(StandardVersion.enterprise_id))
            .where(
                StandardVersion.kind == StandardKind.standard.value,
                StandardVersion.status == VersionStatus.published.value,
                StandardVersion.track == option.target_track.value,
                StandardVersion.level == option.target_level,
            )
        )
        if option.target_series_any_of:
            stmt = stmt.where(col(StandardVersion.series).in_(option.target_series_any_of))
        if enterprise_id is not None:
            stmt = stmt.where(StandardVersion.enterprise_id == enterprise_id)
        out.append(
            (
                option,
                [
                    (s, e)
                    for s, e in session.exec(stmt.order_by(col(Enterprise.id)).limit(50)).all()
                ],
            )
        )
    return version, out


def load_defaults(session: Session, *, actor: Principal | None) -> int:
    """Publish the library's default baselines and equivalence table where none exist yet."""
    added = 0
    for baseline in defaults.load_baselines():
        lineage = lineage_of(None, baseline)
        if session.exec(
            select(StandardVersion.id).where(StandardVersion.lineage == lineage)
        ).first():
            continue
        row = StandardVersion(
            kind=StandardKind.baseline.value,
            track=baseline.track.value,
            series=baseline.series,
            specialty=baseline.specialty,
            level=baseline.level,
            lineage=lineage,
            version=1,
            status=VersionStatus.published.value,
            name=baseline.name,
            document=baseline.model_dump(mode="json", exclude_none=True),
            published_at=utcnow(),
        )
        session.add(row)
        session.flush()
        record(session, actor=actor, action="baseline.load_default", subject=row)
        added += 1
    if session.exec(select(EquivalenceTableVersion.id)).first() is None:
        table = defaults.load_equivalence()
        row2 = EquivalenceTableVersion(
            version=1,
            status=VersionStatus.published.value,
            document=table.model_dump(mode="json", exclude_none=True),
            published_at=utcnow(),
        )
        session.add(row2)
        session.flush()
        record(session, actor=actor, action="equivalence.load_default", subject=row2)
        added += 1
    return added
