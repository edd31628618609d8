"""Load benchmark of score saving under concurrency, beside a bare authenticated insert
measured in the same run (issue 9: score save >= 0.8x the bare insert's throughput at 10 and
50 clients, p99 <= 1.5x its p99, 0 errors at 200 clients), and the guarded floor beside both.

    python -m bench.load --postgres postgresql://postgres@127.0.0.1:5432/postgres \\
        [--clients 10 50 200] [--seconds 10] [--workers 2] [--rounds 3] [--baseline DIR]

A throw-away PostgreSQL database is created, migrated and seeded (an enterprise, a panel of
seven, ten eligible applications, the session in ``reviewing``) and dropped at the end. Each
server runs under uvicorn with ``--workers`` worker processes on a loopback port; the client
is one asyncio process with httpx, ``clients`` concurrent request loops for ``--seconds``
after a one-second warm-up. With ``--rounds`` the phases of a client count are repeated,
interleaved, and each ratio is taken against the bare insert of its own round. Phases, per
client count:

- ``bare``: ``POST /rows`` of a bare FastAPI + SQLModel app: decode the python-jose token,
  load the user, insert a row, commit (the same database server, its own table);
- ``guarded floor``: ``PUT /sheets/{id}`` of the same bare app: what any save keeping the
  guarantees must send, in hand-written SQL and nothing else (the session ``FOR SHARE``, the
  sheet ``FOR UPDATE``, the update, the enterprise's chain head under its lock, the keyed
  event, the commit: eight round trips against the insert's four). It tells the cost of the
  guarantees apart from the cost of the service's own code;
- ``save``: ``PUT /api/v1/applications/{id}/scores/mine``, the seven experts' sheets on ten
  applications in rotation;
- ``mixed``: half saves, a quarter each of ``GET …/scores`` (an expert's view) and
  ``GET /review-sessions/{id}`` (HR's).

Loopback only, bounded in time; the servers are stopped and the database dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import itertools
import json
import math
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from fastapi import Depends, Header
from pydantic import BaseModel
from sqlmodel import Session

from review_service.cli import KEEP_ALIVE_SECONDS

API = "/api/v1"
# The phases set against the bare insert of their round, and the prefix of their figures.
COMPARED = (("score save", ""), ("guarded floor", "floor_"), ("baseline save", "baseline_"))
SCORES = {"ethics": 10, "ability": 30, "performance": 40, "contribution": 20}  # the maxima


# --- the bare comparison app (run by uvicorn in its own processes) -------------------------


class RowIn(BaseModel):
    application_id: int
    values: dict[str, float]


def bare_app() -> Any:
    """FastAPI + SQLModel + python-jose: an authenticated insert, nothing else."""
    from fastapi import FastAPI, HTTPException
    from jose import JWTError, jwt
    from sqlalchemy import text
    from sqlmodel import Field, SQLModel, create_engine

    from review_service.accounts.models import User
    from review_service.db import normalize_database_url
    from review_service.events.service import GENESIS_HASH, PG_CHAIN_LOCK

    class BareRow(SQLModel, table=True):
        __tablename__ = "bench_bare_row"

        id: int | None = Field(default=None, primary_key=True)
        user_id: int
        application_id: int
        values: str
        created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    engine = create_engine(
        normalize_database_url(os.environ["BENCH_DATABASE_URL"]), pool_size=10, max_overflow=10
    )
    BareRow.__table__.create(engine, checkfirst=True)  # type: ignore[attr-defined]
    secret = os.environ["BENCH_SECRET"]
    mac_key = os.environ["REVIEW_EVENT_LOG_KEY"].encode()
    app = FastAPI()

    def get_session() -> Iterator[Session]:
        with Session(engine) as session:
            yield session

    def authenticated(session: Session, authorization: str) -> User:
        try:
            claims = jwt.decode(authorization.removeprefix("Bearer "), secret, ["HS256"])
        except JWTError as exc:
            raise HTTPException(401) from exc
        user = session.get(User, int(claims["sub"]))
        if user is None or not user.is_active:
            raise HTTPException(401)
        return user

    @app.post("/rows", status_code=201)
    def insert(
        data: RowIn,
        session: Session = Depends(get_session),
        authorization: str = Header(),
    ) -> dict[str, int]:
        user = authenticated(session, authorization)
        row = BareRow(
            user_id=user.id or 0,
            application_id=data.application_id,
            values=json.dumps(data.values),
        )
        session.add(row)
        session.commit()
        return {"id": row.id or 0}

    @app.put("/sheets/{application_id}")
    def guarded_save(
        application_id: int,
        data: RowIn,
        session: Session = Depends(get_session),
        authorization: str = Header(),
    ) -> dict[str, int]:
        """The floor of a guarded save: what any score save that keeps the issue's guarantees
        must send, hand-written in SQL with nothing else (no tenancy, no validation, no answer
        beyond the sheet's id). Under the session's share lock and the sheet's row lock the
        sheet changes, and its event is appended to the enterprise's keyed chain in the same
        transaction."""
        user = authenticated(session, authorization)
        rs = session.execute(
            text(
                "SELECT rs.id, rs.enterprise_id, rs.status FROM application a "
                "JOIN review_session rs ON rs.id = a.session_id WHERE a.id = :a "
                "FOR SHARE OF rs"
            ),
            {"a": application_id},
        ).first()
        if rs is None or rs.status != "reviewing":
            raise HTTPException(409)
        sheet_of = (
            "SELECT s.id, s.values, s.submitted_at FROM score s WHERE s.application_id = :a "
            "AND s.panel_member_id = (SELECT id FROM panel_member "
            "WHERE session_id = :s AND user_id = :u) FOR UPDATE"
        )
        keys = {"a": application_id, "s": rs.id, "u": user.id}
        sheet = session.execute(text(sheet_of), keys).first()
        now = datetime.now(UTC)
        if sheet is None:
            session.execute(
                text(
                    "INSERT INTO score (session_id, enterprise_id, application_id, "
                    "panel_member_id, values, comments, started_at, updated_at) "
                    "SELECT :s, :e, :a, id, '{}', '{}', :t, :t FROM panel_member "
                    "WHERE session_id = :s AND user_id = :u ON CONFLICT DO NOTHING"
                ),
                {**keys, "e": rs.enterprise_id, "t": now},
            )
            sheet = session.execute(text(sheet_of), keys).first()
        if sheet is None or sheet.submitted_at is not None:
            raise HTTPException(409)
        values = {**sheet.values, **data.values}
        session.execute(
            text("UPDATE score SET values = :v, updated_at = :t WHERE id = :i"),
            {"v": json.dumps(values), "t": now, "i": sheet.id},
        )
        head = session.execute(
            text("SELECT seq, hash FROM event_chain_head(:k, :c)"),
            {"k": PG_CHAIN_LOCK, "c": rs.enterprise_id},
        ).first()
        seq, prev = (head.seq + 1, head.hash) if head else (1, GENESIS_HASH)
        event = {
            "chain": rs.enterprise_id,
            "seq": seq,
            "occurred_at": now.isoformat(),
            "actor_id": user.id,
            "action": "score.save",
            "object_id": str(sheet.id),
            "detail": {"changes": {"values": values}},
            "prev_hash": prev,
        }
        link = hmac.new(
            mac_key, json.dumps(event, sort_keys=True).encode(), hashlib.sha256
        ).hexdigest()
        session.execute(
            text(
                "INSERT INTO event (chain, seq, occurred_at, actor_id, actor_role, "
                "enterprise_id, action, object_type, object_id, detail, key_id, prev_hash, "
                "hash) VALUES (:chain, :seq, :t, :actor, 'expert', :chain, 'score.save', "
                "'score', :object_id, :detail, 'bench', :prev, :hash)"
            ),
            {
                "chain": rs.enterprise_id,
                "seq": seq,
                "t": now,
                "actor": user.id,
                "object_id": str(sheet.id),
                "detail": json.dumps(event["detail"]),
                "prev": prev,
                "hash": link,
            },
        )
        session.commit()
        return {"id": sheet.id}

    return app


# --- database and servers --------------------------------------------------------------------


@contextmanager
def throwaway_database(admin_url: str) -> Iterator[str]:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from review_service.db import make_engine, normalize_database_url

    base = make_url(normalize_database_url(admin_url))
    name = f"bench_load_{secrets.token_hex(4)}"
    admin = make_engine(base.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(
    target: str,
    env: dict[str, str],
    workers: int,
    ready_path: str,
    log: Any = None,
    source: str | None = None,
) -> Iterator[str]:
    """``uvicorn --factory target`` on a loopback port until the block ends; imported from
    the ``source`` tree when given (``--baseline``), else from this one."""
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            target,
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
            # As `review-service serve` runs: with uvicorn's 5 s, a pooled connection the
            # server closed just as the client reused it lost a request now and then.
            "--timeout-keep-alive",
            str(KEEP_ALIVE_SECONDS),
        ],
        env={**os.environ, **env},
        cwd=source,
        # The servers' own tracebacks (the bare app's pool timeouts under 200 clients) would
        # drown the report: they go to a log file, whose count of tracebacks is reported.
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{target} exited with {process.returncode}")
            try:
                if httpx.get(base + ready_path, timeout=2).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{target} did not start within 120 s")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- seed: a session in review ---------------------------------------------------------------


@dataclass
class Seed:
    session_id: int
    applications: list[int]
    experts: dict[str, int]  # username -> user id
    admin_id: int
    tokens: dict[str, str] = field(default_factory=dict)


def _resident_id(n: int) -> str:
    from standards.identifiers import resident_id_check_char

    body = f"32060219880412{n % 1000:03d}"
    return body + resident_id_check_char(body)


def seed(url: str, settings: Any, base: str) -> Seed:
    """Users and the standard in the database, then the round through the API, as HR and
    applicants would: create, seat seven, open, apply, validate, start the review."""
    from review_service.accounts.models import ExpertProfile, User
    from review_service.auth import tokens
    from review_service.auth.passwords import hash_password
    from review_service.db import make_engine
    from review_service.enterprises.models import Authorization, Enterprise
    from review_service.events.service import LogKeys, seal, use_keys
    from review_service.standard_versions.service import load_defaults
    from standards import defaults
    from standards.identifiers import credit_code_check_char

    code = "91320600000000777"
    code += credit_code_check_char(code)
    password = hash_password("Bench-passw0rd")
    engine = make_engine(url)
    # The service's own log keys: the seed's events chain on as the service's will.
    use_keys(engine, LogKeys.from_settings(settings))
    users: dict[str, User] = {}
    with Session(engine, expire_on_commit=False) as s:
        load_defaults(s, actor=None)
        enterprise = Enterprise(
            name="南通压测重工有限公司", credit_code=code, industry_cluster="shipbuilding_offshore"
        )
        s.add(enterprise)
        s.flush()
        s.add(
            Authorization(
                enterprise_id=enterprise.id or 0,
                track="title",
                series="engineering",
                levels=["assistant", "intermediate", "deputy_senior"],
                valid_from=date(2025, 1, 1),
                valid_to=date(2030, 12, 31),
            )
        )

        def user(name: str, role: str, eid: int | None, department: str | None) -> User:
            row = User(
                username=name,
                display_name=name,
                role=role,
                enterprise_id=eid,
                password_hash=password,
                department=department,
            )
            s.add(row)
            s.flush()
            users[name] = row
            return row

        user("bench_admin", "enterprise_admin", enterprise.id, None)
        for i in range(5):
            row = user(f"bench_expert{i}", "expert", enterprise.id, f"技术部{i}")
            s.add(
                ExpertProfile(
                    user_id=row.id or 0,
                    track="title",
                    level="deputy_senior",
                    specialty="焊接工艺",
                    home_organisation="本企业",
                )
            )
        for i in range(2):
            row = user(f"bench_pool{i}", "expert", None, None)
            s.add(
                ExpertProfile(
                    user_id=row.id or 0,
                    track="title",
                    level="senior",
                    specialty="焊接工艺",
                    home_organisation="南通职业大学",
                    external=True,
                )
            )
        for i in range(10):
            user(f"bench_applicant{i}", "applicant", enterprise.id, "涂装车间")
        seal(s)
        s.commit()
    engine.dispose()

    now = datetime.now(UTC)
    bearer = {
        name: "Bearer "
        + tokens.issue_access_token(
            secret=settings.secret_key,
            user_id=u.id or 0,
            role=u.role,
            enterprise_id=u.enterprise_id,
            version=u.token_version,
            now=now,
            lifetime=timedelta(hours=2),
        )
        for name, u in users.items()
    }

    def call(method: str, path: str, who: str, body: Any = None) -> Any:
        r = httpx.request(
            method, base + API + path, json=body, headers={"Authorization": bearer[who]}, timeout=60
        )
        if r.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {r.status_code} {r.text}")
        return r.json()

    baseline = defaults.baseline_for(
        defaults.load_baselines(), "title", "engineering", "intermediate"
    )
    assert baseline is not None
    document = baseline.model_dump(mode="json", exclude_none=True)
    document.update(
        name="压测 工程师（中级）评价标准",
        name_en="Load test: engineer (intermediate)",
        enterprise_credit_code=code,
        specialty="welding",
    )
    standard = call("POST", "/standards", "bench_admin", {"document": document})
    call("POST", f"/standards/{standard['id']}/publish", "bench_admin")
    rs = call(
        "POST",
        "/review-sessions",
        "bench_admin",
        {"name": "压测评审", "standard_version_id": standard["id"], "period": "2026"},
    )
    sid = rs["id"]
    experts = [n for n in users if n.startswith(("bench_expert", "bench_pool"))]
    for i, name in enumerate(experts):
        call(
            "POST",
            f"/review-sessions/{sid}/panel/members",
            "bench_admin",
            {
                "user_id": users[name].id,
                "role": "chair" if i == 0 else "member",
                "reason": "专业对口",
            },
        )
    call("POST", f"/review-sessions/{sid}/transition", "bench_admin", {"target": "open"})
    applications = []
    for i in range(10):
        who = f"bench_applicant{i}"
        app = call(
            "POST",
            f"/review-sessions/{sid}/applications",
            who,
            {
                "name": who,
                "resident_id": _resident_id(i + 1),
                "track": "title",
                "series": "engineering",
                "level": "intermediate",
                "facts": {
                    "as_of": date.today().isoformat(),
                    "education": "bachelor",
                    "qualifications": [
                        {
                            "track": "title",
                            "series": "engineering",
                            "level": "assistant",
                            "obtained_on": "2015-07-01",
                        }
                    ],
                    "years_in_occupation": 12,
                },
                "evidence": [{"title": "项目总结", "description": "焊接工艺改进"}],
            },
        )
        if app["status"] != "eligible":
            raise RuntimeError(f"seed application not eligible: {app}")
        applications.append(app["id"])
    for target in ("validating", "reviewing"):
        call("POST", f"/review-sessions/{sid}/transition", "bench_admin", {"target": target})
    return Seed(
        session_id=sid,
        applications=applications,
        experts={n: users[n].id or 0 for n in experts},
        admin_id=users["bench_admin"].id or 0,
        tokens=bearer,
    )


# --- the client --------------------------------------------------------------------------------


Request = tuple[str, str, Any, dict[str, str]]  # method, path, json body, headers


@dataclass
class Phase:
    name: str
    clients: int
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    completed_in_window: int = 0
    statuses: dict[int | str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def row(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)

        def pct(p: float) -> float:
            if not ordered:
                return float("nan")
            return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

        return {
            "phase": self.name,
            "clients": self.clients,
            "requests": len(self.latencies),
            "throughput": self.completed_in_window / self.seconds if self.seconds else 0.0,
            "p50_ms": pct(0.50),
            "p99_ms": pct(0.99),
            "errors": self.errors,
            "statuses": self.statuses,
        }


async def drive(
    base: str, phase: Phase, next_request: Callable[[random.Random], Request], seconds: float
) -> None:
    limits = httpx.Limits(max_connections=phase.clients, max_keepalive_connections=phase.clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        warm_until = time.monotonic() + 1.0
        stop = warm_until + seconds

        async def loop(i: int) -> None:
            rng = random.Random(i)
            while time.monotonic() < stop:
                method, path, body, headers = next_request(rng)
                started = time.monotonic()
                status: int | str
                try:
                    r = await client.request(method, path, json=body, headers=headers)
                    status = r.status_code
                except httpx.HTTPError as exc:
                    # No answer: named by what went wrong (a timeout, a dropped connection).
                    status = type(exc).__name__
                finished = time.monotonic()
                # Answers within the warm-up are not counted; a request still open at the
                # stop is waited for and counted (its latency is what a client saw).
                if finished < warm_until:
                    continue
                if finished <= stop:
                    phase.completed_in_window += 1
                phase.latencies.append(finished - started)
                phase.statuses[status] = phase.statuses.get(status, 0) + 1
                if not (isinstance(status, int) and 200 <= status < 300):
                    phase.errors += 1

        await asyncio.gather(*(loop(i) for i in range(phase.clients)))
        phase.seconds = seconds


def run(args: argparse.Namespace) -> dict[str, Any]:
    from review_service.config import Settings

    secret = secrets.token_urlsafe(48)
    results: list[dict[str, Any]] = []
    with throwaway_database(args.postgres) as url:
        from alembic import command

        from review_service.cli import alembic_config

        cfg = alembic_config(url)
        cfg.attributes["skip_logging"] = True
        command.upgrade(cfg, "head")
        env = {
            "REVIEW_ENVIRONMENT": "test",
            "REVIEW_DATABASE_URL": url,
            "REVIEW_SECRET_KEY": secret,
            "REVIEW_ID_HASH_KEY": secrets.token_urlsafe(48),
            "REVIEW_EVENT_LOG_KEY": secrets.token_urlsafe(48),
            "BENCH_DATABASE_URL": url,
            "BENCH_SECRET": secret,
        }
        settings = Settings(
            environment="test",
            database_url=url,
            secret_key=secret,
            id_hash_key=env["REVIEW_ID_HASH_KEY"],
            event_log_key=env["REVIEW_EVENT_LOG_KEY"],
        )
        with server("review_service.main:create_app", env, args.workers, f"{API}/health") as base:
            data = seed(url, settings, base)
        sheets = list(itertools.product(data.applications, data.experts))

        def sheet_write(
            method: str, path: str, *, bare: bool = False
        ) -> Callable[[random.Random], Request]:
            """Random scores for a random expert's sheet (the bare app's body also names the
            application)."""

            def make(rng: random.Random) -> Request:
                app_id, expert = rng.choice(sheets)
                values = {k: round(rng.uniform(0, top), 1) for k, top in SCORES.items()}
                body = {"application_id": app_id, "values": values} if bare else {"values": values}
                return (
                    method,
                    path.format(app_id=app_id),
                    body,
                    {"Authorization": data.tokens[expert]},
                )

            return make

        save = sheet_write("PUT", API + "/applications/{app_id}/scores/mine")
        bare = sheet_write("POST", "/rows", bare=True)
        guarded = sheet_write("PUT", "/sheets/{app_id}", bare=True)

        def mixed(rng: random.Random) -> Request:
            roll = rng.random()
            if roll < 0.5:
                return save(rng)
            if roll < 0.75:
                app_id, expert = rng.choice(sheets)
                return (
                    "GET",
                    f"{API}/applications/{app_id}/scores",
                    None,
                    {"Authorization": data.tokens[expert]},
                )
            return (
                "GET",
                f"{API}/review-sessions/{data.session_id}",
                None,
                {"Authorization": data.tokens["bench_admin"]},
            )

        service = ("review_service.main:create_app", f"{API}/health")
        bare_server = ("bench.load:bare_app", "/docs")
        for clients, round_no in itertools.product(args.clients, range(1, args.rounds + 1)):
            phases: list[tuple[str, Any, tuple[str, str], str | None]] = [
                ("bare insert", bare, bare_server, None),
                ("guarded floor", guarded, bare_server, None),
                ("score save", save, service, None),
                ("mixed 50% save", mixed, service, None),
            ]
            if args.baseline:
                phases[3:3] = [("baseline save", save, service, args.baseline)]
            for name, make, (target, ready), source in phases:
                with tempfile.TemporaryFile("w+") as log:
                    with server(target, env, args.workers, ready, log, source) as base:
                        phase = Phase(name, clients)
                        asyncio.run(drive(base, phase, make, args.seconds))
                    results.append(
                        {**phase.row(), "round": round_no, "server_tracebacks": _tracebacks(log)}
                    )
                    _print(results[-1])
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "workers": args.workers,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "results": results,
        "comparison": compare(results),
    }


def _tracebacks(log: Any) -> int:
    log.flush()
    log.seek(0)
    return sum(1 for line in log if line.startswith("Traceback"))


def compare(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per client count, each save phase's throughput and p99 over the bare insert's of the
    same round, and the median over the rounds: on a shared machine two phases a minute apart
    differ by up to 2x, so only a phase and the bare insert beside it compare."""
    out = []
    for clients in sorted({r["clients"] for r in results}):
        row: dict[str, Any] = {"clients": clients}
        bares = [r for r in results if r["clients"] == clients and r["phase"] == "bare insert"]
        for phase, prefix in COMPARED:
            throughput, p99, errors = [], [], 0
            for bare in bares:
                save = next(
                    (
                        r
                        for r in results
                        if r["clients"] == clients
                        and r["phase"] == phase
                        and r.get("round") == bare.get("round")
                    ),
                    None,
                )
                if save is None:
                    continue
                throughput.append(
                    save["throughput"] / bare["throughput"] if bare["throughput"] else math.nan
                )
                p99.append(save["p99_ms"] / bare["p99_ms"] if bare["p99_ms"] else math.nan)
                errors += save["errors"]
            if not throughput:
                continue
            row |= {
                f"{prefix}throughput_ratio": statistics.median(throughput),
                f"{prefix}throughput_ratios": throughput,
                f"{prefix}p99_ratio": statistics.median(p99),
                f"{prefix}p99_ratios": p99,
                f"{prefix}save_errors": errors,
            }
        out.append(row)
    return out


def _print(row: dict[str, Any]) -> None:
    print(
        f"{row['clients']:>4} clients  r{row.get('round', 1)}  {row['phase']:<16} "
        f"{row['requests']:>6} req  "
        f"{row['throughput']:8.1f} req/s  p50 {row['p50_ms']:7.1f} ms  "
        f"p99 {row['p99_ms']:7.1f} ms  errors {row['errors']}  {row['statuses']}  "
        f"server tracebacks {row.get('server_tracebacks', 0)}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", required=True, help="admin URL of a PostgreSQL server")
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="repeat every client count's phases this many times, interleaved, and report "
        "the median of the per-round ratios",
    )
    parser.add_argument("--json", help="write the figures to this file too")
    parser.add_argument(
        "--baseline",
        help="also run the score save from this source tree (say, an export of the previous "
        "commit) in the same run, after this tree's: before and after under the same load",
    )
    args = parser.parse_args()
    report = run(args)
    for c in report["comparison"]:
        for name, prefix in COMPARED:
            if f"{prefix}throughput_ratio" in c:
                rounds = ", ".join(
                    f"{t:.2f}x/{q:.2f}x"
                    for t, q in zip(
                        c[prefix + "throughput_ratios"], c[prefix + "p99_ratios"], strict=True
                    )
                )
                print(
                    f"{c['clients']:>4} clients: {name} / bare insert, median of rounds: "
                    f"throughput {c[prefix + 'throughput_ratio']:.2f}x, "
                    f"p99 {c[prefix + 'p99_ratio']:.2f}x, errors {c[prefix + 'save_errors']} "
                    f"(each round, throughput/p99: {rounds})"
                )
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(report, fh, indent=2)


if __name__ == "__main__":
    main()
