"""Panels are checked against the standard's rules before scoring starts (every failure
listed); conflicts are typed, declared or detected, and confirmed or dismissed by HR; a
confirmed conflict hides the application from the member everywhere."""

from __future__ import annotations

from tests.review_service.reviews.flow import API, SCORES_HIGH, Flow, round_in


def test_panel_problems_are_all_listed_before_scoring(flow: Flow) -> None:
    sid = flow.create_session()["id"]
    flow.user("low_expert", role="expert", level="assistant")
    for name in ("a_expert", "low_expert"):
        assert flow.seat(sid, name).status_code == 201  # two members, no chair, no external
    panel = flow.client.get(f"{API}/review-sessions/{sid}/panel", headers=flow.auth("a_admin"))
    codes = sorted(p["code"] for p in panel.json()["problems"])
    assert codes == [
        "panel.even_size",
        "panel.external_share",
        "panel.member_below_level",
        "panel.no_chair",
        "panel.too_small",
    ]
    flow.advance(sid, "open")
    flow.user("applicant_p", role="applicant", department="涂装车间")
    assert flow.apply(sid, "applicant_p").status_code == 201
    flow.advance(sid, "validating")
    r = flow.move(sid, "reviewing")
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "not_ready"
    fields = [d["field"] for d in error["details"]]
    assert "panel.members[1].level" in fields and fields.count("panel.members") == 4
    assert all(d["problem"] and d["problem_en"] for d in error["details"])


def test_experts_of_other_enterprises_cannot_be_seated(flow: Flow) -> None:
    sid = flow.create_session()["id"]
    r = flow.seat(sid, "b_expert")
    assert r.status_code == 404
    r = flow.seat(sid, "a_applicant")  # not an expert
    assert r.status_code == 404


def test_duplicate_member_and_second_chair_are_refused(flow: Flow) -> None:
    sid = flow.create_session()["id"]
    assert flow.seat(sid, "a_expert", "chair").status_code == 201
    assert flow.seat(sid, "a_expert").json()["error"]["code"] == "already_member"
    r = flow.seat(sid, "pool_expert", "chair")
    assert r.status_code == 409 and r.json()["error"]["code"] == "chair_exists"


def test_panel_is_frozen_once_review_starts(flow: Flow) -> None:
    rnd = round_in(flow, "reviewing")
    flow.user("late_expert", role="expert", level="senior")
    r = flow.seat(rnd.session_id, "late_expert")
    assert r.status_code == 409 and r.json()["error"]["code"] == "wrong_state"


def test_supervisor_and_own_application_are_detected(flow: Flow) -> None:
    sid = flow.create_session()["id"]
    flow.user("boss", role="expert", department="研发部", level="senior")
    flow.user("worker", role="applicant", department="研发二部", supervisor="boss")
    flow.user("expert_applicant", role="expert", department="质量部", level="intermediate")
    for name in ("boss", "expert_applicant"):
        assert flow.seat(sid, name).status_code == 201
    flow.advance(sid, "open")
    assert flow.apply(sid, "worker").status_code == 201
    # HR applies on behalf of an expert who also sits on the panel.
    assert flow.apply(sid, "a_admin", applicant="expert_applicant").status_code == 201
    conflicts = flow.client.get(
        f"{API}/review-sessions/{sid}/conflicts", headers=flow.auth("a_admin")
    ).json()["data"]
    members = flow.member_ids(sid)
    found = {(c["panel_member_id"], c["kind"]) for c in conflicts}
    assert found == {
        (members["boss"], "supervisor"),
        (members["expert_applicant"], "own_application"),
    }


def test_declared_conflicts_and_their_resolution(flow: Flow) -> None:
    rnd = round_in(flow, "open")
    app_id = rnd.applications[0]
    expert = rnd.panel[1]
    r = flow.client.post(
        f"{API}/review-sessions/{rnd.session_id}/conflicts",
        json={"application_id": app_id, "kind": "collaborator", "reason": "曾合作完成项目"},
        headers=flow.auth(expert),
    )
    assert r.status_code == 201, r.text
    declared = r.json()
    assert declared["source"] == "expert" and declared["status"] == "pending"
    again = flow.client.post(
        f"{API}/review-sessions/{rnd.session_id}/conflicts",
        json={"application_id": app_id, "kind": "collaborator", "reason": "再次申报"},
        headers=flow.auth(expert),
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict_exists"
    r = flow.client.post(
        f"{API}/conflicts/{declared['id']}/resolution",
        json={"status": "dismissed", "reason": "合作已结束五年"},
        headers=flow.auth("a_admin"),
    )
    assert r.status_code == 200
    assert r.json()["status"] == "dismissed" and r.json()["resolution_reason"] == "合作已结束五年"
    r = flow.client.post(
        f"{API}/conflicts/{declared['id']}/resolution",
        json={"status": "confirmed", "reason": "改判"},
        headers=flow.auth("a_admin"),
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_resolved"


def test_applicant_declares_a_relative_on_the_panel(flow: Flow) -> None:
    rnd = round_in(flow, "open")
    app = flow.client.get(
        f"{API}/review-sessions/{rnd.session_id}/applications", headers=flow.auth("a_admin")
    ).json()["data"][0]
    applicant = next(k for k, v in flow.headers.items() if k.startswith("applicant_"))
    member = flow.member_ids(rnd.session_id)[rnd.panel[2]]
    r = flow.client.post(
        f"{API}/review-sessions/{rnd.session_id}/conflicts",
        json={
            "application_id": app["id"],
            "panel_member_id": member,
            "kind": "relative",
            "reason": "该评委为本人表兄",
        },
        headers=flow.auth(applicant),
    )
    assert r.status_code == 201, r.text
    assert r.json()["source"] == "applicant"
    # Without naming the member, the declaration is incomplete.
    r = flow.client.post(
        f"{API}/review-sessions/{rnd.session_id}/conflicts",
        json={"application_id": app["id"], "kind": "relative", "reason": "亲属"},
        headers=flow.auth(applicant),
    )
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "panel_member_id"


def test_confirmed_conflict_hides_the_application_everywhere(flow: Flow) -> None:
    rnd = round_in(flow, "open", applicants=2)
    conflicted, other = rnd.applications
    expert = rnd.panel[1]
    r = flow.client.post(
        f"{API}/review-sessions/{rnd.session_id}/conflicts",
        json={"application_id": conflicted, "kind": "relative", "reason": "配偶"},
        headers=flow.auth(expert),
    )
    flow.client.post(
        f"{API}/conflicts/{r.json()['id']}/resolution",
        json={"status": "confirmed", "reason": "属实"},
        headers=flow.auth("a_admin"),
    )
    flow.advance(rnd.session_id, "validating", "reviewing")
    me = flow.auth(expert)
    client = flow.client
    assert client.get(f"{API}/applications/{conflicted}", headers=me).status_code == 404
    assert client.get(f"{API}/applications/{conflicted}/scores", headers=me).status_code == 404
    listed = client.get(f"{API}/review-sessions/{rnd.session_id}/applications", headers=me).json()
    assert [a["id"] for a in listed["data"]] == [other]
    assert flow.score(conflicted, expert, SCORES_HIGH).status_code == 404
    for name in rnd.panel:
        for app_id in rnd.applications:
            if not (name == expert and app_id == conflicted):
                assert flow.score(app_id, name, SCORES_HIGH).status_code == 200
    flow.advance(rnd.session_id, "voting")
    assert flow.vote(conflicted, expert, "approve").status_code == 404
    assert client.get(f"{API}/applications/{conflicted}/decision", headers=me).status_code == 404


def test_confirming_late_takes_back_given_scores(flow: Flow) -> None:
    rnd = round_in(flow, "reviewing")
    app_id = rnd.applications[0]
    expert = rnd.panel[3]
    assert flow.score(app_id, expert, SCORES_HIGH).status_code == 200
    r = flow.client.post(
        f"{API}/review-sessions/{rnd.session_id}/conflicts",
        json={"application_id": app_id, "kind": "other", "reason": "评分后发现利害关系"},
        headers=flow.auth(expert),
    )
    conflict_id = r.json()["id"]
    # Pending: the member may not score or vote on it meanwhile.
    progress = flow.client.get(f"{API}/applications/{app_id}/scores", headers=flow.auth("a_admin"))
    assert sum(p["submitted"] for p in progress.json()["progress"]) == 1
    flow.client.post(
        f"{API}/conflicts/{conflict_id}/resolution",
        json={"status": "confirmed", "reason": "属实"},
        headers=flow.auth("a_admin"),
    )
    progress = flow.client.get(f"{API}/applications/{app_id}/scores", headers=flow.auth("a_admin"))
    assert sum(p["submitted"] for p in progress.json()["progress"]) == 0
    assert flow.events("conflict.withdraw_contributions") == 1


def test_pending_conflict_blocks_scoring_by_that_member(flow: Flow) -> None:
    rnd = round_in(flow, "reviewing")
    app_id = rnd.applications[0]
    expert = rnd.panel[4]
    flow.client.post(
        f"{API}/review-sessions/{rnd.session_id}/conflicts",
        json={"application_id": app_id, "kind": "collaborator", "reason": "合作过"},
        headers=flow.auth(expert),
    )
    r = flow.score(app_id, expert, SCORES_HIGH)
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict_pending"
    assert r.json()["error"]["current_state"] == "pending"


def test_same_department_alone_is_no_detected_conflict(flow: Flow) -> None:
    rnd = round_in(flow, "validating")
    mover = rnd.panel[1]
    # The expert moves into the applicant's department: normal in self-review, no conflict.
    r = flow.client.patch(
        f"{API}/users/{flow.user_id(mover)}",
        json={"department": "涂装车间"},
        headers=flow.auth("a_admin"),
    )
    assert r.status_code == 200, r.text
    found = flow.client.post(
        f"{API}/review-sessions/{rnd.session_id}/conflicts/detection", headers=flow.auth("a_admin")
    )
    assert found.status_code == 200 and found.json()["count"] == 0, found.text
    assert flow.move(rnd.session_id, "reviewing").status_code == 200


def test_a_supervisor_change_after_seating_blocks_review_until_redetected(flow: Flow) -> None:
    rnd = round_in(flow, "validating")
    app_id = rnd.applications[0]
    mover = rnd.panel[1]
    applicant = flow.client.get(f"{API}/applications/{app_id}", headers=flow.auth("a_admin"))
    assert applicant.status_code == 200, applicant.text
    # The applicant is moved under the expert after the expert was seated.
    r = flow.client.patch(
        f"{API}/users/{applicant.json()['applicant_user_id']}",
        json={"supervisor_id": flow.user_id(mover)},
        headers=flow.auth("a_admin"),
    )
    assert r.status_code == 200, r.text
    refused = flow.move(rnd.session_id, "reviewing")
    assert refused.status_code == 409, refused.text
    assert any("unrecorded conflict" in d["problem_en"] for d in refused.json()["error"]["details"])
    found = flow.client.post(
        f"{API}/review-sessions/{rnd.session_id}/conflicts/detection", headers=flow.auth("a_admin")
    )
    assert found.status_code == 200, found.text
    [conflict] = found.json()["data"]
    assert conflict["kind"] == "supervisor" and conflict["application_id"] == app_id
    assert conflict["status"] == "pending"
    # Running it again finds nothing new; the pending conflict still blocks the review.
    again = flow.client.post(
        f"{API}/review-sessions/{rnd.session_id}/conflicts/detection", headers=flow.auth("a_admin")
    )
    assert again.json()["count"] == 0
    assert flow.move(rnd.session_id, "reviewing").status_code == 409
    r = flow.client.post(
        f"{API}/conflicts/{conflict['id']}/resolution",
        json={"status": "confirmed", "reason": "同一车间，应回避"},
        headers=flow.auth("a_admin"),
    )
    assert r.status_code == 200, r.text
    flow.advance(rnd.session_id, "reviewing")
