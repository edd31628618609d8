"""An audit run whose worker died (process killed mid-way) does not stay ``running`` forever:
its heartbeat goes stale, and listing, polling or the next start marks it failed with the
reason; a new run over the same period then runs to the end. A live worker keeps beating."""

from __future__ import annotations

import time
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from review_service.db import utcnow
from review_service.events.models import Event
from review_service.events.service import seal, verify_chain
from review_service.supervision import flows, service
from review_service.supervision.models import AuditRun
from review_service.supervision.schemas import AuditRunCreate
from tests.review_service.factories import World

API = "/api/v1"


def _killed_run(engine, *, silent_for: timedelta) -> int:  # type: ignore[no-untyped-def]
    """A run as a worker killed at 5% leaves it: running, last heartbeat ``silent_for`` ago."""
    with Session(engine, expire_on_commit=False) as s:
        run = service.create_run(s, actor=None, data=AuditRunCreate(period="2026"))
        service.advance_run(
            s,
            run_id=run.id or 0,
            stage="loading",
            progress=5,
            status="running",
            started_at=utcnow() - silent_for,
            heartbeat_at=utcnow() - silent_for,
        )
        seal(s)
        s.commit()
        return run.id or 0


def test_listing_reaps_a_dead_workers_run_and_a_new_run_finishes(client, app, world: World) -> None:  # type: ignore[no-untyped-def]
    regulator = world.auth("regulator")
    dead = _killed_run(app.state.engine, silent_for=timedelta(minutes=10))
    alive = _killed_run(app.state.engine, silent_for=timedelta(seconds=5))
    runs = {r["id"]: r for r in client.get(f"{API}/audit-runs", headers=regulator).json()["data"]}
    assert runs[dead]["status"] == "failed"
    assert runs[dead]["progress"] == 5  # where it died
    assert "worker stopped" in runs[dead]["error"] and "loading" in runs[dead]["error"]
    assert runs[alive]["status"] == "running"  # beating recently: left alone
    with Session(app.state.engine) as s:
        reaped = s.exec(
            select(Event).where(Event.action == "audit_run.failed", Event.object_id == str(dead))
        ).all()
        assert len(reaped) == 1
        assert verify_chain(s).intact
    # Listing again reaps nothing more.
    client.get(f"{API}/audit-runs", headers=regulator)
    with Session(app.state.engine) as s:
        assert len(s.exec(select(Event).where(Event.action == "audit_run.failed")).all()) == 1
    # Run it again: a new run over the same period goes to the end.
    r = client.post(f"{API}/audit-runs", json={"period": "2026"}, headers=regulator)
    assert r.status_code == 202
    again = client.get(f"{API}/audit-runs/{r.json()['id']}", headers=regulator).json()
    assert again["status"] == "finished", again


def test_polling_the_run_reaps_it(client, app, world: World) -> None:  # type: ignore[no-untyped-def]
    dead = _killed_run(app.state.engine, silent_for=timedelta(minutes=3))
    run = client.get(f"{API}/audit-runs/{dead}", headers=world.auth("regulator")).json()
    assert run["status"] == "failed" and run["finished_at"]


def test_startup_reaps_runs_left_by_the_previous_process(app, world: World) -> None:  # type: ignore[no-untyped-def]
    dead = _killed_run(app.state.engine, silent_for=timedelta(hours=1))
    with TestClient(app), Session(app.state.engine) as s:  # the lifespan ran at startup
        run = s.get(AuditRun, dead)
        assert run is not None and run.status == "failed"


def test_a_live_worker_keeps_its_run_alive_past_the_stale_limit(
    client, app, world: World, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(flows, "HEARTBEAT_SECONDS", 0.2)
    monkeypatch.setattr(service, "STALE_AFTER", timedelta(seconds=1.5))
    real = flows.analyse
    seen: list[str] = []

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        # Longer than the stale limit, with a reaper looking in the middle.
        time.sleep(2.5)
        with Session(app.state.engine) as s:
            service.reap_stale_runs(s, now=utcnow(), stale_after=service.STALE_AFTER)
            seal(s)
            s.commit()
            seen.append(s.exec(select(AuditRun.status)).one())
        return real(*args, **kwargs)

    monkeypatch.setattr(flows, "analyse", slow)
    r = client.post(f"{API}/audit-runs", json={"period": "2026"}, headers=world.auth("regulator"))
    run = client.get(f"{API}/audit-runs/{r.json()['id']}", headers=world.auth("regulator")).json()
    assert seen == ["running"]
    assert run["status"] == "finished", run


def test_a_frozen_worker_reaped_meanwhile_stores_nothing(
    client, app, world: World, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    real = flows.analyse

    def frozen(*args, **kwargs):  # type: ignore[no-untyped-def]
        # As if the process had been stopped for long: a reaper marks the run failed.
        with Session(app.state.engine) as s:
            service.reap_stale_runs(s, now=utcnow() + timedelta(hours=1))
            seal(s)
            s.commit()
        return real(*args, **kwargs)

    monkeypatch.setattr(flows, "analyse", frozen)
    r = client.post(f"{API}/audit-runs", json={"period": "2026"}, headers=world.auth("regulator"))
    run = client.get(f"{API}/audit-runs/{r.json()['id']}", headers=world.auth("regulator")).json()
    assert run["status"] == "failed" and "worker stopped" in run["error"]
    assert run["flag_count"] == 0
