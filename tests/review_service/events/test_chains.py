"""One chain per enterprise plus the city's: a write of one enterprise never waits for the
log lock of another (item 9 of issue 9: every write of the city queued behind one lock)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from review_service.auth.principal import Principal, Role
from review_service.events.models import CITY_CHAIN, Event
from review_service.events.service import record, seal, verify_chain
from tests.conftest import BACKEND
from tests.review_service.factories import World


def _write(s: Session, world: World, enterprise_id: int | None) -> list[Event]:
    actor = Principal(world.regulator.id or 0, "regulator", Role.regulator, None)
    record(
        s,
        actor=actor,
        action="test.write",
        object_type="enterprise",
        object_id=enterprise_id,
        enterprise_id=enterprise_id,
    )
    return seal(s)


def test_each_enterprise_has_its_own_chain(world: World, app) -> None:
    a, b = world.a.enterprise.id, world.b.enterprise.id
    with Session(app.state.engine) as s:
        for enterprise_id in (a, b, a, None):
            _write(s, world, enterprise_id)
        s.commit()
        rows = s.exec(
            select(Event).where(Event.action == "test.write").order_by(col(Event.id))
        ).all()
        assert [r.chain for r in rows] == [a, b, a, CITY_CHAIN]
        first_a, second_a = rows[0], rows[2]
        assert second_a.seq == first_a.seq + 1 and second_a.prev_hash == first_a.hash
        report = verify_chain(s)
    assert report.intact and report.chains >= 3


@pytest.mark.postgres_only
@pytest.mark.skipif(BACKEND != "postgres", reason="per-chain advisory locks are PostgreSQL's")
def test_a_write_of_one_enterprise_does_not_wait_for_anothers_lock(world: World, app) -> None:
    a, b = world.a.enterprise.id, world.b.enterprise.id
    holder = Session(app.state.engine)
    try:
        _write(holder, world, a)  # holds enterprise A's chain lock until it ends
        with Session(app.state.engine) as other:
            other.execute(text("SET LOCAL lock_timeout = '2s'"))
            _write(other, world, b)
            other.commit()
        with Session(app.state.engine) as same, pytest.raises(OperationalError):
            same.execute(text("SET LOCAL lock_timeout = '300ms'"))
            _write(same, world, a)
        holder.commit()
    finally:
        holder.close()
    with Session(app.state.engine) as s:
        assert verify_chain(s).intact
