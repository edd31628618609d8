from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

from jose import jwt

from review_service.auth import tokens
from tests.review_service.factories import PASSWORD, World

LOGIN = "/api/v1/auth/login"


def login(client, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, data={"username": username, "password": password})


def test_login_returns_tokens_and_me_works(client, world: World) -> None:
    r = login(client, "a_admin")
    assert r.status_code == 200, r.text
    body = r.json()
    claims = jwt.get_unverified_claims(body["access_token"])
    assert claims["sub"] == str(world.a.admin.id)
    assert claims["role"] == "enterprise_admin"
    assert claims["enterprise_id"] == world.a.enterprise.id
    assert claims["exp"] - claims["iat"] == 15 * 60
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["username"] == "a_admin"


def test_wrong_password_and_unknown_user_get_the_same_answer(client, world: World) -> None:
    wrong = login(client, "a_admin", "not-the-password-1")
    unknown = login(client, "nobody", "not-the-password-1")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"]["message"] == unknown.json()["error"]["message"]


def test_repeated_failures_lock_the_account_even_for_the_right_password(
    client, world: World
) -> None:
    for _ in range(3):  # login_max_failures=3 in the test settings
        assert login(client, "a_admin", "wrong-password-1").status_code == 401
    locked = login(client, "a_admin")
    assert locked.status_code == 401
    assert "锁定" in locked.json()["error"]["message"]
    assert "locked_until" in locked.json()["error"]


def test_refresh_rotates_and_reuse_revokes_the_family(client, world: World) -> None:
    first = login(client, "a_expert").json()["refresh_token"]
    r = client.post("/api/v1/auth/refresh", json={"refresh_token": first})
    assert r.status_code == 200
    second = r.json()["refresh_token"]
    assert second != first
    replay = client.post("/api/v1/auth/refresh", json={"refresh_token": first})
    assert replay.status_code == 401
    # The replay revoked the family: the legitimate newer token no longer works either.
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": second}).status_code == 401


def test_logout_revokes_the_refresh_token(client, world: World) -> None:
    pair = login(client, "a_expert").json()
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    assert (
        client.post(
            "/api/v1/auth/logout", json={"refresh_token": pair["refresh_token"]}, headers=headers
        ).status_code
        == 204
    )
    assert (
        client.post(
            "/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}
        ).status_code
        == 401
    )


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_forged_tokens_are_refused(client, world: World) -> None:
    now = datetime.now(UTC)
    good_claims = {
        "sub": str(world.regulator.id),
        "role": "regulator",
        "enterprise_id": None,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
        "typ": "access",
        "ver": 0,
    }
    wrong_key = jwt.encode(good_claims, "some-other-key-entirely-0123456789", algorithm="HS256")
    alg_none = _b64({"alg": "none", "typ": "JWT"}) + "." + _b64(good_claims) + "."
    valid = tokens.issue_access_token(
        secret=world.settings.secret_key,
        user_id=world.a.applicant.id,
        role="applicant",
        enterprise_id=world.a.enterprise.id,
        version=0,
        now=now,
        lifetime=timedelta(minutes=5),
    )
    header, _, signature = valid.split(".")
    tampered = header + "." + _b64({**good_claims}) + "." + signature
    expired = tokens.issue_access_token(
        secret=world.settings.secret_key,
        user_id=world.regulator.id,
        role="regulator",
        enterprise_id=None,
        version=0,
        now=now - timedelta(hours=2),
        lifetime=timedelta(minutes=15),
    )
    for token in (wrong_key, alg_none, tampered, expired, "garbage", ""):
        r = client.get("/api/v1/enterprises", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401, token
        assert r.json()["error"]["code"] == "unauthenticated"


def test_password_change_invalidates_old_tokens(client, world: World) -> None:
    pair = login(client, "b_admin").json()
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    weak = client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "short"},
        headers=headers,
    )
    assert weak.status_code == 422
    assert weak.json()["error"]["details"][0]["field"] == "new_password"
    r = client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "N3w-password-long"},
        headers=headers,
    )
    assert r.status_code == 204
    assert (
        client.post(
            "/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}
        ).status_code
        == 401
    )
    assert login(client, "b_admin").status_code == 401
    assert login(client, "b_admin", "N3w-password-long").status_code == 200
