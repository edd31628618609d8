"""Throw-away stores of a generated data set, as the service keeps filings: one JSON row per
filing, plus the registry extracts and earlier periods' volumes. SQLite always; PostgreSQL
when a server answers (a fresh ``bench_<random>`` database, dropped afterwards).

Rows are read back as a stream (``iter_documents``), so neither the plain scan nor the audit
needs the whole JSON in memory at once.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import sqlite3
from collections.abc import Iterator
from typing import Any

from bench.generator import SyntheticData

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432"
_BATCH = 200

_TABLES = (
    "CREATE TABLE filings (id INTEGER PRIMARY KEY, filing_id TEXT NOT NULL, "
    "credit_code TEXT NOT NULL, document {json} NOT NULL)",
    "CREATE TABLE employment (person_key TEXT NOT NULL, employer_credit_code TEXT NOT NULL, "
    "start_on TEXT NOT NULL, end_on TEXT)",
    "CREATE TABLE education (person_key TEXT NOT NULL, education TEXT NOT NULL, "
    "institution TEXT NOT NULL, year INTEGER NOT NULL)",
    "CREATE TABLE history (credit_code TEXT NOT NULL, period TEXT NOT NULL, "
    "applications INTEGER NOT NULL, approved INTEGER NOT NULL)",
)


def write_sqlite(data: SyntheticData, path: str) -> int:
    """Store ``data`` in a new SQLite file; returns the number of filings written."""
    con = sqlite3.connect(path)
    try:
        for ddl in _TABLES:
            con.execute(ddl.format(json="TEXT"))
        n = 0
        batch: list[tuple[str, str, str]] = []
        for doc in data.iter_documents():
            batch.append(
                (
                    doc["filing_id"],
                    doc["review_body"]["credit_code"],
                    json.dumps(doc, ensure_ascii=False),
                )
            )
            if len(batch) == _BATCH:
                con.executemany(
                    "INSERT INTO filings (filing_id, credit_code, document) VALUES (?, ?, ?)",
                    batch,
                )
                n += len(batch)
                batch.clear()
        if batch:
            con.executemany(
                "INSERT INTO filings (filing_id, credit_code, document) VALUES (?, ?, ?)", batch
            )
            n += len(batch)
        con.executemany("INSERT INTO employment VALUES (?, ?, ?, ?)", _employment_rows(data))
        con.executemany("INSERT INTO education VALUES (?, ?, ?, ?)", _education_rows(data))
        con.executemany("INSERT INTO history VALUES (?, ?, ?, ?)", _history_rows(data))
        con.commit()
        return n
    finally:
        con.close()


def _employment_rows(data: SyntheticData) -> list[tuple[Any, ...]]:
    return [
        (r["person_key"], r["employer_credit_code"], r["start"], r["end"]) for r in data.employment
    ]


def _education_rows(data: SyntheticData) -> list[tuple[Any, ...]]:
    return [(r["person_key"], r["education"], r["institution"], r["year"]) for r in data.education]


def _history_rows(data: SyntheticData) -> list[tuple[Any, ...]]:
    return [(r["credit_code"], r["period"], r["applications"], r["approved"]) for r in data.history]


def postgres_reachable(server: str = DEFAULT_POSTGRES) -> bool:
    """Whether a PostgreSQL server answers at ``server`` (a URL without a database)."""
    try:
        import psycopg

        with psycopg.connect(f"{server}/postgres", connect_timeout=3):
            return True
    except Exception:
        return False


@contextlib.contextmanager
def postgres_database(server: str = DEFAULT_POSTGRES) -> Iterator[str]:
    """A fresh database ``bench_<random>`` on ``server``, dropped on exit; yields its URL."""
    import psycopg

    name = f"bench_{secrets.token_hex(6)}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def write_postgres(data: SyntheticData, url: str) -> int:
    """Store ``data`` in the (empty) database at ``url`` with COPY; returns filings written."""
    import psycopg

    with psycopg.connect(url) as con:
        for ddl in _TABLES:
            con.execute(
                ddl.format(json="json").replace("INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY")
            )
        n = 0
        with con.cursor() as cur:
            with cur.copy("COPY filings (filing_id, credit_code, document) FROM STDIN") as copy:
                for doc in data.iter_documents():
                    copy.write_row(
                        (
                            doc["filing_id"],
                            doc["review_body"]["credit_code"],
                            json.dumps(doc, ensure_ascii=False),
                        )
                    )
                    n += 1
            with cur.copy("COPY employment FROM STDIN") as copy:
                for row in _employment_rows(data):
                    copy.write_row(row)
            with cur.copy("COPY education FROM STDIN") as copy:
                for row in _education_rows(data):
                    copy.write_row(row)
            with cur.copy("COPY history FROM STDIN") as copy:
                for row in _history_rows(data):
                    copy.write_row(row)
        con.commit()
        return n


@contextlib.contextmanager
def connect(source: str) -> Iterator[Any]:
    """A connection to ``source``: a ``postgresql://`` URL or a SQLite file path."""
    if source.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(source) as con:
            yield con
    else:
        con = sqlite3.connect(source)
        try:
            yield con
        finally:
            con.close()


def _rows(con: Any, sql: str) -> Iterator[tuple[Any, ...]]:
    if isinstance(con, sqlite3.Connection):
        cur = con.execute(sql)
    else:
        # A named (server-side) cursor streams rows instead of fetching them all first.
        cur = con.cursor(name=f"scan_{secrets.token_hex(4)}")
        cur.itersize = _BATCH
        cur.execute(sql)
    while True:
        batch = cur.fetchmany(_BATCH)
        if not batch:
            break
        yield from batch
    cur.close()


def iter_documents(con: Any) -> Iterator[dict[str, Any]]:
    """Every stored filing, parsed, in storage order."""
    # PostgreSQL: ask for the text, so parsing is the same json.loads as with SQLite.
    text = "document" if isinstance(con, sqlite3.Connection) else "document::text"
    for (raw,) in _rows(con, f"SELECT {text} FROM filings ORDER BY id"):
        yield json.loads(raw)


def read_registry_rows(con: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The employment and education extracts as dicts (dates as ISO text)."""
    employment = [
        {
            "person_key": k,
            "employer_credit_code": c,
            "start": str(s),
            "end": None if e is None else str(e),
        }
        for k, c, s, e in _rows(
            con, "SELECT person_key, employer_credit_code, start_on, end_on FROM employment"
        )
    ]
    education = [
        {"person_key": k, "education": e, "institution": i, "year": y}
        for k, e, i, y in _rows(
            con, "SELECT person_key, education, institution, year FROM education"
        )
    ]
    return employment, education


def read_history_rows(con: Any) -> list[dict[str, Any]]:
    """Earlier periods' volumes per review body."""
    return [
        {"credit_code": c, "period": p, "applications": n, "approved": k}
        for c, p, n, k in _rows(
            con, "SELECT credit_code, period, applications, approved FROM history"
        )
    ]
