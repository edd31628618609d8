"""A database out of reach answers 503 with the JSON error body and ``Retry-After`` within a
bound, whether the port is closed or a listener accepts and never answers; liveness stays ok,
readiness says the database is down. With the database back, the same app recovers."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from review_service.auth import tokens
from review_service.config import Settings
from review_service.main import create_app

API = "/api/v1"
BOUND_SECONDS = 6.0  # connect timeout 2 s, plus the pool's and the test client's overhead
# A frozen server behind a connection already open: 2 s before the watch suspects it, 2 s for
# its probe, then (for a request) 2 s for the pool's fresh connection, plus overhead.
FROZEN_BOUND_SECONDS = 12.0


def _settings(url: str) -> Settings:
    return Settings(
        environment="test",
        database_url=url,
        secret_key="outage-secret-key-0123456789abcdef0123",
        id_hash_key="outage-id-hash-key-0123456789abcdef0123",
        db_connect_timeout_seconds=2,
        db_pool_timeout_seconds=2,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def silent_listener() -> Iterator[int]:
    """A server that accepts connections and never says a word (a frozen database)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                held.append(conn)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join(timeout=2)
    for conn in held:
        conn.close()
    server.close()


def _check_outage(url: str) -> None:
    settings = _settings(url)
    app = create_app(settings)
    token = tokens.issue_access_token(
        secret=settings.secret_key,
        user_id=1,
        role="regulator",
        enterprise_id=None,
        version=0,
        now=datetime.now(UTC),
        lifetime=timedelta(minutes=5),
    )
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get(f"{API}/health").json() == {"status": "ok"}
        calls = [
            ("GET", f"{API}/me", {"headers": auth}),
            ("GET", f"{API}/review-sessions", {"headers": auth}),
            ("POST", f"{API}/auth/login", {"data": {"username": "x", "password": "y"}}),
            ("PATCH", f"{API}/users/1", {"headers": auth, "json": {"display_name": "z"}}),
            ("GET", f"{API}/health/ready", {}),
        ]
        for method, path, kwargs in calls:
            started = time.perf_counter()
            r = client.request(method, path, **kwargs)
            took = time.perf_counter() - started
            assert r.status_code == 503, (path, r.status_code, r.text)
            assert took < BOUND_SECONDS, (path, took)
            assert r.headers["content-type"] == "application/json"
            assert int(r.headers["retry-after"]) > 0
            error = r.json()["error"]
            assert error["code"] == "database_unavailable"
            assert error["message"] and error["message_en"]
        # Liveness is about the process, not the database.
        assert client.get(f"{API}/health").status_code == 200
    app.state.engine.dispose()


def test_closed_port_answers_503_quickly() -> None:
    _check_outage(f"postgresql://postgres@127.0.0.1:{_free_port()}/review")


def test_listener_that_never_answers_gives_503_within_the_bound(silent_listener: int) -> None:
    _check_outage(f"postgresql://postgres@127.0.0.1:{silent_listener}/review")


def test_readiness_is_ok_with_the_database(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"{API}/health/ready")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok"}


class _Switch:
    """A TCP relay to the real database that can be cut (every connection dropped, new ones
    refused at once) and restored, as a network outage would; or frozen (connections stay
    open, what is sent is taken and never answered, new ones are accepted and never answered),
    as a stopped or hung server would."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.up = True
        self.frozen = False
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(64)
        self.server.settimeout(0.2)
        self.port = int(self.server.getsockname()[1])
        self.live: list[socket.socket] = []
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                client, _ = self.server.accept()
            except OSError:
                continue
            if not self.up:
                client.close()
                continue
            if self.frozen:
                self.live.append(client)
                continue
            upstream = socket.create_connection(self.target)
            self.live += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                if not self.frozen:
                    sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.up = False
        for s in self.live:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
        self.live.clear()

    def restore(self) -> None:
        self.up = True

    def freeze(self) -> None:
        self.frozen = True

    def close(self) -> None:
        self.stopped.set()
        self.cut()
        self.server.close()


@pytest.mark.skipif(
    os.environ.get("REVIEW_TEST_BACKEND", "sqlite") != "postgres",
    reason="needs PostgreSQL",
)
def test_the_service_recovers_without_restart(database_url: str, db) -> None:  # type: ignore[no-untyped-def]
    real = make_url(database_url)
    switch = _Switch((real.host or "127.0.0.1", real.port or 5432))
    proxied = real.set(host="127.0.0.1", port=switch.port).render_as_string(hide_password=False)
    app = create_app(_settings(proxied))
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            assert client.get(f"{API}/health/ready").status_code == 200
            switch.cut()
            started = time.perf_counter()
            down = client.get(f"{API}/health/ready")
            assert down.status_code == 503
            assert time.perf_counter() - started < BOUND_SECONDS
            login = client.post(f"{API}/auth/login", data={"username": "x", "password": "y"})
            assert login.status_code == 503
            switch.restore()
            assert client.get(f"{API}/health/ready").status_code == 200
            # A real request through the same pool: the unknown user is refused (401).
            again = client.post(f"{API}/auth/login", data={"username": "x", "password": "y"})
            assert again.status_code == 401, again.text
    finally:
        app.state.engine.dispose()
        switch.close()


@pytest.mark.skipif(
    os.environ.get("REVIEW_TEST_BACKEND", "sqlite") != "postgres",
    reason="needs PostgreSQL",
)
def test_connections_already_open_when_the_server_freezes_give_up(database_url: str, db) -> None:  # type: ignore[no-untyped-def]
    """The server freezes under open connections: one checked out in the middle of its work,
    and one idle in the pool that the next request takes. Neither waits for ever: the work
    fails with a disconnect, the request answers 503 with ``Retry-After``, within a bound."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    real = make_url(database_url)
    switch = _Switch((real.host or "127.0.0.1", real.port or 5432))
    proxied = real.set(host="127.0.0.1", port=switch.port).render_as_string(hide_password=False)
    app = create_app(_settings(proxied))
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            assert client.get(f"{API}/health/ready").status_code == 200  # one pooled
            in_use = app.state.engine.connect()
            in_use.execute(text("SELECT 1"))
            switch.freeze()

            started = time.perf_counter()
            with pytest.raises(DBAPIError) as raised:
                in_use.execute(text("SELECT 1"))
            assert raised.value.connection_invalidated
            assert time.perf_counter() - started < FROZEN_BOUND_SECONDS
            in_use.close()

            started = time.perf_counter()
            r = client.get(f"{API}/health/ready")
            assert r.status_code == 503, r.text
            assert time.perf_counter() - started < FROZEN_BOUND_SECONDS
            assert int(r.headers["retry-after"]) > 0
            assert r.json()["error"]["code"] == "database_unavailable"
    finally:
        app.state.engine.dispose()
        switch.close()


@pytest.mark.skipif(
    os.environ.get("REVIEW_TEST_BACKEND", "sqlite") != "postgres",
    reason="needs PostgreSQL",
)
def test_pooled_connections_the_server_dropped_are_replaced_after_an_idle_spell(
    database_url: str,
    db,  # type: ignore[no-untyped-def]
) -> None:
    """The server restarts (here: every backend of the service terminated) while the pool
    sits idle: the next request is answered normally, because a connection idle longer than
    a second is pinged on checkout and replaced when dead."""
    from sqlalchemy import create_engine, text

    from review_service.db import IDLE_BEFORE_PING_SECONDS

    app = create_app(_settings(database_url))
    admin = create_engine(make_url(database_url).set(drivername="postgresql+psycopg"))
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            assert client.get(f"{API}/health/ready").status_code == 200
            with app.state.engine.connect() as conn:
                pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
            with admin.begin() as conn:
                ended = conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
                assert ended.scalar_one() is True
            time.sleep(IDLE_BEFORE_PING_SECONDS + 0.2)
            r = client.post(f"{API}/auth/login", data={"username": "x", "password": "y"})
            assert r.status_code == 401, r.text
    finally:
        admin.dispose()
        app.state.engine.dispose()
