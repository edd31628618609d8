"""``rule.exceptional_overuse``: too many exceptional-track (破格) applications in a session.

Two cases, and the reason says which:

- the standard sets ``exceptional.max_share``: the session broke its own standard when its
  exceptional applications exceed that share (band ``certain``);
- the standard sets none: there is no limit to break, so the count is tested against the
  regulator's reference share (settings ``rules.exceptional_max_share``) with a one-sided
  binomial test, flagged at p < 0.05 (alert) or p < 0.002 (alarm).

Either way at least ``rules.exceptional_min_count`` exceptional applications are needed: one
exceptional application in a session of 8 is 12.5% of a small number, not overuse.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from audit.dataset import AuditDataset
from audit.features import Features
from audit.flags import Flag, FlagBand, Severity, SignalInfo, make_flag
from audit.signals.base import Context, Refs, Signal, fmt_p

INFO = SignalInfo(
    "rule.exceptional_overuse",
    "破格比例超限",
    "exceptional track overused",
    "rule",
    "session",
    "medium",
)
BANDS = (
    "certain: above the standard's own exceptional.max_share; alarm (p < 0.002) / alert "
    "(p < 0.05): above the regulator's reference share when the standard sets none "
    "(one-sided binomial)"
)
REASON = "本批次{n}件申报中破格申报{k}件（{share:.0%}），{against}"
REASON_EN = (
    "{k} of {n} applications in the session on the exceptional track ({share:.0%}), {against}"
)
AGAINST_STANDARD = "超过评价标准“{standard}”规定的破格比例上限{limit:.0%}（最多{allowed}件）"
AGAINST_STANDARD_EN = (
    "above the cap of {limit:.0%} (at most {allowed}) that the standard '{standard}' sets"
)
AGAINST_REFERENCE = (
    "评价标准“{standard}”未规定破格比例上限；按监管参考比例{limit:.0%}预期约{expected:.1f}件，"
    "显著偏多（单侧二项检验 p={p}）"
)
AGAINST_REFERENCE_EN = (
    "the standard '{standard}' sets no cap; at the regulator's reference share of {limit:.0%} "
    "about {expected:.1f} would be expected (one-sided binomial p={p})"
)

# Shares such as 1/10 against a 10% cap are compared with this much slack.
_SLACK = 1e-9


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """Sessions with more exceptional-track applications than their standard allows, or,
    where it sets no cap, significantly more than the reference share."""
    rules = context.settings.rules
    refs = Refs(ds)
    sessions = features.sessions
    caps = [s.exceptional.max_share if s.exceptional is not None else None for s in ds.standards]
    out: list[Flag] = []
    candidates = (sessions.exceptional >= max(1, rules.exceptional_min_count)) & (
        sessions.exceptional_share > 0
    )
    for s in np.flatnonzero(candidates).tolist():
        standard = ds.standards[int(ds.session_standard[s])]
        cap = caps[int(ds.session_standard[s])]
        k, n = int(sessions.exceptional[s]), int(sessions.n_applications[s])
        share = float(sessions.exceptional_share[s])
        p_value: float | None = None
        band: FlagBand
        severity: Severity
        if cap is not None:
            if share <= cap + _SLACK:
                continue
            limit, band, severity = float(cap), "certain", INFO.severity
            allowed = int(np.floor(cap * n + _SLACK))
            against = AGAINST_STANDARD.format(standard=standard.name, limit=limit, allowed=allowed)
            against_en = AGAINST_STANDARD_EN.format(
                standard=standard.name_en, limit=limit, allowed=allowed
            )
            source = "standard"
        else:
            limit = float(rules.exceptional_max_share)
            if share <= limit + _SLACK:
                continue
            p_value = float(stats.binom.sf(k - 1, n, limit))
            if p_value >= 0.05:
                continue
            band = "alarm" if p_value < 0.002 else "alert"
            severity = INFO.severity if band == "alarm" else "low"
            values = {"limit": limit, "expected": n * limit, "p": fmt_p(p_value)}
            against = AGAINST_REFERENCE.format(standard=standard.name, **values)
            against_en = AGAINST_REFERENCE_EN.format(standard=standard.name_en, **values)
            source = "reference"
        apps = np.flatnonzero((ds.app_session == s) & ds.app_exceptional)
        out.append(
            make_flag(
                INFO.code,
                scope=INFO.scope,
                severity=severity,
                band=band,
                p_value=p_value,
                **refs.session(s),
                observed=share,
                expected=limit,
                n=n,
                statistic="exceptional applications",
                statistic_value=float(k),
                records=[refs.record(int(a)) for a in apps],
                reason=REASON.format(n=n, k=k, share=share, against=against),
                reason_en=REASON_EN.format(n=n, k=k, share=share, against=against_en),
                details={"cap_source": source, "exceptional": k},
            )
        )
    return out


SIGNAL = Signal(INFO, "rules.session_and_identity", BANDS, REASON, REASON_EN, detect)
