from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class FilingPublic(BaseModel):
    """A received filing's index (the document itself is served separately)."""

    id: int
    filing_id: str
    schema_version: str
    credit_code: str
    enterprise_id: int | None
    review_body_kind: str
    industry_cluster: str
    track: str
    series: str
    level: str
    period: str
    session_ref: str
    held_on: date
    application_count: int
    approved_count: int
    supersedes: str | None
    content_digest: str
    source: str
    received_at: datetime


class FilingReceipt(FilingPublic):
    created: bool = Field(description="False when this filing_id had already been received")


class FilingsPublic(BaseModel):
    data: list[FilingPublic]
    count: int


class FilingDocumentPublic(FilingPublic):
    document: dict[str, Any] = Field(description="as stored: pseudonymised, no resident IDs")


class CredentialCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=2, max_length=200)


class CredentialRevoke(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=2, max_length=500)


class CredentialPublic(BaseModel):
    id: int
    enterprise_id: int
    label: str
    status: str
    created_at: datetime
    revoked_at: datetime | None
    revoked_reason: str | None


class CredentialIssued(CredentialPublic):
    key: str = Field(description="send as 'X-Filing-Key'; shown once, only its hash is kept")


class CredentialsPublic(BaseModel):
    data: list[CredentialPublic]
    count: int


class RegistryImportPublic(BaseModel):
    id: int
    kind: str
    filename: str | None
    as_of: date
    row_count: int
    content_digest: str
    imported_at: datetime


class RegistryImportsPublic(BaseModel):
    data: list[RegistryImportPublic]
    count: int
