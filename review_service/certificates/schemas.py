from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field

from standards.levels import Track


class CertificateStatus(StrEnum):
    valid = "valid"
    revoked = "revoked"


class CertificatePublic(BaseModel):
    id: int
    number: str
    session_id: int
    application_id: int
    holder_name: str
    id_mask: str
    track: Track
    series: str
    series_name: str
    level: str
    level_name: str
    title: str
    enterprise_name: str
    issued_on: date
    status: CertificateStatus
    revoked_on: date | None
    revoked_reason: str | None
    revoked_case_id: int | None


class CertificatesPublic(BaseModel):
    data: list[CertificatePublic]
    count: int


class RevocationIn(BaseModel):
    reason: str = Field(min_length=2, max_length=500)
    case_id: int | None = Field(
        default=None, ge=1, description="the confirmed case the revocation follows from"
    )


class VerificationPublic(BaseModel):
    """What anyone learns from a certificate number and the holder's name."""

    found: bool
    number: str
    status: CertificateStatus | None = None
    holder_name: str | None = None
    id_mask: str | None = None
    title: str | None = None
    level_name: str | None = None
    series_name: str | None = None
    enterprise_name: str | None = None
    issued_on: date | None = None
    revoked_on: date | None = None
