"""A per-client sliding-window rate limit for endpoints anyone may call (public certificate
verification): at most ``limit`` requests in any ``window`` seconds, else 429 with
``Retry-After`` and a bilingual message.

The log lives in the database (``rate_window``), one row per endpoint and client address,
taken with the same lock-or-create as the login throttle, so any number of workers and
replicas share one count and a burst cannot outrun it. Behind a reverse proxy, run uvicorn
with ``--proxy-headers`` (and ``--forwarded-allow-ips``) so the client address is the
caller's, not the proxy's."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from fastapi import Request
from sqlmodel import Session, col, delete, select, update

from review_service.auth.models import RateWindow
from review_service.db import utcnow
from review_service.dependencies import SessionDep, SettingsDep
from review_service.errors import TooManyRequests
from review_service.transitions import lock_or_create

PURGE_BATCH = 100


def hit(session: Session, *, key: str, limit: int, window: int, now: datetime) -> None:
    """Count one request under ``key``, or refuse it (not counted) when ``limit`` requests
    were let through in the last ``window`` seconds."""
    at = now.timestamp()
    row = lock_or_create(session, RateWindow, key, column="key", hits=[], updated_at=now)
    recent = [t for t in row.hits if t > at - window]
    if len(recent) >= limit:
        raise TooManyRequests(max(1, math.ceil(recent[0] + window - at)))
    # Written with a statement, not through the row: the window is bookkeeping of traffic,
    # not a change of anyone's data, so it is not an event of the log (which would otherwise
    # grow by one entry per public lookup).
    session.exec(
        update(RateWindow)
        .where(col(RateWindow.key) == key)
        .values(hits=[*recent, at], updated_at=now)
    )
    # Clients gone quiet leave nothing behind. Rows another request holds are skipped, so two
    # clients' purges never wait on each other's windows.
    stale = session.exec(
        select(RateWindow.key)
        .where(col(RateWindow.updated_at) < now - timedelta(seconds=window))
        .limit(PURGE_BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    if stale:
        session.exec(delete(RateWindow).where(col(RateWindow.key).in_(stale)))


class RateLimit:
    """Route dependency: ``Depends(RateLimit("certificate_verify", "verify_rate_per_minute"))``
    limits each client address to the setting's number of requests per minute."""

    def __init__(self, bucket: str, setting: str, window: int = 60) -> None:
        self.bucket, self.setting, self.window = bucket, setting, window

    def __call__(self, request: Request, session: SessionDep, settings: SettingsDep) -> None:
        client = request.client.host if request.client else "unknown"
        hit(
            session,
            key=f"{self.bucket}:{client}"[:160],
            limit=int(getattr(settings, self.setting)),
            window=self.window,
            now=utcnow(),
        )
