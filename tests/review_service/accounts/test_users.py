from __future__ import annotations

import pytest
from pydantic import ValidationError

from review_service.config import Settings
from tests.review_service.factories import World, resident_id

API = "/api/v1"
EXPERT = {
    "track": "title",
    "level": "deputy_senior",
    "specialty": "船舶焊接",
    "home_organisation": "本企业",
}


def _create(client, world: World, who: str, **body):  # type: ignore[no-untyped-def]
    payload = {"username": "someone", "display_name": "某人", "password": "Passw0rd-12345", **body}
    return client.post(f"{API}/users", json=payload, headers=world.auth(who))


def test_regulator_creates_an_enterprise_admin(client, world: World) -> None:
    r = _create(
        client,
        world,
        "regulator",
        username="c_admin",
        role="enterprise_admin",
        enterprise_id=world.b.enterprise.id,
    )
    assert r.status_code == 201, r.text
    assert r.json()["enterprise_id"] == world.b.enterprise.id
    missing = _create(client, world, "regulator", username="d_admin", role="enterprise_admin")
    assert missing.status_code == 422
    assert missing.json()["error"]["details"][0]["field"] == "enterprise_id"


def test_regulator_keeps_the_external_expert_pool(client, world: World) -> None:
    r = _create(
        client,
        world,
        "regulator",
        username="pool2",
        role="expert",
        expert={**EXPERT, "level": "senior", "home_organisation": "南通大学"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["expert"]["external"] is True
    pool = client.get(f"{API}/experts/pool", headers=world.auth("a_admin")).json()
    assert {u["username"] for u in pool["data"]} == {"pool_expert", "pool2"}


def test_enterprise_admin_creates_own_experts_and_applicants_only(client, world: World) -> None:
    expert = _create(
        client,
        world,
        "a_admin",
        username="a_expert2",
        role="expert",
        expert=EXPERT,
        department="焊接车间",
    )
    assert expert.status_code == 201, expert.text
    assert expert.json()["enterprise_id"] == world.a.enterprise.id
    assert expert.json()["expert"]["external"] is False
    assert (
        _create(client, world, "a_admin", username="a_admin2", role="enterprise_admin").status_code
        == 403
    )
    foreign = _create(
        client,
        world,
        "a_admin",
        username="sneaky",
        role="applicant",
        enterprise_id=world.b.enterprise.id,
    )
    assert foreign.status_code == 404


def test_invalid_profile_and_resident_id_are_all_listed(client, world: World) -> None:
    r = _create(
        client,
        world,
        "a_admin",
        username="bad_one",
        role="expert",
        password="short",
        resident_id="320602198813450011",
        expert={**EXPERT, "level": "grade9"},
    )
    assert r.status_code == 422
    fields = {d["field"]: d for d in r.json()["error"]["details"]}
    assert set(fields) == {"password", "expert.level", "resident_id"}
    assert "birth" in fields["resident_id"]["problem_en"]


def test_resident_id_check_digit_is_named(client, world: World) -> None:
    good = resident_id()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    r = _create(
        client, world, "a_admin", username="wrong_digit", role="applicant", resident_id=wrong
    )
    assert r.status_code == 422
    assert f"should be '{good[17]}'" in r.json()["error"]["details"][0]["problem_en"]


def test_duplicate_username_is_409_and_nothing_is_written(client, world: World) -> None:
    r = _create(client, world, "a_admin", username="a_applicant", role="applicant")
    assert r.status_code == 409
    assert r.json()["error"]["details"][0]["field"] == "username"


def test_admin_lists_only_own_staff(client, world: World) -> None:
    users = client.get(f"{API}/users", headers=world.auth("a_admin")).json()["data"]
    assert {u["enterprise_id"] for u in users} == {world.a.enterprise.id}
    assert (
        client.get(f"{API}/users/{world.b.expert.id}", headers=world.auth("a_admin")).status_code
        == 404
    )


def test_deactivated_user_token_stops_working(client, world: World) -> None:
    r = client.patch(
        f"{API}/users/{world.a.applicant.id}",
        json={"is_active": False},
        headers=world.auth("a_admin"),
    )
    assert r.status_code == 200, r.text
    assert client.get(f"{API}/me", headers=world.auth("a_applicant")).status_code == 401


def test_settings_refuse_default_secrets_in_production() -> None:
    with pytest.raises(ValidationError, match="REVIEW_SECRET_KEY"):
        Settings(environment="production")
    ok = Settings(
        environment="production",
        secret_key="s" * 40,
        id_hash_key="k" * 40,
        event_log_key="e" * 40,
        checkpoint_key="0" * 64,
    )
    assert ok.environment == "production"
