"""One answer per database refusal, wherever it surfaces (issue 9): a contested row (lock
timeout, deadlock, serialisation failure) is the caller's 409 ``lock_timeout``; a database
out of reach is 503 ``database_unavailable`` with ``Retry-After``; a statement cut short is
503 ``statement_timeout``. The commit path (dependencies.finish) and the exception handlers
share ``errors.from_database_error``."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from review_service.errors import (
    LockTimeout,
    StatementTimeout,
    from_database_error,
    install_error_handlers,
)


class _DriverError(Exception):
    def __init__(self, sqlstate: str | None, text: str = "driver error") -> None:
        super().__init__(text)
        self.sqlstate = sqlstate


def _operational(sqlstate: str | None, text: str = "driver error") -> OperationalError:
    return OperationalError("SELECT 1", {}, _DriverError(sqlstate, text))


@pytest.fixture
def client() -> TestClient:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/fail/{sqlstate}")
    def fail(sqlstate: str) -> None:
        raise _operational(None if sqlstate == "none" else sqlstate)

    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize("sqlstate", ["55P03", "40P01", "40001"])
def test_a_contested_row_is_a_409_from_either_path(client: TestClient, sqlstate: str) -> None:
    assert isinstance(from_database_error(_operational(sqlstate)), LockTimeout)
    r = client.get(f"/fail/{sqlstate}")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "lock_timeout"
    assert r.json()["error"]["message"] and r.json()["error"]["message_en"]
    assert "retry-after" not in r.headers


def test_sqlite_busy_is_a_contested_row_too() -> None:
    assert isinstance(from_database_error(_operational(None, "database is locked")), LockTimeout)


def test_a_database_out_of_reach_is_a_503_with_retry_after(client: TestClient) -> None:
    assert from_database_error(_operational(None, "connection refused")) is None
    r = client.get("/fail/none")
    assert r.status_code == 503
    assert r.json()["error"]["code"] == "database_unavailable"
    assert int(r.headers["retry-after"]) > 0


def test_a_statement_cut_short_is_a_503_with_retry_after(client: TestClient) -> None:
    assert isinstance(from_database_error(_operational("57014")), StatementTimeout)
    r = client.get("/fail/57014")
    assert r.status_code == 503
    assert r.json()["error"]["code"] == "statement_timeout"
    assert int(r.headers["retry-after"]) > 0
