"""Tables of application materials.

Files live in the database with the application (``material_file``), not on disk: an upload,
its review and the application change in one transaction, so a rolled-back request leaves no
orphan file and a database backup is a complete backup. Each distinct content is stored once
per enterprise (unique content hash); ``material`` rows point at it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from review_service.db import UTCDateTime, utcnow


class MaterialFile(SQLModel, table=True):
    """One stored content, shared by every material of the enterprise with the same hash."""

    __tablename__ = "material_file"
    __table_args__ = (UniqueConstraint("enterprise_id", "sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    sha256: str = Field(max_length=64)
    size: int
    file_type: str = Field(max_length=8)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Material(SQLModel, table=True):
    """One file an applicant submitted for one material kind of an application.

    ``status``: submitted → accepted or returned (with a reason); a returned material is
    replaced by a new row (status ``replaced``, ``replaced_by_id`` set) so the history stays."""

    __tablename__ = "material"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    session_id: int = Field(foreign_key="review_session.id", index=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    kind: str = Field(max_length=32)
    file_id: int = Field(foreign_key="material_file.id", index=True)
    file_name: str = Field(max_length=120)
    sha256: str = Field(max_length=64)
    size: int
    file_type: str = Field(max_length=8)
    status: str = Field(default="submitted", max_length=16, index=True)
    review_reason: str | None = Field(default=None, max_length=500)
    reviewed_by: int | None = Field(default=None, foreign_key="user_account.id")
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    replaced_by_id: int | None = Field(default=None, foreign_key="material.id")
    uploaded_by: int = Field(foreign_key="user_account.id")
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
