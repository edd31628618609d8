"""Sessions: opening needs an active authorisation and a usable standard; every transition is
checked on the server; two concurrent requests for one transition: exactly one wins."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlmodel import Session

from review_service.enterprises.models import Authorization
from review_service.standard_versions.models import StandardVersion
from tests.review_service.reviews.flow import API, Flow, round_in


def test_impossible_transition_names_state_and_allowed_moves(flow: Flow) -> None:
    sid = flow.create_session()["id"]
    before = flow.events()
    r = flow.move(sid, "voting")
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "invalid_transition"
    assert error["current_state"] == "draft" and error["allowed_next"] == ["open"]
    assert "draft" in error["message"] and "open" in error["message_en"]
    assert flow.events() == before


def test_stale_version_is_refused(flow: Flow) -> None:
    rs = flow.create_session()
    r = flow.move(rs["id"], "open", version=rs["version"] + 1)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "stale_version"


def test_open_needs_an_active_authorisation(flow: Flow) -> None:
    sid = flow.create_session()["id"]
    with Session(flow.engine) as s:
        auth = s.get(Authorization, flow.world.a.authorization.id)
        assert auth is not None
        auth.status = "suspended"
        s.add(auth)
        s.commit()
    r = flow.move(sid, "open")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "no_active_authorization"
    assert (
        flow.client.get(f"{API}/review-sessions/{sid}", headers=flow.auth("a_admin")).json()[
            "status"
        ]
        == "draft"
    )


def test_open_outside_the_authorisation_period_is_refused(flow: Flow) -> None:
    from datetime import date

    sid = flow.create_session()["id"]
    flow.clock.today = date(2029, 3, 1)  # the factory's authorisation ends in 2028
    r = flow.move(sid, "open")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "no_active_authorization"


def test_open_needs_a_published_standard(flow: Flow) -> None:
    draft = flow.draft_standard()
    sid = flow.create_session(draft)["id"]
    r = flow.move(sid, "open")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "standard_not_published"


def test_open_refuses_a_standard_laxer_than_a_newer_baseline(flow: Flow) -> None:
    sv = flow.publish_standard()
    sid = flow.create_session(sv)["id"]
    # The regulator raises the floor after the standard was published: pass score 65.
    with Session(flow.engine) as s:
        row = flow.standard_row(sv)
        old = s.exec(
            StandardVersion.__table__.select().where(  # type: ignore[attr-defined]
                StandardVersion.kind == "baseline",
                StandardVersion.level == "intermediate",
                StandardVersion.series == "engineering",
            )
        ).first()
        assert old is not None
        document = dict(row.document)
        document.pop("enterprise_credit_code")
        document.pop("specialty")
        document["pass_score"] = 65
        s.add(
            StandardVersion(
                kind="baseline",
                track="title",
                series="engineering",
                level="intermediate",
                lineage=old.lineage,
                version=old.version + 1,
                status="published",
                name="更严的基准",
                document=document,
                published_at=datetime.now(UTC),
            )
        )
        s.commit()
    r = flow.move(sid, "open")
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "laxer_than_baseline"
    assert any("pass_score" in d["field"] for d in error["details"])


def test_foreign_standard_is_not_found(flow: Flow) -> None:
    r = flow.client.post(
        f"{API}/review-sessions",
        json={
            "name": "借用他人标准",
            "standard_version_id": flow.world.b.standard.id,
            "period": "2026",
        },
        headers=flow.auth("a_admin"),
    )
    assert r.status_code == 404


def test_session_keeps_the_standard_it_opened_with(flow: Flow) -> None:
    sv = flow.publish_standard()
    sid = flow.create_session(sv)["id"]
    flow.advance(sid, "open")
    flow.publish_standard(pass_score=75)  # a new version retires the one in use
    r = flow.apply(sid, "a_applicant")
    assert r.status_code == 201, r.text


def test_validating_can_return_to_intake(flow: Flow) -> None:
    rnd = round_in(flow, "validating")
    assert flow.move(rnd.session_id, "open").json()["status"] == "open"


def test_concurrent_transitions_one_wins(flow: Flow) -> None:
    rnd = round_in(flow, "open")
    barrier = threading.Barrier(2)
    results: list[int] = []

    def close_intake() -> None:
        barrier.wait()
        results.append(flow.move(rnd.session_id, "validating", version=None).status_code)

    threads = [threading.Thread(target=close_intake) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 409]
    assert flow.events("review_session.validating") == 1


def test_concurrent_decisions_compute_once(flow: Flow) -> None:
    rnd = round_in(flow, "voting", applicants=2)
    for app_id in rnd.applications:
        for name in rnd.panel:
            assert flow.vote(app_id, name, "approve").status_code == 201
    barrier = threading.Barrier(3)
    results: list[int] = []

    def decide() -> None:
        barrier.wait()
        results.append(flow.move(rnd.session_id, "decided").status_code)

    threads = [threading.Thread(target=decide) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 409, 409]
    assert flow.events("decision.compute") == 2


def test_pool_expert_sees_only_sessions_of_panels_they_sit_on(flow: Flow) -> None:
    rnd = round_in(flow, "open")
    pool = flow.auth("pool_expert")
    assert (
        flow.client.get(f"{API}/review-sessions/{rnd.session_id}", headers=pool).status_code == 200
    )
    other = flow.create_session()["id"]  # same enterprise, not on its panel
    assert flow.client.get(f"{API}/review-sessions/{other}", headers=pool).status_code == 404
    listed = flow.client.get(f"{API}/review-sessions", headers=pool).json()
    assert [s["id"] for s in listed["data"]] == [rnd.session_id]
    # Sitting on A's panel opens nothing of B's.
    b_session = flow.create_session(who="b_admin")["id"]
    assert flow.client.get(f"{API}/review-sessions/{b_session}", headers=pool).status_code == 404


def test_applicants_do_not_see_drafts(flow: Flow) -> None:
    sid = flow.create_session()["id"]
    assert (
        flow.client.get(
            f"{API}/review-sessions/{sid}", headers=flow.auth("a_applicant")
        ).status_code
        == 404
    )
