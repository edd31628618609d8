from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class EventPublic(BaseModel):
    id: int
    seq: int
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
    prev_hash: str
    hash: str


class EventsPublic(BaseModel):
    data: list[EventPublic]
    count: int


class ChainReportPublic(BaseModel):
    intact: bool
    checked: int
    first_broken_seq: int | None
    first_broken_id: int | None
    problem: str | None
