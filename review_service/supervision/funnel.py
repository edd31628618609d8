"""The funnel plot of pass rates of one peer group, as the audit run saw it: every review
body of the group as a point and the over-dispersed control limits around the group rate,
computed from the filings the run read (``audit.statistics.funnel_pass_rates``, the test
the pass-rate signal applies)."""

from __future__ import annotations

import numpy as np
from sqlmodel import Session, col, select

from audit import statistics
from audit.dataset import AuditDataset
from review_service.enterprises.models import Enterprise
from review_service.errors import FieldProblem, NotFound
from review_service.filings import service as filings
from review_service.supervision import service
from review_service.supervision.schemas import FunnelCurve, FunnelPoint, FunnelPublic
from review_service.tenancy import TenantScope

# The limits are drawn at this many sizes between 1 and the largest body (a smooth curve).
CURVE_POINTS = 60


def funnel(
    session: Session, *, scope: TenantScope, run_id: int, cluster: str, track: str, level: str
) -> FunnelPublic:
    run = service.view_run(session, scope=scope, run_id=run_id)
    ids = service.scope_enterprise_ids(session, run=run)
    ds = AuditDataset.from_documents(
        filings.iter_documents(session, period=run.period, enterprise_ids=ids)
    )
    track_level = f"{track}:{level}"
    if ds.n_sessions == 0:
        raise _no_group(cluster, track_level)
    # Units and peer groups exactly as the pass-rate signal forms them.
    s = ds.app_session
    clusters = ds.enterprise_cluster[ds.session_enterprise].astype(str)
    levels = np.char.add(
        ds.session_track.astype(str), np.char.add(":", ds.session_level.astype(str))
    )
    period = ds.session_period.astype(str)
    unit_key = np.char.add(
        np.char.add(ds.enterprise_code[ds.session_enterprise].astype(str), "|"),
        np.char.add(np.char.add(period, "|"), levels),
    )
    units, session_unit = np.unique(unit_key, return_inverse=True)
    app_unit = session_unit[s]
    n = np.bincount(app_unit, minlength=len(units))
    passed = np.bincount(app_unit[ds.app_approved], minlength=len(units))
    first = np.zeros(len(units), dtype=np.int64)
    first[session_unit[::-1]] = np.arange(len(session_unit))[::-1]
    peers = np.char.add(np.char.add(clusters, "|"), np.char.add(np.char.add(period, "|"), levels))
    broad = np.char.add(np.char.add(period, "|"), levels)[first]
    results = statistics.funnel_pass_rates(passed, n, peers[first], broad)
    asked = [
        r
        for r in results
        if clusters[first[r.unit]] == cluster and levels[first[r.unit]] == track_level
    ]
    if not asked:
        raise _no_group(cluster, track_level)
    group = asked[0].peer_group
    members = [r for r in results if r.peer_group == group]
    total_n = sum(r.n for r in members)
    rate = sum(r.passed for r in members) / total_n
    phi = members[0].phi
    codes = [str(ds.enterprise_code[ds.session_enterprise[first[r.unit]]]) for r in members]
    known = dict(
        session.exec(
            select(Enterprise.credit_code, Enterprise.id).where(
                col(Enterprise.credit_code).in_(codes)
            )
        ).all()
    )
    sizes = np.unique(np.geomspace(1, max(r.n for r in members), CURVE_POINTS).round())
    lo95, hi95, lo998, hi998 = statistics.funnel_limits(rate, phi, sizes)
    return FunnelPublic(
        run_id=run_id,
        period=run.period,
        cluster=cluster,
        track=track,
        level=level,
        # A cluster with few bodies is compared with the same level in every cluster.
        all_clusters=str(group).startswith("*"),
        group_rate=rate,
        phi=phi,
        points=[
            FunnelPoint(
                credit_code=code,
                enterprise_id=known.get(code),
                name=str(ds.enterprise_name[ds.session_enterprise[first[r.unit]]]),
                cluster=str(clusters[first[r.unit]]),
                n=r.n,
                passed=r.passed,
                rate=r.rate,
                p_value=r.p_value,
                band=r.band,
            )
            for code, r in zip(codes, members, strict=True)
        ],
        curve=[
            FunnelCurve(n=int(k), lower_95=a, upper_95=b, lower_998=c, upper_998=d)
            for k, a, b, c, d in zip(
                sizes.tolist(),
                lo95.tolist(),
                hi95.tolist(),
                lo998.tolist(),
                hi998.tolist(),
                strict=True,
            )
        ],
    )


def _no_group(cluster: str, track_level: str) -> NotFound:
    err = NotFound("同业组", "peer group", f"{cluster}/{track_level}")
    err.details = [
        FieldProblem(
            "cluster",
            f"本次核查没有{cluster}行业{track_level}的评审备案",
            f"the run read no filings of {track_level} in cluster {cluster}",
        )
    ]
    return err
