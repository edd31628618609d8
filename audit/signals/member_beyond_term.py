"""``rule.member_beyond_term``: a panel member who sat after their term in the expert pool
ended (a term lasts at most three years; contract 1.1 ``term_end``)."""

from __future__ import annotations

import numpy as np

from audit.dataset import AuditDataset
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import RULE_BANDS, Context, Refs, Signal, rule_flag

INFO = SignalInfo(
    "rule.member_beyond_term",
    "评委聘期届满后仍参加评审",
    "member sat after their term ended",
    "rule",
    "member",
    "medium",
)
REASON = "评委{member}的专家聘期于{term_end}届满，{held_on}仍参加评审（超出{days}天）"
REASON_EN = (
    "member {member}'s term in the expert pool ended on {term_end}; they sat on {held_on} "
    "({days} days later)"
)


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    refs = Refs(ds)
    held = ds.session_held_on[ds.member_session]
    ended = ~np.isnat(ds.member_term_end)
    late = np.flatnonzero(ended & (held > np.where(ended, ds.member_term_end, held)))
    out: list[Flag] = []
    for m in late.tolist():
        s = int(ds.member_session[m])
        days = int((ds.session_held_on[s] - ds.member_term_end[m]).astype(np.int64))
        values = {
            "member": str(ds.member_id[m]),
            "term_end": str(ds.member_term_end[m]),
            "held_on": str(ds.session_held_on[s]),
            "days": days,
        }
        out.append(
            rule_flag(
                INFO,
                refs.member(m),
                observed=float(days),
                expected=0.0,
                statistic="days after the term ended",
                statistic_value=float(days),
                reason=REASON.format(**values),
                reason_en=REASON_EN.format(**values),
            )
        )
    return out


SIGNAL = Signal(INFO, "rules.session_and_identity", RULE_BANDS, REASON, REASON_EN, detect)
