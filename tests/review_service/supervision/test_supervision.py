"""Audit runs over stored filings, flags worked as cases, grades, measures and what an
enterprise sees of its own supervision."""

from __future__ import annotations

from sqlmodel import Session, select

from review_service.enterprises.models import Authorization, Enterprise
from review_service.events.models import Event
from review_service.events.service import seal
from review_service.filings.service import receive_filing
from review_service.supervision import flows
from review_service.supervision.models import Flag
from tests.review_service.factories import World
from tests.review_service.filings.documents import filing_documents

API = "/api/v1"


def _file_all(app, world: World, settings) -> list[str]:  # type: ignore[no-untyped-def]
    """Eight bodies' filings (some manipulated); the first body is tenant A."""
    documents = filing_documents(8)
    documents[0]["review_body"]["credit_code"] = world.a.enterprise.credit_code
    with Session(app.state.engine) as s:
        for document in documents[1:]:
            code = document["review_body"]["credit_code"]
            if not s.exec(select(Enterprise).where(Enterprise.credit_code == code)).first():
                s.add(
                    Enterprise(
                        name=document["review_body"]["name"],
                        credit_code=code,
                        industry_cluster="electronics",
                    )
                )
        s.flush()
        for document in documents:
            receive_filing(
                s, document=document, source_enterprise_id=None, actor=None, settings=settings
            )
        seal(s)
        s.commit()
    return [d["review_body"]["credit_code"] for d in documents]


def _run(client, world: World) -> dict:  # type: ignore[no-untyped-def]
    r = client.post(f"{API}/audit-runs", json={"period": "2026"}, headers=world.auth("regulator"))
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "queued"
    # TestClient runs background tasks before returning; poll as a client would.
    run = client.get(f"{API}/audit-runs/{r.json()['id']}", headers=world.auth("regulator")).json()
    assert run["status"] == "finished", run
    assert run["progress"] == 100
    return run


def test_audit_run_flags_cases_and_comparison(client, app, world: World, settings) -> None:  # type: ignore[no-untyped-def]
    codes = _file_all(app, world, settings)
    run = _run(client, world)
    assert run["filing_count"] == 8 and run["application_count"] > 0
    assert run["flag_count"] > 0

    regulator = world.auth("regulator")
    flags = client.get(f"{API}/flags", headers=regulator).json()
    assert flags["count"] == run["flag_count"]
    high = client.get(f"{API}/flags", params={"severity": "high"}, headers=regulator).json()
    assert all(f["severity"] == "high" for f in high["data"])
    flag = flags["data"][0]
    evidence = client.get(f"{API}/flags/{flag['id']}", headers=regulator).json()
    assert "records" in evidence["evidence"]

    grades = client.get(f"{API}/audit-runs/{run['id']}/grades", headers=regulator).json()
    assert {g["credit_code"] for g in grades["data"]} == set(codes)
    assert all(g["grade"] in "ABCD" for g in grades["data"])
    # Each grade keeps the numbers behind it: per signal group, the count against an honest
    # unit's expectation, its p and weight, matching the weighted points.
    for g in grades["data"]:
        numbers = g["reasons"][-1]
        assert set(numbers) == {"points", "flag_counts", "evidence"}
        for e in numbers["evidence"].values():
            assert {"count", "expected", "p_value", "weight", "weighted"} <= set(e)
        assert abs(sum(numbers["points"].values()) - g["risk_score"]) < 1e-3

    case = client.post(
        f"{API}/flags/{flag['id']}/case", json={"note": "调阅材料"}, headers=regulator
    )
    assert case.status_code == 201, case.text
    case = case.json()
    assert case["status"] == "open" and len(case["notes"]) == 1
    assigned = client.post(
        f"{API}/cases/{case['id']}/assign",
        json={"assignee_id": world.regulator.id, "version": case["version"]},
        headers=regulator,
    ).json()
    assert assigned["status"] == "assigned"
    stale = client.post(
        f"{API}/cases/{case['id']}/confirm",
        json={"reason": "属实", "version": case["version"]},
        headers=regulator,
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"
    confirmed = client.post(
        f"{API}/cases/{case['id']}/confirm",
        json={"reason": "经核查属实", "version": assigned["version"]},
        headers=regulator,
    ).json()
    assert confirmed["status"] == "confirmed"
    again = client.post(
        f"{API}/cases/{case['id']}/dismiss", json={"reason": "改判"}, headers=regulator
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_transition"

    second = _run(client, world)
    assert second["previous_run_id"] == run["id"]
    assert second["weights"]["n_labels"] == 1
    comparison = client.get(f"{API}/audit-runs/{second['id']}/comparison", headers=regulator).json()
    assert comparison["new"] == [] and comparison["resolved"] == []
    assert len(comparison["persisting"]) == second["flag_count"]
    persisting = {f["key"]: f for f in comparison["persisting"]}
    assert persisting[flag["key"]]["case_status"] == "confirmed"

    with Session(app.state.engine) as s:
        actions = {e.action for e in s.exec(select(Event))}
    assert {"filing.receive", "audit_run.create", "audit_run.finish", "case.open"} <= actions
    assert {"case.assign", "case.confirm", "case.note"} <= actions


def test_enterprise_sees_only_its_own_grade_and_measures(
    client, app, world: World, settings
) -> None:  # type: ignore[no-untyped-def]
    _file_all(app, world, settings)
    _run(client, world)
    mine = client.get(f"{API}/supervision/my-grade", headers=world.auth("a_admin"))
    assert mine.status_code == 200
    assert mine.json()["enterprise_id"] == world.a.enterprise.id
    assert mine.json()["grade"]["credit_code"] == world.a.enterprise.credit_code
    assert mine.json()["grade"]["reasons"]
    other = client.get(f"{API}/supervision/my-grade", headers=world.auth("b_admin")).json()
    assert other["grade"] is None  # B filed nothing
    assert client.get(f"{API}/flags", headers=world.auth("a_admin")).status_code == 403
    foreign = client.get(
        f"{API}/enterprises/{world.b.enterprise.id}/measures", headers=world.auth("a_admin")
    )
    assert foreign.status_code == 404


def test_suspension_suspends_and_lifting_reinstates(client, app, world: World) -> None:  # type: ignore[no-untyped-def]
    regulator = world.auth("regulator")
    eid = world.a.enterprise.id
    for kind in ("reminder", "interview"):
        r = client.post(
            f"{API}/enterprises/{eid}/measures",
            json={"kind": kind, "reason": "评审质量问题"},
            headers=regulator,
        )
        assert r.status_code == 201, r.text
    suspension = client.post(
        f"{API}/enterprises/{eid}/measures",
        json={"kind": "suspension", "reason": "疑点核查属实"},
        headers=regulator,
    ).json()
    assert suspension["escalation_rank"] == 3
    assert suspension["authorization_ids"] == [world.a.authorization.id]
    with Session(app.state.engine) as s:
        assert s.get(Authorization, world.a.authorization.id).status == "suspended"
    listed = client.get(f"{API}/enterprises/{eid}/measures", headers=world.auth("a_admin")).json()
    assert [m["kind"] for m in listed["data"]] == ["reminder", "interview", "suspension"]

    lifted = client.post(
        f"{API}/measures/{suspension['id']}/lift", json={"reason": "整改完成"}, headers=regulator
    )
    assert lifted.status_code == 200 and lifted.json()["status"] == "lifted"
    with Session(app.state.engine) as s:
        assert s.get(Authorization, world.a.authorization.id).status == "active"

    revocation = client.post(
        f"{API}/enterprises/{eid}/measures",
        json={"kind": "revocation", "reason": "严重违规"},
        headers=regulator,
    ).json()
    with Session(app.state.engine) as s:
        assert s.get(Authorization, world.a.authorization.id).status == "revoked"
    final = client.post(
        f"{API}/measures/{revocation['id']}/lift", json={"reason": "撤回"}, headers=regulator
    )
    assert final.status_code == 409


def test_a_failing_analysis_marks_the_run_failed(client, app, world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(*_, **__):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(flows, "analyse", broken)
    r = client.post(f"{API}/audit-runs", json={"period": "2026"}, headers=world.auth("regulator"))
    run = client.get(f"{API}/audit-runs/{r.json()['id']}", headers=world.auth("regulator")).json()
    assert run["status"] == "failed" and "boom" in run["error"]


def test_a_run_inside_one_transaction(app, world: World, settings) -> None:  # type: ignore[no-untyped-def]
    """The demo loader's and batch jobs' way: the whole run in the caller's transaction."""
    from review_service.supervision import service
    from review_service.supervision.models import AuditRun, QualityGrade
    from review_service.supervision.schemas import AuditRunCreate

    codes = _file_all(app, world, settings)
    with Session(app.state.engine) as s:
        run = service.create_run(s, actor=None, data=AuditRunCreate(period="2026"))
        flows.execute_in_session(s, run.id or 0)
        seal(s)
        s.commit()
        stored = s.get(AuditRun, run.id)
        assert stored.status == "finished" and stored.filing_count == len(codes)
        # No registry imported: the cross-checks are skipped, not failed for everyone.
        flags = s.exec(select(Flag).where(Flag.signal == "rule.not_insured")).all()
        assert flags == []
        grades = s.exec(select(QualityGrade).where(QualityGrade.run_id == run.id)).all()
        assert len(grades) == len(codes)
