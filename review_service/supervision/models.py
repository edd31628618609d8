"""Audit runs and their results (flags, quality grades), the regulator's cases on flags, and
the supervision measures taken against review bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from review_service.db import UTCDateTime, utcnow


class AuditRun(SQLModel, table=True):
    """One audit (评后审查) over the filings of a period and scope, run as a background job."""

    __tablename__ = "audit_run"

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(max_length=16, index=True)
    scope_kind: str = Field(max_length=16)  # all | cluster | enterprises
    scope_cluster: str | None = Field(default=None, max_length=64)
    scope_enterprise_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON))
    status: str = Field(default="queued", max_length=16, index=True)
    stage: str = Field(default="queued", max_length=32)
    progress: int = 0
    error: str | None = Field(default=None, max_length=2000)
    previous_run_id: int | None = Field(default=None, foreign_key="audit_run.id")
    filing_count: int = 0
    application_count: int = 0
    flag_count: int = 0
    weights: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Touched by the worker while it runs; a queued or running run whose heartbeat is stale
    # lost its worker (killed process) and is reaped as failed.
    heartbeat_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Flag(SQLModel, table=True):
    """One finding of a run (疑点), with the numbers and records it rests on."""

    __tablename__ = "audit_flag"
    __table_args__ = (UniqueConstraint("run_id", "key", name="uq_audit_flag_run_key"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="audit_run.id", index=True)
    key: str = Field(max_length=64, index=True)
    signal: str = Field(max_length=64, index=True)
    kind: str = Field(max_length=16)
    scope: str = Field(max_length=16)
    severity: str = Field(max_length=8)
    band: str = Field(max_length=8)
    enterprise_id: int | None = Field(default=None, foreign_key="enterprise.id", index=True)
    credit_code: str = Field(max_length=18, index=True)
    period: str | None = Field(default=None, max_length=16)
    filing_id: str | None = Field(default=None, max_length=64)
    session_ref: str | None = Field(default=None, max_length=64)
    application_ref: str | None = Field(default=None, max_length=64)
    member_id: str | None = Field(default=None, max_length=64)
    observed: float | None = None
    expected: float | None = None
    n: int | None = None
    statistic: str | None = Field(default=None, max_length=64)
    statistic_value: float | None = None
    p_value: float | None = None
    reason: str = Field(max_length=2000)
    reason_en: str = Field(max_length=2000)
    # The records the flag rests on and the signal's own details (audit.flags.Flag).
    evidence: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class QualityGrade(SQLModel, table=True):
    """A review body's quality grade (评审质量等级) for a period, from one run's flags."""

    __tablename__ = "quality_grade"
    __table_args__ = (UniqueConstraint("run_id", "credit_code", name="uq_quality_grade_run_code"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="audit_run.id", index=True)
    enterprise_id: int | None = Field(default=None, foreign_key="enterprise.id", index=True)
    credit_code: str = Field(max_length=18)
    period: str = Field(max_length=16)
    grade: str = Field(max_length=1)
    risk_score: float
    flag_count: int
    application_count: int
    reasons: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))


_case_version = Column("version", Integer, nullable=False)


class Case(SQLModel, table=True):
    """The regulator's work on a flag (核查). Keyed by the flag's stable key, so it stays
    attached to the same finding across re-runs."""

    __tablename__ = "supervision_case"

    id: int | None = Field(default=None, primary_key=True)
    flag_key: str = Field(max_length=64, unique=True, index=True)
    flag_id: int = Field(foreign_key="audit_flag.id")
    signal: str = Field(max_length=64)
    enterprise_id: int | None = Field(default=None, foreign_key="enterprise.id", index=True)
    credit_code: str = Field(max_length=18)
    status: str = Field(default="open", max_length=16, index=True)
    assignee_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    decision_reason: str | None = Field(default=None, max_length=2000)
    decided_by: int | None = Field(default=None, foreign_key="user_account.id")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_case_version)

    __mapper_args__ = {"version_id_col": _case_version}


class CaseNote(SQLModel, table=True):
    """A note on a case; notes are only added, never edited."""

    __tablename__ = "case_note"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="supervision_case.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="user_account.id")
    text: str = Field(max_length=4000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


_measure_version = Column("version", Integer, nullable=False)


class SupervisionMeasure(SQLModel, table=True):
    """A measure taken against a review body (《职称评审监管暂行办法》, 2024): reminder,
    interview, suspension, ordered rectification, public criticism, revocation."""

    __tablename__ = "supervision_measure"

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    kind: str = Field(max_length=32)
    status: str = Field(default="in_force", max_length=16, index=True)
    reason: str = Field(max_length=2000)
    case_id: int | None = Field(default=None, foreign_key="supervision_case.id")
    # Authorisations this measure suspended or revoked (a lifted suspension reinstates them).
    authorization_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON))
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    lifted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    lifted_reason: str | None = Field(default=None, max_length=2000)
    version: int = Field(default=1, sa_column=_measure_version)

    __mapper_args__ = {"version_id_col": _measure_version}
