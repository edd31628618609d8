"""Relations between experts and applicants (回避关系): recorded by HR or declared by the
expert, matched on keyed resident-ID hashes, they keep the expert out of any draw for a session
the person applies to (naming why) and raise a conflict when such an expert is hand-picked."""

from __future__ import annotations

from sqlmodel import Session

from review_service.accounts.models import User
from review_service.config import Settings
from standards import identifiers
from tests.review_service.factories import resident_id
from tests.review_service.reviews.flow import API, Flow


def _with_id(flow: Flow, settings: Settings, name: str) -> int:
    """Give ``name`` a resident ID on file (keyed hash and mask only)."""
    rid = resident_id(born="19700101")
    uid = flow.user_id(name)
    with Session(flow.engine) as s:
        user = s.get(User, uid)
        assert user is not None
        user.person_key = identifiers.resident_id_digest(rid, settings.id_hash_key_bytes)
        user.id_mask = identifiers.mask_resident_id(rid)
        s.add(user)
        s.commit()
    return uid


def _pool(flow: Flow) -> None:
    for i in range(8):
        flow.user(f"in{i}", role="expert", department=f"部门{i}", level="deputy_senior")
    for i in range(4):
        flow.user(f"ex{i}", role="expert", tenant=None, level="senior")


def _relate(flow: Flow, who: str, **body):  # type: ignore[no-untyped-def]
    return flow.client.post(f"{API}/relations", json=body, headers=flow.auth(who))


def _drawn(flow: Flow, sid: int) -> dict:
    assert (
        flow.client.post(
            f"{API}/review-sessions/{sid}/panel/draw/commitment", headers=flow.auth("a_admin")
        ).status_code
        == 200
    )
    r = flow.client.post(
        f"{API}/review-sessions/{sid}/panel/draw",
        json={"size": 7, "reserves": 2},
        headers=flow.auth("a_admin"),
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_related_experts_are_left_out_of_the_draw_with_the_reason(
    flow: Flow, settings: Settings
) -> None:
    _pool(flow)
    relative = _with_id(flow, settings, "in0")
    declarer = _with_id(flow, settings, "ex0")
    unrelated = _with_id(flow, settings, "in1")
    rid = resident_id()
    # HR records what the applicant declared; a pool expert declares their own relation.
    r = _relate(
        flow, "a_admin", expert_user_id=relative, resident_id=rid, name="王建国", kind="relative"
    )
    assert r.status_code == 201, r.text
    assert r.json()["source"] == "admin" and r.json()["person_mask"].startswith("320602")
    assert rid not in r.text
    r = _relate(flow, "ex0", resident_id=rid, name="王建国", kind="other", note="曾共同持股")
    assert r.status_code == 201 and r.json()["expert_user_id"] == declarer
    # Same relation twice: refused.
    again = _relate(
        flow, "a_admin", expert_user_id=relative, resident_id=rid, name="王建国", kind="relative"
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "relation_exists"

    sid = flow.create_session()["id"]
    flow.advance(sid, "open")
    assert flow.apply(sid, "a_admin", applicant="a_applicant", rid=rid).status_code == 201
    drawn = _drawn(flow, sid)
    left_out = {e["expert_id"]: e for e in drawn["excluded"]}
    assert left_out[str(relative)]["code"] == "draw.related"
    assert "王建国的近亲属（人事登记）" in left_out[str(relative)]["message_zh"]
    assert "专家申报" in left_out[str(declarer)]["message_zh"]
    assert str(unrelated) not in left_out
    chosen = set(drawn["members"]) | set(drawn["reserves"])
    assert not chosen & {str(relative), str(declarer)}
    # The regulator re-runs the draw with the same exclusions.
    check = flow.client.get(
        f"{API}/review-sessions/{sid}/panel/draw/verification", headers=flow.auth("regulator")
    ).json()
    assert check["same_panel"] and check["candidates_unchanged"]


def test_a_retracted_relation_no_longer_excludes_and_others_do_not_see_it(
    flow: Flow, settings: Settings
) -> None:
    _pool(flow)
    relative = _with_id(flow, settings, "in0")
    rid = resident_id()
    row = _relate(
        flow, "a_admin", expert_user_id=relative, resident_id=rid, name="李立新", kind="subordinate"
    ).json()
    listed = flow.client.get(f"{API}/relations", headers=flow.auth("b_admin")).json()
    assert listed["count"] == 0  # B's HR never sees A's records
    assert (
        flow.client.post(
            f"{API}/relations/{row['id']}/retract",
            json={"reason": "登记有误"},
            headers=flow.auth("b_admin"),
        ).status_code
        == 404
    )
    r = flow.client.post(
        f"{API}/relations/{row['id']}/retract",
        json={"reason": "登记有误"},
        headers=flow.auth("a_admin"),
    )
    assert r.status_code == 200 and r.json()["retracted_at"] is not None
    sid = flow.create_session()["id"]
    flow.advance(sid, "open")
    assert flow.apply(sid, "a_admin", applicant="a_applicant", rid=rid).status_code == 201
    drawn = _drawn(flow, sid)
    assert str(relative) not in {e["expert_id"] for e in drawn["excluded"]}
    assert flow.events("relation.record") == 1 and flow.events("relation.retract") == 1


def test_a_hand_picked_related_expert_raises_a_pending_conflict(
    flow: Flow, settings: Settings
) -> None:
    relative = _with_id(flow, settings, "pool_expert")
    rid = resident_id()
    assert (
        _relate(flow, "pool_expert", resident_id=rid, name="赵海峰", kind="relative").status_code
        == 201
    )
    sid = flow.create_session()["id"]
    flow.advance(sid, "open")
    app_id = flow.apply(sid, "a_admin", applicant="a_applicant", rid=rid).json()["id"]
    assert flow.seat(sid, "pool_expert").status_code == 201
    conflicts = flow.client.get(
        f"{API}/review-sessions/{sid}/conflicts", headers=flow.auth("a_admin")
    ).json()
    found = [c for c in conflicts["data"] if c["application_id"] == app_id]
    assert [(c["kind"], c["source"], c["status"]) for c in found] == [
        ("relative", "detected", "pending")
    ]
    assert relative


def test_relations_need_a_resident_id_on_file_and_only_the_expert_declares_their_own(
    flow: Flow, settings: Settings
) -> None:
    no_id = _relate(
        flow,
        "a_admin",
        expert_user_id=flow.user_id("a_expert"),
        resident_id=resident_id(),
        name="某",
        kind="relative",
    )
    assert no_id.status_code == 422
    assert [d["field"] for d in no_id.json()["error"]["details"]] == ["expert_user_id"]
    _with_id(flow, settings, "a_expert")
    other = _relate(
        flow,
        "a_expert",
        expert_user_id=flow.user_id("pool_expert"),
        resident_id=resident_id(),
        name="某",
        kind="relative",
    )
    assert other.status_code == 422
    foreign = _relate(
        flow,
        "a_admin",
        expert_user_id=flow.user_id("b_expert"),
        resident_id=resident_id(),
        name="某",
        kind="relative",
    )
    assert foreign.status_code == 404  # B's internal expert does not exist for A
    assert (
        flow.client.post(
            f"{API}/relations", json={"kind": "relative"}, headers=flow.auth("a_applicant")
        )
    ).status_code == 403
    assert flow.events("relation.record") == 0
