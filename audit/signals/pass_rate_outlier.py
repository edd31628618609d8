"""``stat.pass_rate_outlier``: approvals of a (review body, period, track, level) against peers
of the same industry cluster, period, track and level, on an over-dispersed funnel plot
(``audit.statistics.funnel_pass_rates``)."""

from __future__ import annotations

import numpy as np

from audit import statistics
from audit.dataset import AuditDataset
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import STAT_BANDS, Context, Signal, fmt_p, stat_flag

INFO = SignalInfo(
    "stat.pass_rate_outlier",
    "通过率显著高于同类单位",
    "pass rate far above peers",
    "statistic",
    "enterprise",
    "medium",
)
REASON = (
    "{period}期间{level}评审通过{passed}/{n}人（{rate:.0%}），同行业同等级单位通过率{peer:.0%}，"
    "收缩估计{shrunk:.0%}，超出漏斗图{limit}控制限（p={p}）"
)
REASON_EN = (
    "in {period}, {level}: {passed} of {n} approved ({rate:.0%}) against {peer:.0%} for peers "
    "of the same cluster and level (shrunk {shrunk:.0%}), beyond the {limit} funnel limit (p={p})"
)


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """Pass rates beyond the funnel limits of their peer group."""
    s = ds.app_session
    cluster = ds.enterprise_cluster[ds.session_enterprise].astype(str)
    level = np.char.add(
        ds.session_track.astype(str), np.char.add(":", ds.session_level.astype(str))
    )
    unit_key = np.char.add(
        np.char.add(ds.enterprise_code[ds.session_enterprise].astype(str), "|"),
        np.char.add(np.char.add(ds.session_period.astype(str), "|"), level),
    )
    units, session_unit = np.unique(unit_key, return_inverse=True)
    app_unit = session_unit[s]
    n = np.bincount(app_unit, minlength=len(units))
    passed = np.bincount(app_unit[ds.app_approved], minlength=len(units))
    peer_key = np.char.add(
        np.char.add(cluster, "|"),
        np.char.add(np.char.add(ds.session_period.astype(str), "|"), level),
    )
    first = np.zeros(len(units), dtype=np.int64)
    first[session_unit[::-1]] = np.arange(len(session_unit))[::-1]
    peers = peer_key[first]
    # A cluster with few review bodies falls back to the same level in every cluster.
    broad = np.char.add(np.char.add(ds.session_period.astype(str), "|"), level)[first]
    results = statistics.funnel_pass_rates(passed, n, peers, broad, flagged_only=True)
    out = []
    for r in results:
        u = int(r.unit)
        s0 = int(first[u])
        e = int(ds.session_enterprise[s0])
        sessions = np.flatnonzero(session_unit == u)
        level_text = f"{ds.session_track[s0]}:{ds.session_level[s0]}"
        values = {
            "period": ds.session_period[s0],
            "level": level_text,
            "passed": r.passed,
            "n": r.n,
            "rate": r.rate,
            "peer": r.peer_rate,
            "shrunk": r.shrunk_rate,
            "limit": "99.8%" if r.band == "alarm" else "95%",
            "p": fmt_p(r.p_value),
        }
        out.append(
            stat_flag(
                INFO,
                {
                    "enterprise_credit_code": str(ds.enterprise_code[e]),
                    "period": str(ds.session_period[s0]),
                },
                r,
                observed=r.rate,
                expected=r.peer_rate,
                n=r.n,
                statistic="z (over-dispersed funnel)",
                statistic_value=r.z,
                records=[str(x) for x in ds.session_filing_id[sessions]],
                reason=REASON.format(**values),
                reason_en=REASON_EN.format(**values),
                details={
                    "track_level": level_text,
                    "peer_group": str(r.peer_group),
                    "phi": r.phi,
                    "limits_95": list(r.limits_95),
                    "limits_998": list(r.limits_998),
                    "shrunk_rate": r.shrunk_rate,
                },
                key_extra=(level_text,),
            )
        )
    return out


SIGNAL = Signal(INFO, "statistics.outcomes", STAT_BANDS, REASON, REASON_EN, detect)
