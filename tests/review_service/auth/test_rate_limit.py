"""The public endpoints' sliding-window rate limit: per client address, shared through the
database by every worker, 429 with Retry-After and a message in both languages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from review_service.auth.models import RateWindow
from review_service.auth.rate_limit import hit
from review_service.config import Settings
from review_service.errors import TooManyRequests
from review_service.main import create_app

URL = "/api/v1/public/certificates/verify"
QUERY = {"number": "ZC2026-0000-0000001", "name": "张三"}
T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        id_hash_key="test-id-hash-key-long-enough-0123456789",
        verify_rate_per_minute=3,
    )


def test_the_window_slides_and_counts_each_client_apart(app) -> None:  # type: ignore[no-untyped-def]
    with Session(app.state.engine) as s:
        for seconds in (0, 10, 20):
            hit(s, key="v:1.2.3.4", limit=3, window=60, now=T0 + timedelta(seconds=seconds))
        with pytest.raises(TooManyRequests) as refused:
            hit(s, key="v:1.2.3.4", limit=3, window=60, now=T0 + timedelta(seconds=30))
        # The oldest request leaves the window at 60 s: 30 s from now.
        assert refused.value.retry_after == 30
        hit(s, key="v:5.6.7.8", limit=3, window=60, now=T0 + timedelta(seconds=30))
        hit(s, key="v:1.2.3.4", limit=3, window=60, now=T0 + timedelta(seconds=61))
        with pytest.raises(TooManyRequests):
            hit(s, key="v:1.2.3.4", limit=3, window=60, now=T0 + timedelta(seconds=62))
        # A client quiet for a whole window is purged by the next one's request.
        hit(s, key="v:9.9.9.9", limit=3, window=60, now=T0 + timedelta(seconds=200))
        keys = set(s.exec(select(RateWindow.key)).all())
        assert keys == {"v:9.9.9.9"}


def test_verification_answers_429_with_retry_after_across_workers(app, settings) -> None:  # type: ignore[no-untyped-def]
    # Two app instances over one database stand for two workers.
    other = create_app(settings)
    try:
        with (
            TestClient(app, client=("203.0.113.7", 5000)) as one,
            TestClient(other, client=("203.0.113.7", 5001)) as two,
            TestClient(app, client=("198.51.100.1", 5000)) as elsewhere,
        ):
            answers = [c.get(URL, params=QUERY).status_code for c in (one, two, one)]
            assert answers == [200, 200, 200]
            refused = two.get(URL, params=QUERY)
            assert refused.status_code == 429
            assert 1 <= int(refused.headers["Retry-After"]) <= 60
            error = refused.json()["error"]
            assert error["code"] == "rate_limited"
            assert "请求过于频繁" in error["message"] and "too many requests" in error["message_en"]
            assert elsewhere.get(URL, params=QUERY).status_code == 200
    finally:
        other.state.engine.dispose()
