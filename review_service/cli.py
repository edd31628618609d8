"""``review-service``: serve, migrate, create a regulator, verify the event log, load demo data."""

from __future__ import annotations

import getpass
from pathlib import Path

import typer
from rich.console import Console
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from review_service import tables  # noqa: F401  (complete metadata)
from review_service.config import PROJECT_ROOT, get_settings
from review_service.db import make_engine

app = typer.Typer(
    help="南通企业自主评审 · enterprise self-review service",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()


def alembic_config(database_url: str | None = None):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.attributes["database_url"] = database_url or get_settings().database_url
    return cfg


def _ensure_sqlite_dir(url: str) -> None:
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


@app.command()
def migrate(revision: str = "head") -> None:
    """Bring the database schema up to ``revision`` (default: the newest)."""
    from alembic import command

    url = get_settings().database_url
    _ensure_sqlite_dir(url)
    command.upgrade(alembic_config(url), revision)
    console.print(f"[green]schema at {revision}[/green] ({make_url(url).render_as_string()})")


@app.command("create-regulator")
def create_regulator(
    username: str,
    display_name: str = typer.Option("监管人员", help="name shown in the log"),
    password: str = typer.Option("", help="prompted when empty"),
) -> None:
    """Create a regulator account (the first account of a new installation)."""
    from review_service.accounts.models import User
    from review_service.auth.passwords import hash_password, password_problem
    from review_service.events.service import record, seal

    password = password or getpass.getpass("password: ")
    problem = password_problem(password)
    if problem:
        console.print(f"[red]{problem[0]} / {problem[1]}[/red]")
        raise typer.Exit(2)
    engine = make_engine(get_settings().database_url)
    with Session(engine) as session:
        if session.exec(select(User).where(User.username == username.lower())).first():
            console.print(f"[red]user {username} exists[/red]")
            raise typer.Exit(1)
        user = User(
            username=username.lower(),
            display_name=display_name,
            role="regulator",
            password_hash=hash_password(password),
        )
        session.add(user)
        session.flush()
        record(
            session,
            actor=None,
            action="user.create",
            subject=user,
            detail={"role": "regulator", "via": "cli"},
        )
        seal(session)
        session.commit()
    console.print(f"[green]regulator {username} created[/green]")


@app.command("verify-log")
def verify_log() -> None:
    """Check the event log's hash chain and name the first broken row."""
    from review_service.events.service import verify_chain

    engine = make_engine(get_settings().database_url)
    with Session(engine) as session:
        report = verify_chain(session)
    if report.intact:
        console.print(f"[green]event log intact: {report.checked} events verified[/green]")
        return
    console.print(
        f"[red]event log broken at seq {report.first_broken_seq} (row id {report.first_broken_id}): "
        f"{report.problem}; {report.checked} events before it verified[/red]"
    )
    raise typer.Exit(1)


@app.command()
def demo(seed: int = 2026) -> None:
    """Load the demo data set once (skipped when the database already has enterprises)."""
    from review_service.demo import DEMO_PASSWORD, load_demo
    from review_service.events.service import seal
    from review_service.supervision import demo as _supervision_demo  # noqa: F401  (registers)

    settings = get_settings()
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        loaded = load_demo(session, settings, seed=seed)
        seal(session)
        session.commit()
    if loaded:
        console.print("[green]demo data loaded[/green]")
    console.print(
        f"log in as [bold]regulator[/bold] (regulator), [bold]admin001[/bold]…[bold]admin141[/bold] "
        f"(enterprise HR), [bold]expert001_01[/bold]… or [bold]pool01[/bold]… (experts), "
        f"[bold]applicant001_01[/bold]… (applicants); password [bold]{DEMO_PASSWORD}[/bold]"
    )


@app.command("audit-run")
def audit_run(
    period: str = typer.Option(..., help="grading period, e.g. 2026 or 2026H1"),
    cluster: str = typer.Option("", help="only this industry cluster"),
    enterprise: list[int] = typer.Option([], help="only these enterprise ids (repeatable)"),
) -> None:
    """Run an audit now (in this process) over the period's filings and print its result."""
    from review_service.events.service import seal
    from review_service.supervision import flows, service
    from review_service.supervision.schemas import AuditRunCreate, RunScope

    scope = RunScope.enterprises if enterprise else RunScope.cluster if cluster else RunScope.all
    data = AuditRunCreate(
        period=period, scope=scope, cluster=cluster or None, enterprise_ids=enterprise
    )
    engine = make_engine(get_settings().database_url)
    with Session(engine, expire_on_commit=False) as session:
        run = service.create_run(session, actor=None, data=data)
        seal(session)
        session.commit()
    flows.execute_run(engine, run.id or 0)
    with Session(engine) as session:
        run = service.get_run(session, run_id=run.id or 0)
        grades = service.list_grades(session, run_id=run.id or 0)
    if run.status != "finished":
        console.print(f"[red]audit run {run.id} {run.status}: {run.error}[/red]")
        raise typer.Exit(1)
    counts = {g: sum(1 for x in grades if x.grade == g) for g in "ABCD"}
    console.print(
        f"[green]audit run {run.id} finished[/green]: {run.filing_count} filings, "
        f"{run.application_count} applications, {run.flag_count} flags; grades "
        + ", ".join(f"{g} {n}" for g, n in counts.items())
    )


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    reload: bool = False,
) -> None:
    """Serve the API and the web app with uvicorn."""
    import uvicorn

    console.print(f"serving on http://{host}:{port}  (API /api/v1, docs /docs)")
    uvicorn.run(
        "review_service.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
    )


if __name__ == "__main__":
    app()
