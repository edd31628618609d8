"""Two concurrent requests for the same transition: exactly one wins."""

from __future__ import annotations

import threading

from tests.review_service.factories import World


def test_concurrent_suspensions_one_wins(client, world: World) -> None:
    aid = world.a.authorization.id
    barrier = threading.Barrier(2)
    results: list[int] = []

    def suspend() -> None:
        barrier.wait()
        r = client.post(
            f"/api/v1/authorizations/{aid}/suspend",
            json={"reason": "并发测试", "version": 1},
            headers=world.auth("regulator"),
        )
        results.append(r.status_code)

    threads = [threading.Thread(target=suspend) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 409]
    events = client.get(
        "/api/v1/events",
        params={"action": "authorization.suspend"},
        headers=world.auth("regulator"),
    ).json()
    assert events["count"] == 1
