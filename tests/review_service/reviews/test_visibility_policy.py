"""The visibility policy itself, walked across roles: regulator, HR of the session's own
enterprise and of another, an expert on the panel, one recused from an application, one on
no panel, a pool expert on the panel, and the applicant. The SQL form (for lists) and the
row form (for single loads) of each rule must agree, since services use both."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, col, func, select

from review_service.accounts.models import User
from review_service.auth.principal import Principal, Role
from review_service.errors import NotFound
from review_service.events.models import Event
from review_service.reviews.models import Application, ReviewSession
from review_service.supervision import service as supervision
from review_service.tenancy import resolve_scope
from tests.review_service.reviews.flow import API, Flow, round_in


def _principal(s: Session, username: str) -> Principal:
    user = s.exec(select(User).where(User.username == username)).one()
    return Principal(user.id or 0, user.username, Role(user.role), user.enterprise_id)


@pytest.fixture
def walk(flow: Flow) -> dict[str, Any]:
    rnd = round_in(flow, "reviewing", applicants=2)
    first, second = rnd.applications
    recused = rnd.panel[1]
    r = flow.client.post(
        f"{API}/review-sessions/{rnd.session_id}/conflicts",
        json={"application_id": second, "kind": "relative", "reason": "配偶"},
        headers=flow.auth(recused),
    )
    flow.client.post(
        f"{API}/conflicts/{r.json()['id']}/resolution",
        json={"status": "confirmed", "reason": "属实"},
        headers=flow.auth("a_admin"),
    )
    flow.user("a_outsider", role="expert", level="senior")
    with Session(flow.engine) as s:
        applicant = s.exec(
            select(User)
            .join(Application, col(Application.applicant_user_id) == User.id)
            .where(Application.id == first)
        ).one()
    both = {first, second}
    # who -> (sees the session, applications seen, reads enterprise A's part of the log)
    expected = {
        "regulator": (True, both, True),
        "a_admin": (True, both, True),
        "b_admin": (False, set(), False),
        rnd.panel[2]: (True, both, False),
        recused: (True, {first}, False),
        "pool_expert": (True, both, False),
        "a_outsider": (False, set(), False),
        applicant.username: (True, {first}, False),
    }
    return {"session_id": rnd.session_id, "expected": expected}


def test_every_role_sees_what_the_policy_says(flow: Flow, walk: dict[str, Any]) -> None:
    with Session(flow.engine) as s:
        rs = s.get(ReviewSession, walk["session_id"])
        assert rs is not None
        apps = s.exec(select(Application).where(Application.session_id == rs.id)).all()
        for who, (session_seen, apps_seen, reads_log) in walk["expected"].items():
            scope = resolve_scope(s, _principal(s, who))
            assert scope.sees_session(rs) is session_seen, who
            listed = {
                r.id for r in s.exec(select(ReviewSession).where(scope.sessions_where())).all()
            }
            assert (rs.id in listed) is session_seen, who
            by_sql = set(s.exec(select(Application.id).where(scope.applications_where())).all())
            by_row = {a.id for a in apps if scope.sees_application(a)}
            assert by_sql == by_row == apps_seen, who
            n = s.exec(
                select(func.count())
                .select_from(Event)
                .where(scope.events_where(), Event.enterprise_id == rs.enterprise_id)
            ).one()
            assert (n > 0) is reads_log, who


def test_the_api_agrees_with_the_policy(flow: Flow, walk: dict[str, Any]) -> None:
    sid = walk["session_id"]
    for who, (session_seen, apps_seen, _) in walk["expected"].items():
        r = flow.client.get(f"{API}/review-sessions/{sid}", headers=flow.auth(who))
        assert r.status_code == (200 if session_seen else 404), who
        if session_seen:
            listed = flow.client.get(
                f"{API}/review-sessions/{sid}/applications", headers=flow.auth(who)
            ).json()["data"]
            assert {a["id"] for a in listed} == apps_seen, who


def test_supervision_is_the_regulators_alone(flow: Flow, walk: dict[str, Any]) -> None:
    with Session(flow.engine) as s:
        for who in walk["expected"]:
            scope = resolve_scope(s, _principal(s, who))
            if who == "regulator":
                assert scope.sees_supervision
                continue
            assert supervision.list_cases(
                s,
                scope=scope,
                status=None,
                assignee_id=None,
                enterprise_id=None,
                offset=0,
                limit=10,
            ) == ([], 0)
            assert supervision.list_runs(s, scope=scope, period=None, offset=0, limit=10) == (
                [],
                0,
            )
            for load, key in (
                (supervision.view_case, "case_id"),
                (supervision.view_run, "run_id"),
                (supervision.view_flag, "flag_id"),
            ):
                with pytest.raises(NotFound):
                    load(s, scope=scope, **{key: 1})
