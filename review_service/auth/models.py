from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from review_service.db import UTCDateTime, utcnow


class RefreshToken(SQLModel, table=True):
    """A refresh token, stored as its digest. Each use rotates it; using a rotated token
    again revokes its whole family (the token was stolen or replayed)."""

    __tablename__ = "refresh_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    token_digest: str = Field(max_length=64, unique=True)
    family: str = Field(max_length=32, index=True)
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LoginThrottle(SQLModel, table=True):
    """Failed logins per user name, known or not, so that locking does not reveal which
    accounts exist."""

    __tablename__ = "login_throttle"

    username: str = Field(max_length=64, primary_key=True)
    failures: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RateWindow(SQLModel, table=True):
    """One client's recent requests to one rate-limited endpoint (a sliding-window log): the
    times, in seconds since the epoch, of the requests let through in the last window."""

    __tablename__ = "rate_window"

    key: str = Field(max_length=160, primary_key=True)
    hits: list[float] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
