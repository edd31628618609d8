"""The event log's visibility walked across roles, the way the access matrix walks routes:
an event shows only to whom its subject shows, in the state the subject is in now.

One review round of enterprise A in scoring: two members have submitted, one member is
recused (a confirmed conflict) after having scored, one expert of A sits on no panel. The
log must not give HR (or the regulator) the panel's scores before scoring is over, must give
enterprise B nothing of A, and must keep the regulator's supervision work to the regulator."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, select

from review_service.auth.principal import Principal, Role
from review_service.events.models import Event
from review_service.events.service import record, seal
from review_service.tenancy import ENTERPRISE_LOG_KINDS, SUPERVISION_KINDS
from tests.review_service.reviews.flow import API, SCORES_HIGH, SCORES_LOW, Flow, round_in

MANAGERS = ("regulator", "a_admin", "b_admin")


def _events(flow: Flow, who: str, **params: Any) -> list[dict]:
    r = flow.client.get(f"{API}/events", params={"limit": 500, **params}, headers=flow.auth(who))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] == len(body["data"])
    return body["data"]


def _in_db(flow: Flow, **where: Any) -> list[Event]:
    with Session(flow.engine) as s:
        stmt = select(Event)
        for name, value in where.items():
            stmt = stmt.where(getattr(Event, name) == value)
        return list(s.exec(stmt).all())


@pytest.fixture
def scoring(flow: Flow) -> dict[str, Any]:
    """A round in scoring: panel[1] and panel[2] submitted, panel[3] scored and was then
    recused (its sheet withdrawn), panel[4] has a saved, unsubmitted draft."""
    rnd = round_in(flow, "reviewing")
    app_id = rnd.applications[0]
    for name in rnd.panel[1:3]:
        assert flow.score(app_id, name, SCORES_HIGH).status_code == 200
    assert flow.score(app_id, rnd.panel[3], SCORES_LOW).status_code == 200
    assert flow.score(app_id, rnd.panel[4], SCORES_LOW, submit=False).status_code == 200
    r = flow.client.post(
        f"{API}/review-sessions/{rnd.session_id}/conflicts",
        json={"application_id": app_id, "kind": "relative", "reason": "评分后发现亲属关系"},
        headers=flow.auth(rnd.panel[3]),
    )
    assert r.status_code == 201, r.text
    r = flow.client.post(
        f"{API}/conflicts/{r.json()['id']}/resolution",
        json={"status": "confirmed", "reason": "属实"},
        headers=flow.auth("a_admin"),
    )
    assert r.status_code == 200, r.text
    flow.user("a_outsider", role="expert", level="senior")
    return {
        "session_id": rnd.session_id,
        "application_id": app_id,
        "panel": rnd.panel,
        "submitted": rnd.panel[1:3],
        "recused": rnd.panel[3],
        "draft": rnd.panel[4],
    }


def test_only_managers_read_the_log(flow: Flow, scoring: dict[str, Any]) -> None:
    others = ["a_outsider", "a_applicant", "pool_expert", scoring["recused"], scoring["panel"][1]]
    for who in others:
        r = flow.client.get(f"{API}/events", headers=flow.auth(who))
        assert r.status_code == 403, (who, r.text)
    for who in MANAGERS:
        _events(flow, who)


def test_no_score_reaches_the_log_readers_during_scoring(
    flow: Flow, scoring: dict[str, Any]
) -> None:
    app_id = scoring["application_id"]
    stored = _in_db(flow, object_type="score")
    assert {e.action for e in stored} == {"score.save", "score.submit"}
    # What the scores route shows HR during scoring: progress, no sheets.
    view = flow.client.get(f"{API}/applications/{app_id}/scores", headers=flow.auth("a_admin"))
    assert view.json()["sheets"] == []
    for who in MANAGERS:
        for action in ("score.save", "score.submit"):
            assert _events(flow, who, action=action) == [], (who, action)
        assert _events(flow, who, object_type="score") == []
        # Nor does any other event carry a sheet's values.
        for event in _events(flow, who):
            assert "values" not in str(event["detail"]), (who, event["action"])
            assert "total" not in str(event["detail"]), (who, event["action"])


def test_scores_show_once_scoring_is_over_but_never_a_withdrawn_sheet(
    flow: Flow, scoring: dict[str, Any]
) -> None:
    app_id = scoring["application_id"]
    panel = scoring["panel"]
    for name in panel:
        if name not in (*scoring["submitted"], scoring["recused"]):
            assert flow.score(app_id, name, SCORES_HIGH).status_code == 200
    flow.advance(scoring["session_id"], "voting")
    sheets = flow.client.get(
        f"{API}/applications/{app_id}/scores", headers=flow.auth("a_admin")
    ).json()["sheets"]
    visible_sheet_ids = set()
    with Session(flow.engine) as s:
        from review_service.reviews.models import Score

        rows = s.exec(select(Score).where(Score.application_id == app_id)).all()
        visible_sheet_ids = {str(r.id) for r in rows}
    assert len(sheets) == len(visible_sheet_ids) == len(panel) - 1
    for who in ("regulator", "a_admin"):
        submits = _events(flow, who, action="score.submit")
        assert {e["object_id"] for e in submits} == visible_sheet_ids
        assert all(e["detail"]["changes"]["total"] is not None for e in submits)
        # The recused member's sheet was withdrawn: its events stay out of sight.
        shown = {e["object_id"] for e in _events(flow, who, object_type="score")}
        assert shown == visible_sheet_ids
    withdrawn = {e.object_id for e in _in_db(flow, object_type="score")} - visible_sheet_ids
    assert len(withdrawn) == 1
    assert _events(flow, "b_admin", object_type="score") == []


def test_an_enterprise_reads_only_its_own_kinds_of_rows(
    flow: Flow, scoring: dict[str, Any]
) -> None:
    a, b = flow.world.a.enterprise.id, flow.world.b.enterprise.id
    mine = _events(flow, "a_admin")
    assert mine and {e["enterprise_id"] for e in mine} == {a}
    assert {e["object_type"] for e in mine} <= ENTERPRISE_LOG_KINDS
    assert not [e for e in _events(flow, "b_admin") if e["enterprise_id"] != b]
    assert _events(flow, "b_admin", enterprise_id=a) == []
    # Every review event HR sees names a subject HR can open.
    routes = {"review_session": "review-sessions", "application": "applications"}
    for event in mine:
        route = routes.get(event["object_type"])
        if route and event["action"] != "application.withdraw":
            r = flow.client.get(f"{API}/{route}/{event['object_id']}", headers=flow.auth("a_admin"))
            assert r.status_code == 200, (event["action"], r.text)
            other = flow.client.get(
                f"{API}/{route}/{event['object_id']}", headers=flow.auth("b_admin")
            )
            assert other.status_code == 404


def test_supervision_cases_stay_the_regulators(flow: Flow) -> None:
    """A case on enterprise A: its admin gets 403 on the case and finds neither its opening
    nor the regulator's decision reason in the log."""
    world = flow.world
    regulator = Principal(world.regulator.id or 0, "regulator", Role.regulator, None)
    a = world.a.enterprise.id
    with Session(flow.engine) as s:
        for action, detail in (
            ("case.open", {"changes": {"signal": "sudden_surge", "flag_key": "k1"}}),
            (
                "case.confirm",
                {"changes": {"decision_reason": "材料造假属实", "status": "confirmed"}},
            ),
        ):
            record(
                s,
                actor=regulator,
                action=action,
                object_type="supervision_case",
                object_id=1,
                enterprise_id=a,
                detail=detail,
            )
        for kind in sorted(SUPERVISION_KINDS - {"supervision_case"}):
            record(s, actor=regulator, action=f"{kind}.test", object_type=kind, enterprise_id=a)
        seal(s)
        s.commit()
    assert flow.client.get(f"{API}/cases/1", headers=flow.auth("a_admin")).status_code == 403
    assert _events(flow, "a_admin", object_type="supervision_case") == []
    seen = _events(flow, "a_admin")
    assert not [e for e in seen if e["object_type"] in SUPERVISION_KINDS]
    assert "材料造假属实" not in str(seen)
    regulator_view = _events(flow, "regulator", object_type="supervision_case")
    assert {e["action"] for e in regulator_view} == {"case.open", "case.confirm"}
