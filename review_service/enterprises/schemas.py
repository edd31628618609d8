from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from standards.levels import Track

# Industry clusters are the peer groups of the audit's outcome comparisons. The catalogue is
# open: any cluster code is accepted (a real city has 新能源, 生物医药, 高端装备…); these are the
# codes the service knows by name and offers first.
INDUSTRY_CLUSTERS: dict[str, tuple[str, str]] = {
    "shipbuilding_offshore": ("船舶海工", "shipbuilding & offshore"),
    "high_end_textile": ("高端纺织", "high-end textiles"),
    "electronics": ("电子信息", "electronics & IT"),
    "intelligent_equipment": ("智能装备", "intelligent equipment"),
    "construction": ("建筑", "construction"),
    "new_materials": ("化工新材料", "chemicals & new materials"),
}


def cluster_name(code: str) -> str | None:
    """The Chinese name of a cluster the catalogue knows, None for another code."""
    known = INDUSTRY_CLUSTERS.get(code)
    return known[0] if known else None


def _cluster_code(value: str | None) -> str | None:
    # Any code, but a code: no surrounding or inner whitespace, no control characters.
    if value is not None and (value.strip() != value or any(c.isspace() for c in value)):
        raise ValueError("an industry cluster code has no spaces")
    if value is not None and not value.isprintable():
        raise ValueError("an industry cluster code has no control characters")
    return value


class ReviewBodyKind(StrEnum):
    enterprise = "enterprise"
    industry_committee = "industry_committee"
    third_party = "third_party"


class AuthorizationStatus(StrEnum):
    active = "active"
    suspended = "suspended"
    revoked = "revoked"


class EnterpriseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=200)
    credit_code: str = Field(description="18-character unified social credit code (GB 32100)")
    industry_cluster: str = Field(min_length=1, max_length=64)
    review_body_kind: ReviewBodyKind = ReviewBodyKind.enterprise

    @field_validator("credit_code")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    _cluster = field_validator("industry_cluster")(_cluster_code)


class EnterpriseUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=2, max_length=200)
    industry_cluster: str | None = Field(default=None, min_length=1, max_length=64)
    review_body_kind: ReviewBodyKind | None = None

    _cluster = field_validator("industry_cluster")(_cluster_code)


class EnterprisePublic(BaseModel):
    id: int
    name: str
    credit_code: str
    industry_cluster: str
    review_body_kind: ReviewBodyKind
    created_at: datetime
    updated_at: datetime


class EnterprisesPublic(BaseModel):
    data: list[EnterprisePublic]
    count: int


class AuthorizationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    track: Track
    series: str = Field(
        min_length=1, max_length=64, description="series (title) or trade (skill) code"
    )
    levels: list[str] = Field(min_length=1, max_length=8)
    valid_from: date
    valid_to: date
    reason: str | None = Field(default=None, max_length=500)


class AuthorizationChange(BaseModel):
    """A status change needs its reason; ``version`` guards against acting on a stale view."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=2, max_length=500)
    version: int | None = Field(default=None, ge=1)


class AuthorizationPublic(BaseModel):
    id: int
    enterprise_id: int
    track: Track
    series: str
    levels: list[str]
    valid_from: date
    valid_to: date
    status: AuthorizationStatus
    reason: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class AuthorizationsPublic(BaseModel):
    data: list[AuthorizationPublic]
    count: int
