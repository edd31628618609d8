from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Integer
from sqlmodel import Field, SQLModel

from review_service.db import UTCDateTime, utcnow


class Enterprise(SQLModel, table=True):
    """A review body (tenant): an enterprise, an industry committee or a third-party body."""

    __tablename__ = "enterprise"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    credit_code: str = Field(max_length=18, unique=True, index=True)
    industry_cluster: str = Field(max_length=64, index=True)
    review_body_kind: str = Field(default="enterprise", max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


_authorization_version = Column("version", Integer, nullable=False)


class Authorization(SQLModel, table=True):
    """What an enterprise may review itself: a track, a series or trade, some levels, a period."""

    __tablename__ = "authorization"

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    track: str = Field(max_length=16)
    series: str = Field(max_length=64)
    levels: list[str] = Field(sa_column=Column(JSON, nullable=False))
    valid_from: date
    valid_to: date
    status: str = Field(default="active", max_length=16, index=True)
    reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Optimistic lock (see review_service.transitions): concurrent status changes cannot both win.
    version: int = Field(default=1, sa_column=_authorization_version)

    __mapper_args__ = {"version_id_col": _authorization_version}
