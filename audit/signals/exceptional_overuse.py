"""``rule.exceptional_overuse``: the share of exceptional-track applications of a session
above the standard's ``exceptional.max_share`` (or the default)."""

from __future__ import annotations

import numpy as np

from audit.dataset import AuditDataset, FloatArray
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import RULE_BANDS, Context, Refs, Signal, rule_flag

INFO = SignalInfo(
    "rule.exceptional_overuse",
    "破格比例超限",
    "exceptional track overused",
    "rule",
    "session",
    "medium",
)
REASON = "本批次{n}件申报中破格申报{k}件（{share:.0%}），超过上限{limit:.0%}"
REASON_EN = (
    "{k} of {n} applications in the session on the exceptional track ({share:.0%}), above "
    "the maximum {limit:.0%}"
)

# Shares such as 1/10 against a 10% cap are compared with this much slack.
_SLACK = 1e-9


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """Sessions whose share of exceptional-track applications exceeds the standard's maximum
    (or the default when the standard sets none)."""
    default_max_share = context.settings.rules.exceptional_max_share
    refs = Refs(ds)
    sessions = features.sessions
    limits: FloatArray = np.array(
        [
            s.exceptional.max_share
            if s.exceptional is not None and s.exceptional.max_share is not None
            else default_max_share
            for s in ds.standards
        ]
    )[ds.session_standard]
    over = (sessions.exceptional > 0) & (sessions.exceptional_share > limits + _SLACK)
    out: list[Flag] = []
    for s in np.flatnonzero(over).tolist():
        apps = np.flatnonzero((ds.app_session == s) & ds.app_exceptional)
        k, n = int(sessions.exceptional[s]), int(sessions.n_applications[s])
        share, limit = float(sessions.exceptional_share[s]), float(limits[s])
        values = {"n": n, "k": k, "share": share, "limit": limit}
        out.append(
            rule_flag(
                INFO,
                refs.session(s),
                observed=share,
                expected=limit,
                n=n,
                statistic="exceptional applications",
                statistic_value=float(k),
                records=[refs.record(int(a)) for a in apps],
                reason=REASON.format(**values),
                reason_en=REASON_EN.format(**values),
            )
        )
    return out


SIGNAL = Signal(INFO, "rules.session_and_identity", RULE_BANDS, REASON, REASON_EN, detect)
