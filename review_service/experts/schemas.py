from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from review_service.accounts.schemas import ExpertProfilePublic


class PanelSeat(BaseModel):
    session_id: int
    session_name: str
    enterprise_id: int
    enterprise_name: str
    period: str
    status: str
    role: str
    selection: str
    applications_scored: int
    recusals: int


class MemberFinding(BaseModel):
    """An audit finding about this expert as a panel member (calibration, near-identical
    scores, speed, reciprocal scoring), from the latest finished run of its period."""

    run_id: int
    period: str
    signal: str
    band: str
    severity: str
    enterprise_id: int | None
    reason: str
    reason_en: str


class DeclinedDraw(BaseModel):
    session_id: int | None
    enterprise_id: int | None
    at: datetime
    reason: str | None


class RelationKind(StrEnum):
    """The expert's side of a relation that obliges them to withdraw (回避): the vocabulary of
    conflicts (reviews.schemas.ConflictKind), with the reporting line in both directions."""

    relative = "relative"  # 近亲属
    supervisor = "supervisor"  # the expert is the person's direct supervisor
    subordinate = "subordinate"  # the expert reports to the person
    collaborator = "collaborator"
    other = "other"  # another interest, declared


class RelationSource(StrEnum):
    admin = "admin"  # recorded by HR (e.g. declared by the applicant on applying)
    expert = "expert"  # declared by the expert
    regulator = "regulator"


class RelationCreate(BaseModel):
    """The expert (an account; an expert declaring leaves it out) and the other person, by
    resident ID and name or by an account of the enterprise with an ID on file."""

    model_config = ConfigDict(extra="forbid")

    expert_user_id: int | None = Field(default=None, ge=1)
    resident_id: str | None = Field(default=None, max_length=20)
    name: str | None = Field(default=None, min_length=1, max_length=100)
    person_user_id: int | None = Field(default=None, ge=1)
    kind: RelationKind
    note: str | None = Field(default=None, max_length=500)


class RelationRetract(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=2, max_length=500)


class RelationPublic(BaseModel):
    id: int
    expert_user_id: int | None
    expert_name: str | None
    person_mask: str
    person_name: str
    kind: RelationKind
    source: RelationSource
    note: str | None
    enterprise_id: int | None
    created_at: datetime
    retracted_at: datetime | None
    retract_reason: str | None


class RelationsPublic(BaseModel):
    data: list[RelationPublic]
    count: int


class PoolKind(StrEnum):
    city = "city"  # the regulator's pool (external experts)
    internal = "internal"  # an enterprise's own experts


class ExpertEntry(BaseModel):
    """One row of the pool view."""

    user_id: int
    display_name: str
    username: str
    enterprise_id: int | None
    is_active: bool
    expert: ExpertProfilePublic
    term_ended: bool
    # This principal keeps the entry (status and profile forms).
    editable: bool


class ExpertsPublic(BaseModel):
    data: list[ExpertEntry]
    count: int


class ExpertHistory(BaseModel):
    user_id: int
    display_name: str
    enterprise_id: int | None
    expert: ExpertProfilePublic
    term_ended: bool
    panels_sat: int
    applications_scored: int
    recusals: int
    declines: int
    # Seats taken by draw (drawn or called in as reserve) and invitations declined.
    draws: int
    seats: list[PanelSeat]
    declined: list[DeclinedDraw]
    relations: list[RelationPublic]
    # Only the regulator sees audit findings.
    findings: list[MemberFinding] | None
    as_of: date


class ExpertImportReceipt(BaseModel):
    rows: int
    created: int
    user_ids: list[int]
