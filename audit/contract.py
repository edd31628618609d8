"""The filing contract (备案数据包), schema version 1.1 (1.0 filings are still accepted).

A filing is the immutable results package of one finished review session, sent to the
regulator by an enterprise, an industry committee or a third-party review body. It carries
the review body, the session with the full standard it was run under, the panel
(pseudonymous members), and every application with its facts, per-member per-criterion
scores, votes, recusals, the decision and the final score.

Resident ID numbers travel only on intake: ``audit.intake.pseudonymise`` replaces them with
a keyed hash (``person_key``) and a display mask before anything is stored. The same
``filing_id`` filed twice is one filing; a correction is a new filing that ``supersedes``
the old one.

Version 1.1 adds, all optional (a 1.0 filing is a valid 1.1 filing with another version
string; a filing that says 1.0 may not use them):

- conflict relations (回避): a member's ``supervises`` (applications of people the member
  directly supervises, 直接上下级), ``relatives`` (近亲属) and ``declared_interests``, and an
  application's ``relative_member_ids`` and ``subordinate_member_ids`` (members the applicant
  supervises); same department alone is no conflict;
- per-criterion timestamps on a score sheet (``criterion_times``);
- an open industry-cluster catalogue: any cluster code, with its name
  (``industry_cluster_name``);
- the manifest of each application's materials (``materials``: kind, SHA-256 of the content,
  size, file type, review status), never the files themselves;
- the social-insurance months convention: whole calendar months counted inclusively up to a
  reference date (the session date), so "6 months ending 2025-09-10" is April to September.

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

SCHEMA_VERSION = "1.1"
# Every version intake accepts; 1.1 only adds optional fields.
SCHEMA_VERSIONS: tuple[str, ...] = ("1.0", "1.1")

ReviewBodyKind = Literal["enterprise", "industry_committee", "third_party"]
MemberRole = Literal["chair", "member"]
MemberSelection = Literal["drawn", "reserve", "hand_picked"]
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
        min_length=1,
        max_length=64,
        description="peer group for outcome comparisons: any code of the regulator's open "
        "cluster catalogue (e.g. 'new_energy'), not a closed list",
    )
    industry_cluster_name: str | None = Field(
        default=None, max_length=100, description="the cluster's name, e.g. 新能源 (1.1)"
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
    supervises: list[str] = Field(
        default_factory=list,
        description="application refs of applicants this member directly supervises "
        "(直接上下级; 1.1)",
    )
    relatives: list[str] = Field(
        default_factory=list,
        description="application refs of applicants who are this member's close relatives "
        "(近亲属; 1.1)",
    )
    declared_interests: list[str] = Field(
        default_factory=list,
        description="application refs this member declared an interest in (1.1)",
    )
    role: MemberRole = "member"
    selection: MemberSelection | None = Field(
        default=None,
        description="how the member came to the panel: drawn at random from the expert pool "
        "(随机抽取), a reserve called in after a decline, or hand_picked (1.1)",
    )
    selection_reason: str | None = Field(
        default=None, max_length=500, description="why a hand-picked member was chosen (1.1)"
    )
    term_end: date | None = Field(
        default=None, description="when the member's term in the expert pool ends (1.1)"
    )
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


class CriterionTime(_Contract):
    """When a member scored one criterion (1.1)."""

    started_at: datetime | None = None
    submitted_at: datetime


class MemberScores(_Contract):
    """One member's scores for one application: criterion code -> score (0..maximum)."""

    member_id: str = _Ref
    values: dict[str, float]
    started_at: datetime | None = None
    submitted_at: datetime
    criterion_times: dict[str, CriterionTime] = Field(
        default_factory=dict, description="criterion code -> when it was scored (1.1)"
    )


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
    """One application material as filed (1.1): what it was and its content hash, not the
    file. Only the application's current files are listed; replaced ones are history."""

    kind: str = Field(
        min_length=1,
        max_length=32,
        description="material kind code of the session's standard (e.g. education)",
    )
    sha256: str = Field(
        pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the file's bytes, lower-case hex"
    )
    size: int = Field(ge=1, description="the file's size in bytes")
    file_type: Literal["pdf", "jpeg", "png"] = Field(
        description="the type read from the file's content (magic bytes), not from its name"
    )
    status: Literal["submitted", "accepted", "returned"] = Field(
        description="资格审核 of the file when filed: not yet reviewed, accepted, or returned "
        "for correction"
    )


class FilingApplication(_Contract):
    """One application (申报) with everything the panel did with it."""

    application_ref: str = _Ref
    applicant: FilingApplicant
    facts: ApplicantFacts
    department: str | None = Field(default=None, max_length=200)
    supervisor_member_id: str | None = Field(
        default=None, description="the panel member who is the applicant's line manager"
    )
    relative_member_ids: list[str] = Field(
        default_factory=list,
        description="panel members who are the applicant's close relatives (近亲属; 1.1)",
    )
    subordinate_member_ids: list[str] = Field(
        default_factory=list,
        description="panel members the applicant directly supervises (直接上下级; 1.1)",
    )
    exceptional: bool = Field(default=False, description="applied on the exceptional track (破格)")
    exceptional_justification: str | None = Field(default=None, max_length=2000)
    scores: list[MemberScores] = Field(default_factory=list)
    votes: list[MemberVote] = Field(default_factory=list)
    recusals: list[Recusal] = Field(default_factory=list)
    approved: bool
    final_score: float | None = Field(default=None, ge=0, le=100)
    materials: list[MaterialManifestEntry] = Field(
        default_factory=list,
        description="申报材料 manifest: kind, content hash, size, type, status (1.1)",
    )


class Filing(_Contract):
    """The results package of one finished review session (备案数据包), version 1.1 or 1.0."""

    schema_version: Literal["1.0", "1.1"]
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
        "x-schema-versions-accepted": list(SCHEMA_VERSIONS),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(filing_schema(), ensure_ascii=False, indent=2, sort_keys=True))
