"""``stat.expert_favouritism``: an expert who scores one review body's applicants up, against
the same expert's scoring on every other body (``audit.statistics.expert_favouritism``)."""

from __future__ import annotations

import numpy as np

from audit import statistics
from audit.dataset import AuditDataset
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import STAT_BANDS, Context, Refs, Signal, fmt_p, stat_flag

INFO = SignalInfo(
    "stat.expert_favouritism",
    "评委对特定单位评分偏宽",
    "expert favouring one enterprise",
    "statistic",
    "member",
    "medium",
)
REASON = (
    "评委{member}（{org}）{period}在本单位评审{n_in}份，总分平均比同组其他评委{here}；"
    "同一评委在其他单位评审{n_out}份，平均{there}；差{difference:+.1f}分，"
    "评委之间此差值通常在±{peer_sd:.1f}分内（单侧 p={p}）"
)
REASON_EN = (
    "expert {member} ({org}) scored {n_in} applications here in {period}, {here} the "
    "other members on average; on {n_out} applications of other enterprises the same expert "
    "scored {there}; a difference of {difference:+.1f} points where experts usually stay "
    "within ±{peer_sd:.1f} (one-sided p={p})"
)


def _zh(points: float) -> str:
    return f"高{points:.1f}分" if points >= 0 else f"低{-points:.1f}分"


def _en(points: float) -> str:
    return f"{abs(points):.1f} points {'above' if points >= 0 else 'below'}"


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """Experts more lenient on one body's applicants than on everyone else's."""
    units = features.units
    refs = Refs(ds)
    m = ds.score_member
    session = ds.app_session[ds.score_app]
    results = statistics.expert_favouritism(
        ds.member_person[m],
        ds.session_enterprise[session],
        units.session_unit[session],
        features.sheets.leniency,
        min_n=context.settings.favouritism_min_n,
        flagged_only=True,
    )
    member_unit = units.session_unit[ds.member_session]
    out = []
    for r in results:
        seats = np.flatnonzero((ds.member_person == r.person) & (member_unit == r.unit))
        if seats.size == 0:
            continue
        seat = int(seats[0])
        org = ds.member_org[seat]
        values = {
            "member": str(ds.member_id[seat]),
            "period": units.period[int(r.unit)],
            "n_in": r.n_in,
            "n_out": r.n_out,
            "difference": r.difference,
            "peer_sd": 1.96 * r.peer_sd,
            "p": fmt_p(r.p_value),
        }
        out.append(
            stat_flag(
                INFO,
                refs.member(seat),
                r,
                observed=r.mean_in,
                expected=r.mean_out,
                n=r.n_in,
                statistic="z (difference from the expert's own leniency elsewhere)",
                statistic_value=r.z,
                records=[f"member:{ds.member_id[s]}" for s in seats.tolist()]
                + sorted({str(ds.session_filing_id[ds.member_session[s]]) for s in seats}),
                reason=REASON.format(
                    **values, org=org or "本单位", here=_zh(r.mean_in), there=_zh(r.mean_out)
                ),
                reason_en=REASON_EN.format(
                    **values, org=org or "own staff", here=_en(r.mean_in), there=_en(r.mean_out)
                ),
                details={
                    "n_elsewhere": r.n_out,
                    "mean_leniency_here": r.mean_in,
                    "mean_leniency_elsewhere": r.mean_out,
                    "difference": r.difference,
                    "peer_sd": r.peer_sd,
                    "df": r.df,
                    "test": "robust peer null of differences, Student t, one-sided",
                },
            )
        )
    return out


SIGNAL = Signal(INFO, "statistics.scoring", STAT_BANDS, REASON, REASON_EN, detect)
