from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from review_service.db import UTCDateTime, utcnow

_standard_row_version = Column("row_version", Integer, nullable=False)


class StandardVersion(SQLModel, table=True):
    """One version of an enterprise standard or of the regulator's baseline.

    Versions of the same track + series/trade + specialty + level and owner form a lineage.
    A published version never changes (sessions and filings refer to it); a change is a new
    version, and publishing it retires the one before."""

    __tablename__ = "standard_version"
    __table_args__ = (UniqueConstraint("lineage", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int | None = Field(default=None, foreign_key="enterprise.id", index=True)
    kind: str = Field(max_length=16, index=True)  # "standard" or "baseline"
    track: str = Field(max_length=16)
    series: str = Field(max_length=64)
    specialty: str | None = Field(default=None, max_length=64)
    level: str = Field(max_length=32)
    lineage: str = Field(max_length=200, index=True)
    version: int
    status: str = Field(default="draft", max_length=16, index=True)
    name: str = Field(max_length=300)
    document: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    row_version: int = Field(default=1, sa_column=_standard_row_version)

    __mapper_args__ = {"version_id_col": _standard_row_version}


_equivalence_row_version = Column("row_version", Integer, nullable=False)


class EquivalenceTableVersion(SQLModel, table=True):
    """A version of the regulator's title–skill equivalence table (national rules with cluster
    and enterprise overrides, all in one document)."""

    __tablename__ = "equivalence_table_version"

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(unique=True)
    status: str = Field(default="draft", max_length=16, index=True)
    document: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    row_version: int = Field(default=1, sa_column=_equivalence_row_version)

    __mapper_args__ = {"version_id_col": _equivalence_row_version}
