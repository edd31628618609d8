"""A credit finding recorded from a confirmed case: the case's flag points at applications and
panel members by their filing references, which resolve to the people to prefill; the record
links back to the case, and an unconfirmed case carries no finding."""

from __future__ import annotations

from sqlmodel import Session

from review_service.config import Settings
from review_service.enterprises.models import Enterprise
from review_service.reviews.filing import member_pseudonym
from review_service.supervision.models import AuditRun, Case, Flag
from tests.review_service.factories import resident_id
from tests.review_service.reviews.flow import API, Flow


def _case(flow: Flow, settings: Settings, *, status: str) -> tuple[int, int, int]:
    sid = flow.create_session()["id"]
    flow.advance(sid, "open")
    app_id = flow.apply(sid, "a_admin", applicant="a_applicant", rid=resident_id()).json()["id"]
    assert flow.seat(sid, "pool_expert").status_code == 201
    expert = flow.user_id("pool_expert")
    with Session(flow.engine) as s:
        enterprise = s.get(Enterprise, flow.world.a.enterprise.id)
        assert enterprise is not None
        run = AuditRun(period="2026", scope_kind="all", status="finished")
        s.add(run)
        s.flush()
        flag = Flag(
            run_id=run.id or 0,
            key=f"k-{sid}",
            signal="stat.near_identical_scores",
            kind="statistical",
            scope="member",
            severity="high",
            band="likely",
            enterprise_id=enterprise.id,
            credit_code=enterprise.credit_code,
            period="2026",
            filing_id=f"RS-{enterprise.credit_code}-{sid}",
            application_ref=f"A{app_id}",
            reason="评分雷同",
            reason_en="near-identical",
            evidence={
                "records": [
                    f"RS-{enterprise.credit_code}-{sid}/A{app_id}",
                    f"member:{member_pseudonym(settings, expert)}",
                    "member:m-unknown",
                ]
            },
        )
        s.add(flag)
        s.flush()
        case = Case(
            flag_key=flag.key,
            flag_id=flag.id or 0,
            signal=flag.signal,
            enterprise_id=enterprise.id,
            credit_code=enterprise.credit_code,
            status=status,
        )
        s.add(case)
        s.commit()
        return case.id or 0, app_id, expert


def test_a_confirmed_case_prefills_its_people_and_the_record_links_back(
    flow: Flow, settings: Settings
) -> None:
    case_id, app_id, expert = _case(flow, settings, status="confirmed")
    r = flow.client.get(f"{API}/cases/{case_id}/people", headers=flow.auth("regulator"))
    assert r.status_code == 200, r.text
    people = r.json()["people"]
    assert [(p["subject"], p["application_id"], p["user_id"]) for p in people] == [
        ("applicant", app_id, None),
        ("expert", None, expert),
    ]
    assert people[0]["name"] == "a_applicant" and people[0]["id_mask"].startswith("320602")
    assert not any(p["recorded"] for p in people)

    r = flow.client.post(
        f"{API}/credit-records",
        json={
            "subject": "applicant",
            "measure": "bar_applications",
            "application_id": app_id,
            "case_id": case_id,
            "reason": "伪造业绩材料，经核查属实",
            "ends_on": "2029-06-01",
        },
        headers=flow.auth("regulator"),
    )
    assert r.status_code == 201, r.text
    assert r.json()["case_id"] == case_id and r.json()["name"] == "a_applicant"
    again = flow.client.get(f"{API}/cases/{case_id}/people", headers=flow.auth("regulator"))
    assert [p["recorded"] for p in again.json()["people"]] == [True, False]
    for who in ("a_admin", "a_expert"):
        assert (
            flow.client.get(f"{API}/cases/{case_id}/people", headers=flow.auth(who)).status_code
            == 403
        )


def test_an_unconfirmed_case_carries_no_finding(flow: Flow, settings: Settings) -> None:
    case_id, app_id, _ = _case(flow, settings, status="open")
    r = flow.client.post(
        f"{API}/credit-records",
        json={
            "subject": "applicant",
            "measure": "bar_applications",
            "application_id": app_id,
            "case_id": case_id,
            "reason": "伪造业绩材料",
        },
        headers=flow.auth("regulator"),
    )
    assert r.status_code == 422
    assert [d["field"] for d in r.json()["error"]["details"]] == ["case_id"]
    assert flow.events("credit.record") == 0
