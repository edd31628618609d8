"""``rule.concurrent_applications``: the same person holding two live applications at once in
one review body: two applications on the same track in the same period, for different levels
or series, or in sessions held the same day. (Two review bodies in one period are
``rule.multiple_enterprises``; applying again after a rejection, in a later session for the
same level, is not concurrent.)"""

from __future__ import annotations

from typing import Literal

import numpy as np

from audit.dataset import AuditDataset
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import RULE_BANDS, Context, Refs, Signal, applicant, groups_of, rule_flag
from standards.levels import level_name

INFO = SignalInfo(
    "rule.concurrent_applications",
    "同一人同时持有两份在审申报",
    "same person holding two live applications at once",
    "rule",
    "application",
    "medium",
)
REASON = "申报人{person}在{period}期间同时有{n}份在审申报：{what}"
REASON_EN = "applicant {person} held {n} live applications at once in {period}: {what}"


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """Applications of one person that were live at the same time in one review body."""
    refs = Refs(ds)
    rows = np.flatnonzero(ds.app_person >= 0)
    s = ds.app_session[rows]
    _, period = np.unique(ds.session_period.astype(str), return_inverse=True)
    track = (ds.session_track[s] == "skill").astype(np.int64)
    n_e = max(len(ds.enterprise_code), 1)
    n_p = int(period.max()) + 1 if len(period) else 1
    keys = ((ds.app_person[rows] * n_p + period[s]) * 2 + track) * n_e + ds.session_enterprise[s]
    out: list[Flag] = []
    for group in groups_of(keys, rows):
        apps = group.tolist()
        concurrent: set[int] = set()
        for i, a in enumerate(apps):
            for b in apps[i + 1 :]:
                sa, sb = int(ds.app_session[a]), int(ds.app_session[b])
                differ = (ds.session_level[sa], ds.session_series[sa]) != (
                    ds.session_level[sb],
                    ds.session_series[sb],
                )
                if differ or ds.session_held_on[sa] == ds.session_held_on[sb]:
                    concurrent.update((a, b))
        if not concurrent:
            continue
        live = sorted(concurrent, key=refs.record)
        records = [refs.record(a) for a in live]

        def described(a: int, lang: Literal["zh", "en"]) -> str:
            sa = int(ds.app_session[a])
            level = level_name(str(ds.session_track[sa]), str(ds.session_level[sa]), lang)
            return f"{refs.record(a)} {ds.session_series[sa]} {level} {ds.session_held_on[sa]}"

        period_text = str(ds.session_period[ds.app_session[live[0]]])
        for a in live:
            values = {"period": period_text, "n": len(live)}
            out.append(
                rule_flag(
                    INFO,
                    refs.application(a),
                    observed=float(len(live)),
                    expected=1.0,
                    n=len(live),
                    statistic="live applications",
                    statistic_value=float(len(live)),
                    records=records,
                    reason=REASON.format(
                        **values,
                        person=applicant(ds, a),
                        what="；".join(described(x, "zh") for x in live),
                    ),
                    reason_en=REASON_EN.format(
                        **values,
                        person=applicant(ds, a, "en"),
                        what="; ".join(described(x, "en") for x in live),
                    ),
                )
            )
    return out


SIGNAL = Signal(INFO, "rules.session_and_identity", RULE_BANDS, REASON, REASON_EN, detect)
