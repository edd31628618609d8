"""The funnel plot of pass rates of a peer group, read from the filings an audit run read."""

from __future__ import annotations

import math

from tests.review_service.factories import World
from tests.review_service.supervision.test_supervision import _file_all, _run

API = "/api/v1"


def test_funnel_has_every_body_of_the_group_and_widening_limits(
    client, app, world: World, settings
) -> None:  # type: ignore[no-untyped-def]
    _file_all(app, world, settings)
    run = _run(client, world)
    r = client.get(
        f"{API}/audit-runs/{run['id']}/funnel",
        params={"cluster": "船舶海工", "track": "skill", "level": "grade4"},
        headers=world.auth("regulator"),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    # Three bodies file skill grade 4 (two of them in 船舶海工): too few for a cluster of its
    # own, so the group is the level in every cluster, and every one of them is a point.
    assert body["all_clusters"] is True
    assert sorted(p["cluster"] for p in body["points"]) == ["电子信息", "船舶海工", "船舶海工"]
    assert all(p["n"] > 0 and p["rate"] == p["passed"] / p["n"] for p in body["points"])
    pooled = sum(p["passed"] for p in body["points"]) / sum(p["n"] for p in body["points"])
    assert math.isclose(body["group_rate"], pooled)
    assert body["phi"] >= 1
    curve = body["curve"]
    assert curve[0]["n"] == 1 and curve[-1]["n"] == max(p["n"] for p in body["points"])
    for c in curve:
        assert 0 <= c["lower_998"] <= c["lower_95"] <= body["group_rate"]
        assert body["group_rate"] <= c["upper_95"] <= c["upper_998"] <= 1
    # The funnel narrows as bodies grow.
    widths = [c["upper_95"] - c["lower_95"] for c in curve]
    assert widths == sorted(widths, reverse=True) and widths[-1] < widths[0]
    # The limits at size n are p ± 1.645·sqrt(phi p(1-p)/n), clipped to [0, 1].
    last = curve[-1]
    half = 1.6448536 * math.sqrt(body["phi"] * pooled * (1 - pooled) / last["n"])
    assert math.isclose(last["lower_95"], max(0.0, pooled - half), rel_tol=1e-6)
    assert math.isclose(last["upper_95"], min(1.0, pooled + half), rel_tol=1e-6)


def test_funnel_of_a_group_the_run_did_not_read_is_404_with_the_reason(
    client, app, world: World, settings
) -> None:  # type: ignore[no-untyped-def]
    _file_all(app, world, settings)
    run = _run(client, world)
    r = client.get(
        f"{API}/audit-runs/{run['id']}/funnel",
        params={"cluster": "船舶海工", "track": "title", "level": "senior"},
        headers=world.auth("regulator"),
    )
    assert r.status_code == 404, r.text
    assert r.json()["error"]["details"][0]["field"] == "cluster"
    missing = client.get(
        f"{API}/audit-runs/{run['id']}/funnel",
        params={"cluster": "船舶海工"},
        headers=world.auth("regulator"),
    )
    assert missing.status_code == 422
    unknown_run = client.get(
        f"{API}/audit-runs/999999/funnel",
        params={"cluster": "船舶海工", "track": "skill", "level": "grade4"},
        headers=world.auth("regulator"),
    )
    assert unknown_run.status_code == 404
