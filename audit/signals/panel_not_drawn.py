"""``rule.panel_not_drawn``: members placed on a panel by hand, not drawn at random from the
expert pool (随机抽取), with no reason recorded. Only filings that say how members were
chosen (contract 1.1 ``selection``) can show it."""

from __future__ import annotations

import numpy as np

from audit.dataset import AuditDataset
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import RULE_BANDS, Context, Refs, Signal, rule_flag

INFO = SignalInfo(
    "rule.panel_not_drawn",
    "评委未经随机抽取且未说明理由",
    "members picked by hand without a recorded reason",
    "rule",
    "session",
    "medium",
)
REASON = "评审委员会{size}名评委中{n}名为指定（非随机抽取）且未记录理由：{members}"
REASON_EN = (
    "{n} of the panel's {size} members were picked by hand (not drawn from the expert pool) "
    "with no reason recorded: {members}"
)


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    refs = Refs(ds)
    unexplained = (ds.member_selection == "hand_picked") & ~ds.member_reasoned
    rows = np.flatnonzero(unexplained)
    size = np.bincount(ds.member_session, minlength=ds.n_sessions)
    out: list[Flag] = []
    for s in np.unique(ds.member_session[rows]).tolist():
        group = rows[ds.member_session[rows] == s]
        members = "、".join(str(ds.member_id[m]) for m in group.tolist())
        values = {"size": int(size[s]), "n": len(group)}
        out.append(
            rule_flag(
                INFO,
                refs.session(s),
                observed=float(len(group)),
                expected=0.0,
                n=int(size[s]),
                reason=REASON.format(**values, members=members),
                reason_en=REASON_EN.format(**values, members=members.replace("、", ", ")),
                details={"members": [str(ds.member_id[m]) for m in group.tolist()]},
            )
        )
    return out


SIGNAL = Signal(INFO, "rules.session_and_identity", RULE_BANDS, REASON, REASON_EN, detect)
