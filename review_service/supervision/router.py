from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Request
from sqlmodel import Session

from audit.flags import SIGNALS
from review_service.db import utcnow
from review_service.dependencies import EnterpriseAdminAccess as EnterpriseAdmin
from review_service.dependencies import KeyFilter, ObjectId, Offset, SessionDep
from review_service.dependencies import ManagerAccess as Managers
from review_service.dependencies import RegulatorAccess as Regulator
from review_service.supervision import charts, flows, funnel, service
from review_service.supervision.models import Case, Flag, QualityGrade, SupervisionMeasure
from review_service.supervision.schemas import (
    MEASURE_NAMES,
    MEASURE_RANK,
    AuditRunCreate,
    AuditRunPublic,
    AuditRunsPublic,
    CaseAssign,
    CaseDecision,
    CaseNoteCreate,
    CaseNotePublic,
    CaseOpen,
    CasePublic,
    CasesPublic,
    CaseStatus,
    FlagEvidencePublic,
    FlagPublic,
    FlagsPublic,
    FunnelPublic,
    GradeChange,
    GradeMapPublic,
    GradePublic,
    GradesPublic,
    MeasureCreate,
    MeasureKind,
    MeasureLift,
    MeasurePublic,
    MeasuresPublic,
    MyGradePublic,
    OverviewPublic,
    RiskHistoryPublic,
    RunComparison,
    ScoreDistributionPublic,
)

router = APIRouter(tags=["supervision"])


def _flags(session: Session, rows: list[Flag]) -> list[FlagPublic]:
    cases = service.cases_by_key(session, (f.key for f in rows))
    out = []
    for f in rows:
        case = cases.get(f.key)
        info = SIGNALS.get(f.signal)
        out.append(
            FlagPublic(
                **f.model_dump(exclude={"evidence"}),
                signal_name=info.name if info else None,
                case_id=case.id if case else None,
                case_status=CaseStatus(case.status) if case else None,
            )
        )
    return out


def _grade(row: QualityGrade) -> GradePublic:
    return GradePublic(**row.model_dump())


def _case(session: Session, row: Case, *, notes: bool = False) -> CasePublic:
    found = service.case_notes(session, case_id=row.id or 0) if notes else []
    return CasePublic(**row.model_dump(), notes=[CaseNotePublic(**n.model_dump()) for n in found])


def _measure(row: SupervisionMeasure) -> MeasurePublic:
    kind = MeasureKind(row.kind)
    return MeasurePublic(
        **row.model_dump(exclude={"kind"}),
        kind=kind,
        kind_name=MEASURE_NAMES[kind][0],
        escalation_rank=MEASURE_RANK[kind.value],
    )


@router.post(
    "/audit-runs",
    response_model=AuditRunPublic,
    status_code=202,
    operation_id="supervision-create_run",
)
def create_run(
    data: AuditRunCreate,
    access: Regulator,
    session: SessionDep,
    request: Request,
    background: BackgroundTasks,
) -> AuditRunPublic:
    """Queue an audit run; it runs after this request commits. Poll GET /audit-runs/{id}."""
    run = service.create_run(session, actor=access.principal, data=data)
    background.add_task(flows.execute_run, request.app.state.engine, run.id or 0)
    return AuditRunPublic(**run.model_dump())


@router.get("/audit-runs", response_model=AuditRunsPublic, operation_id="supervision-list_runs")
def list_runs(
    access: Regulator,
    session: SessionDep,
    period: str | None = None,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> AuditRunsPublic:
    rows, count = service.list_runs(
        session, scope=access.scope, period=period, offset=offset, limit=limit
    )
    return AuditRunsPublic(data=[AuditRunPublic(**r.model_dump()) for r in rows], count=count)


@router.get(
    "/audit-runs/{run_id}", response_model=AuditRunPublic, operation_id="supervision-get_run"
)
def get_run(run_id: ObjectId, access: Regulator, session: SessionDep) -> AuditRunPublic:
    service.reap_stale_runs(session, now=utcnow())  # a poller learns its worker died
    return AuditRunPublic(
        **service.view_run(session, scope=access.scope, run_id=run_id).model_dump()
    )


@router.get(
    "/audit-runs/{run_id}/comparison",
    response_model=RunComparison,
    operation_id="supervision-compare_run",
)
def compare_run(run_id: ObjectId, access: Regulator, session: SessionDep) -> RunComparison:
    found = service.compare_runs(session, scope=access.scope, run_id=run_id)
    return RunComparison(
        run_id=found["run_id"],
        previous_run_id=found["previous_run_id"],
        new=_flags(session, found["new"]),
        resolved=_flags(session, found["resolved"]),
        persisting=_flags(session, found["persisting"]),
        grade_changes=[GradeChange(**c) for c in found["grade_changes"]],
    )


@router.get(
    "/audit-runs/{run_id}/grades",
    response_model=GradesPublic,
    operation_id="supervision-list_grades",
)
def list_grades(run_id: ObjectId, access: Regulator, session: SessionDep) -> GradesPublic:
    rows = service.list_grades(session, scope=access.scope, run_id=run_id)
    return GradesPublic(data=[_grade(r) for r in rows], count=len(rows))


@router.get(
    "/audit-runs/{run_id}/funnel",
    response_model=FunnelPublic,
    operation_id="supervision-pass_rate_funnel",
)
def pass_rate_funnel(
    run_id: ObjectId,
    access: Regulator,
    session: SessionDep,
    cluster: Annotated[str, Query(min_length=1, max_length=64)],
    track: Annotated[str, Query(min_length=1, max_length=32)],
    level: Annotated[str, Query(min_length=1, max_length=64)],
) -> FunnelPublic:
    """Every review body of the peer group (cluster, track, level) in the run's period, with
    the group rate and its 95% / 99.8% limits widened for over-dispersion."""
    return funnel.funnel(
        session, scope=access.scope, run_id=run_id, cluster=cluster, track=track, level=level
    )


@router.get(
    "/audit-runs/{run_id}/score-distribution",
    response_model=ScoreDistributionPublic,
    operation_id="supervision-score_distribution",
)
def score_distribution(
    run_id: ObjectId,
    access: Regulator,
    session: SessionDep,
    credit_code: Annotated[str, Query(min_length=1, max_length=18)],
) -> ScoreDistributionPublic:
    """A body's final scores against the pass line in the run's period, the bunching window
    and test, and its cluster peers' distribution (shares, to compare shapes)."""
    return charts.score_distribution(
        session, scope=access.scope, run_id=run_id, credit_code=credit_code
    )


@router.get(
    "/audit-runs/{run_id}/grade-map",
    response_model=GradeMapPublic,
    operation_id="supervision-grade_map",
)
def grade_map(run_id: ObjectId, access: Regulator, session: SessionDep) -> GradeMapPublic:
    """Every body the run graded, by cluster, with its grade and risk evidence."""
    return charts.grade_map(session, scope=access.scope, run_id=run_id)


@router.get(
    "/enterprises/{enterprise_id}/risk-history",
    response_model=RiskHistoryPublic,
    operation_id="supervision-risk_history",
)
def risk_history(
    enterprise_id: ObjectId, access: Regulator, session: SessionDep
) -> RiskHistoryPublic:
    """The body's grade and risk evidence in every finished run, with the grade bands."""
    return charts.risk_history(session, scope=access.scope, enterprise_id=enterprise_id)


@router.get(
    "/supervision/overview", response_model=OverviewPublic, operation_id="supervision-overview"
)
def overview(access: Regulator, session: SessionDep) -> OverviewPublic:
    """Filings received, audit runs, open cases and the latest grades by cluster."""
    return charts.overview(session, scope=access.scope)


@router.get("/flags", response_model=FlagsPublic, operation_id="supervision-list_flags")
def list_flags(
    access: Regulator,
    session: SessionDep,
    run_id: KeyFilter = None,
    signal: str | None = None,
    severity: str | None = None,
    band: str | None = None,
    scope: str | None = None,
    enterprise_id: KeyFilter = None,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> FlagsPublic:
    """Flags of a run (default: the latest finished run), filtered."""
    rows, count = service.list_flags(
        session,
        scope=access.scope,
        run_id=run_id,
        signal=signal,
        severity=severity,
        band=band,
        flag_scope=scope,
        enterprise_id=enterprise_id,
        offset=offset,
        limit=limit,
    )
    return FlagsPublic(data=_flags(session, rows), count=count)


@router.get(
    "/flags/{flag_id}", response_model=FlagEvidencePublic, operation_id="supervision-get_flag"
)
def get_flag(flag_id: ObjectId, access: Regulator, session: SessionDep) -> FlagEvidencePublic:
    flag = service.view_flag(session, scope=access.scope, flag_id=flag_id)
    public = _flags(session, [flag])[0]
    return FlagEvidencePublic(**public.model_dump(), evidence=flag.evidence)


@router.post(
    "/flags/{flag_id}/case",
    response_model=CasePublic,
    status_code=201,
    operation_id="supervision-open_case",
)
def open_case(
    flag_id: ObjectId, data: CaseOpen, access: Regulator, session: SessionDep
) -> CasePublic:
    case = service.open_case(session, actor=access.principal, flag_id=flag_id, note=data.note)
    return _case(session, case, notes=True)


@router.get("/cases", response_model=CasesPublic, operation_id="supervision-list_cases")
def list_cases(
    access: Regulator,
    session: SessionDep,
    status: CaseStatus | None = None,
    assignee_id: KeyFilter = None,
    enterprise_id: KeyFilter = None,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> CasesPublic:
    rows, count = service.list_cases(
        session,
        scope=access.scope,
        status=status,
        assignee_id=assignee_id,
        enterprise_id=enterprise_id,
        offset=offset,
        limit=limit,
    )
    return CasesPublic(data=[_case(session, r) for r in rows], count=count)


@router.get("/cases/{case_id}", response_model=CasePublic, operation_id="supervision-get_case")
def get_case(case_id: ObjectId, access: Regulator, session: SessionDep) -> CasePublic:
    return _case(
        session, service.view_case(session, scope=access.scope, case_id=case_id), notes=True
    )


@router.post(
    "/cases/{case_id}/assign", response_model=CasePublic, operation_id="supervision-assign_case"
)
def assign_case(
    case_id: ObjectId, data: CaseAssign, access: Regulator, session: SessionDep
) -> CasePublic:
    case = service.assign_case(session, actor=access.principal, case_id=case_id, data=data)
    return _case(session, case, notes=True)


@router.post(
    "/cases/{case_id}/notes",
    response_model=CasePublic,
    status_code=201,
    operation_id="supervision-note_case",
)
def note_case(
    case_id: ObjectId, data: CaseNoteCreate, access: Regulator, session: SessionDep
) -> CasePublic:
    service.add_note(session, actor=access.principal, case_id=case_id, text=data.text)
    return _case(
        session, service.view_case(session, scope=access.scope, case_id=case_id), notes=True
    )


def _decide(target: CaseStatus, name: str) -> None:
    def decide(
        case_id: ObjectId, data: CaseDecision, access: Regulator, session: SessionDep
    ) -> CasePublic:
        case = service.decide_case(
            session, actor=access.principal, case_id=case_id, target=target, data=data
        )
        return _case(session, case, notes=True)

    router.add_api_route(
        f"/cases/{{case_id}}/{name}",
        decide,
        methods=["POST"],
        response_model=CasePublic,
        operation_id=f"supervision-{name}_case",
        name=f"{name}_case",
    )


_decide(CaseStatus.confirmed, "confirm")
_decide(CaseStatus.dismissed, "dismiss")


@router.post(
    "/enterprises/{enterprise_id}/measures",
    response_model=MeasurePublic,
    status_code=201,
    operation_id="supervision-take_measure",
)
def take_measure(
    enterprise_id: ObjectId, data: MeasureCreate, access: Regulator, session: SessionDep
) -> MeasurePublic:
    row = service.take_measure(session, scope=access.scope, enterprise_id=enterprise_id, data=data)
    return _measure(row)


@router.get(
    "/enterprises/{enterprise_id}/measures",
    response_model=MeasuresPublic,
    operation_id="supervision-list_measures",
)
def list_measures(enterprise_id: ObjectId, access: Managers, session: SessionDep) -> MeasuresPublic:
    rows = service.list_measures(session, scope=access.scope, enterprise_id=enterprise_id)
    return MeasuresPublic(data=[_measure(r) for r in rows], count=len(rows))


@router.post(
    "/measures/{measure_id}/lift",
    response_model=MeasurePublic,
    operation_id="supervision-lift_measure",
)
def lift_measure(
    measure_id: ObjectId, data: MeasureLift, access: Regulator, session: SessionDep
) -> MeasurePublic:
    row = service.lift_measure(session, scope=access.scope, measure_id=measure_id, data=data)
    return _measure(row)


@router.get(
    "/supervision/my-grade", response_model=MyGradePublic, operation_id="supervision-my_grade"
)
def my_grade(access: EnterpriseAdmin, session: SessionDep) -> MyGradePublic:
    """The enterprise's own latest quality grade with its reasons, and the measures taken."""
    enterprise_id, grade, measures = service.my_grade(session, scope=access.scope)
    return MyGradePublic(
        enterprise_id=enterprise_id,
        grade=_grade(grade) if grade else None,
        measures=[_measure(m) for m in measures],
    )
