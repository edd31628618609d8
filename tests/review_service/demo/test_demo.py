"""The demo rounds load through the services, in four different states, with a pool of experts
large enough to draw panels from; the demo (and the bench generator it uses) stays out of the service."""

from __future__ import annotations

import subprocess
import sys

from sqlmodel import Session, col, select

from review_service.accounts.models import ExpertProfile
from review_service.auth.principal import Principal, Role
from review_service.config import Settings
from review_service.demo import STEPS, load_demo
from review_service.demo.reviews import review_rounds
from review_service.events.service import seal, verify_chain
from review_service.reviews import draw
from review_service.reviews.models import Objection, PanelDraw, PanelMember, ReviewSession
from review_service.tenancy import TenantScope


def test_demo_rounds(db, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    with Session(db) as session:
        assert load_demo(session, settings, steps=[review_rounds])
        seal(session)
        session.commit()
    with Session(db) as session:
        states = sorted(s.status for s in session.exec(select(ReviewSession)).all())
        assert states == ["draft", "open", "public_notice", "reviewing"]
        assert len(session.exec(select(Objection)).all()) == 1
        assert verify_chain(session).intact
        # The open round's panel was drawn: a regulator re-runs the draw and gets the same
        # panel; one drawn expert declined and a reserve took the seat; the applicant's
        # recorded relative was left out, with the reason.
        opened = session.exec(select(ReviewSession).where(ReviewSession.status == "open")).one()
        regulator = Principal(0, "demo-regulator", Role.regulator, None)
        check = draw.verify(session, scope=TenantScope(regulator, None), session_id=opened.id or 0)
        assert check.commitment_matches and check.candidates_unchanged and check.same_panel
        row = session.exec(select(PanelDraw).where(PanelDraw.session_id == opened.id)).one()
        assert len(row.declined) == 1
        assert "draw.related" in {e["code"] for e in (row.result or {})["excluded"]}
        seats = session.exec(select(PanelMember).where(PanelMember.session_id == opened.id)).all()
        assert {s.response for s in seats} == {"confirmed"}
        assert {s.selection for s in seats} == {"drawn", "reserve"}
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


def test_the_demo_pool_is_large_enough_to_draw_from(db, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    with Session(db) as session:
        assert load_demo(session, settings, steps=[])
        session.commit()
    with Session(db) as session:
        profiles = session.exec(
            select(ExpertProfile).where(col(ExpertProfile.external).is_(True))
        ).all()
        active = [p for p in profiles if p.status == "active"]
        assert len(active) >= 150
        assert {p.track for p in active} == {"title", "skill"}
        assert len({p.specialty for p in active}) >= 12  # two per cluster
        assert all(
            p.term_end
            and p.term_start
            and p.term_end < p.term_start.replace(year=p.term_start.year + 3)
            for p in profiles
        )
