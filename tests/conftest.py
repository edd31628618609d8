"""Test database per run: SQLite by default, PostgreSQL when TEST_DATABASE_URL is set and
REVIEW_TEST_BACKEND=postgres. A uniquely named database is created, migrated with Alembic
and dropped at the end; tables are emptied after every test that touched them."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlmodel import Session, SQLModel

from review_service import tables  # noqa: F401
from review_service.db import make_engine, normalize_database_url

BACKEND = os.environ.get("REVIEW_TEST_BACKEND", "sqlite")

# Settings read from the environment (the CLI's) need a named environment: the defaults fail
# closed. Tests that build Settings themselves name theirs, with real keys outside development.
os.environ.setdefault("REVIEW_ENVIRONMENT", "development")


def _postgres_admin_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.exit("REVIEW_TEST_BACKEND=postgres needs TEST_DATABASE_URL", returncode=2)
    return normalize_database_url(url)


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    if BACKEND == "postgres":
        admin_url = make_url(_postgres_admin_url())
        name = f"test_review_{secrets.token_hex(4)}"
        admin = make_engine(
            admin_url.set(database="postgres").render_as_string(hide_password=False)
        )
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = admin_url.set(database=name).render_as_string(hide_password=False)
        try:
            _migrate(url)
            yield url
        finally:
            with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    else:
        with tempfile.TemporaryDirectory(prefix="review-test-") as tmp:
            url = f"sqlite:///{Path(tmp) / 'test.db'}"
            _migrate(url)
            yield url


def _migrate(url: str) -> None:
    from alembic import command

    from review_service.cli import alembic_config

    cfg = alembic_config(url)
    cfg.attributes["skip_logging"] = True
    command.upgrade(cfg, "head")


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _empty_tables(engine: Engine) -> None:
    names = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            _empty_postgres(conn, names)
        else:
            for n in names:
                conn.execute(text(f'DELETE FROM "{n}"'))


def _empty_postgres(conn: Connection, names: list[str]) -> None:
    """Delete the rows of only the tables a test filled and restart only the sequences it
    drew from, found in one round trip. TRUNCATE gives every table new files, synced at
    commit: truncating all fifty after each test took 0.3 s, most of the PostgreSQL pass,
    where deleting a test's few rows takes milliseconds."""
    filled = " UNION ALL ".join(f"SELECT '{n}' WHERE EXISTS (SELECT 1 FROM \"{n}\")" for n in names)
    filled_tables = list(conn.execute(text(filled)).scalars())
    # A sequence read since its last restart has a last_value (rolled-back inserts too).
    sequences = list(
        conn.execute(
            text(
                "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) "
                "FROM pg_sequences WHERE last_value IS NOT NULL"
            )
        ).scalars()
    )
    # The event log refuses DELETE to the service; the test harness, a superuser, empties it
    # with the triggers (foreign keys' too, so the order does not matter) set aside for this
    # transaction.
    conn.execute(text("SET LOCAL session_replication_role = replica"))
    for name in filled_tables:
        conn.execute(text(f'DELETE FROM "{name}"'))
    for sequence in sequences:
        conn.execute(text(f"ALTER SEQUENCE {sequence} RESTART"))


@pytest.fixture
def db(engine: Engine) -> Iterator[Engine]:
    """An empty database for this test."""
    yield engine
    _empty_tables(engine)


@pytest.fixture
def session(db: Engine) -> Iterator[Session]:
    with Session(db, expire_on_commit=False) as s:
        yield s
