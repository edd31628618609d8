"""The demo rounds load quickly, through the services, in four different states; the demo
(and the bench generator it uses) stays out of the service."""

from __future__ import annotations

import subprocess
import sys
import time

from sqlmodel import Session, select

from review_service.config import Settings
from review_service.demo import STEPS, load_demo
from review_service.demo.reviews import review_rounds
from review_service.events.service import seal, verify_chain
from review_service.reviews.models import Objection, ReviewSession


def test_demo_rounds(db, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    with Session(db) as session:
        started = time.perf_counter()
        assert load_demo(session, settings, steps=[review_rounds])
        seal(session)
        session.commit()
        assert time.perf_counter() - started < 10  # the review step itself takes ~0.3 s
    with Session(db) as session:
        states = sorted(s.status for s in session.exec(select(ReviewSession)).all())
        assert states == ["draft", "open", "public_notice", "reviewing"]
        assert len(session.exec(select(Objection)).all()) == 1
        assert verify_chain(session).intact
        # Loaded once: a second call leaves the database as it is.
        assert not load_demo(session, settings, steps=[review_rounds])


def test_the_cli_loads_every_step() -> None:
    assert [step.__name__ for step in STEPS] == ["review_rounds", "filings_and_audit"]


def test_the_service_imports_neither_the_demo_nor_bench() -> None:
    code = (
        "import sys\n"
        "import review_service.main, review_service.reviews, review_service.supervision.router\n"
        "leaked = sorted(m for m in sys.modules if m.startswith(('review_service.demo', 'bench')))\n"
        "print(leaked)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
