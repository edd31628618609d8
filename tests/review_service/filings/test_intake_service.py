"""receive_filing: whole-filing validation, pseudonymisation, idempotency, events."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, func, select

from review_service.errors import Conflict, Invalid
from review_service.events.models import Event
from review_service.filings.models import FilingRecord
from review_service.filings.service import receive_filing
from tests.review_service.factories import World
from tests.review_service.filings.documents import filing_document


def _count(session: Session, model) -> int:  # type: ignore[no-untyped-def]
    return session.exec(select(func.count()).select_from(model)).one()


def test_receives_pseudonymises_and_indexes(app, world: World, settings) -> None:  # type: ignore[no-untyped-def]
    code = world.a.enterprise.credit_code
    document = filing_document(code, filing_id="F-A-1")
    clear_ids = [a["applicant"]["resident_id"] for a in document["applications"]]
    with Session(app.state.engine) as session:
        row, created = receive_filing(
            session,
            document=document,
            source_enterprise_id=world.a.enterprise.id,
            actor=None,
            settings=settings,
        )
        session.flush()
        assert created
        assert row.enterprise_id == world.a.enterprise.id
        assert row.credit_code == code
        assert row.application_count == len(document["applications"])
        assert row.approved_count == sum(a["approved"] for a in document["applications"])
        assert row.period == document["session"]["period"]
        assert len(row.content_digest) == 64
        text = json.dumps(row.document)
        assert not any(number in text for number in clear_ids)
        applicant = row.document["applications"][0]["applicant"]
        assert applicant["resident_id"] is None and len(applicant["person_key"]) == 64
        pending = session.info["pending_events"]
        assert [p.action for p in pending] == ["filing.receive"]

        again, created_again = receive_filing(
            session,
            document=filing_document(code, filing_id="F-A-1"),
            source_enterprise_id=world.a.enterprise.id,
            actor=None,
            settings=settings,
        )
        assert not created_again and again.id == row.id

        changed = filing_document(code, filing_id="F-A-1")
        changed["applications"][0]["approved"] = not changed["applications"][0]["approved"]
        with pytest.raises(Conflict) as refused:
            receive_filing(
                session,
                document=changed,
                source_enterprise_id=world.a.enterprise.id,
                actor=None,
                settings=settings,
            )
        assert refused.value.code == "filing_id_taken"


def test_refusal_lists_every_problem_and_stores_nothing(app, world: World, settings) -> None:  # type: ignore[no-untyped-def]
    document = filing_document(world.b.enterprise.credit_code)
    document["applications"][0]["applicant"]["resident_id"] = "320602198804120001"
    document["applications"][3]["approved"] = "perhaps"
    del document["session"]["period"]
    with Session(app.state.engine) as session:
        events_before = _count(session, Event)
        with pytest.raises(Invalid) as refused:
            receive_filing(
                session,
                document=document,
                source_enterprise_id=world.a.enterprise.id,  # filed by A for B
                actor=None,
                settings=settings,
            )
        assert refused.value.code == "invalid_filing"
        fields = {d.field for d in refused.value.details}
        assert {
            "applications[0].applicant.resident_id",
            "applications[3].approved",
            "session.period",
            "review_body.credit_code",
        } <= fields
        assert all(d.problem and d.problem_en for d in refused.value.details)
        session.flush()
        assert _count(session, FilingRecord) == 0
        assert _count(session, Event) == events_before
        assert not session.info.get("pending_events")
