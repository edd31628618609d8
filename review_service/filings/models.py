"""Filings (备案) as received, the credentials outside review bodies file with, and the
registry extracts the regulator imports for cross-checks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from review_service.db import UTCDateTime, utcnow


class EncodedJSON(str):
    """JSON text that is already encoded (a large document serialised once, by pydantic)."""


class DocumentJSON(TypeDecorator[Any]):
    """A JSON column that also takes ``EncodedJSON`` as is, so a 25 MB filing is not decoded
    and encoded again just to be stored. Reads give the decoded value, as ``JSON`` does."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect: Any) -> Any:
        inner = self.impl_instance.bind_processor(dialect)

        def process(value: Any) -> Any:
            if isinstance(value, EncodedJSON):
                return str(value)
            return inner(value) if inner is not None else value

        return process


class FilingRecord(SQLModel, table=True):
    """One accepted filing: the pseudonymised document plus the columns the audit selects on.

    The document is stored as received after pseudonymisation (no resident ID in clear) and
    never changes; a correction is a new filing whose ``supersedes`` names this one."""

    __tablename__ = "filing"

    id: int | None = Field(default=None, primary_key=True)
    filing_id: str = Field(max_length=64, unique=True, index=True)
    schema_version: str = Field(max_length=8)
    credit_code: str = Field(max_length=18, index=True)
    # None when the review body is not a registered Enterprise (it is still audited).
    enterprise_id: int | None = Field(default=None, foreign_key="enterprise.id", index=True)
    review_body_kind: str = Field(max_length=32)
    industry_cluster: str = Field(max_length=64, index=True)
    track: str = Field(max_length=16)
    series: str = Field(max_length=64)
    level: str = Field(max_length=32)
    period: str = Field(max_length=16, index=True)
    session_ref: str = Field(max_length=64)
    held_on: date
    application_count: int
    approved_count: int
    supersedes: str | None = Field(default=None, max_length=64, index=True)
    content_digest: str = Field(max_length=64)
    # "service" (this service's own sessions) or "api" (an outside body with a credential).
    source: str = Field(max_length=16)
    credential_id: int | None = Field(default=None, foreign_key="review_body_credential.id")
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    document: dict[str, Any] = Field(sa_column=Column(DocumentJSON, nullable=False))


class ReviewBodyCredential(SQLModel, table=True):
    """A filing key the regulator issued to a review body; only its sha256 is kept."""

    __tablename__ = "review_body_credential"

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    label: str = Field(max_length=200)
    secret_digest: str = Field(max_length=64)
    status: str = Field(default="active", max_length=16)
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_reason: str | None = Field(default=None, max_length=500)


class RegistryImport(SQLModel, table=True):
    """One registry extract the regulator uploaded (social insurance or education)."""

    __tablename__ = "registry_import"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16, index=True)  # "employment" | "education"
    filename: str | None = Field(default=None, max_length=200)
    as_of: date
    row_count: int
    content_digest: str = Field(max_length=64)
    imported_by: int | None = Field(default=None, foreign_key="user_account.id")
    imported_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class EmploymentRegistryRow(SQLModel, table=True):
    """Social-insurance contributions of one person (keyed hash only) at one employer."""

    __tablename__ = "registry_employment"

    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(foreign_key="registry_import.id", index=True)
    person_key: str = Field(max_length=64, index=True)
    employer_credit_code: str = Field(max_length=18, index=True)
    start: date
    end: date | None = None


class EducationRegistryRow(SQLModel, table=True):
    """One registered education of one person (keyed hash only); extracts often lack the
    institution and the year."""

    __tablename__ = "registry_education"

    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(foreign_key="registry_import.id", index=True)
    person_key: str = Field(max_length=64, index=True)
    education: str = Field(max_length=32)
    institution: str | None = Field(default=None, max_length=200)
    year: int | None = None
