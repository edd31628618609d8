"""Public notice in working days (weekends and configured holidays skipped), objections and
their resolution, finalizing only after the period with every objection resolved, filing once,
and a filed session that refuses every write."""

from __future__ import annotations

import threading
from datetime import date

from sqlmodel import Session, func, select

from review_service.filings.models import FilingRecord
from review_service.reviews.filing import member_pseudonym
from review_service.reviews.notice import notice_period
from tests.review_service.reviews.flow import API, SCORES_HIGH, Flow, round_in


def test_notice_period_counts_working_days() -> None:
    holidays = {date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 5)}
    # Published on a Saturday: starts Monday.
    assert notice_period(date(2026, 6, 6), 5, set()) == (date(2026, 6, 8), date(2026, 6, 12))
    # National Day week: 10-1 … 10-7 off by the published schedule, Saturday 10-10 worked (调休).
    assert notice_period(date(2026, 9, 30), 5, holidays) == (date(2026, 9, 30), date(2026, 10, 12))
    assert notice_period(date(2026, 6, 1), 1, set()) == (date(2026, 6, 1), date(2026, 6, 1))


def _object(flow: Flow, sid: int, app_id: int, who: str = "a_applicant"):  # type: ignore[no-untyped-def]
    return flow.client.post(
        f"{API}/review-sessions/{sid}/objections",
        json={"application_id": app_id, "reason": "申报材料与事实不符"},
        headers=flow.auth(who),
    )


def test_objections_close_with_the_period(flow: Flow) -> None:
    rnd = round_in(flow, "public_notice")
    notice = flow.client.get(
        f"{API}/review-sessions/{rnd.session_id}/notice", headers=flow.auth("a_admin")
    ).json()
    flow.clock.today = date.fromisoformat(notice["ends_on"])
    assert _object(flow, rnd.session_id, rnd.applications[0]).status_code == 201
    flow.clock.today = date.fromordinal(flow.clock.today.toordinal() + 1)
    r = _object(flow, rnd.session_id, rnd.applications[0])
    assert r.status_code == 409 and r.json()["error"]["code"] == "notice_over"


def test_objection_needs_a_listed_application_and_the_same_enterprise(flow: Flow) -> None:
    rnd = round_in(flow, "public_notice")
    assert _object(flow, rnd.session_id, 999_999).status_code == 404
    assert _object(flow, rnd.session_id, rnd.applications[0], "b_applicant").status_code == 404
    r = flow.client.post(
        f"{API}/review-sessions/{rnd.session_id}/objections",
        json={"application_id": rnd.applications[0], "reason": "无"},
        headers=flow.auth("a_applicant"),
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "reason"


def test_dismissed_objection_keeps_the_decision(flow: Flow) -> None:
    rnd = round_in(flow, "public_notice")
    objection = _object(flow, rnd.session_id, rnd.applications[0]).json()
    r = flow.client.post(
        f"{API}/objections/{objection['id']}/resolution",
        json={"status": "dismissed", "reason": "经核实，材料真实"},
        headers=flow.auth("a_admin"),
    )
    assert r.status_code == 200 and r.json()["status"] == "dismissed"
    decision = flow.client.get(
        f"{API}/applications/{rnd.applications[0]}/decision", headers=flow.auth("a_admin")
    ).json()
    assert decision["approved"] is True
    again = flow.client.post(
        f"{API}/objections/{objection['id']}/resolution",
        json={"status": "upheld", "reason": "改判"},
        headers=flow.auth("a_admin"),
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_resolved"


def test_finalize_waits_for_the_end_of_the_notice(flow: Flow) -> None:
    rnd = round_in(flow, "public_notice")
    r = flow.move(rnd.session_id, "finalized")
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "not_ready"
    assert [d["field"] for d in error["details"]] == ["notice.ends_on"]
    # The target state is named as the screens name it, never by its code.
    assert "“已定案”" in error["message"] and "'Finalized'" in error["message_en"]
    assert "finalized" not in error["message"] + error["message_en"]


def test_filing_needs_a_finalized_session(flow: Flow) -> None:
    rnd = round_in(flow, "decided")
    r = flow.client.post(
        f"{API}/review-sessions/{rnd.session_id}/file", headers=flow.auth("a_admin")
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "wrong_state"


def test_filed_session_refuses_every_write(flow: Flow) -> None:
    rnd = round_in(flow, "finalized")
    sid, app_id = rnd.session_id, rnd.applications[0]
    r = flow.client.post(f"{API}/review-sessions/{sid}/file", headers=flow.auth("a_admin"))
    assert r.status_code == 200, r.text
    flow.user("after_filing", role="expert", level="senior")
    before = flow.events()
    attempts = [
        flow.seat(sid, "after_filing"),
        flow.apply(sid, "a_applicant"),
        flow.client.patch(
            f"{API}/applications/{app_id}", json={"evidence": []}, headers=flow.auth("a_admin")
        ),
        flow.client.post(f"{API}/applications/{app_id}/withdraw", headers=flow.auth("a_admin")),
        flow.score(app_id, rnd.panel[1], SCORES_HIGH),
        flow.vote(app_id, rnd.panel[1], "approve"),
        _object(flow, sid, app_id),
        flow.client.post(
            f"{API}/review-sessions/{sid}/conflicts",
            json={"application_id": app_id, "kind": "other", "reason": "备案后申报"},
            headers=flow.auth(rnd.panel[1]),
        ),
        flow.client.patch(
            f"{API}/review-sessions/{sid}", json={"name": "改名"}, headers=flow.auth("a_admin")
        ),
        flow.move(sid, "finalized"),
        flow.client.delete(
            f"{API}/review-sessions/{sid}/panel/members/{flow.member_ids(sid)[rnd.panel[1]]}",
            headers=flow.auth("a_admin"),
        ),
    ]
    for r in attempts:
        assert r.status_code == 409, r.text
        assert r.json()["error"]["code"] == "session_filed", r.text
    assert flow.events() == before


def test_concurrent_filings_are_one_filing(flow: Flow) -> None:
    rnd = round_in(flow, "finalized")
    barrier = threading.Barrier(2)
    results: list[tuple[int, bool | None]] = []

    def file() -> None:
        barrier.wait()
        r = flow.client.post(
            f"{API}/review-sessions/{rnd.session_id}/file", headers=flow.auth("a_admin")
        )
        results.append((r.status_code, r.json().get("created")))

    threads = [threading.Thread(target=file) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # SQLite queues the second request behind the first (it then reads the filing back);
    # PostgreSQL refuses it on the session's version.
    assert sorted(results, key=str) in ([(200, False), (200, True)], [(200, True), (409, None)])
    with Session(flow.engine) as s:
        assert s.exec(select(func.count()).select_from(FilingRecord)).one() == 1
    assert flow.events("review_session.file") == 1


def test_the_filing_passes_intake_and_hides_identities(flow: Flow) -> None:
    rnd = round_in(flow, "finalized", applicants=2)
    receipt = flow.client.post(
        f"{API}/review-sessions/{rnd.session_id}/file", headers=flow.auth("a_admin")
    ).json()
    with Session(flow.engine) as s:
        record = s.exec(select(FilingRecord)).one()
    assert record.filing_id == receipt["filing_id"]
    assert record.application_count == 2 and record.approved_count == 2
    document = record.document
    assert document["session"]["standard"]["pass_score"] == 60
    ids = {m["member_id"] for m in document["panel"]}
    assert len(ids) == 7 and all(i.startswith("m-") and len(i) == 26 for i in ids)
    # Keyed: the same expert gets the same id in every filing, and only the key maps it back.
    assert member_pseudonym(flow.world.settings, flow.user_id(rnd.panel[0])) in ids
    for application in document["applications"]:
        assert application["applicant"]["resident_id"] is None
        assert len(application["applicant"]["person_key"]) == 64
        assert len(application["scores"]) == 7 and len(application["votes"]) == 7
