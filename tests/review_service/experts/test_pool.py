"""The pool view: the regulator sees the whole city pool and every enterprise's experts, an
enterprise its own and the pool experts who sat on its panels; each keeps (edits) only its
own, a term lasts at most three years, and every change is logged."""

from __future__ import annotations

from tests.review_service.reviews.flow import API, Flow


def _pool(flow: Flow, who: str, **params):  # type: ignore[no-untyped-def]
    r = flow.client.get(f"{API}/experts", params=params, headers=flow.auth(who))
    assert r.status_code == 200, r.text
    return r.json()


def test_who_sees_which_experts_and_the_filters(flow: Flow) -> None:
    flow.user("ship_ex", role="expert", tenant=None, level="senior")
    ship = flow.user_id("ship_ex")
    r = flow.client.patch(
        f"{API}/experts/{ship}",
        json={"cluster": "shipbuilding_offshore", "specialty": "船舶与海洋工程"},
        headers=flow.auth("regulator"),
    )
    assert r.status_code == 200, r.text
    everyone = _pool(flow, "regulator")
    ids = {e["user_id"] for e in everyone["data"]}
    assert {
        ship,
        flow.user_id("pool_expert"),
        flow.user_id("a_expert"),
        flow.user_id("b_expert"),
    } <= ids
    assert all(e["editable"] for e in everyone["data"])
    only_ship = _pool(flow, "regulator", cluster="shipbuilding_offshore", kind="city")
    assert [e["user_id"] for e in only_ship["data"]] == [ship]
    assert _pool(flow, "regulator", specialty="海洋")["count"] == 1
    assert _pool(flow, "regulator", kind="internal")["count"] == everyone["count"] - 2
    paged = _pool(flow, "regulator", limit=1, offset=1)
    assert paged["count"] == everyone["count"] and len(paged["data"]) == 1

    # A sees its own expert; the pool expert only once they sat on A's panel, read-only.
    mine = _pool(flow, "a_admin")
    assert [e["user_id"] for e in mine["data"]] == [flow.user_id("a_expert")]
    sid = flow.create_session()["id"]
    assert flow.seat(sid, "pool_expert").status_code == 201
    mine = {e["user_id"]: e for e in _pool(flow, "a_admin")["data"]}
    assert set(mine) == {flow.user_id("a_expert"), flow.user_id("pool_expert")}
    assert mine[flow.user_id("a_expert")]["editable"]
    assert not mine[flow.user_id("pool_expert")]["editable"]
    assert flow.user_id("pool_expert") not in {e["user_id"] for e in _pool(flow, "b_admin")["data"]}
    for who in ("a_expert", "a_applicant"):
        assert flow.client.get(f"{API}/experts", headers=flow.auth(who)).status_code == 403


def test_keepers_edit_term_specialty_and_availability_within_the_rules(flow: Flow) -> None:
    own = flow.user_id("a_expert")
    pool = flow.user_id("pool_expert")
    ok = flow.client.patch(
        f"{API}/experts/{own}",
        json={
            "term_start": "2026-01-01",
            "term_end": "2028-12-31",
            "specialty": "焊接工艺",
            "availability": [
                {"starts_on": "2026-09-01", "ends_on": "2026-12-31", "note": "下半年"}
            ],
        },
        headers=flow.auth("a_admin"),
    )
    assert ok.status_code == 200, ok.text
    body = ok.json()["expert"]
    assert body["specialty"] == "焊接工艺" and body["term_end"] == "2028-12-31"
    assert body["availability"][0]["starts_on"] == "2026-09-01"
    # Left-out fields stay as they are.
    again = flow.client.patch(
        f"{API}/experts/{own}", json={"contact": "0513-1234567"}, headers=flow.auth("a_admin")
    ).json()["expert"]
    assert again["specialty"] == "焊接工艺" and len(again["availability"]) == 1

    too_long = flow.client.patch(
        f"{API}/experts/{own}",
        json={"term_start": "2026-01-01", "term_end": "2029-06-30"},
        headers=flow.auth("a_admin"),
    )
    assert too_long.status_code == 422
    assert [d["field"] for d in too_long.json()["error"]["details"]] == ["expert.term_end"]
    backwards = flow.client.patch(
        f"{API}/experts/{own}",
        json={"availability": [{"starts_on": "2026-09-01", "ends_on": "2026-08-01"}]},
        headers=flow.auth("a_admin"),
    )
    assert backwards.status_code == 422
    bad_cluster = flow.client.patch(
        f"{API}/experts/{own}", json={"cluster": "fishing"}, headers=flow.auth("a_admin")
    )
    assert bad_cluster.status_code == 422
    # The city's pool is the regulator's: A may read a pool expert who sat with it, not edit.
    sid = flow.create_session()["id"]
    assert flow.seat(sid, "pool_expert").status_code == 201
    refused = flow.client.patch(
        f"{API}/experts/{pool}", json={"specialty": "x"}, headers=flow.auth("a_admin")
    )
    assert refused.status_code == 403
    status = flow.client.post(
        f"{API}/users/{pool}/expert-status",
        json={"status": "suspended", "reason": "核查中"},
        headers=flow.auth("a_admin"),
    )
    assert status.status_code == 403
    assert flow.events("expert.update") == 2


def test_status_change_shows_in_the_pool_filter(flow: Flow) -> None:
    pool = flow.user_id("pool_expert")
    r = flow.client.post(
        f"{API}/users/{pool}/expert-status",
        json={"status": "removed", "reason": "串通打分，移出专家库"},
        headers=flow.auth("regulator"),
    )
    assert r.status_code == 200
    removed = _pool(flow, "regulator", status="removed")
    assert [e["user_id"] for e in removed["data"]] == [pool]
    assert removed["data"][0]["expert"]["status_reason"] == "串通打分，移出专家库"
    assert pool not in {e["user_id"] for e in _pool(flow, "regulator", status="active")["data"]}
