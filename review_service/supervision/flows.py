"""The audit run as a background job: load → registries → weights → analyse → store.

Each stage is its own short transaction (SQLite has a single writer: the request threads must
not wait for the analysis), and the analysis itself runs with no transaction open. A failure
marks the run failed with the error, never half-stored: flags and grades are written in one
transaction at the end."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from audit.dataset import AuditDataset
from audit.feedback import SignalWeights
from audit.registry import Registries
from review_service.db import read_only, utcnow
from review_service.events.service import seal
from review_service.filings import service as filings
from review_service.filings.models import FilingRecord
from review_service.standard_versions import service as standard_versions
from review_service.supervision import service
from review_service.supervision.models import AuditRun
from review_service.supervision.schemas import RunStatus
from standards.defaults import load_baselines

log = logging.getLogger(__name__)

# The analysis step, replaceable in tests: (dataset, registries, weights, history, baselines,
# progress) -> audit.pipeline.AuditResult.
Analyse = Callable[..., Any]


def _analyse(
    dataset: AuditDataset,
    *,
    registries: Registries,
    weights: SignalWeights,
    history: list[Any],
    baselines: list[Any],
    progress: Callable[[str, float], None],
) -> Any:
    from audit.pipeline import AuditSettings, run_audit

    return run_audit(
        dataset,
        baselines=baselines,
        registries=registries,
        weights=weights,
        history=history,
        # One process: the service runs this in a thread, and forking a threaded server is unsafe.
        settings=AuditSettings(workers=1),
        progress=progress,
    )


analyse: Analyse = _analyse


def _step(engine: Engine, work: Callable[[Session], Any]) -> Any:
    with Session(engine, expire_on_commit=False) as session:
        result = work(session)
        seal(session)
        session.commit()
        return result


def _history(session: Session, *, period: str, enterprise_ids: set[int] | None) -> list[Any]:
    """Earlier periods' volumes per review body, aggregated in SQL from the filings' index."""
    from audit.pipeline import PeriodVolume

    stmt = (
        select(
            FilingRecord.credit_code,
            FilingRecord.period,
            func.sum(FilingRecord.application_count),
            func.sum(FilingRecord.approved_count),
        )
        .where(FilingRecord.period != period)
        .group_by(col(FilingRecord.credit_code), col(FilingRecord.period))
    )
    if enterprise_ids is not None:
        stmt = stmt.where(col(FilingRecord.enterprise_id).in_(sorted(enterprise_ids)))
    return [
        PeriodVolume(credit_code=code, period=p, applications=int(n), approved=int(k))
        for code, p, n, k in session.exec(stmt).all()
    ]


# How often a running audit's worker shows it is alive (service.STALE_AFTER reaps the silent).
HEARTBEAT_SECONDS = 10.0


class RunReaped(Exception):
    """The run was marked failed as stale while this worker still held it: stop, store nothing."""


class _Heartbeat:
    """Touches the run's ``heartbeat_at`` every few seconds from a daemon thread while the
    worker runs, so that a killed worker's run is told apart from a long analysis.

    Bookkeeping only, written outside the event log (a row per beat would drown it); the
    update is conditional, so a run reaped meanwhile is noticed, not revived."""

    def __init__(self, engine: Engine, run_id: int) -> None:
        self.engine = engine
        self.run_id = run_id
        self.reaped = False
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._loop, name=f"audit-run-{run_id}-heartbeat", daemon=True
        )

    def beat(self) -> None:
        with self.engine.begin() as connection:
            touched = connection.execute(
                update(AuditRun)
                .where(
                    col(AuditRun.id) == self.run_id,
                    col(AuditRun.status) == RunStatus.running.value,
                )
                .values(heartbeat_at=utcnow())
            ).rowcount
        if not touched:
            self.reaped = True

    def check(self) -> None:
        if self.reaped:
            raise RunReaped(f"audit run {self.run_id} was reaped as stale")

    def _loop(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            try:
                self.beat()
            except Exception:  # the database may be away for a moment; the next beat retries
                log.warning("audit run %s: heartbeat failed", self.run_id, exc_info=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=HEARTBEAT_SECONDS + 5)


def execute_run(engine: Engine, run_id: int) -> None:
    """Run a queued audit to the end (or to ``failed``), reporting stage and percentage."""
    try:
        _execute(engine, run_id)
    except RunReaped:
        log.warning("audit run %s was reaped as stale while running; result dropped", run_id)
    except Exception as exc:  # the job's whole outcome is the run's status
        log.exception("audit run %s failed", run_id)
        error = f"{type(exc).__name__}: {exc}"[:2000]

        def fail(session: Session) -> None:
            run = service.get_run(session, run_id=run_id)
            if run.status == RunStatus.failed.value:
                return  # reaped already, with its reason
            service.advance_run(
                session,
                run_id=run_id,
                stage="failed",
                progress=100,
                status=RunStatus.failed.value,
                error=error,
                finished_at=utcnow(),
            )

        _step(engine, fail)


class _Inputs:
    """What an audit reads from the database, gathered in one short read."""

    def __init__(self, session: Session, run_id: int) -> None:
        run = service.get_run(session, run_id=run_id)
        ids = service.scope_enterprise_ids(session, run=run)
        documents = filings.iter_documents(session, period=run.period, enterprise_ids=ids)
        self.dataset = AuditDataset.from_documents(documents)
        self.registries = filings.load_registries(session)
        self.history = _history(session, period=run.period, enterprise_ids=ids)
        self.weights = service.feedback_weights(session)
        self.baselines = standard_versions.published_baselines(session) or load_baselines()
        self.application_counts: dict[str, int] = {}
        for code in self.dataset.enterprise_code[self.dataset.app_enterprise]:
            self.application_counts[str(code)] = self.application_counts.get(str(code), 0) + 1

    def counts(self) -> dict[str, Any]:
        return {
            "filing_count": self.dataset.n_sessions,
            "application_count": self.dataset.n_applications,
            "weights": self.weights.as_dict(),
        }

    def analyse(self, progress: Callable[[str, float], None]) -> Any:
        return analyse(
            self.dataset,
            registries=self.registries,
            weights=self.weights,
            history=self.history,
            baselines=self.baselines,
            progress=progress,
        )


def _execute(engine: Engine, run_id: int) -> None:
    _step(
        engine,
        lambda s: service.advance_run(
            s,
            run_id=run_id,
            stage="loading",
            progress=5,
            status=RunStatus.running.value,
            started_at=utcnow(),
            heartbeat_at=utcnow(),
        ),
    )
    with _Heartbeat(engine, run_id) as heartbeat:
        with Session(read_only(engine)) as session:
            inputs = _Inputs(session, run_id)
        heartbeat.check()
        _step(
            engine,
            lambda s: service.advance_run(
                s, run_id=run_id, stage="analysing", progress=20, **inputs.counts()
            ),
        )
        last = [20]

        def progress(stage: str, fraction: float) -> None:
            heartbeat.check()
            percent = 20 + int(70 * fraction)
            if percent >= last[0] + 10:  # a few updates, not one per stage of the pipeline
                last[0] = percent
                _step(
                    engine,
                    lambda s: service.advance_run(
                        s, run_id=run_id, stage=f"analysing:{stage}", progress=percent
                    ),
                )

        result = inputs.analyse(progress)
        heartbeat.check()
        _step(
            engine,
            lambda s: service.store_results(
                s,
                run=service.get_run(s, run_id=run_id),
                flags=result.flags,
                grades=result.grades,
                application_counts=inputs.application_counts,
            ),
        )


def execute_in_session(session: Session, run_id: int) -> None:
    """Run a queued audit inside the caller's transaction (demo loading, small batch jobs):
    no stage commits, the caller commits the whole run at once."""
    service.advance_run(
        session,
        run_id=run_id,
        stage="loading",
        progress=5,
        status=RunStatus.running.value,
        started_at=utcnow(),
    )
    inputs = _Inputs(session, run_id)
    service.advance_run(session, run_id=run_id, stage="analysing", progress=20, **inputs.counts())
    result = inputs.analyse(lambda stage, fraction: None)
    service.store_results(
        session,
        run=service.get_run(session, run_id=run_id),
        flags=result.flags,
        grades=result.grades,
        application_counts=inputs.application_counts,
    )


def start_in_thread(engine: Engine, run_id: int) -> threading.Thread:
    """Start ``execute_run`` on a daemon thread (the CLI and the demo use it synchronously)."""
    thread = threading.Thread(
        target=execute_run, args=(engine, run_id), name=f"audit-run-{run_id}", daemon=True
    )
    thread.start()
    return thread
