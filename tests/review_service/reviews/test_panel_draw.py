"""Panels drawn at random from the pool (随机抽取), verifiably: the seed's hash is published
before the draw, the regulator re-runs it, drawn experts confirm or decline, a decline calls
in a reserve, suspended or out-of-term experts are never drawn or seated, and a hand-picked
member needs a reason."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from review_service.accounts.models import ExpertProfile, User
from review_service.reviews.models import PanelDraw
from standards.draw import commitment
from tests.review_service.reviews.flow import API, Flow


def _pool(flow: Flow, internal: int = 8, external: int = 4) -> list[str]:
    names = []
    for i in range(internal):
        name = f"drawn_in{i}"
        flow.user(name, role="expert", department=f"部门{i}", level="deputy_senior")
        names.append(name)
    for i in range(external):
        name = f"drawn_ex{i}"
        flow.user(name, role="expert", tenant=None, level="senior")
        names.append(name)
    return names


def _draw(flow: Flow, sid: int, **body):  # type: ignore[no-untyped-def]
    return flow.client.post(
        f"{API}/review-sessions/{sid}/panel/draw", json=body, headers=flow.auth("a_admin")
    )


def _commit(flow: Flow, sid: int) -> dict:
    r = flow.client.post(
        f"{API}/review-sessions/{sid}/panel/draw/commitment", headers=flow.auth("a_admin")
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_the_draw_is_committed_then_reproducible_by_the_regulator(flow: Flow) -> None:
    _pool(flow)
    sid = flow.create_session()["id"]
    assert _draw(flow, sid, size=7).json()["error"]["code"] == "draw_not_committed"
    committed = _commit(flow, sid)
    assert committed["seed"] is None and len(committed["commitment"]) == 64
    assert _commit(flow, sid)["commitment"] == committed["commitment"]  # fixed, not re-rolled

    r = _draw(flow, sid, size=7, reserves=2)
    assert r.status_code == 200, r.text
    drawn = r.json()
    assert drawn["status"] == "drawn" and commitment(drawn["seed"]) == committed["commitment"]
    assert len(drawn["members"]) == 7 and len(drawn["reserves"]) == 2
    panel = flow.client.get(f"{API}/review-sessions/{sid}/panel", headers=flow.auth("a_admin"))
    members = panel.json()["members"]
    assert {str(m["user_id"]) for m in members} == set(drawn["members"])
    assert {m["selection"] for m in members} == {"drawn"}
    assert {m["response"] for m in members} == {"pending"}
    assert sum(m["role"] == "chair" for m in members) == 1
    assert sum(m["external"] for m in members) >= 1  # the standard's 10% of 7
    codes = [p["code"] for p in panel.json()["problems"]]
    assert "panel.unconfirmed" in codes

    again = _draw(flow, sid, size=7)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_drawn"
    check = flow.client.get(
        f"{API}/review-sessions/{sid}/panel/draw/verification", headers=flow.auth("regulator")
    )
    assert check.status_code == 200
    assert check.json() | {"members": None, "reserves": None} == {
        "session_id": sid,
        "commitment_matches": True,
        "candidates_unchanged": True,
        "same_panel": True,
        "members": None,
        "reserves": None,
    }
    assert flow.events("panel.draw") == 1

    # A candidate list edited after the draw is detected on re-run.
    with Session(flow.engine) as s:
        row = s.exec(select(PanelDraw).where(PanelDraw.session_id == sid)).one()
        row.candidates = row.candidates[1:]  # type: ignore[index]
        s.add(row)
        s.commit()
    check = flow.client.get(
        f"{API}/review-sessions/{sid}/panel/draw/verification", headers=flow.auth("regulator")
    )
    assert check.json()["candidates_unchanged"] is False


def test_a_decline_calls_in_the_next_reserve_and_confirmations_clear_the_panel(
    flow: Flow,
) -> None:
    _pool(flow)
    sid = flow.create_session()["id"]
    _commit(flow, sid)
    drawn = _draw(flow, sid, size=7, reserves=2).json()
    with Session(flow.engine) as s:
        names = {str(u.id): u.username for u in s.exec(select(User)).all()}
    decliner = names[drawn["members"][0]]
    r = flow.client.post(
        f"{API}/review-sessions/{sid}/panel/response",
        json={"accept": False, "reason": "出差"},
        headers=flow.auth(decliner),
    )
    assert r.status_code == 200, r.text
    called = r.json()
    assert called["selection"] == "reserve" and str(called["user_id"]) in drawn["reserves"]
    again = flow.client.post(
        f"{API}/review-sessions/{sid}/panel/response",
        json={"accept": True},
        headers=flow.auth(decliner),
    )
    assert again.status_code == 404  # no longer on the panel
    view = flow.client.get(
        f"{API}/review-sessions/{sid}/panel/draw", headers=flow.auth("a_admin")
    ).json()
    assert view["declined"] == [drawn["members"][0]]
    assert str(called["user_id"]) not in view["reserves_left"]

    panel = flow.client.get(f"{API}/review-sessions/{sid}/panel", headers=flow.auth("a_admin"))
    for m in panel.json()["members"]:
        who = names[str(m["user_id"])]
        r = flow.client.post(
            f"{API}/review-sessions/{sid}/panel/response",
            json={"accept": True},
            headers=flow.auth(who),
        )
        assert r.status_code == 200, r.text
        twice = flow.client.post(
            f"{API}/review-sessions/{sid}/panel/response",
            json={"accept": True},
            headers=flow.auth(who),
        )
        assert twice.status_code == 409
    panel = flow.client.get(f"{API}/review-sessions/{sid}/panel", headers=flow.auth("a_admin"))
    assert "panel.unconfirmed" not in [p["code"] for p in panel.json()["problems"]]
    assert flow.events("panel.seat_decline") == 1 and flow.events("panel.reserve_called") == 1


def test_suspended_and_out_of_term_experts_are_neither_drawn_nor_seated(flow: Flow) -> None:
    names = _pool(flow, internal=8, external=2)
    ids = [flow.user_id(names[0]), flow.user_id(names[1])]
    with Session(flow.engine) as s:
        for user_id, change in ((ids[0], "suspend"), (ids[1], "term")):
            profile = s.get(ExpertProfile, user_id)
            assert profile is not None
            if change == "suspend":
                profile.status, profile.status_reason = "suspended", "核查中"
            else:
                profile.term_end = date(2025, 12, 31)
            s.add(profile)
        s.commit()
    sid = flow.create_session()["id"]
    r = flow.seat(sid, names[0])
    assert r.status_code == 409 and r.json()["error"]["code"] == "expert_not_active"
    r = flow.seat(sid, names[1])
    assert r.status_code == 409 and r.json()["error"]["code"] == "expert_term_ended"
    _commit(flow, sid)
    drawn = _draw(flow, sid, size=7, reserves=3).json()
    left_out = {e["expert_id"]: e["code"] for e in drawn["excluded"]}
    assert left_out[str(flow.user_id(names[0]))] == "draw.not_active"
    assert left_out[str(flow.user_id(names[1]))] == "draw.term_ended"
    chosen = set(drawn["members"]) | set(drawn["reserves"])
    assert not chosen & {str(flow.user_id(names[0])), str(flow.user_id(names[1]))}


def test_applicants_supervisor_is_excluded_and_an_impossible_draw_stores_nothing(
    flow: Flow,
) -> None:
    flow.user("boss", role="expert", department="船体车间", level="senior")
    boss_id = flow.user_id("boss")
    with Session(flow.engine) as s:
        boss_user = s.get(User, boss_id)
        assert boss_user is not None
        boss_user.person_key = "boss-key"
        s.add(boss_user)
        s.commit()
    flow.user("worker", role="applicant", department="船体车间", supervisor="boss")
    sid = flow.create_session()["id"]
    flow.advance(sid, "open")
    assert flow.apply(sid, "worker").status_code == 201
    _commit(flow, sid)
    r = _draw(flow, sid, size=7)
    assert r.status_code == 422 and r.json()["error"]["code"] == "draw_impossible"
    assert flow.events("panel.draw") == 0
    _pool(flow)
    drawn = _draw(flow, sid, size=7).json()
    left_out = {e["expert_id"]: e["code"] for e in drawn["excluded"]}
    assert left_out[str(flow.user_id("boss"))] == "draw.related"


def test_a_hand_picked_member_needs_a_reason_and_shows_it(flow: Flow) -> None:
    sid = flow.create_session()["id"]
    r = flow.client.post(
        f"{API}/review-sessions/{sid}/panel/members",
        json={"user_id": flow.user_id("a_expert"), "role": "chair"},
        headers=flow.auth("a_admin"),
    )
    assert r.status_code == 422
    assert any(d["field"] == "reason" for d in r.json()["error"]["details"])
    assert flow.seat(sid, "a_expert", "chair").status_code == 201
    member = flow.client.get(
        f"{API}/review-sessions/{sid}/panel", headers=flow.auth("a_admin")
    ).json()["members"][0]
    assert member["selection"] == "hand_picked" and member["selection_reason"] == "专业对口"


def test_experts_are_drawn_only_for_a_review_day_they_declared_available(flow: Flow) -> None:
    names = _pool(flow, internal=8, external=4)
    away, there = flow.user_id(names[0]), flow.user_id(names[1])
    for user_id, window in (
        (away, {"starts_on": "2026-07-01", "ends_on": "2026-07-31", "note": "出差"}),
        (there, {"starts_on": "2026-06-15", "ends_on": "2026-06-25"}),
    ):
        r = flow.client.patch(
            f"{API}/experts/{user_id}",
            json={"availability": [window]},
            headers=flow.auth("a_admin"),
        )
        assert r.status_code == 200, r.text
    r = flow.client.post(
        f"{API}/review-sessions",
        json={
            "name": "2026年度工程师自主评审",
            "standard_version_id": flow.publish_standard("a_admin"),
            "period": "2026",
            "held_on": "2026-06-20",
        },
        headers=flow.auth("a_admin"),
    )
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    _commit(flow, sid)
    drawn = _draw(flow, sid, size=7, reserves=4).json()
    left_out = {e["expert_id"]: e for e in drawn["excluded"]}
    assert left_out[str(away)]["code"] == "draw.unavailable"
    assert "2026-06-20" in left_out[str(away)]["message_zh"]
    assert str(there) not in left_out
    assert str(away) not in set(drawn["members"]) | set(drawn["reserves"])
    # The regulator's re-run, from the recorded candidates, agrees.
    check = flow.client.get(
        f"{API}/review-sessions/{sid}/panel/draw/verification", headers=flow.auth("regulator")
    )
    assert check.status_code == 200, check.text
    assert check.json()["same_panel"] and check.json()["candidates_unchanged"]
