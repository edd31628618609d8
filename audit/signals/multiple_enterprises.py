"""``rule.multiple_enterprises``: the same person applying through several enterprises in one
period."""

from __future__ import annotations

import numpy as np

from audit.dataset import AuditDataset
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import RULE_BANDS, Context, Refs, Signal, applicant, groups_of, rule_flag

INFO = SignalInfo(
    "rule.multiple_enterprises",
    "同一人同期在多家单位申报",
    "same person applying in several enterprises in one period",
    "rule",
    "application",
    "medium",
)
REASON = "申报人{person}在{period}期间通过{n}家单位申报：{codes}"
REASON_EN = "applicant {person} applied through {n} enterprises in {period}: {codes}"


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """The same person applying through two or more enterprises in the same period."""
    refs = Refs(ds)
    rows = np.flatnonzero(ds.app_person >= 0)
    periods, period_code = np.unique(ds.session_period.astype(str), return_inverse=True)
    keys = ds.app_person[rows] * len(periods) + period_code[ds.app_session[rows]]
    out: list[Flag] = []
    for group in groups_of(keys, rows):
        enterprises = ds.session_enterprise[ds.app_session[group]]
        distinct = np.unique(enterprises)
        if len(distinct) < 2:
            continue
        records = [refs.record(int(a)) for a in group]
        codes = [str(c) for c in ds.enterprise_code[distinct]]
        period = str(ds.session_period[ds.app_session[group[0]]])
        for a in group.tolist():
            values = {"period": period, "n": len(distinct)}
            out.append(
                rule_flag(
                    INFO,
                    refs.application(a),
                    observed=float(len(distinct)),
                    expected=1.0,
                    n=len(group),
                    statistic="enterprises in the period",
                    statistic_value=float(len(distinct)),
                    records=records,
                    reason=REASON.format(**values, person=applicant(ds, a), codes="、".join(codes)),
                    reason_en=REASON_EN.format(
                        **values, person=applicant(ds, a, "en"), codes=", ".join(codes)
                    ),
                    details={"enterprises": codes},
                )
            )
    return out


SIGNAL = Signal(INFO, "rules.session_and_identity", RULE_BANDS, REASON, REASON_EN, detect)
