"""The filing contract (备案数据包), schema version 1.0.

A filing is the immutable results package of one finished review session, sent to the
regulator by an enterprise, an industry committee or a third-party review body. It carries
the review body, the session with the full standard it was run under, the panel
(pseudonymous members), and every application with its facts, per-member per-criterion
scores, votes, recusals, the decision and the final score.

Resident ID numbers travel only on intake: ``audit.intake.pseudonymise`` replaces them with
a keyed hash (``person_key``) and a display mask before anything is stored. The same
``filing_id`` filed twice is one filing; a correction is a new filing that ``supersedes``
the old one.

The JSON Schema of this contract is ``filing_schema()`` (also written to
``docs/filing-schema.json``); the prose description is ``docs/filing-contract.md``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from standards.document import Standard
from standards.facts import ApplicantFacts
from standards.levels import Track, UnknownLevel, is_level

SCHEMA_VERSION = "1.0"

ReviewBodyKind = Literal["enterprise", "industry_committee", "third_party"]
MemberRole = Literal["chair", "member"]
VoteKind = Literal["approve", "reject", "abstain"]
RecusalKind = Literal[
    "relative", "same_department", "supervisor", "own_application", "collaborator", "other"
]

_Ref = Field(min_length=1, max_length=64)


class _Contract(BaseModel):
    # Unknown fields are refused: a typo in a field name must not silently drop data.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _check_level(level: str, info: ValidationInfo) -> str:
    track = info.data.get("track")
    if track is not None and not is_level(track, level):
        raise UnknownLevel(track, level)
    return level


class ReviewBody(_Contract):
    """Who ran the review and files it (评审主体)."""

    kind: ReviewBodyKind
    credit_code: str = Field(description="unified social credit code, GB 32100 (18 characters)")
    name: str = Field(min_length=1, max_length=200)
    industry_cluster: str = Field(
        min_length=1, max_length=64, description="peer group for outcome comparisons"
    )


class FilingSession(_Contract):
    """One review session (评审批次) for one standard version."""

    session_ref: str = _Ref
    track: Track
    series: str = Field(min_length=1, max_length=64, description="series (title) or trade (skill)")
    level: str = Field(description="the level reviewed, a level code of the track")
    period: str = Field(
        min_length=4, max_length=16, description="grading period, e.g. '2026' or '2026H1'"
    )
    held_on: date
    standard_version: str = Field(min_length=1, max_length=64)
    standard: Standard

    _level_exists = field_validator("level")(_check_level)


class FilingPanelMember(_Contract):
    """A panel member (评委), pseudonymous."""

    member_id: str = _Ref
    track: Track
    level: str = Field(description="the member's own title or skill level")
    external: bool
    organisation_credit_code: str | None = Field(
        default=None, description="home organisation of an external expert (GB 32100)"
    )
    department: str | None = Field(default=None, max_length=200)
    supervisor_member_id: str | None = Field(
        default=None, description="another panel member who is this member's line manager"
    )
    role: MemberRole = "member"
    resident_id: str | None = Field(
        default=None, description="on intake only (GB 11643); replaced by person_key"
    )
    person_key: str | None = Field(
        default=None, description="keyed hash of the member's resident ID"
    )

    _level_exists = field_validator("level")(_check_level)


class FilingApplicant(_Contract):
    """Who applied. ``resident_id`` exists only on intake; stored filings carry
    ``person_key`` (keyed hash) and ``id_mask`` instead."""

    resident_id: str | None = Field(default=None, description="GB 11643, on intake only")
    person_key: str | None = None
    id_mask: str | None = None
    name: str | None = Field(default=None, max_length=100)


class MemberScores(_Contract):
    """One member's scores for one application: criterion code -> score (0..maximum)."""

    member_id: str = _Ref
    values: dict[str, float]
    started_at: datetime | None = None
    submitted_at: datetime


class MemberVote(_Contract):
    """One member's ballot on one application."""

    member_id: str = _Ref
    vote: VoteKind


class Recusal(_Contract):
    """A member withdrew (回避) from one application."""

    member_id: str = _Ref
    kind: RecusalKind
    reason: str | None = Field(default=None, max_length=500)


class MaterialManifestEntry(_Contract):
    """One application material as filed: what it was and its content hash, not the file."""

    kind: str = Field(min_length=1, max_length=32)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=1)
    file_type: Literal["pdf", "jpeg", "png"]
    status: Literal["submitted", "accepted", "returned"]


class FilingApplication(_Contract):
    """One application (申报) with everything the panel did with it."""

    application_ref: str = _Ref
    applicant: FilingApplicant
    facts: ApplicantFacts
    department: str | None = Field(default=None, max_length=200)
    supervisor_member_id: str | None = Field(
        default=None, description="the panel member who is the applicant's line manager"
    )
    exceptional: bool = Field(default=False, description="applied on the exceptional track (破格)")
    exceptional_justification: str | None = Field(default=None, max_length=2000)
    scores: list[MemberScores] = Field(default_factory=list)
    votes: list[MemberVote] = Field(default_factory=list)
    recusals: list[Recusal] = Field(default_factory=list)
    approved: bool
    final_score: float | None = Field(default=None, ge=0, le=100)
    materials: list[MaterialManifestEntry] = Field(
        default_factory=list, description="申报材料 manifest: kind, content hash, size"
    )


class Filing(_Contract):
    """The results package of one finished review session (备案数据包), version 1.0."""

    schema_version: Literal["1.0"]
    filing_id: str = Field(min_length=1, max_length=64, description="idempotency key")
    supersedes: str | None = Field(
        default=None, max_length=64, description="filing_id this one corrects"
    )
    filed_at: datetime
    review_body: ReviewBody
    session: FilingSession
    panel: list[FilingPanelMember]
    applications: list[FilingApplication]


def filing_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the filing contract, as served by the API and written to
    ``docs/filing-schema.json``."""
    schema = Filing.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://nantong-self-review/schemas/filing-{SCHEMA_VERSION}.json",
        **schema,
        "title": f"Filing (备案数据包), schema version {SCHEMA_VERSION}",
        "x-schema-version": SCHEMA_VERSION,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(filing_schema(), ensure_ascii=False, indent=2, sort_keys=True))
