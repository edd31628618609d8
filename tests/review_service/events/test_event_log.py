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


def test_chain_verifies_then_an_edited_row_is_found(client, world: World, app) -> None:
    before = _event_count(client, world)
    _writes(client, world)
    report = client.get(f"{API}/events/verify", headers=world.auth("regulator")).json()
    assert report["intact"] and report["checked"] == before + 3
    with Session(app.state.engine) as s:
        s.execute(text(f"UPDATE event SET object_id = '999' WHERE seq = {before + 2}"))
        s.commit()
    report = client.get(f"{API}/events/verify", headers=world.auth("regulator")).json()
    assert not report["intact"]
    assert report["first_broken_seq"] == before + 2
    assert "edited" in report["problem"]


def test_a_deleted_row_is_found(client, world: World, app) -> None:
    before = _event_count(client, world)
    _writes(client, world)
    with Session(app.state.engine) as s:
        s.execute(text(f"DELETE FROM event WHERE seq = {before + 2}"))
        s.commit()
        report = verify_chain(s)
    assert report.first_broken_seq == before + 3
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
        with Session(app.state.engine) as s:
            s.execute(
                text(f"UPDATE event SET action = 'enterprise.delete' WHERE seq = {before + 3}")
            )
            s.commit()
        broken = CliRunner().invoke(cli, ["verify-log"])
        assert broken.exit_code == 1
        assert f"seq {before + 3}" in broken.output
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
