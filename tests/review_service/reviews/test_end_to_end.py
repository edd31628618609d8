"""A review round from draft to filed over the API: a panel of seven (two external), a
detected conflict confirmed by HR, an ineligible application corrected, secret voting, a
public notice skipping a weekend and a holiday, an objection upheld, and the filing."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from review_service.events.models import Event
from review_service.filings.models import FilingRecord
from tests.review_service.reviews.flow import (
    API,
    SCORES_HIGH,
    Flow,
    eligible_facts,
    short_facts,
)


def test_draft_to_filed(flow: Flow) -> None:
    client = flow.client
    hr = flow.auth("a_admin")
    flow.user("a_applicant2", role="applicant", department="涂装车间")
    flow.user("a_applicant3", role="applicant", department="总装车间")

    rs = flow.create_session()
    sid = rs["id"]
    assert rs["status"] == "draft" and rs["allowed_next"] == ["open"]
    names = flow.panel_of_seven(sid)
    panel = client.get(f"{API}/review-sessions/{sid}/panel", headers=hr).json()
    assert len(panel["members"]) == 7
    assert sum(m["external"] for m in panel["members"]) == 2
    assert panel["problems"] == []

    flow.advance(sid, "open")

    # 1. The applicant applies; the chair is their line manager: a conflict is detected.
    r = flow.apply(sid, "a_applicant")
    assert r.status_code == 201, r.text
    first = r.json()
    assert first["status"] == "eligible"
    assert first["id_mask"].count("*") == 8
    conflicts = client.get(f"{API}/review-sessions/{sid}/conflicts", headers=hr).json()["data"]
    assert [(c["kind"], c["source"], c["status"]) for c in conflicts] == [
        ("supervisor", "detected", "pending")
    ]
    members = flow.member_ids(sid)
    assert conflicts[0]["panel_member_id"] == members["a_expert"]

    # 2. A second applicant is ineligible, sees every failed requirement, and corrects.
    r = flow.apply(sid, "a_applicant2", facts=short_facts())
    assert r.status_code == 201, r.text
    second = r.json()
    assert second["status"] == "ineligible"
    assert [f["code"] for f in second["eligibility"]["failed"]] == ["years"]
    assert second["eligibility"]["failed"][0]["required"]
    r = client.patch(
        f"{API}/applications/{second['id']}",
        json={"facts": eligible_facts()},
        headers=flow.auth("a_applicant2"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "eligible"

    # 3. HR applies on behalf of a third.
    r = flow.apply(sid, "a_admin", applicant="a_applicant3")
    assert r.status_code == 201, r.text
    third = r.json()
    apps = [first["id"], second["id"], third["id"]]

    # Scoring cannot start while the conflict is unresolved.
    flow.advance(sid, "validating")
    r = flow.move(sid, "reviewing")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "not_ready"
    assert r.json()["error"]["details"][0]["field"] == f"conflicts[{conflicts[0]['id']}]"
    r = client.post(
        f"{API}/conflicts/{conflicts[0]['id']}/resolution",
        json={"status": "confirmed", "reason": "同一车间，应当回避"},
        headers=hr,
    )
    assert r.status_code == 200, r.text
    flow.advance(sid, "reviewing")

    # The conflicted chair no longer sees the first application anywhere.
    chair = flow.auth("a_expert")
    assert client.get(f"{API}/applications/{first['id']}", headers=chair).status_code == 404
    listed = client.get(f"{API}/review-sessions/{sid}/applications", headers=chair).json()
    assert first["id"] not in [a["id"] for a in listed["data"]]
    assert flow.score(first["id"], "a_expert", SCORES_HIGH).status_code == 404

    # Everyone else scores everything; the chair scores the two others.
    for name in names:
        for app_id in apps:
            if name == "a_expert" and app_id == first["id"]:
                continue
            r = flow.score(app_id, name, SCORES_HIGH)
            assert r.status_code == 200, r.text
    progress = client.get(f"{API}/applications/{first['id']}/scores", headers=hr).json()
    assert progress["sheets"] == []  # HR sees who submitted, not the scores
    assert sum(p["submitted"] for p in progress["progress"]) == 6
    assert [p["conflicted"] for p in progress["progress"]].count(True) == 1

    flow.advance(sid, "voting")
    assert (
        len(client.get(f"{API}/applications/{first['id']}/scores", headers=hr).json()["sheets"])
        == 6
    )
    for name in names:
        for app_id in apps:
            if name == "a_expert" and app_id == first["id"]:
                continue
            choice = "reject" if (name == names[1] and app_id == third["id"]) else "approve"
            r = flow.vote(app_id, name, choice)
            assert r.status_code == 201, r.text
            assert "choice" not in r.json()
    flow.advance(sid, "decided")

    decision = client.get(f"{API}/applications/{first['id']}/decision", headers=hr).json()
    assert decision["approved"] is True
    assert decision["tally"]["eligible_members"] == 6  # the recused chair does not count
    assert decision["tally"]["approvals"] == 6
    assert [p["code"] for p in decision["parts"]] == ["quorum", "vote_threshold", "pass_score"]
    third_decision = client.get(
        f"{API}/applications/{third['id']}/decision", headers=flow.auth("a_applicant3")
    ).json()
    assert third_decision["tally"] == {
        "eligible_members": 7,
        "approvals": 6,
        "rejections": 1,
        "abstentions": 0,
        "not_voted": 0,
    }
    assert third_decision["approved"] is True

    # Public notice published on Wednesday 17 June: 5 working days skip the Dragon Boat
    # Festival (Friday 19) and the weekend, so the notice runs to Wednesday 24 June.
    flow.clock.today = date(2026, 6, 17)
    flow.advance(sid, "public_notice")
    notice = client.get(
        f"{API}/review-sessions/{sid}/notice", headers=flow.auth("a_applicant")
    ).json()
    assert notice["ends_on"] == "2026-06-24"
    assert {e["application_id"] for e in notice["entries"]} == set(apps)

    # An objection is raised and upheld: the decision changes and the change is logged.
    r = client.post(
        f"{API}/review-sessions/{sid}/objections",
        json={"application_id": second["id"], "reason": "申报业绩与实际参与项目不符"},
        headers=flow.auth("a_applicant"),
    )
    assert r.status_code == 201, r.text
    objection = r.json()
    flow.clock.today = date(2026, 6, 24)
    r = flow.move(sid, "finalized")
    assert r.status_code == 409
    fields = [d["field"] for d in r.json()["error"]["details"]]
    assert fields == ["notice.ends_on", f"objections[{objection['id']}]"]
    r = client.post(
        f"{API}/objections/{objection['id']}/resolution",
        json={"status": "upheld", "reason": "经核实，业绩材料不实"},
        headers=hr,
    )
    assert r.status_code == 200, r.text
    overturned = client.get(f"{API}/applications/{second['id']}/decision", headers=hr).json()
    assert overturned["approved"] is False and overturned["computed_approved"] is True
    assert overturned["overturned_by_objection_id"] == objection["id"]
    assert flow.events("decision.overturn") == 1

    flow.clock.today = date(2026, 6, 25)
    flow.advance(sid, "finalized")

    # Filing.
    r = client.post(f"{API}/review-sessions/{sid}/file", headers=hr)
    assert r.status_code == 200, r.text
    receipt = r.json()
    assert receipt["created"] is True and receipt["session"]["status"] == "filed"
    again = client.post(f"{API}/review-sessions/{sid}/file", headers=hr)
    assert again.status_code == 200
    assert again.json()["created"] is False and again.json()["filing_id"] == receipt["filing_id"]

    with Session(flow.engine) as s:
        records = s.exec(select(FilingRecord)).all()
        assert len(records) == 1
        document = records[0].document
        actions = {e.action for e in s.exec(select(Event)).all()}
    assert document["schema_version"] == "1.1"
    assert len(document["panel"]) == 7
    assert sum(m["external"] for m in document["panel"]) == 2
    assert all(m["member_id"].startswith("m-") for m in document["panel"])
    by_ref = {a["application_ref"]: a for a in document["applications"]}
    recused = by_ref[f"A{first['id']}"]
    assert [r["kind"] for r in recused["recusals"]] == ["supervisor"]
    assert len(recused["scores"]) == 6 and len(recused["votes"]) == 6
    assert by_ref[f"A{second['id']}"]["approved"] is False
    assert by_ref[f"A{third['id']}"]["approved"] is True
    assert "resident_id" not in str(document) or all(
        a["applicant"].get("resident_id") is None for a in document["applications"]
    )
    assert {
        "review_session.open",
        "review_session.reviewing",
        "conflict.confirmed",
        "application.correct",
        "vote.cast",
        "decision.compute",
        "notice.publish",
        "objection.upheld",
        "review_session.file",
    } <= actions

    # A filed session is read-only.
    r = flow.move(sid, "open")
    assert r.status_code == 409 and r.json()["error"]["code"] == "session_filed"
    r = client.patch(f"{API}/review-sessions/{sid}", json={"name": "改名"}, headers=hr)
    assert r.status_code == 409 and r.json()["error"]["code"] == "session_filed"
