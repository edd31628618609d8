"""``review-service``: serve, migrate, create a regulator, verify the event log, load demo data."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from review_service import tables  # noqa: F401  (complete metadata)
from review_service.config import PROJECT_ROOT, get_settings
from review_service.db import engine_for

if TYPE_CHECKING:
    from alembic.config import Config

app = typer.Typer(
    help="南通企业自主评审 · enterprise self-review service",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()


def alembic_config(database_url: str | None = None) -> Config:
    from alembic.config import Config

    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.attributes["database_url"] = database_url or get_settings().database_url
    return cfg


def _ensure_sqlite_dir(url: str) -> None:
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


@app.command("init-env")
def init_env(
    path: Path = typer.Option(Path(".env"), help="where to write it"),
    environment: str = typer.Option("development", help="development, test or production"),
) -> None:
    """Write a .env with random keys, once: an existing file is kept as it is."""
    from review_service.config import env_file_text

    if environment not in ("development", "test", "production"):
        console.print(f"[red]unknown environment {environment}[/red]")
        raise typer.Exit(2)
    if path.exists():
        console.print(f"{path} exists, kept")
        return
    path.write_text(env_file_text(environment))  # type: ignore[arg-type]
    path.chmod(0o600)
    console.print(f"[green]{path} written with random keys ({environment})[/green]")


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
    engine = engine_for(get_settings())
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
def verify_log(
    checkpoint: Path | None = typer.Option(
        None, help="a checkpoint exported earlier: also find rows deleted or rewritten since"
    ),
    public_key: str = typer.Option(
        "", help="hex Ed25519 public key the checkpoint must be signed with (default: ours)"
    ),
) -> None:
    """Check every chain of the event log (keys, links, content) and name the first broken
    row; with --checkpoint, also that the log still holds all the checkpoint saw."""
    import json

    from review_service.events.service import CheckpointInvalid, LogKeys, verify_chain

    settings = get_settings()
    keys = LogKeys.from_settings(settings)
    held = None
    if checkpoint is not None:
        try:
            held = json.loads(checkpoint.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            console.print(f"[red]checkpoint {checkpoint} unreadable: {exc}[/red]")
            raise typer.Exit(2) from exc
    engine = engine_for(settings)
    with Session(engine) as session:
        try:
            report = verify_chain(
                session, keys=keys, checkpoint=held, trusted_public_key=public_key or None
            )
        except CheckpointInvalid as exc:
            console.print(f"[red]checkpoint {checkpoint} refused: {exc}[/red]")
            raise typer.Exit(2) from exc
    if report.intact:
        covered = (
            f"; all {report.checkpoint_size} events of the checkpoint present and unchanged"
            if report.checkpoint_size is not None
            else ""
        )
        console.print(
            f"[green]event log intact: {report.checked} events verified in {report.chains} "
            f"chains{covered}[/green]"
        )
        return
    row = f" (row id {report.first_broken_id})" if report.first_broken_id is not None else ""
    console.print(
        f"[red]event log broken in chain {report.first_broken_chain} at seq "
        f"{report.first_broken_seq}{row}: {report.problem}; {report.checked} events before it "
        "verified[/red]"
    )
    raise typer.Exit(1)


@app.command("checkpoint")
def checkpoint_cmd(
    out: Path = typer.Option(..., help="file to write the signed checkpoint to (JSON)"),
) -> None:
    """Export a signed checkpoint of the event log (every chain's size and head hash). Keep it
    outside this system; `verify-log --checkpoint FILE` later finds truncation and rewrites."""
    import json

    from review_service.events.service import LogKeys, checkpoint

    settings = get_settings()
    engine = engine_for(settings)
    with Session(engine) as session:
        signed = checkpoint(session, LogKeys.from_settings(settings))
    out.write_text(json.dumps(signed, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    console.print(
        f"[green]checkpoint of {signed['size']} events in {len(signed['chains'])} chains "
        f"written to {out}[/green] (public key {signed['public_key']})"
    )


@app.command("checkpoint-keygen")
def checkpoint_keygen(
    out: Path = typer.Option(..., help="file for the new Ed25519 private key (PEM, mode 0600)"),
) -> None:
    """Create the key that signs checkpoints; point REVIEW_CHECKPOINT_KEY_FILE at it."""
    import os

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from review_service.events.service import public_key_hex

    if out.exists():
        console.print(f"[red]{out} exists; not overwriting a signing key[/red]")
        raise typer.Exit(1)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    console.print(
        f"[green]key written to {out}[/green]; public key {public_key_hex(key.public_key())}"
    )


@app.command()
def demo(seed: int = 2026) -> None:
    """Load the demo data set once (skipped when the database already has enterprises)."""
    from review_service.demo import DEMO_PASSWORD, load_demo
    from review_service.events.service import seal

    settings = get_settings()
    engine = engine_for(settings)
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
    engine = engine_for(get_settings())
    with Session(engine, expire_on_commit=False) as session:
        run = service.create_run(session, actor=None, data=data)
        seal(session)
        session.commit()
    flows.execute_run(engine, run.id or 0)
    with Session(engine) as session:
        run = service.get_run(session, run_id=run.id or 0)
        grades = service.run_grades(session, run_id=run.id or 0)
    if run.status != "finished":
        console.print(f"[red]audit run {run.id} {run.status}: {run.error}[/red]")
        raise typer.Exit(1)
    counts = {g: sum(1 for x in grades if x.grade == g) for g in "ABCD"}
    console.print(
        f"[green]audit run {run.id} finished[/green]: {run.filing_count} filings, "
        f"{run.application_count} applications, {run.flag_count} flags; grades "
        + ", ".join(f"{g} {n}" for g, n in counts.items())
    )


# An idle keep-alive connection is closed after this long. Longer than the idle timeout of
# the proxies put in front (nginx and most load balancers keep 60 s): when the server closes
# first, a request the proxy (or any client) sends on that connection in the same instant is
# lost without an answer. uvicorn's own default, 5 s, lost one request in a few thousand
# under load (bench/load.py, ``ReadError``).
KEEP_ALIVE_SECONDS = 75


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
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )


if __name__ == "__main__":
    app()
