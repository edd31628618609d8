from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
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


# Apps built in this pass, by their settings. FastAPI works out each route's dependency plan
# on an app's first request (about 0.5 s for this service); building one app per test paid
# that some 1,500 times a pass. Tables are emptied after every test (the `db` fixture), so
# an app carries nothing from one test to the next but its (disposed) connection pool.
_APPS: dict[str, FastAPI] = {}


@pytest.fixture
def app(settings: Settings, db: Engine) -> Iterator[FastAPI]:
    key = settings.model_dump_json()
    application = _APPS.get(key)
    if application is None:
        application = _APPS[key] = create_app(settings)
    yield application
    application.dependency_overrides.clear()
    # No connection of the app's pool may stay open across the tables being emptied.
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def world(app: FastAPI, settings: Settings) -> World:
    """Two enterprises (A and B) with an admin, an expert and an applicant each, a regulator
    and a pool expert; tokens for everyone."""
    return build_world(app.state.engine, settings)
