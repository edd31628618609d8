"""``rule.final_score_mismatch``: the reported final score is not the mean of the members'
totals."""

from __future__ import annotations

import math

import numpy as np

from audit.dataset import AuditDataset
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import RULE_BANDS, Context, Refs, Signal, applicant, rule_flag

INFO = SignalInfo(
    "rule.final_score_mismatch",
    "报送的最终得分与评委评分不符",
    "reported final score differs from the members' scores",
    "rule",
    "application",
    "medium",
)
REASON = "申报{application}（申报人{applicant}）报送最终得分{reported:.2f}，而{members}名评委总分的平均为{mean}"
REASON_EN = (
    "application {application} (applicant {applicant}): reported final score {reported:.2f}, the mean of {members} "
    "member totals is {mean}"
)


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """Reported final scores that are not the mean of the members' totals."""
    tolerance = context.settings.rules.final_score_tolerance
    refs = Refs(ds)
    apps = features.applications
    reported = ds.app_final_score
    with np.errstate(invalid="ignore"):
        off = np.isfinite(reported) & ~(np.abs(reported - apps.final_score) <= tolerance)
    out: list[Flag] = []
    for a in np.flatnonzero(off).tolist():
        computed = float(apps.final_score[a])
        shown = "无评分" if math.isnan(computed) else f"{computed:.2f}"
        shown_en = "no scores" if math.isnan(computed) else f"{computed:.2f}"
        values = {
            "application": refs.app_ref(a),
            "reported": float(reported[a]),
            "members": int(apps.n_scores[a]),
        }
        out.append(
            rule_flag(
                INFO,
                refs.application(a),
                observed=float(reported[a]),
                expected=computed,
                n=int(apps.n_scores[a]),
                statistic="|reported - mean of member totals|",
                statistic_value=abs(float(reported[a]) - computed),
                records=[refs.record(a)],
                reason=REASON.format(**values, applicant=applicant(ds, a), mean=shown),
                reason_en=REASON_EN.format(
                    **values, applicant=applicant(ds, a, "en"), mean=shown_en
                ),
            )
        )
    return out


SIGNAL = Signal(INFO, "rules.decision", RULE_BANDS, REASON, REASON_EN, detect)
