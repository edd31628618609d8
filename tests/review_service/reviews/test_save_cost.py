"""What one score save costs the database (issue 9, item 9): its SQL statements, counted with
an engine event listener. The save is the hottest write of a review; each statement it does
beyond what its guarantees need is throughput lost under load (bench/load.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.review_service.reviews.flow import API, SCORES_HIGH, SCORES_LOW, Flow, round_in


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        seen.append(" ".join(sql.split()))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_score_save_costs_few_statements(flow: Flow) -> None:
    """Authentication with the expert's seats (1), the application with its session (1), the
    sheet under its lock with the member's open conflict (1), the update (1), the panel's
    progress for the answer (1), the chain's head under its lock (1) and the event (1). It
    was 20: the answer re-read everything the save had read, and the seat was locked."""
    rnd = round_in(flow, "reviewing")
    app_id, expert = rnd.applications[0], rnd.panel[1]
    assert flow.score(app_id, expert, SCORES_LOW, submit=False).status_code == 200
    with statements(flow.engine) as seen:
        r = flow.client.put(
            f"{API}/applications/{app_id}/scores/mine",
            json={"values": SCORES_HIGH},
            headers=flow.auth(expert),
        )
    assert r.status_code == 200, r.text
    assert r.json()["mine"]["values"] == SCORES_HIGH
    assert len(r.json()["progress"]) == 7
    work = [s for s in seen if not s.startswith("BEGIN")]
    assert len(work) <= 7, "\n".join(work)
    # Each expert's sheet is its own lock: the seat is taken only for a first sheet.
    assert not any(s.startswith("SELECT panel_member.id, panel_member.session_id") for s in work)
