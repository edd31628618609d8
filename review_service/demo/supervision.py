"""Demo content of filings and supervision: every demo enterprise's filings (some of them
manipulated, from the bench generator), their registry extracts, and one finished audit run,
so the regulator's screens have flags, grades and cases to show right after ``make run``.

The filings come from the bench generator, imported only when this step runs (the CLI's
``demo`` command): the service itself never loads ``bench``."""

from __future__ import annotations

import json
import logging
import random
from datetime import date

from sqlmodel import Session, select

from review_service.config import Settings
from review_service.demo.base import demo_credit_code
from review_service.enterprises.models import Enterprise
from review_service.events.service import record
from review_service.filings import service as filings
from review_service.filings.models import (
    EducationRegistryRow,
    EmploymentRegistryRow,
    RegistryImport,
)
from review_service.supervision import flows, service
from review_service.supervision.schemas import AuditRunCreate

log = logging.getLogger(__name__)

DEMO_FILING_BODIES = 141  # every demo enterprise files, so peers and grades are meaningful
DEMO_PERIOD = "2026"


def filings_and_audit(session: Session, settings: Settings, rng: random.Random) -> None:
    from bench.generator import GeneratorConfig, generate  # numpy-heavy: only when loading

    data = generate(
        GeneratorConfig(
            bodies=DEMO_FILING_BODIES,
            apps_per_body=24,
            sessions_per_body=1,
            share_manipulated=0.2,
            seed=rng.randrange(1_000_000),
            period=DEMO_PERIOD,
            key=settings.id_hash_key_bytes,
        )
    )
    # The generated bodies become demo enterprises 1..N (their codes replaced throughout).
    codes = {}
    for n, truth in enumerate(data.enterprises, start=1):
        codes[truth.credit_code] = demo_credit_code(n)
    for document in data.documents(intake=True):
        text = json.dumps(document, ensure_ascii=False)
        for old, new in codes.items():
            text = text.replace(old, new)
        document = json.loads(text)
        own = session.exec(
            select(Enterprise).where(
                Enterprise.credit_code == document["review_body"]["credit_code"]
            )
        ).one()
        document["review_body"]["name"] = own.name
        document["review_body"]["industry_cluster"] = own.industry_cluster
        filings.receive_filing(
            session,
            document=document,
            source_enterprise_id=own.id,
            actor=None,
            settings=settings,
            today=date(2026, 11, 30),
        )
    _registries(session, data, codes)
    run = service.create_run(session, actor=None, data=AuditRunCreate(period=DEMO_PERIOD))
    flows.execute_in_session(session, run.id or 0)


def _registries(session: Session, data: object, codes: dict[str, str]) -> None:
    employment = data.employment  # type: ignore[attr-defined]
    education = data.education  # type: ignore[attr-defined]
    for kind, rows in (("employment", employment), ("education", education)):
        batch = RegistryImport(
            kind=kind,
            filename=f"demo-{kind}.csv",
            as_of=date(2026, 11, 30),
            row_count=len(rows),
            content_digest="demo",
        )
        session.add(batch)
        session.flush()
        if kind == "employment":
            session.add_all(
                EmploymentRegistryRow(
                    import_id=batch.id or 0,
                    person_key=r["person_key"],
                    employer_credit_code=codes.get(
                        r["employer_credit_code"], r["employer_credit_code"]
                    ),
                    start=date.fromisoformat(str(r["start"])),
                    end=None if r["end"] is None else date.fromisoformat(str(r["end"])),
                )
                for r in rows
            )
        else:
            session.add_all(
                EducationRegistryRow(
                    import_id=batch.id or 0,
                    person_key=r["person_key"],
                    education=str(r["education"]),
                    institution=r["institution"],
                    year=int(r["year"]),
                )
                for r in rows
            )
        session.flush()
        record(session, actor=None, action="registry.import", subject=batch, detail={"demo": True})
