"""``stat.surge``: applications or approvals of a review body's latest period against its
history (earlier periods in the data and ``Context.history``; ``audit.statistics.surges``)."""

from __future__ import annotations

import numpy as np

from audit import statistics
from audit.dataset import AuditDataset
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import STAT_BANDS, Context, Signal, fmt_p, stat_flag

INFO = SignalInfo(
    "stat.surge",
    "申报或通过人数突增",
    "sudden surge in applications or approvals",
    "statistic",
    "enterprise",
    "low",
)
REASON = "{period}期间{what}{observed:.0f}人，此前{n}期平均{expected:.1f}人（p={p}）"
REASON_EN = (
    "{what} in {period}: {observed:.0f}, against a mean of {expected:.1f} over {n} earlier "
    "periods (p={p})"
)


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """Latest-period volumes far above the review body's history."""
    units = features.units
    codes = [str(c) for c in ds.enterprise_code]
    volumes: dict[tuple[str, str], tuple[float, float]] = {
        (h.credit_code, h.period): (float(h.applications), float(h.approved))
        for h in context.history
    }
    for u in range(len(units.enterprise)):
        key = (codes[units.enterprise[u]], str(units.period[u]))
        volumes[key] = (float(units.n_applications[u]), float(units.n_approved[u]))
    periods = sorted({p for _, p in volumes})
    index = {p: i for i, p in enumerate(periods)}
    table = np.full((len(codes), len(periods), 2), np.nan)
    code_index = {c: i for i, c in enumerate(codes)}
    for (code, period), counts in volumes.items():
        if code in code_index:
            table[code_index[code], index[period]] = counts
    # Current: each review body's latest period in this dataset; history: the ones before.
    latest = np.full(len(codes), -1)
    np.maximum.at(latest, units.enterprise, [index[str(p)] for p in units.period])
    cur = table[np.arange(len(codes)), latest]
    past = table.copy()
    past[np.arange(len(periods))[None, :] >= latest[:, None]] = np.nan
    out = []
    for what, column in (("applications", 0), ("approved", 1)):
        results = statistics.surges(
            cur[:, column],
            past[:, :, column],
            min_history=context.settings.surge_min_history,
            flagged_only=True,
        )
        for t in results:
            e = int(t.group)
            period = periods[latest[e]]
            values = {
                "period": period,
                "observed": t.observed,
                "n": t.n,
                "expected": t.expected,
                "p": fmt_p(t.p_value),
            }
            out.append(
                stat_flag(
                    INFO,
                    {"enterprise_credit_code": codes[e], "period": period},
                    t,
                    observed=t.observed,
                    expected=t.expected,
                    n=t.n,
                    statistic=t.statistic_name or "z",
                    statistic_value=t.statistic,
                    records=[f"{codes[e]}/{period}"],
                    reason=REASON.format(
                        **values, what="申报人数" if what == "applications" else "通过人数"
                    ),
                    reason_en=REASON_EN.format(**values, what=what),
                    details={**t.details, "measure": what},
                    key_extra=(what,),
                )
            )
    return out


SIGNAL = Signal(INFO, "statistics.outcomes", STAT_BANDS, REASON, REASON_EN, detect)
