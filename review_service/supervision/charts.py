"""The numbers behind the regulator's charts: a body's score distribution against the pass
line (the bunching signal made visible), the grade map of a run, a body's risk evidence over
runs, and the overview of what came in, what was audited and what is open.

Every chart reads what an audit run read or stored, so what it shows is what the run judged:
the score distribution comes from the run's filings and the bunching test exactly as the
signal applies it (``audit.statistics.threshold_bunching``); grades and evidence are the
run's stored ``QualityGrade`` rows, banded by ``audit.grading.GRADE_BOUNDS``."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
from sqlmodel import Session, col, func, select

from audit import statistics
from audit.dataset import AuditDataset
from audit.grading import GRADE_BOUNDS, GRADES
from audit.signals.base import AuditSettings
from review_service.db import utcnow
from review_service.enterprises.models import Enterprise
from review_service.errors import FieldProblem, NotFound
from review_service.filings import service as filings
from review_service.supervision import service
from review_service.supervision.models import AuditRun, Case, Flag, QualityGrade
from review_service.supervision.schemas import (
    AuditRunPublic,
    ClusterGrades,
    CountByKey,
    FilingCount,
    GradeBound,
    GradeCell,
    GradeMapPublic,
    OverviewPublic,
    RiskHistoryPublic,
    RiskPoint,
    RunStatus,
    ScoreBin,
    ScoreDistributionPublic,
)
from review_service.tenancy import TenantScope

# Histogram bins of one point: fine enough to show a window of a few points above the line.
BIN_WIDTH = 1.0
BUNCHING_SIGNAL = "stat.threshold_bunching"
ENTERPRISE = ("企业", "enterprise")


def grade_bounds() -> list[GradeBound]:
    """The grade bands of risk evidence, from the grading's own cut-offs."""
    lowers = [0.0] + [upper for _, upper in GRADE_BOUNDS]
    uppers: list[float | None] = [upper for _, upper in GRADE_BOUNDS]
    return [
        GradeBound(grade=g, lower=lo, upper=hi)
        for g, lo, hi in zip(GRADES, lowers, [*uppers, None], strict=True)
    ]


# --- score distribution ----------------------------------------------------------------------


def score_distribution(
    session: Session, *, scope: TenantScope, run_id: int, credit_code: str
) -> ScoreDistributionPublic:
    run = service.view_run(session, scope=scope, run_id=run_id)
    ds = AuditDataset.from_documents(
        filings.iter_documents(
            session,
            period=run.period,
            enterprise_ids=service.scope_enterprise_ids(session, run=run),
        )
    )
    codes = ds.enterprise_code.astype(str)
    body = np.flatnonzero(codes == credit_code)
    if body.size == 0:
        raise _no_filings(credit_code)
    ent = int(body[0])
    app_ent = ds.session_enterprise[ds.app_session]
    cluster = str(ds.enterprise_cluster[ent])
    pass_scores = ds.standard_pass_score[ds.session_standard[ds.app_session]]
    margin = ds.app_final_score - pass_scores
    scored = np.isfinite(margin)
    mine = scored & (app_ent == ent)
    peers = scored & (app_ent != ent) & (ds.enterprise_cluster[app_ent].astype(str) == cluster)
    if not mine.any():
        raise _no_filings(credit_code)

    shown = margin[mine | peers]
    lo = math.floor(float(shown.min()) / BIN_WIDTH) * BIN_WIDTH
    hi = math.floor(float(shown.max()) / BIN_WIDTH) * BIN_WIDTH + BIN_WIDTH
    edges = np.arange(lo, hi + BIN_WIDTH / 2, BIN_WIDTH)
    counts, _ = np.histogram(margin[mine], bins=edges)
    peer_counts, _ = np.histogram(margin[peers], bins=edges)
    peer_n = int(peers.sum())
    shares = peer_counts / peer_n if peer_n else np.zeros_like(peer_counts, dtype=float)

    # The bunching test exactly as the signal runs it: one group per body of the period.
    widths = AuditSettings().bunching_widths
    test = next(
        (
            t
            for t in statistics.threshold_bunching(
                ds.app_final_score, pass_scores, codes[app_ent], width=widths, min_n=1
            )
            if t.group == credit_code
        ),
        None,
    )
    body_pass = np.unique(pass_scores[app_ent == ent])
    enterprise_id = session.exec(
        select(Enterprise.id).where(Enterprise.credit_code == credit_code)
    ).first()
    flag_id = session.exec(
        select(Flag.id).where(
            Flag.run_id == run_id, Flag.signal == BUNCHING_SIGNAL, Flag.credit_code == credit_code
        )
    ).first()
    return ScoreDistributionPublic(
        run_id=run_id,
        period=run.period,
        credit_code=credit_code,
        enterprise_id=enterprise_id,
        name=str(ds.enterprise_name[ent]),
        cluster=cluster,
        pass_score=float(body_pass[0]) if body_pass.size == 1 else None,
        bin_width=BIN_WIDTH,
        bins=[
            ScoreBin(lower=float(e), count=int(c), peer_share=float(s))
            for e, c, s in zip(edges[:-1], counts, shares, strict=True)
        ],
        n=int(mine.sum()),
        peer_n=peer_n,
        peer_bodies=int(np.unique(app_ent[peers]).size),
        # On a lattice of coarse scores the test widens its window (see the statistics).
        window=float(test.details["width"]) if test else widths[0],
        just_above=int(test.details["just_above"]) if test else None,
        just_below=int(test.details["just_below"]) if test else None,
        expected_share=test.expected if test else None,
        p_value=test.p_value if test else None,
        flag_id=flag_id,
    )


def _no_filings(credit_code: str) -> NotFound:
    err = NotFound("评审主体", "review body", credit_code)
    err.details = [
        FieldProblem(
            "credit_code",
            "本次核查没有该评审主体的评分记录",
            "the run read no scored applications of this review body",
        )
    ]
    return err


# --- grades ----------------------------------------------------------------------------------


def grade_map(session: Session, *, scope: TenantScope, run_id: int) -> GradeMapPublic:
    """Every body the run graded, with its name, cluster and kind (from the register, or from
    its filings when it is not registered here), riskiest first within each cluster."""
    run = service.view_run(session, scope=scope, run_id=run_id)
    cells = _cells(session, scope=scope, grades=service.run_grades(session, run_id=run_id))
    return GradeMapPublic(
        run_id=run_id,
        period=run.period,
        clusters=sorted({c.cluster for c in cells}),
        cells=sorted(cells, key=lambda c: (c.cluster, -c.evidence, c.credit_code)),
        bounds=grade_bounds(),
    )


def _cells(session: Session, *, scope: TenantScope, grades: list[QualityGrade]) -> list[GradeCell]:
    ids = {g.enterprise_id for g in grades if g.enterprise_id is not None}
    registered = {
        e.id: e
        for e in session.exec(select(Enterprise).where(col(Enterprise.id).in_(sorted(ids)))).all()
    }
    outside = filings.review_bodies(
        session,
        scope=scope,
        credit_codes={g.credit_code for g in grades if g.enterprise_id not in registered},
    )
    cells = []
    for g in grades:
        e = registered.get(g.enterprise_id or 0)
        name, cluster, kind = (
            (e.name, e.industry_cluster, e.review_body_kind)
            if e
            else outside.get(g.credit_code, (g.credit_code, "other", "enterprise"))
        )
        cells.append(
            GradeCell(
                enterprise_id=g.enterprise_id,
                credit_code=g.credit_code,
                name=name,
                cluster=cluster,
                body_kind=kind,
                grade=g.grade,
                evidence=g.risk_score,
                flag_count=g.flag_count,
                application_count=g.application_count,
            )
        )
    return cells


def risk_history(session: Session, *, scope: TenantScope, enterprise_id: int) -> RiskHistoryPublic:
    """The body's grade and evidence in each finished run that graded it, oldest first."""
    scope.require_supervision(ENTERPRISE, enterprise_id)
    enterprise = scope.get(session, Enterprise, enterprise_id, ENTERPRISE)
    rows = session.exec(
        select(QualityGrade, AuditRun)
        .join(AuditRun, col(AuditRun.id) == QualityGrade.run_id)
        .where(
            AuditRun.status == RunStatus.finished.value,
            (col(QualityGrade.enterprise_id) == enterprise_id)
            | (col(QualityGrade.credit_code) == enterprise.credit_code),
        )
        .order_by(col(AuditRun.finished_at), col(AuditRun.id))
    ).all()
    return RiskHistoryPublic(
        enterprise_id=enterprise_id,
        credit_code=enterprise.credit_code,
        points=[
            RiskPoint(
                run_id=run.id or 0,
                period=run.period,
                finished_at=run.finished_at,
                grade=grade.grade,
                evidence=grade.risk_score,
            )
            for grade, run in rows
        ],
        bounds=grade_bounds(),
    )


# --- overview --------------------------------------------------------------------------------


def overview(session: Session, *, scope: TenantScope) -> OverviewPublic:
    scope.require_supervision(("概览", "overview"), "supervision")
    received = filings.counts_by_period_and_kind(session, scope=scope)
    service.reap_stale_runs(session, now=utcnow())
    runs = session.exec(select(func.count()).select_from(AuditRun)).one()
    latest = session.exec(select(AuditRun).order_by(col(AuditRun.id).desc())).first()
    finished = session.exec(
        select(AuditRun)
        .where(AuditRun.status == RunStatus.finished.value)
        .order_by(col(AuditRun.id).desc())
    ).first()
    cases = session.exec(
        select(Case.status, func.count()).group_by(col(Case.status)).order_by(col(Case.status))
    ).all()
    by_cluster: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(GRADES, 0))
    if finished is not None:
        grades = service.run_grades(session, run_id=finished.id or 0)
        for cell in _cells(session, scope=scope, grades=grades):
            by_cluster[cell.cluster][cell.grade] += 1
    return OverviewPublic(
        filing_count=sum(n for _, _, n in received),
        filings=[FilingCount(period=p, body_kind=k, count=n) for p, k, n in received],
        run_count=runs,
        latest_run=AuditRunPublic(**latest.model_dump()) if latest else None,
        latest_finished_run=AuditRunPublic(**finished.model_dump()) if finished else None,
        cases_by_status=[CountByKey(key=status, count=n) for status, n in cases],
        grades_by_cluster=[
            ClusterGrades(cluster=c, counts=counts) for c, counts in sorted(by_cluster.items())
        ],
    )
