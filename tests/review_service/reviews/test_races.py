"""Races on PostgreSQL (issue 9, items 4-9): 20-50 parallel requests for one state change
each, against the ASGI app from threads. Exactly one winner, every loser a 4xx with the JSON
error body, no 500, and the stored values consistent afterwards."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import Session, func, select

from review_service.auth.models import LoginThrottle
from review_service.events.models import Event
from review_service.filings.models import FilingRecord
from review_service.reviews.models import Decision, Objection, Score
from review_service.reviews.state import session_standard
from standards.scoring import member_total
from tests.review_service.factories import PASSWORD
from tests.review_service.reviews.flow import API, SCORES_HIGH, SCORES_LOW, Flow, round_in
from tests.review_service.reviews.test_panel_draw import _commit, _draw, _pool

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        os.environ.get("REVIEW_TEST_BACKEND") != "postgres",
        reason="row locks and real concurrency need PostgreSQL",
    ),
]


def race(n: int, call: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    """``call(i)`` for i in 0..n-1, all released at once; the answers in order of i."""
    barrier = threading.Barrier(n)
    out: list[Any] = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            out[i] = call(i)
        except Exception as exc:  # a crash in the app surfaces through TestClient
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    crashed = [o for o in out if not isinstance(o, httpx.Response)]
    assert not crashed, crashed[:3]
    for r in out:
        assert r.status_code < 500, r.text
        if r.status_code >= 400:
            assert r.headers["content-type"].startswith("application/json"), r.text
            assert r.json()["error"]["message"] and r.json()["error"]["message_en"]
    return out


def statuses(answers: list[httpx.Response]) -> Counter[int]:
    return Counter(r.status_code for r in answers)


def events(flow: Flow, action: str) -> int:
    with Session(flow.engine) as s:
        return s.exec(select(func.count()).select_from(Event).where(Event.action == action)).one()


# --- item 4: login throttle --------------------------------------------------------------


def test_burst_of_wrong_passwords_locks_the_account(flow: Flow) -> None:
    """login_max_failures=3: 30 parallel wrong passwords lock the account, no failure is
    lost to a race, no attempt is refused with 409, and the right password is then refused."""
    answers = race(
        30,
        lambda i: flow.client.post(
            f"{API}/auth/login", data={"username": "a_admin", "password": "wrong-password-1"}
        ),
    )
    assert statuses(answers) == {401: 30}
    with Session(flow.engine) as s:
        throttle = s.get(LoginThrottle, "a_admin")
        assert throttle is not None and throttle.locked_until is not None
    # Exactly the failures that led to the lock were counted; the rest met the lock.
    assert events(flow, "auth.login_failed") == 3
    locked = flow.client.post(
        f"{API}/auth/login", data={"username": "a_admin", "password": PASSWORD}
    )
    assert locked.status_code == 401 and "locked_until" in locked.json()["error"]


def test_first_attempts_of_a_new_name_never_conflict(flow: Flow) -> None:
    """Racing first failures for a name with no throttle row yet: no 409 from racing inserts."""
    answers = race(
        20,
        lambda i: flow.client.post(
            f"{API}/auth/login", data={"username": "nobody_at_all", "password": "wrong-pass-1"}
        ),
    )
    assert statuses(answers) == {401: 20}
    with Session(flow.engine) as s:
        assert s.get(LoginThrottle, "nobody_at_all").locked_until is not None  # type: ignore[union-attr]


# --- item 5: refresh rotation ------------------------------------------------------------


@pytest.mark.parametrize("trial", range(3))
def test_one_refresh_token_used_twice_at_once(flow: Flow, trial: int) -> None:
    login = flow.client.post(
        f"{API}/auth/login", data={"username": "a_expert", "password": PASSWORD}
    )
    token = login.json()["refresh_token"]
    answers = race(
        20, lambda i: flow.client.post(f"{API}/auth/refresh", json={"refresh_token": token})
    )
    assert statuses(answers) == {200: 1, 401: 19}
    winner = next(r for r in answers if r.status_code == 200).json()["refresh_token"]
    # The losers were replays: the whole family, the winner's new token too, is revoked.
    assert {r.json()["error"]["code"] for r in answers if r.status_code == 401} == {
        "refresh_reused"
    }
    after = flow.client.post(f"{API}/auth/refresh", json={"refresh_token": winner})
    assert after.status_code == 401
    assert events(flow, "auth.refresh") == 1


# --- item 6: score sheets ----------------------------------------------------------------


def _sheet(flow: Flow, app_id: int, member_id: int) -> Score:
    with Session(flow.engine) as s:
        row = s.exec(
            select(Score).where(Score.application_id == app_id, Score.panel_member_id == member_id)
        ).one()
        return row


def _total(flow: Flow, session_id: int, values: dict[str, float]) -> float:
    from review_service.reviews.models import ReviewSession

    with Session(flow.engine) as s:
        rs = s.get(ReviewSession, session_id)
        assert rs is not None
        return member_total(session_standard(s, rs).criteria, values)


def test_fifty_submits_of_one_sheet(flow: Flow) -> None:
    rnd = round_in(flow, "reviewing")
    app_id, expert = rnd.applications[0], rnd.panel[1]
    assert flow.score(app_id, expert, SCORES_HIGH, submit=False).status_code == 200
    answers = race(
        50,
        lambda i: flow.client.post(
            f"{API}/applications/{app_id}/scores/mine/submit", headers=flow.auth(expert)
        ),
    )
    assert statuses(answers) == {200: 1, 409: 49}
    assert {r.json()["error"]["code"] for r in answers if r.status_code == 409} == {
        "scores_submitted"
    }
    assert events(flow, "score.submit") == 1


def test_saves_racing_submits_never_leave_a_wrong_total(flow: Flow) -> None:
    """25 saves (alternating high and low values) racing 25 submits, on three sheets: each
    sheet ends submitted once, with the total of the values it keeps."""
    rnd = round_in(flow, "reviewing")
    app_id = rnd.applications[0]
    members = flow.member_ids(rnd.session_id)
    for expert in rnd.panel[1:4]:
        assert flow.score(app_id, expert, SCORES_LOW, submit=False).status_code == 200

        def act(i: int, expert: str = expert) -> httpx.Response:
            if i % 2:
                return flow.client.post(
                    f"{API}/applications/{app_id}/scores/mine/submit", headers=flow.auth(expert)
                )
            values = SCORES_HIGH if i % 4 == 0 else SCORES_LOW
            return flow.client.put(
                f"{API}/applications/{app_id}/scores/mine",
                json={"values": values},
                headers=flow.auth(expert),
            )

        answers = race(50, act)
        submits = [r for i, r in enumerate(answers) if i % 2]
        assert statuses(submits)[200] == 1
        assert set(statuses(answers)) <= {200, 409}
        sheet = _sheet(flow, app_id, members[expert])
        assert sheet.submitted_at is not None
        assert sheet.total == pytest.approx(_total(flow, rnd.session_id, sheet.values))
        assert sheet.values in (SCORES_HIGH, SCORES_LOW)
    assert events(flow, "score.submit") == 3


def test_scoring_stays_closed_once_voting_began(flow: Flow) -> None:
    """A move to voting racing the last saves: no sheet changes after the session moved."""
    rnd = round_in(flow, "reviewing")
    app_id = rnd.applications[0]
    for expert in rnd.panel:
        assert flow.score(app_id, expert, SCORES_HIGH).status_code == 200

    def act(i: int) -> httpx.Response:
        if i == 0:
            return flow.move(rnd.session_id, "voting")
        return flow.client.put(
            f"{API}/applications/{app_id}/scores/mine",
            json={"values": SCORES_LOW},
            headers=flow.auth(rnd.panel[i % 7]),
        )

    answers = race(21, act)
    assert answers[0].status_code == 200
    # Every sheet was submitted before: each save is refused (submitted, or scoring over).
    assert statuses(answers[1:]) == {409: 20}


# --- item 7: objections and conflicts ----------------------------------------------------


@pytest.mark.parametrize("trial", range(2))
def test_objection_resolved_once_and_the_decision_agrees(flow: Flow, trial: int) -> None:
    rnd = round_in(flow, "public_notice")
    app_id = rnd.applications[0]
    objection = flow.client.post(
        f"{API}/review-sessions/{rnd.session_id}/objections",
        json={"application_id": app_id, "reason": "申报材料与事实不符"},
        headers=flow.auth("a_applicant"),
    ).json()
    answers = race(
        50,
        lambda i: flow.client.post(
            f"{API}/objections/{objection['id']}/resolution",
            json={"status": "upheld" if i % 2 else "dismissed", "reason": f"第{i}次处理"},
            headers=flow.auth("a_admin"),
        ),
    )
    assert statuses(answers) == {200: 1, 409: 49}
    assert events(flow, "objection.upheld") + events(flow, "objection.dismissed") == 1
    with Session(flow.engine) as s:
        row = s.get(Objection, objection["id"])
        decision = s.exec(select(Decision).where(Decision.application_id == app_id)).one()
    assert row is not None
    if row.status == "upheld":
        assert decision.approved is False and decision.overturned_by_objection_id == row.id
        assert events(flow, "decision.overturn") == 1
    else:
        assert decision.approved is True and decision.overturned_by_objection_id is None
        assert events(flow, "decision.overturn") == 0


def test_conflict_resolved_once(flow: Flow) -> None:
    rnd = round_in(flow, "open")
    declared = flow.client.post(
        f"{API}/review-sessions/{rnd.session_id}/conflicts",
        json={"application_id": rnd.applications[0], "kind": "collaborator", "reason": "曾合作"},
        headers=flow.auth(rnd.panel[1]),
    ).json()
    answers = race(
        30,
        lambda i: flow.client.post(
            f"{API}/conflicts/{declared['id']}/resolution",
            json={"status": "confirmed" if i % 2 else "dismissed", "reason": f"第{i}次处理"},
            headers=flow.auth("a_admin"),
        ),
    )
    assert statuses(answers) == {200: 1, 409: 29}
    assert events(flow, "conflict.confirmed") + events(flow, "conflict.dismissed") == 1


def test_a_member_casts_one_ballot(flow: Flow) -> None:
    rnd = round_in(flow, "voting")
    app_id, member = rnd.applications[0], rnd.panel[1]
    answers = race(20, lambda i: flow.vote(app_id, member, "approve" if i % 2 else "reject"))
    assert statuses(answers) == {201: 1, 409: 19}
    refused = [r.json()["error"] for r in answers if r.status_code == 409]
    assert {(e["code"], e["current_state"]) for e in refused} == {("already_voted", "voted")}
    assert events(flow, "vote.cast") == 1


def test_a_panel_is_drawn_once(flow: Flow) -> None:
    _pool(flow, internal=8, external=4)
    sid = flow.create_session()["id"]
    _commit(flow, sid)
    answers = race(20, lambda i: _draw(flow, sid, size=7, reserves=2))
    assert statuses(answers) == {200: 1, 409: 19}
    refused = [r.json()["error"] for r in answers if r.status_code == 409]
    assert {(e["code"], e["current_state"]) for e in refused} == {("already_drawn", "drawn")}
    assert events(flow, "panel.draw") == 1


def test_session_moves_once(flow: Flow) -> None:
    rnd = round_in(flow, "open")
    answers = race(20, lambda i: flow.move(rnd.session_id, "validating"))
    assert statuses(answers) == {200: 1, 409: 19}
    assert events(flow, "review_session.validating") == 1


def test_filing_through_the_transition_happens_once(flow: Flow) -> None:
    rnd = round_in(flow, "finalized")
    answers = race(20, lambda i: flow.move(rnd.session_id, "filed"))
    assert statuses(answers) == {200: 1, 409: 19}
    assert events(flow, "review_session.file") == 1
    with Session(flow.engine) as s:
        assert s.exec(select(func.count()).select_from(FilingRecord)).one() == 1


# --- item 8: idempotent intake -----------------------------------------------------------


def test_twenty_identical_filings_store_one(flow: Flow, app) -> None:  # type: ignore[no-untyped-def]
    from tests.review_service.filings.documents import filing_document
    from tests.review_service.filings.test_filings_api import _committee, _issue

    body = _committee(app)
    key = _issue(flow.client, flow.world, body.id)
    document = filing_document(body.credit_code, filing_id="IC-RACE-001")
    answers = race(
        20,
        lambda i: flow.client.post(f"{API}/filings", json=document, headers={"X-Filing-Key": key}),
    )
    assert statuses(answers) == {201: 1, 200: 19}
    assert len({r.json()["id"] for r in answers}) == 1
    with Session(flow.engine) as s:
        assert s.exec(select(func.count()).select_from(FilingRecord)).one() == 1
    assert events(flow, "filing.receive") == 1


# --- item 9: a held lock does not stall the service --------------------------------------


@pytest.mark.parametrize("held", ["seat", "sheet"])
def test_a_held_row_lock_is_answered_not_waited_out(flow: Flow, held: str) -> None:
    """Another connection holds the lock a save takes (the member's seat for a first sheet,
    the sheet itself once it exists) far longer than the lock timeout (3 s) while 50 saves
    arrive: each is answered 409 ``lock_timeout`` within a bound (no QueuePool timeout, no
    500), a read meanwhile is answered too, and the same save goes through once the lock is
    gone."""
    rnd = round_in(flow, "reviewing")
    app_id, expert = rnd.applications[0], rnd.panel[1]
    member_id = flow.member_ids(rnd.session_id)[expert]
    if held == "seat":
        lock_sql, key = "SELECT id FROM panel_member WHERE id = :id FOR UPDATE", member_id
    else:
        assert flow.score(app_id, expert, SCORES_LOW, submit=False).status_code == 200
        lock_sql, key = (
            "SELECT id FROM score WHERE id = :id FOR UPDATE",
            _sheet(flow, app_id, member_id).id,
        )
    holding = threading.Event()
    done = threading.Event()

    def hold() -> None:
        with flow.engine.connect() as conn, conn.begin():
            conn.execute(text(lock_sql), {"id": key})
            holding.set()
            done.wait(timeout=60)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(timeout=10)
    result: dict[str, Any] = {}

    def saves() -> None:
        started = time.monotonic()
        result["answers"] = race(
            50,
            lambda i: flow.client.put(
                f"{API}/applications/{app_id}/scores/mine",
                json={"values": SCORES_HIGH},
                headers=flow.auth(expert),
            ),
        )
        result["elapsed"] = time.monotonic() - started

    writer = threading.Thread(target=saves)
    try:
        writer.start()
        time.sleep(1)
        read_started = time.monotonic()
        me = flow.client.get(f"{API}/me", headers=flow.auth("a_admin"))
        read_time = time.monotonic() - read_started
        writer.join(timeout=60)
    finally:
        done.set()
        holder.join()
    answers = result["answers"]
    assert statuses(answers) == {409: 50}
    assert {r.json()["error"]["code"] for r in answers} == {"lock_timeout"}
    # 20 pooled connections wait 3 s each, in three waves at most: far from the pool's 30 s.
    assert result["elapsed"] < 15, result["elapsed"]
    assert me.status_code == 200 and read_time < 8, read_time
    again = flow.score(app_id, expert, SCORES_HIGH, submit=False)
    assert again.status_code == 200, again.text
