"""``stat.rubber_stamp``: a session whose applications show no spread among member totals and
a unanimous vote more often than the population (``audit.statistics.rubber_stamp``)."""

from __future__ import annotations

import numpy as np

from audit import statistics
from audit.dataset import AuditDataset
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import (
    STAT_BANDS,
    Context,
    Refs,
    Signal,
    fmt_p,
    null_en,
    null_zh,
    stat_flag,
)

INFO = SignalInfo(
    "stat.rubber_stamp",
    "评分无差异、表决全票（走过场）",
    "rubber-stamp panel: no spread, unanimous",
    "statistic",
    "session",
    "medium",
)
REASON = (
    "本批次{n}件申报中{stamped}件（{observed:.0%}）评委总分标准差不超过{threshold:.2f}且表决全票一致，"
    "全体中该比例为{expected:.0%}（单侧{test}检验 p={p}）"
)
REASON_EN = (
    "{stamped} of {n} applications ({observed:.0%}) had member totals with SD at most "
    "{threshold:.2f} and a unanimous vote, against {expected:.0%} in the population (one-sided "
    "{test} test p={p})"
)


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """Sessions with too many no-spread, unanimous applications."""
    apps = features.applications
    refs = Refs(ds)
    # Honest spread depends on the standard and the panel size: judged within both.
    stratum = (ds.session_standard.astype(np.int64) * 1000 + features.sessions.panel_size)[
        ds.app_session
    ]
    results = statistics.rubber_stamp(
        apps.spread,
        apps.unanimous,
        ds.app_session,
        stratum,
        min_n=context.settings.rubber_stamp_min_n,
        flagged_only=True,
    )
    out = []
    for t in results:
        s = int(t.group)
        values = {
            "n": t.n,
            "stamped": t.details.get("stamped", 0),
            "observed": t.observed,
            "threshold": float(t.details.get("spread_threshold", float("nan"))),
            "expected": t.expected,
            "p": fmt_p(t.p_value),
        }
        out.append(
            stat_flag(
                INFO,
                refs.session(s),
                t,
                observed=t.observed,
                expected=t.expected,
                n=t.n,
                statistic=t.statistic_name or "z",
                statistic_value=t.statistic,
                records=[str(ds.session_filing_id[s])],
                reason=REASON.format(**values, test=null_zh(t.statistic_name)),
                reason_en=REASON_EN.format(**values, test=null_en(t.statistic_name)),
                details=t.details,
            )
        )
    return out


SIGNAL = Signal(INFO, "statistics.scoring", STAT_BANDS, REASON, REASON_EN, detect)
