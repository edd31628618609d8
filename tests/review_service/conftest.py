from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from review_service.config import Settings
from review_service.main import create_app
from tests.review_service.factories import World, build_world


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        id_hash_key="test-id-hash-key-long-enough-0123456789",
        login_max_failures=3,
    )


@pytest.fixture
def app(settings: Settings, db: Engine):  # type: ignore[no-untyped-def]
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as c:
        yield c


@pytest.fixture
def world(app, settings: Settings) -> World:  # type: ignore[no-untyped-def]
    """Two enterprises (A and B) with an admin, an expert and an applicant each, a regulator
    and a pool expert; tokens for everyone."""
    return build_world(app.state.engine, settings)
