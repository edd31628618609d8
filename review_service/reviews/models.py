"""Tables of the review workflow: sessions, panels, conflicts, applications, scores, votes,
decisions, public notices and objections.

Every row carries ``enterprise_id`` (copied from its session) so the one tenancy resolver
scopes it without joins. Resident ID numbers never reach these tables: applications keep the
keyed hash (``person_key``) and a mask."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from review_service.db import UTCDateTime, utcnow

_session_version = Column("version", Integer, nullable=False)


class ReviewSession(SQLModel, table=True):
    """One review round (评审批次) of an enterprise for one standard version."""

    __tablename__ = "review_session"

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    standard_version_id: int = Field(foreign_key="standard_version.id", index=True)
    authorization_id: int | None = Field(default=None, foreign_key="authorization.id")
    name: str = Field(max_length=200)
    track: str = Field(max_length=16)
    series: str = Field(max_length=64)
    level: str = Field(max_length=32)
    period: str = Field(max_length=16, index=True)
    held_on: date | None = None
    status: str = Field(default="draft", max_length=16, index=True)
    # The standard as it was when the session opened: later versions never change a round.
    standard: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    standard_label: str | None = Field(default=None, max_length=64)
    filing_id: str | None = Field(default=None, max_length=64, unique=True)
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Optimistic lock: of two concurrent transitions exactly one commits.
    version: int = Field(default=1, sa_column=_session_version)

    __mapper_args__ = {"version_id_col": _session_version}


class PanelMember(SQLModel, table=True):
    """An expert on a session's panel (评委), with their qualification as it was when added."""

    __tablename__ = "panel_member"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="review_session.id", index=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    role: str = Field(default="member", max_length=16)
    track: str = Field(max_length=16)
    level: str = Field(max_length=32)
    external: bool = False
    # drawn (随机抽取), reserve (called in after a decline) or hand_picked (with a reason).
    selection: str = Field(default="hand_picked", max_length=16)
    selection_reason: str | None = Field(default=None, max_length=500)
    # A drawn expert confirms or declines; scoring waits for every seat to be confirmed.
    response: str = Field(default="confirmed", max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Application(SQLModel, table=True):
    """An applicant's claim (申报) for the session's level, validated on submission."""

    __tablename__ = "application"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="review_session.id", index=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    applicant_user_id: int = Field(foreign_key="user_account.id", index=True)
    submitted_by: int = Field(foreign_key="user_account.id")
    name: str = Field(max_length=100)
    person_key: str = Field(max_length=64, index=True)
    id_mask: str = Field(max_length=18)
    track: str = Field(max_length=16)
    series: str = Field(max_length=64)
    level: str = Field(max_length=32)
    period: str = Field(max_length=16)
    department: str | None = Field(default=None, max_length=100)
    facts: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    evidence: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    exceptional: bool = False
    exceptional_justification: str | None = Field(default=None, max_length=2000)
    status: str = Field(default="ineligible", max_length=16, index=True)
    verdict: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    # person|track|level|period while the application is live, else NULL: the unique index
    # makes "one live application per person, level and period" hold under concurrency too.
    live_key: str | None = Field(default=None, max_length=200, unique=True)
    submitted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Conflict(SQLModel, table=True):
    """A conflict of interest (回避) between a panel member and an application: declared or
    detected, then confirmed or dismissed by HR with a reason."""

    __tablename__ = "conflict"
    __table_args__ = (UniqueConstraint("application_id", "panel_member_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="review_session.id", index=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    panel_member_id: int = Field(foreign_key="panel_member.id", index=True)
    kind: str = Field(max_length=32)
    source: str = Field(max_length=16)
    status: str = Field(default="pending", max_length=16, index=True)
    reason: str | None = Field(default=None, max_length=500)
    declared_by: int | None = Field(default=None, foreign_key="user_account.id")
    resolution_reason: str | None = Field(default=None, max_length=500)
    resolved_by: int | None = Field(default=None, foreign_key="user_account.id")
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Score(SQLModel, table=True):
    """One member's score sheet (评分) for one application: criterion code -> score."""

    __tablename__ = "score"
    __table_args__ = (UniqueConstraint("application_id", "panel_member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="review_session.id", index=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    panel_member_id: int = Field(foreign_key="panel_member.id", index=True)
    values: dict[str, float] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    comments: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    total: float | None = None
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Vote(SQLModel, table=True):
    """One member's secret ballot (表决) on one application; never shown with its voter."""

    __tablename__ = "vote"
    __table_args__ = (UniqueConstraint("application_id", "panel_member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="review_session.id", index=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    panel_member_id: int = Field(foreign_key="panel_member.id", index=True)
    choice: str = Field(max_length=16)
    cast_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Decision(SQLModel, table=True):
    """评审结果 of one application, computed by the server, with each part explained."""

    __tablename__ = "decision"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="review_session.id", index=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    application_id: int = Field(foreign_key="application.id", unique=True)
    approved: bool
    computed_approved: bool
    final_score: float | None = None
    eligible_members: int
    approvals: int
    rejections: int
    abstentions: int
    parts: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    overturned_by_objection_id: int | None = None
    decided_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PublicNotice(SQLModel, table=True):
    """公示 of a session's approved list for the standard's number of working days."""

    __tablename__ = "public_notice"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="review_session.id", unique=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    published_on: date
    starts_on: date
    ends_on: date
    working_days: int
    entries: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Objection(SQLModel, table=True):
    """异议 against an application on public notice, resolved by HR with a reason."""

    __tablename__ = "objection"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="review_session.id", index=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    raised_by: int = Field(foreign_key="user_account.id")
    reason: str = Field(max_length=2000)
    status: str = Field(default="open", max_length=16, index=True)
    resolution_reason: str | None = Field(default=None, max_length=2000)
    resolved_by: int | None = Field(default=None, foreign_key="user_account.id")
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PanelDraw(SQLModel, table=True):
    """A session's random panel draw: the seed's hash is fixed (committed) before the draw and
    published with the session; the seed, the candidates and the result are kept after it so
    the regulator can re-run the draw."""

    __tablename__ = "panel_draw"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="review_session.id", unique=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    commitment: str = Field(max_length=64)
    # Secret until the draw; shown only afterwards.
    seed: str = Field(max_length=64)
    status: str = Field(default="committed", max_length=16)
    algorithm: str | None = Field(default=None, max_length=64)
    request: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    candidates: list[dict[str, Any]] | None = Field(
        default=None, sa_column=Column(JSON, nullable=True)
    )
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # Reserves not yet called in, in call order.
    reserves_left: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    declined: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    committed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    drawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
