"""The regulator's charts: a body's score distribution against the pass line, the grade map,
a body's risk evidence over runs and the overview, checked against numbers worked out from
the filings themselves."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import pytest
from scipy import stats
from sqlmodel import Session, select

from review_service.enterprises.models import Enterprise
from review_service.events.service import seal
from review_service.filings.service import receive_filing
from tests.review_service.factories import World
from tests.review_service.filings.documents import filing_documents
from tests.review_service.supervision.test_supervision import _run

API = "/api/v1"

# Body A's final scores against a pass score of 60, chosen so the bins and the bunching
# window can be counted by hand: margins -14.5, -8, -1.8, -0.1, 0, 0.4, 1, 1.5, 2.9, 3.2,
# 10, 20, 30.
PASS = 60.0
SCORES = [45.5, 52, 58.2, 59.9, 60, 60.4, 61, 61.5, 62.9, 63.2, 70, 80, 90]


def _file(app, world: World, settings) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Eight bodies' filings; the first is tenant A with the scores above, the last a body
    that files without being registered here."""
    documents = filing_documents(8)
    mine = documents[0]
    mine["review_body"]["credit_code"] = world.a.enterprise.credit_code
    mine["session"]["standard"]["pass_score"] = PASS
    assert len(mine["applications"]) == len(SCORES)
    for application, score in zip(mine["applications"], SCORES, strict=True):
        application["final_score"] = score
    with Session(app.state.engine) as s:
        for document in documents[1:-1]:
            code = document["review_body"]["credit_code"]
            if not s.exec(select(Enterprise).where(Enterprise.credit_code == code)).first():
                s.add(
                    Enterprise(
                        name=document["review_body"]["name"],
                        credit_code=code,
                        industry_cluster=document["review_body"]["industry_cluster"],
                    )
                )
        s.flush()
        for document in documents:
            receive_filing(
                s, document=document, source_enterprise_id=None, actor=None, settings=settings
            )
        seal(s)
        s.commit()
    return documents


def _margins(document: dict[str, Any]) -> list[float]:
    pass_score = document["session"]["standard"]["pass_score"]
    return [
        a["final_score"] - pass_score
        for a in document["applications"]
        if a.get("final_score") is not None
    ]


def test_score_distribution_counts_bins_window_and_peers(
    client, app, world: World, settings
) -> None:  # type: ignore[no-untyped-def]
    documents = _file(app, world, settings)
    run = _run(client, world)
    code = world.a.enterprise.credit_code
    r = client.get(
        f"{API}/audit-runs/{run['id']}/score-distribution",
        params={"credit_code": code},
        headers=world.auth("regulator"),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["pass_score"] == PASS and body["bin_width"] == 1.0
    assert body["enterprise_id"] == world.a.enterprise.id
    assert body["n"] == 13 and sum(b["count"] for b in body["bins"]) == 13
    by_lower = {b["lower"]: b for b in body["bins"]}
    # [−2,−1): −1.8; [−1,0): −0.1; [0,1): 0, 0.4; [1,2): 1, 1.5; [2,3): 2.9; [3,4): 3.2.
    assert [by_lower[x]["count"] for x in (-2.0, -1.0, 0.0, 1.0, 2.0, 3.0)] == [1, 1, 2, 2, 1, 1]
    assert by_lower[-15.0]["count"] == 1 and by_lower[30.0]["count"] == 1
    # The test tries half-widths 3, 6 and 10 and shows the one with the smallest p: here 6.
    # Window [0, 6): 0, 0.4, 1, 1.5, 2.9, 3.2 just above; [−6, 0): −1.8, −0.1 just below;
    # the p is Bonferroni-corrected for the three widths.
    assert math.isclose(body["window"], 6.0)
    assert (body["just_above"], body["just_below"]) == (6, 2)
    assert math.isclose(body["p_value"], 3 * stats.binom.sf(5, 8, body["expected_share"]))

    # Peers: the other bodies of the same cluster, as shares of their applications.
    cluster = documents[0]["review_body"]["industry_cluster"]
    assert body["cluster"] == cluster
    peers = [d for d in documents[1:] if d["review_body"]["industry_cluster"] == cluster]
    assert body["peer_bodies"] == len(peers) > 0
    peer_margins = [m for d in peers for m in _margins(d)]
    assert body["peer_n"] == len(peer_margins)
    for lower in (-1.0, 0.0, 5.0):
        hand = sum(lower <= m < lower + 1 for m in peer_margins) / len(peer_margins)
        assert math.isclose(by_lower[lower]["peer_share"], hand)
    assert math.isclose(sum(b["peer_share"] for b in body["bins"]), 1.0)


def test_score_distribution_of_a_body_the_run_did_not_read_is_404(
    client, app, world: World, settings
) -> None:  # type: ignore[no-untyped-def]
    _file(app, world, settings)
    run = _run(client, world)
    r = client.get(
        f"{API}/audit-runs/{run['id']}/score-distribution",
        params={"credit_code": world.b.enterprise.credit_code},
        headers=world.auth("regulator"),
    )
    assert r.status_code == 404, r.text
    assert r.json()["error"]["details"][0]["field"] == "credit_code"


def test_grade_map_has_every_graded_body_with_its_evidence(
    client, app, world: World, settings
) -> None:  # type: ignore[no-untyped-def]
    documents = _file(app, world, settings)
    run = _run(client, world)
    regulator = world.auth("regulator")
    grades = client.get(f"{API}/audit-runs/{run['id']}/grades", headers=regulator).json()["data"]
    r = client.get(f"{API}/audit-runs/{run['id']}/grade-map", headers=regulator)
    assert r.status_code == 200, r.text
    body = r.json()
    cells = {c["credit_code"]: c for c in body["cells"]}
    assert set(cells) == {g["credit_code"] for g in grades} and len(cells) == 8
    for g in grades:
        assert cells[g["credit_code"]]["grade"] == g["grade"]
        assert cells[g["credit_code"]]["evidence"] == g["risk_score"]
    names = {d["review_body"]["credit_code"]: d["review_body"]["name"] for d in documents[1:]}
    assert all(cells[code]["name"] == name for code, name in names.items())
    # The unregistered body is named, clustered and kinded as its filing states.
    outside = documents[-1]["review_body"]
    cell = cells[outside["credit_code"]]
    assert cell["enterprise_id"] is None
    assert (cell["cluster"], cell["body_kind"]) == (outside["industry_cluster"], outside["kind"])
    assert cells[world.a.enterprise.credit_code]["name"] == world.a.enterprise.name
    assert body["clusters"] == sorted({c["cluster"] for c in body["cells"]})
    assert body["bounds"] == [
        {"grade": "A", "lower": 0.0, "upper": 2.0},
        {"grade": "B", "lower": 2.0, "upper": 4.0},
        {"grade": "C", "lower": 4.0, "upper": 6.0},
        {"grade": "D", "lower": 6.0, "upper": None},
    ]
    # Riskiest first within a cluster.
    for cluster in body["clusters"]:
        row = [c["evidence"] for c in body["cells"] if c["cluster"] == cluster]
        assert row == sorted(row, reverse=True)


def test_risk_history_has_one_point_per_finished_run(client, app, world: World, settings) -> None:  # type: ignore[no-untyped-def]
    _file(app, world, settings)
    first, second = _run(client, world), _run(client, world)
    regulator = world.auth("regulator")
    r = client.get(f"{API}/enterprises/{world.a.enterprise.id}/risk-history", headers=regulator)
    assert r.status_code == 200, r.text
    body = r.json()
    assert [p["run_id"] for p in body["points"]] == [first["id"], second["id"]]
    for point in body["points"]:
        grades = client.get(f"{API}/audit-runs/{point['run_id']}/grades", headers=regulator)
        mine = next(g for g in grades.json()["data"] if g["enterprise_id"] == world.a.enterprise.id)
        assert (point["grade"], point["evidence"]) == (mine["grade"], mine["risk_score"])
    assert [b["grade"] for b in body["bounds"]] == ["A", "B", "C", "D"]
    unknown = client.get(f"{API}/enterprises/999999/risk-history", headers=regulator)
    assert unknown.status_code == 404


@pytest.mark.parametrize("who", ["a_admin", "a_expert", "a_applicant"])
def test_charts_are_the_regulators_alone(client, world: World, who: str) -> None:  # type: ignore[no-untyped-def]
    for path in (
        "/supervision/overview",
        f"/enterprises/{world.a.enterprise.id}/risk-history",
        "/audit-runs/1/grade-map",
    ):
        assert client.get(f"{API}{path}", headers=world.auth(who)).status_code == 403


def test_overview_counts_filings_runs_cases_and_grades(client, app, world: World, settings) -> None:  # type: ignore[no-untyped-def]
    regulator = world.auth("regulator")
    empty = client.get(f"{API}/supervision/overview", headers=regulator).json()
    assert empty["filing_count"] == 0 and empty["latest_run"] is None
    assert empty["grades_by_cluster"] == []

    documents = _file(app, world, settings)
    run = _run(client, world)
    flags = client.get(f"{API}/flags", params={"limit": 2}, headers=regulator).json()["data"]
    for flag in flags:
        opened = client.post(f"{API}/flags/{flag['id']}/case", json={}, headers=regulator)
        assert opened.status_code == 201, opened.text
    case_id = client.get(f"{API}/cases", headers=regulator).json()["data"][0]["id"]
    assigned = client.post(
        f"{API}/cases/{case_id}/assign",
        json={"assignee_id": world.regulator.id},
        headers=regulator,
    )
    assert assigned.status_code == 200, assigned.text

    r = client.get(f"{API}/supervision/overview", headers=regulator)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["filing_count"] == 8
    kinds = Counter(("2026", d["review_body"]["kind"]) for d in documents)
    assert {(f["period"], f["body_kind"]): f["count"] for f in body["filings"]} == kinds
    assert body["run_count"] == 1
    assert body["latest_run"]["id"] == body["latest_finished_run"]["id"] == run["id"]
    assert {c["key"]: c["count"] for c in body["cases_by_status"]} == {"open": 1, "assigned": 1}
    grade_map = client.get(f"{API}/audit-runs/{run['id']}/grade-map", headers=regulator).json()
    expected = Counter((c["cluster"], c["grade"]) for c in grade_map["cells"])
    got = {
        (row["cluster"], grade): n
        for row in body["grades_by_cluster"]
        for grade, n in row["counts"].items()
        if n
    }
    assert got == dict(expected)
