"""Engine, metadata conventions and column types shared by every domain's tables."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel, create_engine

from review_service.config import Settings

# Explicit constraint names so that migrations can drop and alter them by name on both engines.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on both engines (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def normalize_database_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use the psycopg 3 driver for them."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(
    url: str,
    *,
    connect_timeout: int = 5,
    pool_timeout: int = 15,
    statement_timeout_ms: int = 30_000,
    lock_timeout_ms: int = 10_000,
) -> Engine:
    """The engine, with every wait on the database bounded: an unreachable or frozen server,
    an exhausted pool, a runaway statement or a held lock end in an error (answered 503 with
    ``Retry-After``) within seconds instead of holding the request and its thread."""
    url = normalize_database_url(url)
    if url.startswith("sqlite"):
        in_memory = make_url(url).database in (None, "", ":memory:")
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            # An in-memory database has one connection per thread and no pool to wait on.
            **({} if in_memory else {"pool_timeout": pool_timeout}),
        )
        _serialise_sqlite_writers(engine)
        return engine
    engine = create_engine(
        url,
        # Pinged on checkout only after an idle spell (see _ping_when_idle), not every time.
        pool_pre_ping=False,
        pool_size=10,
        max_overflow=10,
        pool_timeout=pool_timeout,
        connect_args={
            # libpq's timeout covers the whole handshake, so a listener that accepts and never
            # answers is given up on too. Keepalives notice a peer that vanished while the
            # connection is idle, and tcp_user_timeout one that stopped acknowledging what we
            # sent (a cut network, a paused machine).
            "connect_timeout": connect_timeout,
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 3,
            "keepalives_count": 3,
            "tcp_user_timeout": 2 * connect_timeout * 1000,
            "options": (
                f"-c statement_timeout={statement_timeout_ms} -c lock_timeout={lock_timeout_ms}"
            ),
        },
    )
    FrozenServerWatch(engine, connect_timeout=connect_timeout).install()
    _ping_when_idle(engine)
    return engine


# A connection back in the pool for less than this is trusted on its next checkout.
IDLE_BEFORE_PING_SECONDS = 1.0


def _ping_when_idle(engine: Engine) -> None:
    """Pessimistic disconnect handling, but only for connections that sat idle: a restarted
    or vanished server is noticed at checkout (the pool then replaces the connection, up to
    three tries), while a busy service does not pay a round trip on every checkout — under
    load that was two extra round trips per request. A connection used within the last second
    that the server dropped meanwhile fails its request with 503, and the disconnect makes
    the pool discard every older connection."""
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _checked_in(_: Any, record: Any) -> None:
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < IDLE_BEFORE_PING_SECONDS:
            return
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError(f"pooled connection failed its ping: {exc}") from exc
        if not alive:
            raise DisconnectionError("pooled connection failed its ping")


class FrozenServerWatch:
    """Bounds the wait of a connection already taken from the pool when the server freezes.

    A frozen server process (stopped, hung) on a live machine still has its kernel acknowledge
    our packets and keepalives, so neither TCP option above notices, and its own
    ``statement_timeout`` never fires: a request would wait forever. So every checked-out
    connection (and every pre-ping) is watched; when one has been out longer than
    ``connect_timeout``, the watch opens a fresh connection to the server with the same
    timeout. If the server answers it (even to refuse), it is alive and merely busy: its own
    timeouts bound the work, nothing is touched. If not, the sockets of the connections out
    that long are shut down, so their requests fail at once (503 with ``Retry-After``) and the
    pool replaces them. The watch thread runs only while connections are out."""

    def __init__(self, engine: Engine, *, connect_timeout: int) -> None:
        self.conninfo = engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        self.after = float(connect_timeout)
        self.connect_timeout = connect_timeout
        self.engine = engine
        self.out: dict[int, tuple[float, Any]] = {}
        self.lock = threading.Lock()
        self.running = False
        self.next_probe = 0.0

    def install(self) -> None:
        event.listen(self.engine, "checkout", lambda dbapi, *_: self.arm(dbapi))
        for name in ("checkin", "invalidate", "soft_invalidate", "close", "close_detached"):
            event.listen(self.engine, name, lambda dbapi, *_: self.disarm(dbapi))
        dialect = self.engine.dialect
        ping = dialect.do_ping

        def watched_ping(dbapi_connection: Any) -> bool:
            self.arm(dbapi_connection)
            try:
                return ping(dbapi_connection)
            finally:
                self.disarm(dbapi_connection)

        dialect.do_ping = watched_ping  # type: ignore[method-assign]

    def arm(self, dbapi_connection: Any) -> None:
        with self.lock:
            self.out[id(dbapi_connection)] = (time.monotonic(), dbapi_connection)
            if not self.running:
                self.running = True
                threading.Thread(
                    target=self._watch, name="frozen-server-watch", daemon=True
                ).start()

    def disarm(self, dbapi_connection: Any) -> None:
        if dbapi_connection is not None:
            with self.lock:
                self.out.pop(id(dbapi_connection), None)

    def _watch(self) -> None:
        while True:
            time.sleep(0.5)
            now = time.monotonic()
            with self.lock:
                if not self.out:
                    self.running = False
                    return
                overdue = [c for since, c in self.out.values() if now - since > self.after]
            if not overdue or now < self.next_probe:
                continue
            if self._server_answers():
                # Alive and busy: look again only once the next wait could be overdue.
                self.next_probe = time.monotonic() + self.after
                continue
            for connection in overdue:
                _cut(connection)

    def _server_answers(self) -> bool:
        import psycopg

        try:
            psycopg.connect(self.conninfo, connect_timeout=self.connect_timeout).close()
        except psycopg.Error as exc:
            # A refusal with a code (too many connections, starting up) is an answer.
            return getattr(exc, "sqlstate", None) is not None
        return True


def _cut(dbapi_connection: Any) -> None:
    """Shut the connection's socket down under the thread waiting on it: its wait ends with a
    disconnect error, which SQLAlchemy handles by discarding the connection."""
    with contextlib.suppress(Exception):
        fd = dbapi_connection.pgconn.socket
        with socket.socket(fileno=os.dup(fd)) as sock:
            sock.shutdown(socket.SHUT_RDWR)


def engine_for(settings: Settings) -> Engine:
    """The service's engine, with the waits its settings bound."""
    return make_engine(
        settings.database_url,
        connect_timeout=settings.db_connect_timeout_seconds,
        pool_timeout=settings.db_pool_timeout_seconds,
        statement_timeout_ms=settings.db_statement_timeout_ms,
        lock_timeout_ms=settings.db_lock_timeout_ms,
    )


def _serialise_sqlite_writers(engine: Engine) -> None:
    """SQLite has one writer at a time. Taking the write lock when the transaction begins
    (BEGIN IMMEDIATE) makes concurrent requests queue instead of failing on a stale snapshot,
    which also keeps the event chain and state transitions race-free on SQLite."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Long reads (an audit loading its filings) must not hold the write lock meanwhile.
        deferred = conn.get_execution_options().get("read_only", False)
        conn.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


def read_only(engine: Engine) -> Engine:
    """The same engine for work that only reads: on SQLite its transactions do not take the
    write lock, so requests keep writing while, say, an audit loads every filing."""
    return engine.execution_options(read_only=True)


LIKE_ESCAPE = "\\"


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its own ``%``, ``_`` and ``\\`` taken
    literally (use with ``escape=LIKE_ESCAPE``): a search for "%" must not match everything."""
    escaped = (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
    return f"%{escaped}%"
