from __future__ import annotations

import pytest

from tests.review_service.factories import World, credit_code

API = "/api/v1"


def _create(client, world: World, code: str, **extra):  # type: ignore[no-untyped-def]
    body = {
        "name": "南通测试船舶有限公司",
        "credit_code": code,
        "industry_cluster": "shipbuilding_offshore",
        **extra,
    }
    return client.post(f"{API}/enterprises", json=body, headers=world.auth("regulator"))


def test_regulator_creates_an_enterprise_and_it_is_logged(client, world: World) -> None:
    code = credit_code()
    r = _create(client, world, code)
    assert r.status_code == 201, r.text
    assert r.json()["credit_code"] == code
    events = client.get(
        f"{API}/events", params={"action": "enterprise.create"}, headers=world.auth("regulator")
    ).json()
    assert events["count"] == 1
    assert events["data"][0]["object_id"] == str(r.json()["id"])


@pytest.mark.parametrize(
    ("code", "check"),
    [
        ("9132060012345678", "credit_code.length"),
        ("91320600MA1ZZZ00IX", "credit_code.charset"),
        ("Z1320600000000001X", "credit_code.charset"),
        ("X1320600000000001X", "credit_code.authority"),
        ("91AB0600000000001X", "credit_code.region"),
    ],
)
def test_invalid_credit_codes_name_the_failed_check(
    client, world: World, code: str, check: str
) -> None:
    r = _create(client, world, code)
    assert r.status_code == 422
    detail = r.json()["error"]["details"][0]
    assert detail["field"] == "credit_code"
    assert check in detail["problem_en"]


def test_wrong_check_character_says_which_it_should_be(client, world: World) -> None:
    good = credit_code()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    r = _create(client, world, bad)
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "invalid_credit_code"
    assert f"should be '{good[17]}'" in error["details"][0]["problem_en"]
    assert "校验码" in error["message"]


def test_duplicate_credit_code_is_409(client, world: World) -> None:
    r = _create(client, world, world.a.enterprise.credit_code)
    assert r.status_code == 409


def test_enterprise_staff_see_only_their_enterprise(client, world: World) -> None:
    listed = client.get(f"{API}/enterprises", headers=world.auth("a_admin")).json()
    assert [e["id"] for e in listed["data"]] == [world.a.enterprise.id]
    assert (
        client.get(
            f"{API}/enterprises/{world.b.enterprise.id}", headers=world.auth("a_applicant")
        ).status_code
        == 404
    )
    everything = client.get(f"{API}/enterprises", headers=world.auth("regulator")).json()
    assert everything["count"] == 2


def test_authorization_lifecycle_and_impossible_transition(client, world: World) -> None:
    eid = world.a.enterprise.id
    r = client.post(
        f"{API}/enterprises/{eid}/authorizations",
        json={
            "track": "skill",
            "series": "welder",
            "levels": ["grade2", "grade3"],
            "valid_from": "2026-01-01",
            "valid_to": "2028-12-31",
        },
        headers=world.auth("regulator"),
    )
    assert r.status_code == 201, r.text
    auth = r.json()
    assert auth["levels"] == ["grade3", "grade2"]  # stored in ladder order
    aid = auth["id"]
    suspended = client.post(
        f"{API}/authorizations/{aid}/suspend",
        json={"reason": "评审质量核查"},
        headers=world.auth("regulator"),
    )
    assert suspended.json()["status"] == "suspended"
    revoked = client.post(
        f"{API}/authorizations/{aid}/revoke",
        json={"reason": "严重违规"},
        headers=world.auth("regulator"),
    )
    assert revoked.json()["status"] == "revoked"
    again = client.post(
        f"{API}/authorizations/{aid}/reinstate",
        json={"reason": "申诉"},
        headers=world.auth("regulator"),
    )
    assert again.status_code == 409
    error = again.json()["error"]
    assert error["code"] == "invalid_transition"
    assert error["current_state"] == "revoked"
    assert error["allowed_next"] == []


def test_stale_version_is_refused(client, world: World) -> None:
    aid = world.a.authorization.id
    r = client.post(
        f"{API}/authorizations/{aid}/suspend",
        json={"reason": "核查", "version": 7},
        headers=world.auth("regulator"),
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "stale_version"


def test_invalid_levels_and_dates_are_all_listed(client, world: World) -> None:
    r = client.post(
        f"{API}/enterprises/{world.a.enterprise.id}/authorizations",
        json={
            "track": "title",
            "series": "engineering",
            "levels": ["grade2", "nonsense"],
            "valid_from": "2027-01-01",
            "valid_to": "2026-01-01",
        },
        headers=world.auth("regulator"),
    )
    assert r.status_code == 422
    fields = {d["field"] for d in r.json()["error"]["details"]}
    assert fields == {"levels[0]", "levels[1]", "valid_to"}


def test_malformed_json_is_a_clear_422(client, world: World) -> None:
    r = client.post(
        f"{API}/enterprises",
        content=b'{"name": "x", ',
        headers={**world.auth("regulator"), "Content-Type": "application/json"},
    )
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "malformed_json"
    assert r.json()["error"]["message_en"]


def test_keys_beyond_64_bits_are_a_clear_422(client, world: World) -> None:
    huge = 2**70
    r = client.get(f"{API}/enterprises/{huge}", headers=world.auth("regulator"))
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "enterprise_id"
    r = client.get(f"{API}/enterprises", params={"offset": huge}, headers=world.auth("regulator"))
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "offset"
    r = client.get(f"{API}/events", params={"actor_id": huge}, headers=world.auth("regulator"))
    assert r.status_code == 422


@pytest.mark.parametrize("cluster", ["new_energy", "biomedicine", "高端装备"])
def test_any_industry_cluster_code_is_accepted(client, world: World, cluster: str) -> None:
    # Clusters are open data: a real city has more than the catalogue's six.
    r = _create(client, world, credit_code(), industry_cluster=cluster)
    assert r.status_code == 201, r.text
    assert r.json()["industry_cluster"] == cluster
    listed = client.get(
        f"{API}/enterprises", params={"cluster": cluster}, headers=world.auth("regulator")
    ).json()
    assert [e["industry_cluster"] for e in listed["data"]] == [cluster]


@pytest.mark.parametrize("cluster", ["new energy", " new_energy", "a\tb"])
def test_a_cluster_code_with_spaces_is_refused(client, world: World, cluster: str) -> None:
    r = _create(client, world, credit_code(), industry_cluster=cluster)
    assert r.status_code == 422, r.text
    assert "industry_cluster" in r.text
