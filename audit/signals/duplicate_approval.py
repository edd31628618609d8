"""``rule.duplicate_approval``: the same person approved twice for the same track and level."""

from __future__ import annotations

import numpy as np

from audit.dataset import AuditDataset
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import RULE_BANDS, Context, Refs, Signal, applicant, groups_of, rule_flag
from standards.levels import level_name

INFO = SignalInfo(
    "rule.duplicate_approval",
    "同一人重复通过同一等级",
    "same person approved twice for a level",
    "rule",
    "application",
    "high",
)
REASON = "申报人{person}已{times}次通过{level}评审，另见{others}"
REASON_EN = "applicant {person} was approved {times} times for {level}; see also {others}"


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """The same person approved more than once for the same track and level."""
    refs = Refs(ds)
    rows = np.flatnonzero(ds.app_approved & (ds.app_person >= 0))
    s = ds.app_session[rows]
    track = (ds.session_track[s] == "skill").astype(np.int64)
    keys = (ds.app_person[rows] * 2 + track) * 16 + ds.session_rank[s]
    out: list[Flag] = []
    for group in groups_of(keys, rows):
        records = [refs.record(int(a)) for a in group]
        s0 = int(ds.app_session[group[0]])
        level = level_name(str(ds.session_track[s0]), str(ds.session_level[s0]))
        level_en = level_name(str(ds.session_track[s0]), str(ds.session_level[s0]), "en")
        for a in group.tolist():
            others = [r for r in records if r != refs.record(a)]
            out.append(
                rule_flag(
                    INFO,
                    refs.application(a),
                    observed=float(len(group)),
                    expected=1.0,
                    n=len(group),
                    statistic="approvals for this level",
                    statistic_value=float(len(group)),
                    records=records,
                    reason=REASON.format(
                        person=applicant(ds, a),
                        times=len(group),
                        level=level,
                        others="、".join(others),
                    ),
                    reason_en=REASON_EN.format(
                        person=applicant(ds, a, "en"),
                        times=len(group),
                        level=level_en,
                        others=", ".join(others),
                    ),
                    details={"person_key": str(ds.person_keys[ds.app_person[a]])},
                )
            )
    return out


SIGNAL = Signal(INFO, "rules.session_and_identity", RULE_BANDS, REASON, REASON_EN, detect)
