from __future__ import annotations

import os

import pytest
from sqlalchemy import text
from sqlmodel import Session
from typer.testing import CliRunner

from review_service.cli import app as cli
from review_service.events.service import verify_chain
from tests.review_service.factories import World, credit_code

API = "/api/v1"


def _writes(client, world: World) -> None:  # type: ignore[no-untyped-def]
    for i in range(3):
        r = client.post(
            f"{API}/enterprises",
            json={
                "name": f"日志测试企业{i}",
                "credit_code": credit_code(),
                "industry_cluster": "construction",
            },
            headers=world.auth("regulator"),
        )
        assert r.status_code == 201


def _event_count(client, world: World) -> int:  # type: ignore[no-untyped-def]
    return client.get(f"{API}/events", headers=world.auth("regulator")).json()["count"]


def _newest_ids(client, world: World, n: int) -> list[int]:  # type: ignore[no-untyped-def]
    """Ids of the newest ``n`` events, oldest first."""
    rows = client.get(f"{API}/events", params={"limit": n}, headers=world.auth("regulator")).json()[
        "data"
    ]
    return [r["id"] for r in reversed(rows)]


def tamper(engine, sql: str) -> None:  # type: ignore[no-untyped-def]
    """Change the log behind the service's back, as someone with the database would (on
    PostgreSQL as a superuser able to bypass the append-only trigger)."""
    with Session(engine) as s:
        if engine.dialect.name == "postgresql":
            s.execute(text("SET LOCAL session_replication_role = replica"))
        s.execute(text(sql))
        s.commit()


def test_chain_verifies_then_an_edited_row_is_found(client, world: World, app) -> None:
    before = _event_count(client, world)
    _writes(client, world)
    report = client.get(f"{API}/events/verify", headers=world.auth("regulator")).json()
    assert report["intact"] and report["checked"] == before + 3
    middle = _newest_ids(client, world, 3)[1]
    tamper(app.state.engine, f"UPDATE event SET object_id = '999' WHERE id = {middle}")
    report = client.get(f"{API}/events/verify", headers=world.auth("regulator")).json()
    assert not report["intact"]
    assert report["first_broken_id"] == middle
    assert "edited" in report["problem"]


def test_a_deleted_row_is_found(client, world: World, app) -> None:
    _writes(client, world)
    # The city's chain holds the defaults loaded at start (several rows).
    tamper(app.state.engine, "DELETE FROM event WHERE chain = 0 AND seq = 2")
    with Session(app.state.engine) as s:
        report = verify_chain(s)
    assert (report.first_broken_chain, report.first_broken_seq) == (0, 3)
    assert "gap" in (report.problem or "")


def test_cli_verify_log_names_the_broken_row(
    client, world: World, app, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _event_count(client, world)
    _writes(client, world)
    monkeypatch.setenv("REVIEW_DATABASE_URL", database_url)
    from review_service.config import get_settings

    get_settings.cache_clear()
    try:
        ok = CliRunner().invoke(cli, ["verify-log"])
        assert ok.exit_code == 0, ok.output
        assert f"{before + 3} events verified" in ok.output
        last = _newest_ids(client, world, 1)[0]
        tamper(app.state.engine, f"UPDATE event SET action = 'enterprise.delete' WHERE id = {last}")
        broken = CliRunner().invoke(cli, ["verify-log"])
        assert broken.exit_code == 1
        assert f"row id {last}" in broken.output
    finally:
        get_settings.cache_clear()
        os.environ.pop("REVIEW_DATABASE_URL", None)


def test_enterprise_admin_reads_only_its_own_part(client, world: World) -> None:
    before = _event_count(client, world)
    _writes(client, world)
    r = client.post(
        f"{API}/users",
        json={
            "username": "a_new_applicant",
            "display_name": "张工",
            "role": "applicant",
            "password": "Passw0rd-12345",
        },
        headers=world.auth("a_admin"),
    )
    assert r.status_code == 201, r.text
    mine = client.get(f"{API}/events", headers=world.auth("a_admin")).json()
    assert mine["count"] == 1
    assert mine["data"][0]["enterprise_id"] == world.a.enterprise.id
    assert _event_count(client, world) == before + 4


def test_event_detail_never_shows_secrets(client, world: World) -> None:
    r = client.post(
        f"{API}/users",
        json={
            "username": "with_id",
            "display_name": "李工",
            "role": "applicant",
            "password": "Passw0rd-12345",
            "resident_id": "11010519491231002X",
        },
        headers=world.auth("a_admin"),
    )
    assert r.status_code == 201, r.text
    assert r.json()["id_mask"] == "110105********002X"
    event = client.get(
        f"{API}/events", params={"action": "user.create"}, headers=world.auth("regulator")
    ).json()["data"][0]
    text_ = str(event)
    assert "11010519491231002X" not in text_
    assert event["detail"]["changes"]["password_hash"] == "[redacted]"
    assert event["detail"]["changes"]["person_key"] == "[redacted]"
