from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from review_service.db import UTCDateTime, utcnow


class PersonRelation(SQLModel, table=True):
    """A relation between an expert and another person that obliges the expert to withdraw
    (回避) whenever that person applies: recorded by HR for an applicant or declared by the
    expert. Both sides are keyed resident-ID hashes, never IDs in clear, so the relation holds
    in every enterprise and before the person has applied anywhere."""

    __tablename__ = "person_relation"

    id: int | None = Field(default=None, primary_key=True)
    expert_key: str = Field(max_length=64, index=True)
    expert_user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    person_key: str = Field(max_length=64, index=True)
    person_mask: str = Field(max_length=18)
    person_name: str = Field(max_length=100)
    # The expert's side of it: relative, supervisor (of the person), subordinate, collaborator,
    # other (an interest the expert or HR declares). Codes of reviews.schemas.ConflictKind,
    # plus subordinate, which a conflict folds into supervisor.
    kind: str = Field(max_length=32)
    # admin (HR), expert (self-declared) or regulator.
    source: str = Field(max_length=16)
    note: str | None = Field(default=None, max_length=500)
    # The enterprise whose HR recorded it (None: declared by a pool expert or the regulator).
    enterprise_id: int | None = Field(default=None, foreign_key="enterprise.id", index=True)
    recorded_by: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    retracted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    retract_reason: str | None = Field(default=None, max_length=500)
