"""API shapes of the review workflow (never the table models themselves)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from standards.decision import DecisionPart
from standards.facts import ApplicantFacts
from standards.levels import Track
from standards.requirements import RequirementResult


class SessionStatus(StrEnum):
    draft = "draft"
    open = "open"
    validating = "validating"
    reviewing = "reviewing"
    voting = "voting"
    decided = "decided"
    public_notice = "public_notice"
    finalized = "finalized"
    filed = "filed"


class TransitionTarget(StrEnum):
    """Targets of the transition endpoint: every move ``allowed_next`` offers. ``filed``
    builds the filing package, as ``POST …/file`` does."""

    open = "open"
    validating = "validating"
    reviewing = "reviewing"
    voting = "voting"
    decided = "decided"
    public_notice = "public_notice"
    finalized = "finalized"
    filed = "filed"


class MemberRole(StrEnum):
    chair = "chair"
    member = "member"


class ConflictKind(StrEnum):
    relative = "relative"
    same_department = "same_department"
    supervisor = "supervisor"
    own_application = "own_application"
    collaborator = "collaborator"
    other = "other"


class ConflictStatus(StrEnum):
    pending = "pending"
    confirmed = "confirmed"
    dismissed = "dismissed"


class ConflictSource(StrEnum):
    expert = "expert"
    applicant = "applicant"
    admin = "admin"
    detected = "detected"


class ApplicationStatus(StrEnum):
    eligible = "eligible"
    ineligible = "ineligible"
    withdrawn = "withdrawn"


class VoteChoice(StrEnum):
    approve = "approve"
    reject = "reject"
    abstain = "abstain"


class ObjectionStatus(StrEnum):
    open = "open"
    upheld = "upheld"
    dismissed = "dismissed"


PERIOD_PATTERN = r"^\d{4}(H[12]|Q[1-4])?$"

# --- sessions --------------------------------------------------------------------------------


class ReviewSessionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=200)
    standard_version_id: int
    period: str = Field(pattern=PERIOD_PATTERN, description="e.g. 2026, 2026H1, 2026Q3")
    held_on: date | None = None


class ReviewSessionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=2, max_length=200)
    held_on: date | None = None


class TransitionIn(BaseModel):
    """``version`` guards against acting on a stale view of the session."""

    model_config = ConfigDict(extra="forbid")

    target: TransitionTarget
    version: int | None = Field(default=None, ge=1)
    override_reason: str | None = Field(
        default=None,
        min_length=5,
        max_length=1000,
        description="Moves on although the blockers the rules let HR override remain "
        "(unsubmitted sheets, missing votes); logged with the move",
    )


class StepBlocker(BaseModel):
    """What stops a move, and whether an explicit, logged reason may override it."""

    field: str
    problem: str
    problem_en: str
    overridable: bool
    code: str | None = Field(default=None, description="the refusal's own code, where it has one")


class NextStep(BaseModel):
    target: TransitionTarget
    ready: bool
    override_allowed: bool = Field(description="blocked only by what an override reason lifts")
    blockers: list[StepBlocker]


class NextStepsPublic(BaseModel):
    session_id: int
    status: SessionStatus
    version: int
    steps: list[NextStep]


class ReviewSessionPublic(BaseModel):
    id: int
    enterprise_id: int
    standard_version_id: int
    name: str
    track: Track
    series: str
    level: str
    period: str
    held_on: date | None
    status: SessionStatus
    allowed_next: list[SessionStatus]
    filing_id: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class ReviewSessionsPublic(BaseModel):
    data: list[ReviewSessionPublic]
    count: int


# --- panel -----------------------------------------------------------------------------------


class MemberSelection(StrEnum):
    drawn = "drawn"
    reserve = "reserve"
    hand_picked = "hand_picked"


class MemberResponse(StrEnum):
    pending = "pending"
    confirmed = "confirmed"


class PanelMemberCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: int
    role: MemberRole = MemberRole.member
    # Panels are drawn at random; a member picked by hand says why (and shows as such).
    reason: str = Field(min_length=2, max_length=500)


class PanelMemberPublic(BaseModel):
    id: int
    session_id: int
    user_id: int
    display_name: str
    role: MemberRole
    track: Track
    level: str
    external: bool
    selection: MemberSelection = MemberSelection.hand_picked
    selection_reason: str | None = None
    response: MemberResponse = MemberResponse.confirmed


class PanelDrawCreate(BaseModel):
    """What HR asks of a draw; the panel rules come from the session's standard."""

    model_config = ConfigDict(extra="forbid")

    size: int | None = Field(default=None, ge=1, le=99, description="default: the rules' minimum")
    reserves: int = Field(default=2, ge=0, le=20)
    specialty: str | None = Field(default=None, min_length=1, max_length=100)
    # Leave out experts who sat with this enterprise in each of its last N sessions (0: none).
    recent_sessions: int = Field(default=3, ge=0, le=20)
    max_age: int | None = Field(default=None, ge=18, le=100)


class DrawExclusionPublic(BaseModel):
    expert_id: str
    code: str
    message_zh: str
    message_en: str


class PanelDrawPublic(BaseModel):
    session_id: int
    status: str
    commitment: str
    committed_at: datetime
    # Revealed only once the panel is drawn.
    seed: str | None
    algorithm: str | None
    candidate_digest: str | None
    candidates: int
    eligible: int | None
    members: list[str]
    reserves: list[str]
    reserves_left: list[str]
    declined: list[str]
    excluded: list[DrawExclusionPublic]
    drawn_at: datetime | None


class DrawVerification(BaseModel):
    session_id: int
    commitment_matches: bool
    candidates_unchanged: bool
    same_panel: bool
    members: list[str]
    reserves: list[str]


class PanelResponse(BaseModel):
    model_config = ConfigDict(extra="forbid")

    accept: bool
    reason: str | None = Field(default=None, max_length=500)


class ProblemPublic(BaseModel):
    field: str
    code: str
    problem: str
    problem_en: str


class PanelPublic(BaseModel):
    session_id: int
    members: list[PanelMemberPublic]
    problems: list[ProblemPublic] = Field(description="every panel rule not met; empty when ready")


# --- conflicts -------------------------------------------------------------------------------


class ConflictCreate(BaseModel):
    """Experts declare their own conflicts (``panel_member_id`` is then theirs); applicants and
    HR name the member."""

    model_config = ConfigDict(extra="forbid")

    application_id: int
    panel_member_id: int | None = None
    kind: ConflictKind
    reason: str = Field(min_length=2, max_length=500)


class ConflictResolution(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ConflictStatus = Field(description="confirmed or dismissed")
    reason: str = Field(min_length=2, max_length=500)


class ConflictPublic(BaseModel):
    id: int
    session_id: int
    application_id: int
    panel_member_id: int
    kind: ConflictKind
    source: ConflictSource
    status: ConflictStatus
    reason: str | None
    resolution_reason: str | None
    resolved_at: datetime | None
    created_at: datetime


class ConflictsPublic(BaseModel):
    data: list[ConflictPublic]
    count: int


# --- applications ----------------------------------------------------------------------------


class Evidence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    reference: str | None = Field(default=None, max_length=500, description="file or registry ref")


class ApplicationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    applicant_user_id: int | None = Field(
        default=None, description="HR applying on someone's behalf; applicants apply for themselves"
    )
    name: str = Field(min_length=1, max_length=100)
    resident_id: str = Field(min_length=1, max_length=20, description="GB 11643; never stored")
    track: Track
    series: str = Field(min_length=1, max_length=64)
    level: str = Field(min_length=1, max_length=32)
    facts: ApplicantFacts
    evidence: list[Evidence] = Field(default_factory=list, max_length=50)
    exceptional: bool = False
    exceptional_justification: str | None = Field(default=None, max_length=2000)


class ApplicationUpdate(BaseModel):
    """A correction while the session is open: the application is validated again."""

    model_config = ConfigDict(extra="forbid")

    facts: ApplicantFacts | None = None
    evidence: list[Evidence] | None = Field(default=None, max_length=50)
    exceptional: bool | None = None
    exceptional_justification: str | None = Field(default=None, max_length=2000)


class EligibilityPublic(BaseModel):
    eligible: bool
    via_exceptional: bool
    summary: str
    summary_en: str
    failed: list[RequirementResult] = Field(description="every hard requirement not met")
    results: list[RequirementResult]
    exceptional_results: list[RequirementResult]
    problems: list[ProblemPublic] = Field(
        default_factory=list, description="submission problems besides the requirements"
    )


class ApplicationPublic(BaseModel):
    id: int
    session_id: int
    applicant_user_id: int
    name: str
    id_mask: str
    track: Track
    series: str
    level: str
    period: str
    department: str | None
    facts: dict[str, Any]
    evidence: list[dict[str, Any]]
    exceptional: bool
    exceptional_justification: str | None
    status: ApplicationStatus
    eligibility: EligibilityPublic
    submitted_at: datetime
    updated_at: datetime


class ApplicationsPublic(BaseModel):
    data: list[ApplicationPublic]
    count: int


# --- scores ----------------------------------------------------------------------------------


class ScoreSheetIn(BaseModel):
    """Scores by criterion code, merged into the member's sheet until they submit it."""

    model_config = ConfigDict(extra="forbid")

    values: dict[str, float] = Field(default_factory=dict)
    comments: dict[str, str] = Field(default_factory=dict)


class ScoreSheetPublic(BaseModel):
    panel_member_id: int
    display_name: str
    values: dict[str, float]
    comments: dict[str, str]
    total: float | None
    submitted: bool
    submitted_at: datetime | None


class ScoringProgress(BaseModel):
    panel_member_id: int
    display_name: str
    conflicted: bool
    submitted: bool


class ScoresPublic(BaseModel):
    """What the caller may see: their own sheet, others' once allowed, and the progress."""

    application_id: int
    session_status: SessionStatus
    mine: ScoreSheetPublic | None
    sheets: list[ScoreSheetPublic]
    progress: list[ScoringProgress]


# --- votes and decisions ---------------------------------------------------------------------


class VoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    choice: VoteChoice


class VoteReceipt(BaseModel):
    """Confirms a ballot was cast; the choice is not echoed into any shared view."""

    application_id: int
    cast_at: datetime


class VoteTally(BaseModel):
    eligible_members: int
    approvals: int
    rejections: int
    abstentions: int
    not_voted: int


class DecisionPublic(BaseModel):
    application_id: int
    approved: bool
    computed_approved: bool
    final_score: float | None
    tally: VoteTally
    parts: list[DecisionPart]
    overturned_by_objection_id: int | None
    decided_at: datetime


# --- public notice and objections ------------------------------------------------------------


class NoticeEntry(BaseModel):
    application_id: int
    name: str
    department: str | None
    level: str
    final_score: float | None
    approved: bool


class PublicNoticePublic(BaseModel):
    session_id: int
    published_on: date
    starts_on: date
    ends_on: date
    working_days: int
    over: bool
    entries: list[NoticeEntry]


class ObjectionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    application_id: int
    reason: str = Field(min_length=5, max_length=2000)


class ObjectionResolution(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ObjectionStatus = Field(description="upheld or dismissed")
    reason: str = Field(min_length=2, max_length=2000)


class ObjectionPublic(BaseModel):
    id: int
    session_id: int
    application_id: int
    reason: str
    status: ObjectionStatus
    resolution_reason: str | None
    resolved_at: datetime | None
    created_at: datetime


class ObjectionsPublic(BaseModel):
    data: list[ObjectionPublic]
    count: int


# --- filing ----------------------------------------------------------------------------------


class FilingReceipt(BaseModel):
    session_id: int
    filing_id: str
    created: bool = Field(description="False when the session had already been filed")
    session: ReviewSessionPublic
