"""A regulator's case on a flag, built directly (running a whole audit is not the point)."""

from __future__ import annotations

import itertools

from sqlmodel import Session

from review_service.supervision.models import AuditRun, Case, Flag
from tests.review_service.reviews.flow import Flow

_seq = itertools.count(1)


def add_case(flow: Flow, *, tenant: str, status: str) -> int:
    enterprise = getattr(flow.world, tenant).enterprise
    n = next(_seq)
    with Session(flow.engine) as s:
        run = AuditRun(period="2026", scope_kind="all", status="finished")
        s.add(run)
        s.flush()
        flag = Flag(
            run_id=run.id or 0,
            key=f"k{n}",
            signal="eligibility.unmet_requirement",
            kind="rule",
            scope="application",
            severity="high",
            band="certain",
            enterprise_id=enterprise.id,
            credit_code=enterprise.credit_code,
            reason="不符合申报条件却通过",
            reason_en="approved although ineligible",
        )
        s.add(flag)
        s.flush()
        case = Case(
            flag_key=f"k{n}",
            flag_id=flag.id or 0,
            signal=flag.signal,
            enterprise_id=enterprise.id,
            credit_code=enterprise.credit_code,
            status=status,
        )
        s.add(case)
        s.commit()
        return case.id or 0
