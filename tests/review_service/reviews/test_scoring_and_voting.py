"""Scores within each criterion's maximum, revisable until submitted, hidden from other
members until one's own is in and from HR until scoring closes; secret ballot after scoring;
decisions computed by the server with each part explained."""

from __future__ import annotations

from sqlmodel import Session, select

from review_service.events.models import Event
from tests.review_service.reviews.flow import API, SCORES_HIGH, SCORES_LOW, Flow, round_in


def test_scores_out_of_range_and_unknown_criteria_are_each_named(flow: Flow) -> None:
    rnd = round_in(flow, "reviewing")
    before = flow.events()
    r = flow.score(
        rnd.applications[0],
        rnd.panel[1],
        {"ethics": 11, "ability": -1, "charisma": 5},
        submit=False,
    )
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "invalid_scores"
    by_field = {d["field"]: d for d in error["details"]}
    assert set(by_field) == {"values.ethics", "values.ability", "values.charisma"}
    assert "0–10" in by_field["values.ethics"]["problem"]
    assert "unknown criterion" in by_field["values.charisma"]["problem_en"]
    assert flow.events() == before


def test_scoring_before_review_starts_is_refused(flow: Flow) -> None:
    rnd = round_in(flow, "validating")
    r = flow.score(rnd.applications[0], rnd.panel[1], SCORES_HIGH)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "wrong_state"
    assert r.json()["error"]["allowed_states"] == ["reviewing"]


def test_member_revises_until_submitting(flow: Flow) -> None:
    rnd = round_in(flow, "reviewing")
    app_id, member = rnd.applications[0], rnd.panel[2]
    assert flow.score(app_id, member, {"ethics": 5}, submit=False).status_code == 200
    r = flow.score(app_id, member, {"ethics": 8, "ability": 20}, submit=False)
    assert r.json()["mine"]["values"] == {"ethics": 8, "ability": 20}
    r = flow.client.post(
        f"{API}/applications/{app_id}/scores/mine/submit", headers=flow.auth(member)
    )
    assert r.status_code == 422
    assert {d["field"] for d in r.json()["error"]["details"]} == {
        "values.performance",
        "values.contribution",
    }
    assert flow.score(app_id, member, {"performance": 30, "contribution": 15}).status_code == 200
    r = flow.score(app_id, member, {"ethics": 1}, submit=False)
    assert r.status_code == 409 and r.json()["error"]["code"] == "scores_submitted"


def test_nobody_sees_others_scores_too_early(flow: Flow) -> None:
    rnd = round_in(flow, "reviewing")
    app_id = rnd.applications[0]
    first, second = rnd.panel[1], rnd.panel[2]
    assert flow.score(app_id, first, SCORES_HIGH).status_code == 200
    view = flow.score(app_id, second, SCORES_LOW, submit=False).json()
    assert view["sheets"] == []  # second has not submitted: first's scores stay hidden
    view = flow.client.post(
        f"{API}/applications/{app_id}/scores/mine/submit", headers=flow.auth(second)
    ).json()
    assert [s["values"] for s in view["sheets"]] == [SCORES_HIGH]
    hr = flow.client.get(f"{API}/applications/{app_id}/scores", headers=flow.auth("a_admin")).json()
    assert hr["sheets"] == [] and hr["mine"] is None
    assert sum(p["submitted"] for p in hr["progress"]) == 2
    regulator = flow.client.get(
        f"{API}/applications/{app_id}/scores", headers=flow.auth("regulator")
    ).json()
    assert regulator["sheets"] == []


def test_votes_before_scoring_closes_are_refused(flow: Flow) -> None:
    rnd = round_in(flow, "reviewing")
    r = flow.vote(rnd.applications[0], rnd.panel[1], "approve")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "wrong_state"
    assert "voting" in r.json()["error"]["message_en"]


def test_a_ballot_is_cast_once(flow: Flow) -> None:
    rnd = round_in(flow, "voting")
    app_id, member = rnd.applications[0], rnd.panel[1]
    assert flow.vote(app_id, member, "reject").status_code == 201
    r = flow.vote(app_id, member, "approve")
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_voted"
    # The loser is told where things stand, not what the first ballot said.
    assert r.json()["error"]["current_state"] == "voted"
    assert "reject" not in r.text


def test_ballots_are_secret(flow: Flow) -> None:
    rnd = round_in(flow, "voting")
    app_id = rnd.applications[0]
    choices = ["approve", "approve", "reject", "abstain", "approve", "approve", "approve"]
    for name, choice in zip(rnd.panel, choices, strict=True):
        assert flow.vote(app_id, name, choice).status_code == 201
    flow.advance(rnd.session_id, "decided")
    for who in ("a_admin", "regulator"):
        decision = flow.client.get(f"{API}/applications/{app_id}/decision", headers=flow.auth(who))
        tally = decision.json()["tally"]
        assert (tally["approvals"], tally["rejections"], tally["abstentions"]) == (5, 1, 1)
        assert "panel_member_id" not in decision.text and "user_id" not in decision.text
    events = flow.client.get(
        f"{API}/events", params={"action": "vote.cast"}, headers=flow.auth("a_admin")
    ).json()
    assert events["count"] == 7
    assert not any(c in str(events) for c in ("reject", "abstain"))
    with Session(flow.engine) as s:
        details = [e.detail for e in s.exec(select(Event).where(Event.action == "vote.cast"))]
    assert "choice" not in str(details)


def test_decision_parts_quorum_threshold_and_pass_score(flow: Flow) -> None:
    rnd = round_in(flow, "reviewing", applicants=3)
    low, few_votes, rejected = rnd.applications
    for name in rnd.panel:
        assert flow.score(low, name, SCORES_LOW).status_code == 200
        for app_id in (few_votes, rejected):
            assert flow.score(app_id, name, SCORES_HIGH).status_code == 200
    flow.advance(rnd.session_id, "voting")
    for i, name in enumerate(rnd.panel):
        flow.vote(low, name, "approve")
        if i < 4:  # 4 of 7 present: below the quorum of 2/3 (5)
            flow.vote(few_votes, name, "approve")
        flow.vote(rejected, name, "approve" if i < 4 else "reject")  # 4 of 7 < 2/3
    refused = flow.move(rnd.session_id, "decided")
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert error["code"] == "not_ready" and error["override_allowed"] is True
    assert {b["field"] for b in error["blockers"]} >= {f"applications[{few_votes}].quorum"}
    r = flow.move(rnd.session_id, "decided", override_reason="三位评委因公出差，无法到会")
    assert r.status_code == 200, r.text

    def parts(app_id: int) -> dict[str, bool]:
        body = flow.client.get(
            f"{API}/applications/{app_id}/decision", headers=flow.auth("a_admin")
        ).json()
        assert body["approved"] is False
        return {p["code"]: p["passed"] for p in body["parts"]}

    assert parts(low) == {"quorum": True, "vote_threshold": True, "pass_score": False}
    assert parts(few_votes)["quorum"] is False
    assert parts(rejected) == {"quorum": True, "vote_threshold": False, "pass_score": True}


def test_decision_before_voting_is_not_available(flow: Flow) -> None:
    rnd = round_in(flow, "reviewing")
    r = flow.client.get(
        f"{API}/applications/{rnd.applications[0]}/decision", headers=flow.auth("a_admin")
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_decided"


def test_ineligible_applications_are_not_scored(flow: Flow) -> None:
    from tests.review_service.reviews.flow import short_facts

    rnd = round_in(flow, "open")
    flow.user("late_short", role="applicant", department="仓储部")
    short = flow.apply(rnd.session_id, "late_short", facts=short_facts()).json()
    flow.advance(rnd.session_id, "validating", "reviewing")
    r = flow.score(short["id"], rnd.panel[1], SCORES_HIGH)
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_under_review"
