"""Credit records (失信记录): the regulator records a finding against a person; the workflow
obeys at once (a barred applicant is refused in every enterprise, a removed expert cannot be
drawn or seated); the person sees their own record, an enterprise only the bar and its end."""

from __future__ import annotations

from sqlmodel import Session

from review_service.accounts.models import ExpertProfile, User
from review_service.config import Settings
from standards import identifiers
from tests.review_service.factories import resident_id
from tests.review_service.reviews.flow import API, Flow


def _record(flow: Flow, **body):  # type: ignore[no-untyped-def]
    base = {"subject": "applicant", "measure": "bar_applications", "reason": "伪造业绩材料"}
    return flow.client.post(
        f"{API}/credit-records", json=base | body, headers=flow.auth("regulator")
    )


def test_a_barred_applicant_is_refused_in_every_enterprise_until_the_end(flow: Flow) -> None:
    rid = resident_id()
    r = _record(flow, resident_id=rid, name="张三", ends_on="2029-06-01", case_id=None)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["active"] is True and body["id_mask"].startswith("320602")
    assert "person_key" not in body and rid not in r.text

    for tenant in ("a", "b"):
        sid = flow.create_session(who=f"{tenant}_admin")["id"]
        flow.move(sid, "open", who=f"{tenant}_admin")
        refused = flow.apply(sid, f"{tenant}_admin", applicant=f"{tenant}_applicant", rid=rid)
        assert refused.status_code == 409, refused.text
        error = refused.json()["error"]
        assert error["code"] == "applicant_barred" and error["barred_until"] == "2029-06-01"
        assert "伪造" not in refused.text  # the reason is the regulator's and the person's
        assert (
            flow.apply(sid, f"{tenant}_admin", applicant=f"{tenant}_applicant").status_code == 201
        )

    lifted = flow.client.post(
        f"{API}/credit-records/{body['id']}/lift",
        json={"reason": "复核后撤销"},
        headers=flow.auth("regulator"),
    )
    assert lifted.status_code == 200 and lifted.json()["active"] is False
    again = flow.client.post(
        f"{API}/credit-records/{body['id']}/lift",
        json={"reason": "复核后撤销"},
        headers=flow.auth("regulator"),
    )
    assert again.status_code == 409
    sid = flow.create_session()["id"]
    flow.move(sid, "open")
    assert flow.apply(sid, "a_admin", applicant="a_applicant", rid=rid).status_code == 201
    assert flow.events("credit.record") == 1 and flow.events("credit.lift") == 1


def test_a_bar_that_has_ended_no_longer_refuses(flow: Flow) -> None:
    rid = resident_id()
    assert (
        _record(
            flow, resident_id=rid, name="李四", starts_on="2022-01-01", ends_on="2025-01-01"
        ).status_code
        == 201
    )
    sid = flow.create_session()["id"]
    flow.move(sid, "open")
    assert flow.apply(sid, "a_admin", applicant="a_applicant", rid=rid).status_code == 201


def test_removing_an_expert_from_the_pool_stops_seating(flow: Flow, settings: Settings) -> None:
    rid = resident_id()
    expert_id = flow.user_id("pool_expert")
    with Session(flow.engine) as s:
        user = s.get(User, expert_id)
        assert user is not None
        user.person_key = identifiers.resident_id_digest(rid, settings.id_hash_key_bytes)
        user.id_mask = identifiers.mask_resident_id(rid)
        s.add(user)
        s.commit()
    r = _record(
        flow, subject="expert", measure="remove_from_pool", user_id=expert_id, reason="串通打分"
    )
    assert r.status_code == 201, r.text
    with Session(flow.engine) as s:
        profile = s.get(ExpertProfile, expert_id)
        assert profile is not None and profile.status == "removed"
    sid = flow.create_session()["id"]
    refused = flow.seat(sid, "pool_expert")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "expert_not_active"
    mine = flow.client.get(f"{API}/me/credit-records", headers=flow.auth("pool_expert"))
    assert mine.status_code == 200 and mine.json()["data"][0]["reason"] == "串通打分"
    assert (
        flow.client.get(f"{API}/me/credit-records", headers=flow.auth("a_admin")).json()["count"]
        == 0
    )


def test_bad_findings_are_refused_with_the_field(flow: Flow) -> None:
    cases = [
        ({"resident_id": "320602198804120000", "name": "王五"}, "resident_id"),
        ({"resident_id": resident_id(), "user_id": 1, "name": "王五"}, "resident_id"),
        ({"resident_id": resident_id()}, "name"),
        ({"resident_id": resident_id(), "name": "王五", "measure": "remove_from_pool"}, "measure"),
        (
            {
                "resident_id": resident_id(),
                "name": "王五",
                "starts_on": "2026-06-01",
                "ends_on": "2026-01-01",
            },
            "ends_on",
        ),
        ({"resident_id": resident_id(), "name": "王五", "case_id": 999}, "case_id"),
    ]
    for body, field in cases:
        r = _record(flow, **body)
        assert r.status_code == 422, (body, r.text)
        assert field in [d["field"] for d in r.json()["error"]["details"]], r.text
    assert flow.events("credit.record") == 0
    for who in ("a_admin", "a_expert", "a_applicant"):
        r = flow.client.get(f"{API}/credit-records", headers=flow.auth(who))
        assert r.status_code == 403
