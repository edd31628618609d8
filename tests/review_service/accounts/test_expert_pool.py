"""The expert pool's terms and status: a term lasts at most three years; the regulator
suspends or removes pool experts, an enterprise its own experts, each with a reason."""

from __future__ import annotations

from tests.review_service.accounts.test_users import API, EXPERT, _create
from tests.review_service.factories import World


def test_a_term_longer_than_three_years_is_refused(client, world: World) -> None:
    for term, ok in (
        (("2026-01-01", "2028-12-31"), True),
        (("2026-01-01", "2029-01-01"), True),
        (("2026-01-01", "2029-01-02"), False),
        (("2026-01-01", "2025-12-31"), False),
        ((None, "2027-01-01"), False),
    ):
        expert = {**EXPERT, "term_start": term[0], "term_end": term[1], "series": "engineering"}
        r = _create(
            client, world, "regulator", username=f"pool_{term[1]}", role="expert", expert=expert
        )
        if ok:
            assert r.status_code == 201, r.text
            assert r.json()["expert"]["term_end"] == term[1]
            assert r.json()["expert"]["status"] == "active"
        else:
            assert r.status_code == 422, term
            assert r.json()["error"]["details"][0]["field"] == "expert.term_end"


def test_status_changes_belong_to_the_side_that_keeps_the_expert(client, world: World) -> None:
    pool_id = world.pool_expert.id
    r = client.post(
        f"{API}/users/{pool_id}/expert-status",
        json={"status": "suspended", "reason": "核查中"},
        headers=world.auth("regulator"),
    )
    assert r.status_code == 200, r.text
    assert (r.json()["expert"]["status"], r.json()["expert"]["status_reason"]) == (
        "suspended",
        "核查中",
    )
    # An enterprise cannot touch the city's pool, nor another enterprise's experts.
    r = client.post(
        f"{API}/users/{pool_id}/expert-status",
        json={"status": "active", "reason": "恢复"},
        headers=world.auth("a_admin"),
    )
    assert r.status_code == 404
    own = world.a.expert.id
    r = client.post(
        f"{API}/users/{own}/expert-status",
        json={"status": "removed", "reason": "离职"},
        headers=world.auth("a_admin"),
    )
    assert r.status_code == 200 and r.json()["expert"]["status"] == "removed"
    r = client.post(
        f"{API}/users/{own}/expert-status",
        json={"status": "retired", "reason": "x"},
        headers=world.auth("a_admin"),
    )
    assert r.status_code == 422
