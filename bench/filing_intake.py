"""Time of one 10,000-application filing taken in over the HTTP API (issue target: <= 5 s).

    python -m bench.filing_intake [--apps 10000] [--postgres postgresql://postgres@127.0.0.1:5432/postgres]

A throw-away database (SQLite file, or a PostgreSQL database created and dropped) is migrated,
a review body and its filing key are created, the service runs under uvicorn on a loopback
port, and the filing is POSTed with httpx: the time is the client's, from sending the body to
the 201 (JSON parsing, validation of the whole filing, pseudonymisation, storage, commit).
"""

from __future__ import annotations

import argparse
import json
import secrets
import socket
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from bench.generator import GeneratorConfig, generate
from review_service.accounts.models import User
from review_service.auth.principal import Principal, Role
from review_service.config import Settings
from review_service.db import make_engine, normalize_database_url
from review_service.enterprises.models import Enterprise
from review_service.events.service import seal
from review_service.filings import service as filings
from review_service.main import create_app


def _migrate(url: str) -> None:
    from alembic import command

    from review_service.cli import alembic_config

    cfg = alembic_config(url)
    cfg.attributes["skip_logging"] = True
    command.upgrade(cfg, "head")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def measure(url: str, apps: int) -> dict[str, object]:
    _migrate(url)
    settings = Settings(
        environment="test",
        database_url=url,
        secret_key="bench-" + "s" * 32,
        id_hash_key="bench-" + "k" * 32,
    )
    document = generate(
        GeneratorConfig(bodies=1, apps_per_body=apps, sessions_per_body=1, share_manipulated=0.0)
    ).documents(intake=True)[0]
    engine = make_engine(url)
    with Session(engine) as session:
        body = Enterprise(
            name=document["review_body"]["name"],
            credit_code=document["review_body"]["credit_code"],
            industry_cluster="electronics",
            review_body_kind="third_party",
        )
        regulator = User(
            username="bench", display_name="bench", role="regulator", password_hash="-"
        )
        session.add_all([body, regulator])
        session.flush()
        actor = Principal(regulator.id or 0, "bench", Role.regulator, None)
        _, key = filings.issue_credential(
            session, actor=actor, enterprise_id=body.id or 0, label="bench"
        )
        seal(session)
        session.commit()
    engine.dispose()
    payload = json.dumps(document, ensure_ascii=False).encode()
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}/api/v1", timeout=120) as client:
            started = time.perf_counter()
            r = client.post(
                "/filings",
                content=payload,
                headers={"X-Filing-Key": key, "Content-Type": "application/json"},
            )
            seconds = time.perf_counter() - started
            assert r.status_code == 201, r.text[:500]
            started = time.perf_counter()
            again = client.post(
                "/filings",
                content=payload,
                headers={"X-Filing-Key": key, "Content-Type": "application/json"},
            )
            repeat_seconds = time.perf_counter() - started
            assert again.status_code == 200, again.text[:500]
    finally:
        server.should_exit = True
        thread.join()
    return {
        "database": make_url(url).get_backend_name(),
        "applications": len(document["applications"]),
        "body_mb": round(len(payload) / 1e6, 1),
        "seconds": round(seconds, 2),
        "repeat_seconds": round(repeat_seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--apps", type=int, default=10_000)
    parser.add_argument("--postgres", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(measure(f"sqlite:///{Path(tmp) / 'intake.db'}", args.apps))
    if args.postgres:
        admin_url = make_url(normalize_database_url(args.postgres))
        name = f"bench_intake_{secrets.token_hex(4)}"
        admin = make_engine(admin_url.render_as_string(hide_password=False))
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = admin_url.set(database=name).render_as_string(hide_password=False)
            print(measure(url, args.apps))
        finally:
            with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
