"""A resident ID typed as a login name is personal data: neither the throttle table nor the
event log keeps it in clear, yet repeated failures under it still lock."""

from __future__ import annotations

from sqlmodel import Session, select

from review_service.auth.models import LoginThrottle
from review_service.events.models import Event
from tests.review_service.factories import World

LOGIN = "/api/v1/auth/login"
RESIDENT_ID = "32060219880412003X"


def _fail(client, name: str):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, data={"username": name, "password": "not-the-password-1"})


def test_a_resident_id_as_login_name_is_stored_only_as_a_keyed_hash(
    client, world: World, app
) -> None:
    for name in (RESIDENT_ID, RESIDENT_ID.lower(), f" {RESIDENT_ID} "):
        assert _fail(client, name).status_code == 401
    with Session(app.state.engine) as s:
        throttles = s.exec(select(LoginThrottle)).all()
        events = s.exec(select(Event).where(Event.action == "auth.login_failed")).all()
    keys = {t.username for t in throttles}
    stored = " ".join(keys) + " ".join(f"{e.object_id} {e.detail}" for e in events)
    assert "19880412" not in stored and RESIDENT_ID[:17] not in stored
    # One key for every spelling, so the three failures counted together and locked the name
    # (the test settings lock after 3).
    assert len(keys) == 1 and next(iter(keys)).startswith("id:")
    assert {e.object_id for e in events} == keys
    assert any(e.detail.get("locked") for e in events)


def test_the_old_15_digit_id_is_hashed_too_and_ordinary_names_stay_readable(
    client, world: World, app
) -> None:
    assert _fail(client, "320602880412003").status_code == 401
    assert _fail(client, "Some_User").status_code == 401
    with Session(app.state.engine) as s:
        keys = {t.username for t in s.exec(select(LoginThrottle)).all()}
    assert "320602880412003" not in " ".join(keys)
    assert "some_user" in keys
