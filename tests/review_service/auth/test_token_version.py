"""Access tokens end with a version bump, not at a second boundary: a token issued in the
same second as a password change, or before a logout, a replayed refresh token or a change
of the account's active flag, is refused at once."""

from __future__ import annotations

from jose import jwt

from tests.review_service.factories import PASSWORD, World

API = "/api/v1"


def _login(client, username: str) -> dict:  # type: ignore[no-untyped-def]
    r = client.post(f"{API}/auth/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return r.json()


def _me(client, access: str) -> int:  # type: ignore[no-untyped-def]
    return client.get(f"{API}/me", headers={"Authorization": f"Bearer {access}"}).status_code


def test_password_change_ends_a_token_issued_in_the_same_second(client, world: World) -> None:
    pair = _login(client, "a_expert")
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    r = client.post(
        f"{API}/me/password",
        json={"current_password": PASSWORD, "new_password": "Another-pass-2026!"},
        headers=headers,
    )
    assert r.status_code == 204, r.text
    # Same second as the change (the test runs in milliseconds): still refused.
    assert _me(client, pair["access_token"]) == 401
    fresh = client.post(
        f"{API}/auth/login", data={"username": "a_expert", "password": "Another-pass-2026!"}
    ).json()
    assert jwt.get_unverified_claims(fresh["access_token"])["ver"] == 1
    assert _me(client, fresh["access_token"]) == 200


def test_logout_ends_the_access_token(client, world: World) -> None:
    pair = _login(client, "a_expert")
    assert _me(client, pair["access_token"]) == 200
    r = client.post(
        f"{API}/auth/logout",
        json={"refresh_token": pair["refresh_token"]},
        headers={"Authorization": f"Bearer {pair['access_token']}"},
    )
    assert r.status_code == 204
    assert _me(client, pair["access_token"]) == 401


def test_refresh_replay_ends_the_access_tokens_of_both_holders(client, world: World) -> None:
    first = _login(client, "a_expert")
    rotated = client.post(f"{API}/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert rotated.status_code == 200
    thief_access = rotated.json()["access_token"]
    assert _me(client, thief_access) == 200
    replay = client.post(f"{API}/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "refresh_reused"
    assert _me(client, thief_access) == 401
    assert _me(client, first["access_token"]) == 401


def test_disabling_and_re_enabling_end_access_tokens(client, world: World) -> None:
    old = _login(client, "a_applicant")["access_token"]
    admin = world.auth("a_admin")
    user_url = f"{API}/users/{world.a.applicant.id}"
    assert client.patch(user_url, json={"is_active": False}, headers=admin).status_code == 200
    assert client.patch(user_url, json={"is_active": True}, headers=admin).status_code == 200
    # Active again, yet the token from before the suspension stays dead.
    assert _me(client, old) == 401
    assert _me(client, _login(client, "a_applicant")["access_token"]) == 200


def test_a_token_without_a_version_is_refused(client, world: World) -> None:
    access = _login(client, "a_expert")["access_token"]
    claims = jwt.get_unverified_claims(access)
    claims.pop("ver")
    unversioned = jwt.encode(claims, world.settings.secret_key, algorithm="HS256")
    assert _me(client, unversioned) == 401
