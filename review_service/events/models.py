from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from review_service.db import UTCDateTime, utcnow


class Event(SQLModel, table=True):
    """One row of the append-only, hash-chained event log.

    ``hash`` covers every other column and the previous row's hash, so editing or deleting a
    past row breaks the chain at that row (``verify_chain`` names it)."""

    __tablename__ = "event"

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True, index=True)
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_id: int | None = Field(default=None, index=True)
    actor_role: str | None = Field(default=None, max_length=32)
    enterprise_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=64, index=True)
    object_type: str = Field(max_length=64, index=True)
    object_id: str | None = Field(default=None, max_length=64, index=True)
    before_digest: str | None = Field(default=None, max_length=64)
    after_digest: str | None = Field(default=None, max_length=64)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)
