from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from review_service.config import Settings
from review_service.reviews.router import today
from tests.review_service.factories import World
from tests.review_service.reviews.flow import Clock, Flow

# 2026-06-19 (a Friday) is the Dragon Boat Festival: notice periods must skip it.
HOLIDAYS = ["2026-06-19"]


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        id_hash_key="test-id-hash-key-long-enough-0123456789",
        login_max_failures=3,
        holidays=HOLIDAYS,
    )


@pytest.fixture
def clock(app) -> Iterator[Clock]:  # type: ignore[no-untyped-def]
    """The service's "today", movable by the test."""
    c = Clock(date(2026, 6, 1))
    app.dependency_overrides[today] = lambda: c.today
    yield c
    app.dependency_overrides.pop(today, None)


@pytest.fixture
def flow(client, world: World, app, clock: Clock) -> Flow:  # type: ignore[no-untyped-def]
    return Flow(client, world, app.state.engine, clock)
