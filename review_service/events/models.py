from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from review_service.db import UTCDateTime, utcnow

# The city's chain: events of no enterprise (the regulator's own work, logins, the city pool).
CITY_CHAIN = 0


class Event(SQLModel, table=True):
    """One row of the append-only, keyed hash-chained event log.

    The log is one chain per enterprise plus the city's chain (``chain`` = enterprise id, or
    0), so one tenant's writes never queue behind another's. ``hash`` is an HMAC (key
    ``key_id``) over every other column and the previous row's hash in the same chain, so
    editing, inserting or deleting a row breaks the chain at that row and nobody without the
    key can recompute it; signed checkpoints anchor every chain's head against truncation.
    Rows with no ``key_id`` predate the keyed log (plain SHA-256)."""

    __tablename__ = "event"
    __table_args__ = (UniqueConstraint("chain", "seq", name="uq_event_chain_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    chain: int = Field(default=CITY_CHAIN, index=True)
    # Position in its chain, from 1.
    seq: int = Field(index=True)
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
    key_id: str | None = Field(default=None, max_length=16)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)
