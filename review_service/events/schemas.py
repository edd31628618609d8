from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class EventPublic(BaseModel):
    id: int
    chain: int = Field(description="0 for the city's chain, else the enterprise's id")
    seq: int = Field(description="position in its chain, from 1")
    occurred_at: datetime
    actor_id: int | None
    actor_role: str | None
    enterprise_id: int | None
    action: str
    object_type: str
    object_id: str | None
    before_digest: str | None
    after_digest: str | None
    detail: dict[str, Any]
    key_id: str | None
    prev_hash: str
    hash: str


class EventsPublic(BaseModel):
    data: list[EventPublic]
    count: int


class ChainReportPublic(BaseModel):
    intact: bool
    checked: int
    chains: int
    first_broken_chain: int | None
    first_broken_seq: int | None
    first_broken_id: int | None
    problem: str | None
    checkpoint_size: int | None = Field(
        default=None, description="events the checkpoint covered, when one was given"
    )


class ChainHead(BaseModel):
    chain: int = Field(ge=0, le=2**63 - 1)
    size: int = Field(ge=1, le=2**63 - 1)
    head: str = Field(pattern=r"^[0-9a-f]{64}$")


class CheckpointPublic(BaseModel):
    """A signed statement of the log's extent (every chain's size and head hash), to be held
    outside this service; verify the log against it later to find truncation or rewrites."""

    format: str = Field(max_length=64)
    issued_at: str = Field(max_length=40)
    size: int = Field(ge=0, le=2**63 - 1)
    chains: list[ChainHead] = Field(max_length=100_000)
    public_key: str = Field(pattern=r"^[0-9a-f]{64}$", description="Ed25519, raw, hex")
    signature: str = Field(pattern=r"^[0-9a-f]{128}$", description="Ed25519 over the rest")
