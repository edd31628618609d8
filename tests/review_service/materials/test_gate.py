"""The required-materials gate: a session does not move to 资格审核, nor an application on
to the review, while a required material is missing or returned and not replaced; the
stepper's next steps show the same blockers."""

from __future__ import annotations

from tests.review_service.materials.test_materials import JPEG, PDF, replace, upload
from tests.review_service.reviews.flow import API, Flow

KINDS = [
    {"code": "education", "name": "学历学位证书", "name_en": "Diploma", "required": True},
    {
        "code": "performance",
        "name": "业绩证明",
        "name_en": "Proof of performance",
        "required": True,
        "types": ["pdf"],
    },
    {"code": "achievements", "name": "论文/专利/获奖", "name_en": "Achievements"},
]


def _step(flow: Flow, sid: int, target: str) -> dict:
    r = flow.client.get(f"{API}/review-sessions/{sid}/next-steps", headers=flow.auth("a_admin"))
    assert r.status_code == 200, r.text
    return next(s for s in r.json()["steps"] if s["target"] == target)


def _material_blockers(step: dict) -> list[dict]:
    return [b for b in step["blockers"] if b["field"].endswith(".materials")]


def test_missing_and_returned_required_materials_block_the_way(flow: Flow) -> None:
    sid = flow.create_session(flow.publish_standard(materials=KINDS))["id"]
    flow.advance(sid, "open")
    applied = flow.apply(sid)
    assert applied.status_code == 201, applied.text
    app_id, name = applied.json()["id"], applied.json()["name"]

    step = _step(flow, sid, "validating")
    assert not step["ready"] and not step["override_allowed"]
    (blocker,) = _material_blockers(step)
    assert name in blocker["problem"] and "学历学位证书、业绩证明" in blocker["problem"]
    assert "Diploma, Proof of performance" in blocker["problem_en"]
    assert "论文" not in blocker["problem"]  # optional kinds never block
    refused = flow.move(sid, "validating")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "materials_incomplete"
    assert name in error["details"][0]["problem"] and error["message_en"]

    assert upload(flow, app_id, "education", JPEG).status_code == 201
    still = _material_blockers(_step(flow, sid, "validating"))
    assert len(still) == 1 and "学历" not in still[0]["problem"]
    performance = upload(flow, app_id, "performance", PDF).json()
    assert _step(flow, sid, "validating")["ready"]
    flow.advance(sid, "validating")

    # 资格审核 returns the proof of performance: the application cannot go on to the review.
    r = flow.client.post(
        f"{API}/materials/{performance['id']}/review",
        json={"decision": "return", "reason": "缺少盖章"},
        headers=flow.auth("a_admin"),
    )
    assert r.status_code == 200, r.text
    (returned,) = _material_blockers(_step(flow, sid, "reviewing"))
    assert "退回待更换：业绩证明" in returned["problem"] and name in returned["problem"]
    assert "returned and not replaced" in returned["problem_en"]
    blocked = flow.move(sid, "reviewing").json()["error"]
    assert any(d["field"].endswith(".materials") for d in blocked["details"])

    # Back to intake, the applicant replaces it, and the way is clear again.
    flow.advance(sid, "open")
    assert _material_blockers(_step(flow, sid, "validating"))
    assert replace(flow, performance["id"], PDF + b"%signed").status_code == 201
    assert _step(flow, sid, "validating")["ready"]
    flow.advance(sid, "validating")
    assert not _material_blockers(_step(flow, sid, "reviewing"))


def test_a_standard_listing_no_materials_does_not_gate(flow: Flow) -> None:
    sid = flow.create_session()["id"]
    flow.advance(sid, "open")
    assert flow.apply(sid).status_code == 201
    assert _step(flow, sid, "validating")["ready"]
    flow.advance(sid, "validating")
    assert not _material_blockers(_step(flow, sid, "reviewing"))
