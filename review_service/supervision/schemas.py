from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class RunScope(StrEnum):
    all = "all"
    cluster = "cluster"
    enterprises = "enterprises"


class RunStatus(StrEnum):
    queued = "queued"
    running = "running"
    finished = "finished"
    failed = "failed"


class CaseStatus(StrEnum):
    open = "open"
    assigned = "assigned"
    confirmed = "confirmed"
    dismissed = "dismissed"


class MeasureKind(StrEnum):
    """In order of escalation (《职称评审监管暂行办法》, 人社部发〔2024〕56号)."""

    reminder = "reminder"  # 提醒
    interview = "interview"  # 约谈
    suspension = "suspension"  # 暂停评审
    rectification = "rectification"  # 责令整改
    public_criticism = "public_criticism"  # 通报批评
    revocation = "revocation"  # 收回评审权


MEASURE_NAMES: dict[MeasureKind, tuple[str, str]] = {
    MeasureKind.reminder: ("提醒", "reminder"),
    MeasureKind.interview: ("约谈", "interview"),
    MeasureKind.suspension: ("暂停评审", "suspension of reviews"),
    MeasureKind.rectification: ("责令整改", "ordered rectification"),
    MeasureKind.public_criticism: ("通报批评", "public criticism"),
    MeasureKind.revocation: ("收回评审权", "revocation of review authority"),
}
MEASURE_RANK: dict[str, int] = {kind.value: i for i, kind in enumerate(MeasureKind, start=1)}


class AuditRunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: str = Field(min_length=4, max_length=16, description="e.g. '2026' or '2026H1'")
    scope: RunScope = RunScope.all
    cluster: str | None = Field(default=None, max_length=64)
    enterprise_ids: list[int] = Field(default_factory=list, max_length=1000)

    @model_validator(mode="after")
    def _scope_needs_its_value(self) -> AuditRunCreate:
        if self.scope is RunScope.cluster and not self.cluster:
            raise ValueError("scope 'cluster' needs 'cluster'")
        if self.scope is RunScope.enterprises and not self.enterprise_ids:
            raise ValueError("scope 'enterprises' needs 'enterprise_ids'")
        return self


class AuditRunPublic(BaseModel):
    id: int
    period: str
    scope_kind: RunScope
    scope_cluster: str | None
    scope_enterprise_ids: list[int]
    status: RunStatus
    stage: str
    progress: int
    error: str | None
    previous_run_id: int | None
    filing_count: int
    application_count: int
    flag_count: int
    weights: dict[str, Any]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class AuditRunsPublic(BaseModel):
    data: list[AuditRunPublic]
    count: int


class FlagPublic(BaseModel):
    id: int
    run_id: int
    key: str
    signal: str
    signal_name: str | None = None
    kind: str
    scope: str
    severity: str
    band: str
    enterprise_id: int | None
    credit_code: str
    period: str | None
    filing_id: str | None
    session_ref: str | None
    application_ref: str | None
    member_id: str | None
    observed: float | None
    expected: float | None
    n: int | None
    statistic: str | None
    statistic_value: float | None
    p_value: float | None
    reason: str
    reason_en: str
    case_id: int | None = None
    case_status: CaseStatus | None = None


class FlagEvidencePublic(FlagPublic):
    evidence: dict[str, Any]


class FlagsPublic(BaseModel):
    data: list[FlagPublic]
    count: int


class GradePublic(BaseModel):
    id: int
    run_id: int
    enterprise_id: int | None
    credit_code: str
    period: str
    grade: str
    risk_score: float
    flag_count: int
    application_count: int
    reasons: list[dict[str, Any]]


class GradesPublic(BaseModel):
    data: list[GradePublic]
    count: int


class GradeChange(BaseModel):
    credit_code: str
    enterprise_id: int | None
    before: str | None
    after: str | None


class RunComparison(BaseModel):
    run_id: int
    previous_run_id: int | None
    new: list[FlagPublic]
    resolved: list[FlagPublic]
    persisting: list[FlagPublic]
    grade_changes: list[GradeChange]


class CaseOpen(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, max_length=4000)


class CaseAssign(BaseModel):
    model_config = ConfigDict(extra="forbid")

    assignee_id: int
    version: int | None = Field(default=None, ge=1)


class CaseNoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=4000)


class CaseDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=2, max_length=2000)
    version: int | None = Field(default=None, ge=1)


class CaseNotePublic(BaseModel):
    id: int
    author_id: int | None
    text: str
    created_at: datetime


class CasePublic(BaseModel):
    id: int
    flag_key: str
    flag_id: int
    signal: str
    enterprise_id: int | None
    credit_code: str
    status: CaseStatus
    assignee_id: int | None
    decision_reason: str | None
    decided_by: int | None
    decided_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int
    notes: list[CaseNotePublic] = []


class CasesPublic(BaseModel):
    data: list[CasePublic]
    count: int


class MeasureCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: MeasureKind
    reason: str = Field(min_length=2, max_length=2000)
    case_id: int | None = None


class MeasureLift(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=2, max_length=2000)
    version: int | None = Field(default=None, ge=1)


class MeasurePublic(BaseModel):
    id: int
    enterprise_id: int
    kind: MeasureKind
    kind_name: str
    escalation_rank: int
    status: str
    reason: str
    case_id: int | None
    authorization_ids: list[int]
    created_at: datetime
    lifted_at: datetime | None
    lifted_reason: str | None
    version: int


class MeasuresPublic(BaseModel):
    data: list[MeasurePublic]
    count: int


class MyGradePublic(BaseModel):
    """What an enterprise sees of its own supervision: grade, reasons, measures."""

    enterprise_id: int
    grade: GradePublic | None
    measures: list[MeasurePublic]


class FunnelPoint(BaseModel):
    """One review body of the peer group: its applications and pass rate in the period."""

    credit_code: str
    enterprise_id: int | None = Field(description="None for a body not registered here")
    name: str
    cluster: str
    n: int
    passed: int
    rate: float
    p_value: float
    band: str | None = Field(description="alert / alarm when beyond the 95% / 99.8% limit")


class FunnelCurve(BaseModel):
    """The control limits at one size (number of applications)."""

    n: int
    lower_95: float
    upper_95: float
    lower_998: float
    upper_998: float


class FunnelPublic(BaseModel):
    """The funnel plot of pass rates of a peer group, limits widened by over-dispersion."""

    run_id: int
    period: str
    cluster: str
    track: str
    level: str
    all_clusters: bool = Field(
        description="the cluster has too few bodies: compared with the level in every cluster"
    )
    group_rate: float
    phi: float = Field(description="over-dispersion factor the limits are widened by (>= 1)")
    points: list[FunnelPoint]
    curve: list[FunnelCurve]


# --- charts ----------------------------------------------------------------------------------


class GradeBound(BaseModel):
    """A grade's band of risk evidence (weighted −log10 p): ``lower`` ≤ evidence < ``upper``."""

    grade: str
    lower: float
    upper: float | None = Field(description="None for the open top band (D)")


class ScoreBin(BaseModel):
    """One bin of final scores, in points relative to the pass line: [lower, lower + width)."""

    lower: float
    count: int = Field(description="the body's applications in the bin")
    peer_share: float = Field(description="share of the peer group's applications in the bin")


class ScoreDistributionPublic(BaseModel):
    """A review body's final scores against the pass line in a run's period, with the
    bunching test's numbers and its peers' distribution (same cluster and period)."""

    run_id: int
    period: str
    credit_code: str
    enterprise_id: int | None
    name: str
    cluster: str
    pass_score: float | None = Field(
        description="the pass score when all the body's sessions share one, else None (the "
        "histogram is then only relative to each session's own pass line)"
    )
    bin_width: float
    bins: list[ScoreBin]
    n: int = Field(description="the body's applications with a final score")
    peer_n: int
    peer_bodies: int
    window: float = Field(description="width of the bunching window just above the pass line")
    just_above: int | None
    just_below: int | None
    expected_share: float | None = Field(description="share just above a smooth density predicts")
    p_value: float | None
    flag_id: int | None = Field(description="the run's bunching flag on this body, if any")


class GradeCell(BaseModel):
    """One graded review body on the grade map."""

    enterprise_id: int | None
    credit_code: str
    name: str
    cluster: str
    body_kind: str
    grade: str
    evidence: float = Field(description="risk evidence, weighted −log10 p")
    flag_count: int
    application_count: int


class GradeMapPublic(BaseModel):
    run_id: int
    period: str
    clusters: list[str]
    cells: list[GradeCell]
    bounds: list[GradeBound]


class RiskPoint(BaseModel):
    run_id: int
    period: str
    finished_at: datetime | None
    grade: str
    evidence: float


class RiskHistoryPublic(BaseModel):
    """A review body's grade and risk evidence in every finished run that graded it."""

    enterprise_id: int
    credit_code: str
    points: list[RiskPoint]
    bounds: list[GradeBound]


class CountByKey(BaseModel):
    key: str
    count: int


class FilingCount(BaseModel):
    period: str
    body_kind: str
    count: int


class ClusterGrades(BaseModel):
    cluster: str
    counts: dict[str, int] = Field(description="bodies per grade A–D")


class OverviewPublic(BaseModel):
    """The regulator's landing page: what came in, what was audited, what is open."""

    filing_count: int
    filings: list[FilingCount]
    run_count: int
    latest_run: AuditRunPublic | None
    latest_finished_run: AuditRunPublic | None
    cases_by_status: list[CountByKey]
    grades_by_cluster: list[ClusterGrades]
