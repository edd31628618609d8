"""Applications: validated at once, every failed requirement reported, corrected while open;
resident IDs checked and never kept in clear; one live application per person, level and
period; nothing half-written on refusal."""

from __future__ import annotations

from sqlmodel import Session, select

from review_service.reviews.models import Application
from tests.review_service.factories import resident_id
from tests.review_service.reviews.flow import API, Flow, eligible_facts, round_in, short_facts


def _open(flow: Flow) -> int:
    sid = flow.create_session()["id"]
    flow.advance(sid, "open")
    return sid


def test_ineligible_application_lists_every_failed_requirement(flow: Flow) -> None:
    sid = _open(flow)
    facts = short_facts()
    facts["education"] = "senior_high"
    r = flow.apply(sid, facts=facts)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "ineligible"
    failed = {f["code"]: f for f in body["eligibility"]["failed"]}
    assert set(failed) == {"education", "years"}
    for f in failed.values():
        assert f["rule"] and f["required"] and f["given"] and f["message"] and f["message_en"]
    assert "years" in body["eligibility"]["summary_en"]


def test_correction_is_validated_again_and_logged(flow: Flow) -> None:
    sid = _open(flow)
    app = flow.apply(sid, facts=short_facts()).json()
    r = flow.client.patch(
        f"{API}/applications/{app['id']}",
        json={"facts": eligible_facts()},
        headers=flow.auth("a_applicant"),
    )
    assert r.json()["status"] == "eligible"
    assert flow.events("application.correct") == 1


def test_correction_after_intake_closes_is_refused(flow: Flow) -> None:
    sid = _open(flow)
    app = flow.apply(sid, facts=short_facts()).json()
    flow.advance(sid, "validating")
    r = flow.client.patch(
        f"{API}/applications/{app['id']}",
        json={"facts": eligible_facts()},
        headers=flow.auth("a_applicant"),
    )
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "wrong_state" and error["allowed_states"] == ["open"]
    assert "受理申报" in error["message"] and "Open" in error["message_en"]
    assert "validating" not in error["message"] + error["message_en"]


def test_application_outside_the_sessions_track_or_level(flow: Flow) -> None:
    sid = _open(flow)
    before = flow.events()
    r = flow.apply(sid, level="deputy_senior", series="agriculture")
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "invalid_application"
    assert {d["field"] for d in error["details"]} == {"level", "series"}
    assert all(
        "intermediate" in d["problem_en"] or "engineering" in d["problem_en"]
        for d in error["details"]
    )
    assert flow.events() == before


def test_resident_id_check_digit_is_verified(flow: Flow) -> None:
    sid = _open(flow)
    good = resident_id()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    r = flow.apply(sid, rid=bad)
    assert r.status_code == 422
    detail = r.json()["error"]["details"][0]
    assert detail["field"] == "resident_id"
    assert "check_digit" in detail["problem_en"] and "校验码" in detail["problem"]


def test_resident_id_is_kept_only_as_hash_and_mask(flow: Flow) -> None:
    sid = _open(flow)
    rid = resident_id()
    body = flow.apply(sid, rid=rid).json()
    assert body["id_mask"] == rid[:6] + "*" * 8 + rid[-4:]
    assert rid not in str(body)
    with Session(flow.engine) as s:
        row = s.exec(select(Application)).one()
        assert rid not in str(row.model_dump())
        assert len(row.person_key) == 64


def test_duplicate_live_application_is_refused(flow: Flow) -> None:
    sid = _open(flow)
    rid = resident_id()
    assert flow.apply(sid, rid=rid).status_code == 201
    other = _open(flow)  # another session of the same level and period
    before = flow.events()
    r = flow.apply(other, rid=rid)
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "duplicate_application"
    assert error["details"][0]["field"] == "resident_id"
    assert flow.events() == before


def test_withdrawn_application_frees_the_person(flow: Flow) -> None:
    sid = _open(flow)
    rid = resident_id()
    app = flow.apply(sid, rid=rid).json()
    r = flow.client.post(
        f"{API}/applications/{app['id']}/withdraw", headers=flow.auth("a_applicant")
    )
    assert r.json()["status"] == "withdrawn"
    assert flow.apply(sid, rid=rid).status_code == 201


def test_exceptional_track_needs_its_justification(flow: Flow) -> None:
    sid = _open(flow)
    facts = short_facts()
    facts["awards"] = ["江苏省技术能手"]
    r = flow.apply(sid, facts=facts)
    body = r.json()
    assert body["status"] == "ineligible"
    assert [p["code"] for p in body["eligibility"]["problems"]] == ["exceptional.not_declared"]
    r = flow.client.patch(
        f"{API}/applications/{body['id']}",
        json={"exceptional": True},
        headers=flow.auth("a_applicant"),
    )
    problems = r.json()["eligibility"]["problems"]
    assert [p["field"] for p in problems] == ["exceptional_justification"]
    r = flow.client.patch(
        f"{API}/applications/{body['id']}",
        json={"exceptional_justification": "主持完成LNG船殷瓦焊接工艺攻关，获省技术能手"},
        headers=flow.auth("a_applicant"),
    )
    assert r.json()["status"] == "eligible"
    assert r.json()["eligibility"]["via_exceptional"] is True


def test_applying_outside_intake_is_refused(flow: Flow) -> None:
    sid = flow.create_session()["id"]
    r = flow.apply(sid)
    assert r.status_code in (404, 409)  # applicants do not see drafts at all
    r = flow.apply(sid, "a_admin", applicant="a_applicant")
    assert r.status_code == 409 and r.json()["error"]["code"] == "wrong_state"


def test_applicants_see_only_their_own(flow: Flow) -> None:
    rnd = round_in(flow, "open", applicants=2)
    mine = flow.apply(rnd.session_id, "a_applicant").json()
    listed = flow.client.get(
        f"{API}/review-sessions/{rnd.session_id}/applications", headers=flow.auth("a_applicant")
    ).json()
    assert [a["id"] for a in listed["data"]] == [mine["id"]]
    r = flow.client.get(
        f"{API}/applications/{rnd.applications[0]}", headers=flow.auth("a_applicant")
    )
    assert r.status_code == 404


def test_applicant_cannot_apply_for_someone_else(flow: Flow) -> None:
    sid = _open(flow)
    flow.user("someone", role="applicant")
    r = flow.apply(sid, "a_applicant", applicant="someone")
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "applicant_user_id"


def test_facts_dated_in_the_future_are_refused(flow: Flow) -> None:
    sid = _open(flow)
    r = flow.apply(sid, facts=eligible_facts(as_of="2031-01-01"))
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "facts.as_of"


def test_exceptional_share_is_capped_before_review(flow: Flow) -> None:
    rnd = round_in(flow, "open")
    facts = short_facts()
    facts["awards"] = ["江苏省技术能手"]
    flow.user("exceptional_one", role="applicant", department="仓储部")
    r = flow.apply(
        rnd.session_id,
        "exceptional_one",
        facts=facts,
        exceptional=True,
        exceptional_justification="主持完成LNG船殷瓦焊接工艺攻关",
    )
    assert r.json()["status"] == "eligible"
    flow.advance(rnd.session_id, "validating")
    r = flow.move(rnd.session_id, "reviewing")
    assert r.status_code == 409
    details = r.json()["error"]["details"]
    assert [d["field"] for d in details] == ["applications"]
    assert "10%" in details[0]["problem_en"]
