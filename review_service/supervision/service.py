"""Supervision: audit runs and their stored results, cases on flags, quality grades and the
measures of 《职称评审监管暂行办法》 (2024) taken against review bodies.

Rules: a run is created queued and executed by ``flows.execute_run`` outside the request;
its flags and grades are stored per run and never edited. A case belongs to a flag's stable
key (it survives re-runs), moves open → assigned → confirmed | dismissed under a version
check, and its outcome feeds the next run's signal weights. A suspension suspends the body's
active authorisations (a lifted suspension reinstates the ones it suspended); a revocation
revokes them and is final. Enterprises see their own grade, reasons and measures only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlmodel import Session, col, func, select

from audit import flags as audit_flags
from audit.feedback import SignalWeights, fit_weights
from audit.grading import EnterpriseGrade
from review_service.accounts.models import User
from review_service.auth.principal import Principal, Role
from review_service.db import utcnow
from review_service.enterprises import service as enterprises
from review_service.enterprises.models import Authorization, Enterprise
from review_service.enterprises.schemas import (
    INDUSTRY_CLUSTERS,
    AuthorizationChange,
    AuthorizationStatus,
)
from review_service.errors import FieldProblem, Invalid, InvalidState, NotFound
from review_service.events.service import record, snapshot
from review_service.supervision.models import (
    AuditRun,
    Case,
    CaseNote,
    Flag,
    QualityGrade,
    SupervisionMeasure,
)
from review_service.supervision.schemas import (
    MEASURE_NAMES,
    AuditRunCreate,
    CaseAssign,
    CaseDecision,
    CaseStatus,
    MeasureCreate,
    MeasureKind,
    MeasureLift,
    RunScope,
    RunStatus,
)
from review_service.tenancy import TenantScope
from review_service.transitions import check_transition, lock, move

RUN = ("审查批次", "audit run")
FLAG = ("疑点", "flag")
CASE = ("核查", "case")
MEASURE = ("监管措施", "measure")

_CASE_MOVES: dict[str, frozenset[str]] = {
    CaseStatus.open: frozenset({CaseStatus.assigned, CaseStatus.confirmed, CaseStatus.dismissed}),
    CaseStatus.assigned: frozenset(
        {CaseStatus.assigned, CaseStatus.confirmed, CaseStatus.dismissed}
    ),
    CaseStatus.confirmed: frozenset(),
    CaseStatus.dismissed: frozenset(),
}
_MEASURE_MOVES = {"in_force": frozenset({"lifted"}), "lifted": frozenset()}
# Strength of a labelled case's signal in the feedback fit, by band.
_BAND_STRENGTH = {"certain": 1.0, "alarm": 1.0, "alert": 0.5}


# --- audit runs ------------------------------------------------------------------------------


def create_run(session: Session, *, actor: Principal | None, data: AuditRunCreate) -> AuditRun:
    """A queued run; the caller starts ``flows.execute_run`` once this has been committed."""
    # Clusters are open data: any cluster an enterprise belongs to can be audited.
    if data.scope is RunScope.cluster and not (
        data.cluster in INDUSTRY_CLUSTERS
        or session.exec(
            select(Enterprise.id).where(Enterprise.industry_cluster == data.cluster).limit(1)
        ).first()
    ):
        raise Invalid(
            "没有企业属于该产业集群",
            "no enterprise belongs to this industry cluster",
            details=[
                FieldProblem("cluster", "没有企业属于该产业集群", "no enterprise in this cluster")
            ],
        )
    ids = sorted(set(data.enterprise_ids)) if data.scope is RunScope.enterprises else []
    if ids:
        found = set(session.exec(select(Enterprise.id).where(col(Enterprise.id).in_(ids))).all())
        missing = [i for i in ids if i not in found]
        if missing:
            raise Invalid(
                "部分企业不存在",
                "some enterprises do not exist",
                details=[
                    FieldProblem("enterprise_ids", f"不存在：{missing}", f"unknown: {missing}")
                ],
            )
    run = AuditRun(
        period=data.period,
        scope_kind=data.scope.value,
        scope_cluster=data.cluster if data.scope is RunScope.cluster else None,
        scope_enterprise_ids=ids,
        created_by=actor.user_id if actor else None,
    )
    session.add(run)
    session.flush()
    record(session, actor=actor, action="audit_run.create", subject=run)
    return run


# A run's worker touches its heartbeat every few seconds (flows.HEARTBEAT_SECONDS); a queued
# or running run silent for this long lost its worker (process killed or restarted).
STALE_AFTER = timedelta(minutes=2)
_UNFINISHED = (RunStatus.queued.value, RunStatus.running.value)


def reap_stale_runs(
    session: Session, *, now: datetime, stale_after: timedelta = STALE_AFTER
) -> list[AuditRun]:
    """Mark failed, with the reason, every unfinished run whose worker stopped beating, so
    that it does not show ``running`` forever and may be run again."""
    cutoff = now - stale_after
    last_sign = func.coalesce(
        col(AuditRun.heartbeat_at), col(AuditRun.started_at), col(AuditRun.created_at)
    )
    stale = session.exec(
        select(AuditRun)
        .where(col(AuditRun.status).in_(_UNFINISHED), last_sign < cutoff)
        .with_for_update(skip_locked=True)  # two reapers at once: each run reaped once
    ).all()
    for run in stale:
        seen = run.heartbeat_at or run.started_at or run.created_at
        advance_run(
            session,
            run_id=run.id or 0,
            stage="failed",
            progress=run.progress,
            status=RunStatus.failed.value,
            error=(
                f"the worker stopped: no sign of life since {seen.isoformat(timespec='seconds')} "
                f"(stage {run.stage}, {run.progress}%); start a new run"
            ),
            finished_at=now,
        )
    return list(stale)


def get_run(session: Session, *, run_id: int) -> AuditRun:
    run = session.get(AuditRun, run_id)
    if run is None:
        raise NotFound(*RUN, run_id)
    return run


def view_run(session: Session, *, scope: TenantScope, run_id: int) -> AuditRun:
    """A run, as a principal reads it: the regulator's alone (404 to anyone else)."""
    scope.require_supervision(RUN, run_id)
    return get_run(session, run_id=run_id)


def list_runs(
    session: Session, *, scope: TenantScope, period: str | None, offset: int, limit: int
) -> tuple[list[AuditRun], int]:
    if not scope.sees_supervision:
        return [], 0
    reap_stale_runs(session, now=utcnow())
    stmt = select(AuditRun)
    if period:
        stmt = stmt.where(AuditRun.period == period)
    count = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(stmt.order_by(col(AuditRun.id).desc()).offset(offset).limit(limit)).all()
    return list(rows), count


def scope_enterprise_ids(session: Session, *, run: AuditRun) -> set[int] | None:
    """The enterprises a run covers; None for every review body (registered or not)."""
    if run.scope_kind == RunScope.all:
        return None
    if run.scope_kind == RunScope.cluster:
        ids = session.exec(
            select(Enterprise.id).where(Enterprise.industry_cluster == run.scope_cluster)
        ).all()
        # Stored rows always have an id; the model types it optional only before insert.
        return {i for i in ids if i is not None}
    return set(run.scope_enterprise_ids)


def previous_run(session: Session, *, run: AuditRun) -> AuditRun | None:
    """The latest finished run before ``run`` over the same period and scope."""
    candidates = session.exec(
        select(AuditRun)
        .where(
            AuditRun.period == run.period,
            AuditRun.scope_kind == run.scope_kind,
            AuditRun.status == RunStatus.finished.value,
            col(AuditRun.id) < (run.id or 0),
        )
        .order_by(col(AuditRun.id).desc())
    ).all()
    return next(
        (
            r
            for r in candidates
            if r.scope_cluster == run.scope_cluster
            and sorted(r.scope_enterprise_ids or []) == sorted(run.scope_enterprise_ids or [])
        ),
        None,
    )


def feedback_weights(session: Session) -> SignalWeights:
    """Signal weights fitted on every confirmed or dismissed case (defaults until enough)."""
    rows = session.exec(
        select(Case.status, Flag.signal, Flag.band)
        .join(Flag, col(Flag.id) == col(Case.flag_id))
        .where(col(Case.status).in_([CaseStatus.confirmed.value, CaseStatus.dismissed.value]))
        .order_by(col(Case.id))
    ).all()
    codes = sorted(set(audit_flags.SIGNALS) | {signal for _, signal, _ in rows})
    if not rows:
        return SignalWeights.defaults(codes, reason="no labelled cases yet")
    index = {code: i for i, code in enumerate(codes)}
    matrix = np.zeros((len(rows), len(codes)))
    for r, (_, signal, band) in enumerate(rows):
        matrix[r, index[signal]] = _BAND_STRENGTH.get(band, 1.0)
    labels = np.array([status == CaseStatus.confirmed.value for status, _, _ in rows])
    return fit_weights(matrix, labels, codes)


def store_results(
    session: Session,
    *,
    run: AuditRun,
    flags: Sequence[audit_flags.Flag],
    grades: Sequence[EnterpriseGrade],
    application_counts: dict[str, int],
) -> None:
    """Store a run's flags and grades (one transaction) and record the run's completion."""
    if run.status != RunStatus.running.value:
        # Reaped as stale meanwhile (its worker was frozen, not dead): the failure stands.
        raise InvalidState(
            "该审查批次已不在运行中，结果未保存",
            f"audit run {run.id} is {run.status}, no longer running: its results were not stored",
            extra={"current_state": run.status},
        )
    codes = {f.enterprise_credit_code for f in flags} | {g.credit_code for g in grades}
    enterprise_by_code = _enterprise_ids(session, codes)
    assert run.id is not None
    session.add_all(
        Flag(
            run_id=run.id,
            key=f.key,
            signal=f.signal,
            kind=f.kind,
            scope=f.scope,
            severity=f.severity,
            band=f.band,
            enterprise_id=enterprise_by_code.get(f.enterprise_credit_code),
            credit_code=f.enterprise_credit_code,
            period=f.period,
            filing_id=f.filing_id,
            session_ref=f.session_ref,
            application_ref=f.application_ref,
            member_id=f.member_id,
            observed=f.observed,
            expected=f.expected,
            n=f.n,
            statistic=f.statistic,
            statistic_value=f.statistic_value,
            p_value=f.p_value,
            reason=f.reason[:2000],
            reason_en=f.reason_en[:2000],
            evidence=f.model_dump(mode="json", include={"records", "details"}),
        )
        for f in _unique_by_key(flags)
    )
    session.add_all(
        QualityGrade(
            run_id=run.id,
            enterprise_id=enterprise_by_code.get(g.credit_code),
            credit_code=g.credit_code,
            period=g.period,
            grade=g.grade,
            risk_score=g.risk_score,
            flag_count=sum(g.flag_counts.values()),
            application_count=application_counts.get(g.credit_code, 0),
            reasons=[
                {"reason": zh, "reason_en": en}
                for zh, en in zip(g.reasons, g.reasons_en, strict=False)
            ]
            # The numbers behind the grade: weighted evidence per signal, counts, and per
            # signal group its count against the honest expectation, p and weight.
            + [{"points": g.points, "flag_counts": g.flag_counts, "evidence": g.evidence}],
        )
        for g in grades
    )
    before = snapshot(run)
    previous = previous_run(session, run=run)
    run.previous_run_id = previous.id if previous else None
    run.flag_count = len({f.key for f in flags})
    run.status = RunStatus.finished.value
    run.stage = "finished"
    run.progress = 100
    run.finished_at = utcnow()
    session.add(run)
    session.flush()
    record(
        session,
        actor=None,
        action="audit_run.finish",
        subject=run,
        before=before,
        detail={"flags": run.flag_count, "grades": len(grades)},
    )


def _unique_by_key(flags: Iterable[audit_flags.Flag]) -> list[audit_flags.Flag]:
    seen: dict[str, audit_flags.Flag] = {}
    for flag in flags:
        seen.setdefault(flag.key, flag)
    return list(seen.values())


def _enterprise_ids(session: Session, codes: set[str]) -> dict[str, int]:
    if not codes:
        return {}
    rows = session.exec(
        select(Enterprise.credit_code, Enterprise.id).where(
            col(Enterprise.credit_code).in_(sorted(codes))
        )
    ).all()
    return {code: eid for code, eid in rows if eid is not None}


def advance_run(
    session: Session, *, run_id: int, stage: str, progress: int, **fields: Any
) -> AuditRun:
    """Move a run to its next stage (and status); recorded like every write."""
    run = get_run(session, run_id=run_id)
    before = snapshot(run)
    run.stage = stage
    run.progress = progress
    for name, value in fields.items():
        setattr(run, name, value)
    session.add(run)
    session.flush()
    record(session, actor=None, action=f"audit_run.{stage}", subject=run, before=before)
    return run


# --- flags, grades, comparison ---------------------------------------------------------------


def _latest_finished_run_id(session: Session) -> int | None:
    return session.exec(
        select(AuditRun.id)
        .where(AuditRun.status == RunStatus.finished.value)
        .order_by(col(AuditRun.id).desc())
    ).first()


def list_flags(
    session: Session,
    *,
    scope: TenantScope,
    run_id: int | None,
    signal: str | None,
    severity: str | None,
    band: str | None,
    flag_scope: str | None,
    enterprise_id: int | None,
    offset: int,
    limit: int,
) -> tuple[list[Flag], int]:
    """Flags of a run (default: the latest finished one), filtered, most severe first."""
    if not scope.sees_supervision:
        return [], 0
    run_id = run_id if run_id is not None else _latest_finished_run_id(session)
    if run_id is None:
        return [], 0
    stmt = select(Flag).where(Flag.run_id == run_id)
    for column, value in (
        (Flag.signal, signal),
        (Flag.severity, severity),
        (Flag.band, band),
        (Flag.scope, flag_scope),
        (Flag.enterprise_id, enterprise_id),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    count = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(stmt.order_by(col(Flag.id)).offset(offset).limit(limit)).all()
    return list(rows), count


def get_flag(session: Session, *, flag_id: int) -> Flag:
    flag = session.get(Flag, flag_id)
    if flag is None:
        raise NotFound(*FLAG, flag_id)
    return flag


def view_flag(session: Session, *, scope: TenantScope, flag_id: int) -> Flag:
    scope.require_supervision(FLAG, flag_id)
    return get_flag(session, flag_id=flag_id)


def cases_by_key(session: Session, keys: Iterable[str]) -> dict[str, Case]:
    keys = sorted(set(keys))
    if not keys:
        return {}
    return {c.flag_key: c for c in session.exec(select(Case).where(col(Case.flag_key).in_(keys)))}


def list_grades(session: Session, *, scope: TenantScope, run_id: int) -> list[QualityGrade]:
    view_run(session, scope=scope, run_id=run_id)
    return run_grades(session, run_id=run_id)


def run_grades(session: Session, *, run_id: int) -> list[QualityGrade]:
    """A run's grades for the service itself (the CLI reporting a run it just made)."""
    return list(
        session.exec(
            select(QualityGrade)
            .where(QualityGrade.run_id == run_id)
            .order_by(col(QualityGrade.risk_score).desc(), col(QualityGrade.credit_code))
        ).all()
    )


def compare_runs(session: Session, *, scope: TenantScope, run_id: int) -> dict[str, Any]:
    """New, resolved and persisting flags (by stable key) and grade changes against the
    previous finished run over the same period and scope."""
    run = view_run(session, scope=scope, run_id=run_id)
    previous = (
        session.get(AuditRun, run.previous_run_id)
        if run.previous_run_id
        else previous_run(session, run=run)
    )
    now = {f.key: f for f in session.exec(select(Flag).where(Flag.run_id == run_id))}
    then: dict[str, Flag] = {}
    grades_then: dict[str, QualityGrade] = {}
    if previous is not None:
        then = {f.key: f for f in session.exec(select(Flag).where(Flag.run_id == previous.id))}
        grades_then = {
            g.credit_code: g
            for g in session.exec(select(QualityGrade).where(QualityGrade.run_id == previous.id))
        }
    grades_now = {
        g.credit_code: g
        for g in session.exec(select(QualityGrade).where(QualityGrade.run_id == run_id))
    }
    changes = []
    for code in sorted(set(grades_now) | set(grades_then)):
        before, after = grades_then.get(code), grades_now.get(code)
        if (before.grade if before else None) != (after.grade if after else None):
            changes.append(
                {
                    "credit_code": code,
                    "enterprise_id": (after or before).enterprise_id,  # type: ignore[union-attr]
                    "before": before.grade if before else None,
                    "after": after.grade if after else None,
                }
            )
    return {
        "run_id": run_id,
        "previous_run_id": previous.id if previous else None,
        "new": [now[k] for k in sorted(now.keys() - then.keys())],
        "resolved": [then[k] for k in sorted(then.keys() - now.keys())],
        "persisting": [now[k] for k in sorted(now.keys() & then.keys())],
        "grade_changes": changes,
    }


# --- cases -----------------------------------------------------------------------------------


def open_case(session: Session, *, actor: Principal, flag_id: int, note: str | None) -> Case:
    """The case on a flag (its stable key): the existing one, or a new open case."""
    flag = get_flag(session, flag_id=flag_id)
    case = session.exec(select(Case).where(Case.flag_key == flag.key)).first()
    if case is None:
        case = Case(
            flag_key=flag.key,
            flag_id=flag.id or 0,
            signal=flag.signal,
            enterprise_id=flag.enterprise_id,
            credit_code=flag.credit_code,
            created_by=actor.user_id,
        )
        session.add(case)
        session.flush()
        record(session, actor=actor, action="case.open", subject=case)
    if note:
        add_note(session, actor=actor, case_id=case.id or 0, text=note)
    return case


def get_case(session: Session, *, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(*CASE, case_id)
    return case


def view_case(session: Session, *, scope: TenantScope, case_id: int) -> Case:
    """A case, as a principal reads it: the regulator's alone (404 to anyone else)."""
    scope.require_supervision(CASE, case_id)
    return get_case(session, case_id=case_id)


def case_notes(session: Session, *, case_id: int) -> list[CaseNote]:
    return list(
        session.exec(
            select(CaseNote).where(CaseNote.case_id == case_id).order_by(col(CaseNote.id))
        ).all()
    )


def list_cases(
    session: Session,
    *,
    scope: TenantScope,
    status: CaseStatus | None,
    assignee_id: int | None,
    enterprise_id: int | None,
    offset: int,
    limit: int,
) -> tuple[list[Case], int]:
    if not scope.sees_supervision:
        return [], 0
    stmt = select(Case)
    if status is not None:
        stmt = stmt.where(Case.status == status.value)
    if assignee_id is not None:
        stmt = stmt.where(Case.assignee_id == assignee_id)
    if enterprise_id is not None:
        stmt = stmt.where(Case.enterprise_id == enterprise_id)
    count = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(stmt.order_by(col(Case.id).desc()).offset(offset).limit(limit)).all()
    return list(rows), count


def _move_case(
    session: Session,
    *,
    actor: Principal,
    case_id: int,
    target: CaseStatus,
    version: int | None,
    action: str,
    **fields: Any,
) -> Case:
    def change(row: Case) -> None:
        for name, value in fields.items():
            setattr(row, name, value)
        row.updated_at = utcnow()

    return move(
        session,
        get_case(session, case_id=case_id),
        what=CASE,
        target=target.value,
        allowed=_CASE_MOVES,
        actor=actor,
        action=action,
        expected_version=version,
        change=change,
    )


def assign_case(session: Session, *, actor: Principal, case_id: int, data: CaseAssign) -> Case:
    assignee = session.get(User, data.assignee_id)
    if assignee is None or assignee.role != Role.regulator.value or not assignee.is_active:
        raise Invalid(
            "只能分派给在职的监管人员",
            "a case can only be assigned to an active regulator",
            details=[FieldProblem("assignee_id", "不是监管人员", "not a regulator")],
            code="invalid_assignee",
        )
    return _move_case(
        session,
        actor=actor,
        case_id=case_id,
        target=CaseStatus.assigned,
        version=data.version,
        action="case.assign",
        assignee_id=assignee.id,
    )


def decide_case(
    session: Session, *, actor: Principal, case_id: int, target: CaseStatus, data: CaseDecision
) -> Case:
    if target not in (CaseStatus.confirmed, CaseStatus.dismissed):
        raise InvalidState("只能确认或排除", "a case is decided by confirming or dismissing")
    return _move_case(
        session,
        actor=actor,
        case_id=case_id,
        target=target,
        version=data.version,
        action=f"case.{'confirm' if target is CaseStatus.confirmed else 'dismiss'}",
        decision_reason=data.reason,
        decided_by=actor.user_id,
        decided_at=utcnow(),
    )


def add_note(session: Session, *, actor: Principal, case_id: int, text: str) -> CaseNote:
    get_case(session, case_id=case_id)
    note = CaseNote(case_id=case_id, author_id=actor.user_id, text=text)
    session.add(note)
    session.flush()
    record(session, actor=actor, action="case.note", subject=note)
    return note


# --- measures --------------------------------------------------------------------------------


def take_measure(
    session: Session, *, scope: TenantScope, enterprise_id: int, data: MeasureCreate
) -> SupervisionMeasure:
    """Record a measure; a suspension suspends and a revocation revokes the body's
    authorisations at once, so the workflow refuses new sessions."""
    enterprises.get_enterprise(session, scope=scope, enterprise_id=enterprise_id)
    if data.case_id is not None:
        case = get_case(session, case_id=data.case_id)
        if case.enterprise_id != enterprise_id:
            raise Invalid(
                "核查不属于该企业",
                "the case is about another enterprise",
                details=[FieldProblem("case_id", "不属于该企业", "about another enterprise")],
            )
    name, name_en = MEASURE_NAMES[data.kind]
    affected: list[int] = []
    if data.kind in (MeasureKind.suspension, MeasureKind.revocation):
        target = (
            AuthorizationStatus.suspended
            if data.kind is MeasureKind.suspension
            else AuthorizationStatus.revoked
        )
        movable = (
            {AuthorizationStatus.active.value}
            if data.kind is MeasureKind.suspension
            else {AuthorizationStatus.active.value, AuthorizationStatus.suspended.value}
        )
        rows = [
            a
            for a in session.exec(
                select(Authorization)
                .where(Authorization.enterprise_id == enterprise_id)
                .order_by(col(Authorization.id))
            ).all()
            if a.status in movable
        ]
        if not rows:
            raise InvalidState(
                f"该企业没有可{name}的评审权限",
                f"the enterprise has no authorisation a {name_en} could apply to",
                code="no_authorization",
            )
        for authorization in rows:
            enterprises.change_authorization(
                session,
                scope=scope,
                authorization_id=authorization.id or 0,
                target=target,
                data=AuthorizationChange(reason=f"{name}：{data.reason}"[:500]),
            )
            affected.append(authorization.id or 0)
    measure = SupervisionMeasure(
        enterprise_id=enterprise_id,
        kind=data.kind.value,
        reason=data.reason,
        case_id=data.case_id,
        authorization_ids=affected,
        created_by=scope.principal.user_id,
    )
    session.add(measure)
    session.flush()
    record(session, actor=scope.principal, action=f"measure.{data.kind.value}", subject=measure)
    return measure


def lift_measure(
    session: Session, *, scope: TenantScope, measure_id: int, data: MeasureLift
) -> SupervisionMeasure:
    """Lift a measure; lifting a suspension reinstates the authorisations it suspended that
    are still suspended. A revocation cannot be lifted."""
    # Under the measure's row lock: a measure is lifted once, its suspensions reinstated once.
    measure = lock(session, scope.get(session, SupervisionMeasure, measure_id, MEASURE))
    moves = _MEASURE_MOVES if measure.kind != MeasureKind.revocation else {"in_force": frozenset()}
    check_transition(
        what=MEASURE,
        current=measure.status,
        target="lifted",
        allowed=moves,
        expected_version=data.version,
        version=measure.version,
    )
    if measure.kind == MeasureKind.suspension:
        for authorization_id in measure.authorization_ids:
            authorization = session.get(Authorization, authorization_id)
            if authorization is not None and authorization.status == "suspended":
                enterprises.change_authorization(
                    session,
                    scope=scope,
                    authorization_id=authorization_id,
                    target=AuthorizationStatus.active,
                    data=AuthorizationChange(reason=f"解除暂停评审：{data.reason}"[:500]),
                )
    before = snapshot(measure)
    measure.status = "lifted"
    measure.lifted_at = utcnow()
    measure.lifted_reason = data.reason
    session.add(measure)
    session.flush()
    record(session, actor=scope.principal, action="measure.lift", subject=measure, before=before)
    return measure


def list_measures(
    session: Session, *, scope: TenantScope, enterprise_id: int
) -> list[SupervisionMeasure]:
    enterprises.get_enterprise(session, scope=scope, enterprise_id=enterprise_id)
    return list(
        session.exec(
            select(SupervisionMeasure)
            .where(SupervisionMeasure.enterprise_id == enterprise_id)
            .order_by(col(SupervisionMeasure.id))
        ).all()
    )


def my_grade(
    session: Session, *, scope: TenantScope
) -> tuple[int, QualityGrade | None, list[SupervisionMeasure]]:
    """An enterprise's latest grade (from finished runs) and the measures taken against it."""
    enterprise_id = scope.principal.enterprise_id
    if enterprise_id is None:
        raise NotFound("企业", "enterprise", "-")
    grade = session.exec(
        select(QualityGrade)
        .join(AuditRun, col(AuditRun.id) == col(QualityGrade.run_id))
        .where(
            QualityGrade.enterprise_id == enterprise_id,
            AuditRun.status == RunStatus.finished.value,
        )
        .order_by(col(QualityGrade.run_id).desc())
    ).first()
    return enterprise_id, grade, list_measures(session, scope=scope, enterprise_id=enterprise_id)
