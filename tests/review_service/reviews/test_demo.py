"""The demo rounds load quickly, through the services, in four different states."""

from __future__ import annotations

import time

from sqlmodel import Session, select

from review_service import demo
from review_service.config import Settings
from review_service.events.service import seal, verify_chain
from review_service.reviews.demo import review_rounds
from review_service.reviews.models import Objection, ReviewSession


def test_demo_rounds(db, settings: Settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(demo, "_steps", [review_rounds])
    with Session(db) as session:
        started = time.perf_counter()
        assert demo.load_demo(session, settings)
        seal(session)
        session.commit()
        assert time.perf_counter() - started < 10  # the review step itself takes ~0.3 s
    with Session(db) as session:
        states = sorted(s.status for s in session.exec(select(ReviewSession)).all())
        assert states == ["draft", "open", "public_notice", "reviewing"]
        assert len(session.exec(select(Objection)).all()) == 1
        assert verify_chain(session).intact
