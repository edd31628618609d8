from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from standards.eligibility import Verdict
from standards.equivalence import EquivalenceOption
from standards.facts import ApplicantFacts, Qualification


class VersionStatus(StrEnum):
    draft = "draft"
    published = "published"
    retired = "retired"


class StandardKind(StrEnum):
    standard = "standard"
    baseline = "baseline"


class DocumentIn(BaseModel):
    """A standard, baseline or equivalence-table document (validated by the standards library)."""

    model_config = ConfigDict(extra="forbid")

    document: dict[str, Any]


class LaxityPublic(BaseModel):
    path: str
    code: str
    baseline_value: str
    standard_value: str
    message: str
    message_en: str


class StandardVersionPublic(BaseModel):
    id: int
    enterprise_id: int | None
    kind: StandardKind
    track: str
    series: str
    specialty: str | None
    level: str
    version: int
    status: VersionStatus
    name: str
    document: dict[str, Any]
    created_at: datetime
    published_at: datetime | None
    retired_at: datetime | None
    row_version: int


class StandardVersionsPublic(BaseModel):
    data: list[StandardVersionPublic]
    count: int


class BaselineCheckPublic(BaseModel):
    standard_version_id: int
    baseline_version_id: int | None
    passes: bool
    laxities: list[LaxityPublic]
    message: str
    message_en: str


class SelfCheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    facts: ApplicantFacts


class SelfCheckPublic(BaseModel):
    standard_version_id: int
    verdict: Verdict


class EquivalenceVersionPublic(BaseModel):
    id: int
    version: int
    status: VersionStatus
    document: dict[str, Any]
    created_at: datetime
    published_at: datetime | None
    retired_at: datetime | None
    row_version: int


class EquivalenceVersionsPublic(BaseModel):
    data: list[EquivalenceVersionPublic]
    count: int


class EquivalenceLookupIn(BaseModel):
    """What I hold, and optionally my other facts and the enterprise I would apply at."""

    model_config = ConfigDict(extra="forbid")

    holding: Qualification
    facts: ApplicantFacts | None = Field(
        default=None, description="other facts (appraisals, frontline post, …); holding is added"
    )
    as_of: date | None = None
    enterprise_id: int | None = Field(default=None, description="apply the rules in force there")


class StandardRef(BaseModel):
    standard_version_id: int
    enterprise_id: int
    enterprise_name: str
    name: str
    version: int


class EquivalenceOptionPublic(BaseModel):
    option: EquivalenceOption
    standards: list[StandardRef] = Field(
        description="published enterprise standards for the target level"
    )


class EquivalenceLookupPublic(BaseModel):
    table_version: int | None
    options: list[EquivalenceOptionPublic]
