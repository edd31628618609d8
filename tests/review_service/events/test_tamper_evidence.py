"""Tamper evidence of the event log, tried as someone with write access to the database
would: delete the newest rows, edit a row and recompute the chain after it (with the plain
SHA-256 the log used to use, and with the real key as an insider holding it would). The
keyed chain finds edits by itself; a signed checkpoint kept elsewhere finds truncation and a
rewrite by a key holder. On PostgreSQL the table refuses UPDATE and DELETE outright."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from review_service.auth.principal import Principal, Role
from review_service.cli import app as cli
from review_service.events.models import Event
from review_service.events.service import (
    CheckpointInvalid,
    LogKeys,
    canonical_json,
    chain_hash,
    checkpoint,
    keys_for,
    record,
    seal,
    verify_chain,
)
from tests.conftest import BACKEND
from tests.review_service.events.test_event_log import tamper
from tests.review_service.factories import World

API = "/api/v1"


def _append(engine, world: World, n: int) -> int:  # type: ignore[no-untyped-def]
    """``n`` events in enterprise A's chain, one transaction each; the chain's id."""
    actor = Principal(
        world.a.admin.id or 0, "a_admin", Role.enterprise_admin, world.a.enterprise.id
    )
    for i in range(n):
        with Session(engine) as s:
            record(s, actor=actor, action="test.write", object_type="user_account", object_id=i)
            seal(s)
            s.commit()
    return world.a.enterprise.id or 0


def _chain(engine, chain: int) -> list[Event]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return list(
            s.exec(select(Event).where(Event.chain == chain).order_by(col(Event.seq))).all()
        )


def _verify(client, world: World, cp: dict | None = None) -> dict:  # type: ignore[no-untyped-def]
    if cp is None:
        r = client.get(f"{API}/events/verify", headers=world.auth("regulator"))
    else:
        r = client.post(f"{API}/events/verify", json=cp, headers=world.auth("regulator"))
    assert r.status_code == 200, r.text
    return r.json()


def _checkpoint(client, world: World) -> dict:  # type: ignore[no-untyped-def]
    r = client.get(f"{API}/events/checkpoint", headers=world.auth("regulator"))
    assert r.status_code == 200, r.text
    return r.json()


def test_a_checkpoint_covers_every_chain_and_verifies(client, world: World, app) -> None:
    _append(app.state.engine, world, 3)
    cp = _checkpoint(client, world)
    with Session(app.state.engine) as s:
        total = len(s.exec(select(Event.id)).all())
        chains = set(s.exec(select(Event.chain)).all())
    assert cp["size"] == total and {c["chain"] for c in cp["chains"]} == chains
    report = _verify(client, world, cp)
    assert report["intact"] and report["checkpoint_size"] == total
    # Writes after the checkpoint are fine: the log only grows.
    _append(app.state.engine, world, 2)
    assert _verify(client, world, cp)["intact"]


@pytest.mark.parametrize("deleted", [1, 50])
def test_deleting_the_newest_rows_is_found_with_a_checkpoint(
    client, world: World, app, deleted: int
) -> None:
    chain = _append(app.state.engine, world, 60)
    cp = _checkpoint(client, world)
    newest = [e.id for e in _chain(app.state.engine, chain)][-deleted:]
    tamper(app.state.engine, f"DELETE FROM event WHERE id IN ({','.join(map(str, newest))})")
    # What remains is a well-formed chain: only the held checkpoint can tell.
    assert _verify(client, world)["intact"]
    report = _verify(client, world, cp)
    assert not report["intact"]
    assert report["first_broken_chain"] == chain
    assert report["first_broken_seq"] == 61 - deleted
    assert "deleted from its end" in report["problem"]


def test_a_whole_chain_deleted_is_found_with_a_checkpoint(client, world: World, app) -> None:
    chain = _append(app.state.engine, world, 2)
    cp = _checkpoint(client, world)
    tamper(app.state.engine, f"DELETE FROM event WHERE chain = {chain}")
    report = _verify(client, world, cp)
    assert not report["intact"] and report["first_broken_chain"] == chain


def _plain_hash(row: Event) -> str:
    """The log's former, unkeyed link: what an attacker without the key can compute."""
    payload = {
        "seq": row.seq,
        "occurred_at": row.occurred_at.isoformat(timespec="microseconds"),
        "actor_id": row.actor_id,
        "actor_role": row.actor_role,
        "enterprise_id": row.enterprise_id,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "before_digest": row.before_digest,
        "after_digest": row.after_digest,
        "detail": row.detail,
        "prev_hash": row.prev_hash,
    }
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def _rewrite_from(engine, chain: int, seq: int, link, unkey: bool = False) -> int:  # type: ignore[no-untyped-def]
    """Edit row ``seq`` of the chain and recompute every link after it with ``link``."""
    rows = _chain(engine, chain)
    prev = rows[seq - 2].hash
    edited_id = 0
    for row in rows[seq - 1 :]:
        if row.seq == seq:
            row.detail = {"forged": True}
            edited_id = row.id or 0
        row.prev_hash = prev
        if unkey:
            row.key_id = None
        row.hash = link(row)
        prev = row.hash
        tamper(
            engine,
            "UPDATE event SET detail = '{}', prev_hash = '{}', hash = '{}', key_id = {} "
            "WHERE id = {}".format(
                json.dumps(row.detail),
                row.prev_hash,
                row.hash,
                "NULL" if row.key_id is None else f"'{row.key_id}'",
                row.id,
            ),
        )
    return edited_id


def test_an_edit_with_the_plain_chain_recomputed_is_found(client, world: World, app) -> None:
    chain = _append(app.state.engine, world, 30)
    edited = _rewrite_from(app.state.engine, chain, 20, _plain_hash)
    report = _verify(client, world)
    assert not report["intact"] and report["first_broken_id"] == edited
    assert "edited" in report["problem"]


def test_rows_passed_off_as_unkeyed_are_found(client, world: World, app) -> None:
    chain = _append(app.state.engine, world, 30)
    edited = _rewrite_from(app.state.engine, chain, 20, _plain_hash, unkey=True)
    report = _verify(client, world)
    assert not report["intact"] and report["first_broken_id"] == edited
    assert "unkeyed row follows keyed ones" in report["problem"]


def test_a_rewrite_by_a_key_holder_is_found_with_a_checkpoint(client, world: World, app) -> None:
    chain = _append(app.state.engine, world, 30)
    cp = _checkpoint(client, world)
    with Session(app.state.engine) as s:
        keys = keys_for(s)
    _rewrite_from(app.state.engine, chain, 20, lambda row: chain_hash(row, keys))
    assert _verify(client, world)["intact"]
    report = _verify(client, world, cp)
    assert not report["intact"] and report["first_broken_chain"] == chain
    assert "rewritten" in report["problem"]


def test_a_forged_or_foreign_checkpoint_is_refused(client, world: World, app, settings) -> None:
    _append(app.state.engine, world, 3)
    cp = _checkpoint(client, world)
    shrunk = cp | {"chains": cp["chains"][:-1], "size": cp["size"] - cp["chains"][-1]["size"]}
    r = client.post(f"{API}/events/verify", json=shrunk, headers=world.auth("regulator"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "checkpoint_invalid"
    # Signed by another installation's key: refused, even though the signature is sound.
    other = LogKeys.from_settings(settings.model_copy(update={"event_log_key": "x" * 40}))
    with Session(app.state.engine) as s:
        foreign = checkpoint(s, other)
        with pytest.raises(CheckpointInvalid):
            verify_chain(s, checkpoint=foreign)
    r = client.post(f"{API}/events/verify", json=foreign, headers=world.auth("regulator"))
    assert r.status_code == 422
    for who in ("a_admin", "a_expert"):
        assert client.get(f"{API}/events/checkpoint", headers=world.auth(who)).status_code == 403


def test_cli_exports_a_checkpoint_and_verifies_against_it(
    client, world: World, app, database_url: str, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from review_service.config import get_settings

    monkeypatch.setenv("REVIEW_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        chain = _append(app.state.engine, world, 5)
        held = tmp_path / "checkpoint.json"
        out = CliRunner().invoke(cli, ["checkpoint", "--out", str(held)])
        assert out.exit_code == 0, out.output
        ok = CliRunner().invoke(cli, ["verify-log", "--checkpoint", str(held)])
        assert ok.exit_code == 0, ok.output
        assert "present and unchanged" in ok.output
        newest = _chain(app.state.engine, chain)[-1].id
        tamper(app.state.engine, f"DELETE FROM event WHERE id = {newest}")
        assert CliRunner().invoke(cli, ["verify-log"]).exit_code == 0
        broken = CliRunner().invoke(cli, ["verify-log", "--checkpoint", str(held)])
        assert broken.exit_code == 1, broken.output
        assert f"chain {chain}" in broken.output
        forged = json.loads(held.read_text()) | {"size": 1}
        held.write_text(json.dumps(forged))
        refused = CliRunner().invoke(cli, ["verify-log", "--checkpoint", str(held)])
        assert refused.exit_code == 2 and "refused" in refused.output
    finally:
        get_settings.cache_clear()
        os.environ.pop("REVIEW_DATABASE_URL", None)


@pytest.mark.postgres_only
@pytest.mark.skipif(BACKEND != "postgres", reason="the append-only trigger is PostgreSQL's")
def test_postgres_refuses_update_delete_and_truncate_on_the_log(client, world: World, app) -> None:
    _append(app.state.engine, world, 2)
    for sql in (
        "UPDATE event SET action = 'forged' WHERE id = (SELECT max(id) FROM event)",
        "DELETE FROM event WHERE id = (SELECT max(id) FROM event)",
        # TRUNCATE fires no row trigger: a statement trigger of its own refuses it.
        "TRUNCATE event",
        "TRUNCATE event RESTART IDENTITY CASCADE",
    ):
        with Session(app.state.engine) as s, pytest.raises(DBAPIError, match="append-only"):
            s.execute(text(sql))
    assert _verify(client, world)["intact"]
