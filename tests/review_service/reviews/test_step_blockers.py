"""A session step is refused with what is missing (issue 11, item 2): unsubmitted sheets by
member before voting, missing votes and the quorum before deciding; an override needs a
reason and is logged; GET next-steps answers with the same blockers, and 'filed' offered by
allowed_next is taken by the transition."""

from __future__ import annotations

from sqlmodel import Session, select

from review_service.events.models import Event
from tests.review_service.reviews.flow import API, SCORES_HIGH, Flow, round_in


def _steps(flow: Flow, sid: int) -> dict[str, dict]:
    r = flow.client.get(f"{API}/review-sessions/{sid}/next-steps", headers=flow.auth("a_admin"))
    assert r.status_code == 200, r.text
    return {s["target"]: s for s in r.json()["steps"]}


def test_voting_waits_for_every_sheet_by_member(flow: Flow) -> None:
    rnd = round_in(flow, "reviewing")
    app_id = rnd.applications[0]
    members = flow.member_ids(rnd.session_id)
    for name in rnd.panel[:5]:
        assert flow.score(app_id, name, SCORES_HIGH).status_code == 200
    # The sixth saved but did not submit, the seventh never scored.
    assert flow.score(app_id, rnd.panel[5], SCORES_HIGH, submit=False).status_code == 200
    missing = {f"panel[{members[n]}].scores" for n in rnd.panel[5:]}

    step = _steps(flow, rnd.session_id)["voting"]
    assert step["ready"] is False and step["override_allowed"] is True
    assert {b["field"] for b in step["blockers"]} == missing

    refused = flow.move(rnd.session_id, "voting")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "not_ready" and error["current_state"] == "reviewing"
    assert {d["field"] for d in error["details"]} == missing
    assert all(str(app_id) in d["problem_en"] for d in error["details"])

    too_short = flow.move(rnd.session_id, "voting", override_reason="ok")
    assert too_short.status_code == 422
    moved = flow.move(
        rnd.session_id, "voting", override_reason="两位评委因病缺席，经评委会同意继续"
    )
    assert moved.status_code == 200, moved.text
    with Session(flow.engine) as s:
        event = s.exec(select(Event).where(Event.action == "review_session.voting")).one()
    assert event.detail["override"]["reason"].startswith("两位评委")
    assert {b["field"] for b in event.detail["override"]["blockers"]} == missing


def test_a_ready_step_has_no_blockers_and_moves(flow: Flow) -> None:
    rnd = round_in(flow, "reviewing")
    for name in rnd.panel:
        assert flow.score(rnd.applications[0], name, SCORES_HIGH).status_code == 200
    step = _steps(flow, rnd.session_id)["voting"]
    assert step == {"target": "voting", "ready": True, "override_allowed": False, "blockers": []}
    assert flow.move(rnd.session_id, "voting").status_code == 200
    decided = _steps(flow, rnd.session_id)["decided"]
    # Nobody voted yet: every member owes a vote and the quorum is not met.
    fields = {b["field"] for b in decided["blockers"]}
    assert f"applications[{rnd.applications[0]}].quorum" in fields
    assert sum(f.endswith(".votes") for f in fields) == 7


def test_hard_blockers_cannot_be_overridden(flow: Flow) -> None:
    rnd = round_in(flow, "decided")
    flow.advance(rnd.session_id, "public_notice")
    step = _steps(flow, rnd.session_id)["finalized"]
    assert step["ready"] is False and step["override_allowed"] is False
    r = flow.move(rnd.session_id, "finalized", override_reason="想提前结束公示期")
    assert r.status_code == 409 and r.json()["error"]["override_allowed"] is False


def test_filed_is_offered_and_taken_by_the_transition(flow: Flow) -> None:
    rnd = round_in(flow, "finalized")
    rs = flow.client.get(
        f"{API}/review-sessions/{rnd.session_id}", headers=flow.auth("a_admin")
    ).json()
    assert rs["allowed_next"] == ["filed"]
    assert _steps(flow, rnd.session_id)["filed"]["ready"] is True
    r = flow.move(rnd.session_id, "filed")
    assert r.status_code == 200 and r.json()["status"] == "filed" and r.json()["filing_id"]
    assert r.json()["allowed_next"] == []
    again = flow.move(rnd.session_id, "filed")
    assert again.status_code == 409 and again.json()["error"]["code"] == "session_filed"
