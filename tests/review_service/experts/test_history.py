"""An expert's workload and history on one page; audit findings only for the regulator."""

from __future__ import annotations

from sqlmodel import Session

from review_service.config import Settings
from review_service.reviews.filing import member_pseudonym
from review_service.supervision.models import AuditRun, Flag
from tests.review_service.reviews.flow import API, Flow


def test_history_counts_panels_and_shows_findings_to_the_regulator_only(
    flow: Flow, settings: Settings
) -> None:
    expert_id = flow.user_id("pool_expert")
    first = flow.create_session()["id"]
    second = flow.create_session()["id"]
    for sid in (first, second):
        assert flow.seat(sid, "pool_expert").status_code == 201
    with Session(flow.engine) as s:
        run = AuditRun(period="2026", scope_kind="all", status="finished")
        s.add(run)
        s.flush()
        s.add(
            Flag(
                run_id=run.id or 0,
                key="k1",
                signal="stat.scoring_speed",
                kind="statistical",
                scope="member",
                severity="medium",
                band="likely",
                credit_code="x" * 18,
                member_id=member_pseudonym(settings, expert_id),
                reason="平均每份评分用时1.3分钟，同类评审中位数8.0分钟",
                reason_en="1.3 min per score sheet, peer median 8.0 min",
            )
        )
        s.commit()

    seen = flow.client.get(f"{API}/experts/{expert_id}/history", headers=flow.auth("regulator"))
    assert seen.status_code == 200, seen.text
    body = seen.json()
    assert body["panels_sat"] == 2 and body["applications_scored"] == 0
    assert {s["session_id"] for s in body["seats"]} == {first, second}
    assert [f["signal"] for f in body["findings"]] == ["stat.scoring_speed"]

    own = flow.client.get(f"{API}/experts/{expert_id}/history", headers=flow.auth("pool_expert"))
    assert own.status_code == 200 and own.json()["findings"] is None
    # An enterprise sees the pool experts who sat on its panels (not the audit's findings);
    # another enterprise does not see them at all.
    theirs = flow.client.get(f"{API}/experts/{expert_id}/history", headers=flow.auth("a_admin"))
    assert theirs.status_code == 200 and theirs.json()["findings"] is None
    assert theirs.json()["panels_sat"] == 2
    assert (
        flow.client.get(f"{API}/experts/{expert_id}/history", headers=flow.auth("b_admin"))
    ).status_code == 404
    mine = flow.client.get(
        f"{API}/experts/{flow.user_id('a_expert')}/history", headers=flow.auth("a_admin")
    )
    assert mine.status_code == 200 and mine.json()["panels_sat"] == 0
