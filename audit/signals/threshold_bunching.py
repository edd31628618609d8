"""``stat.threshold_bunching``: final scores bunched just above the pass score, per review
body and period (``audit.statistics.threshold_bunching``)."""

from __future__ import annotations

from audit import statistics
from audit.dataset import AuditDataset
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import STAT_BANDS, Context, Refs, Signal, fmt_p, stat_flag

INFO = SignalInfo(
    "stat.threshold_bunching",
    "得分扎堆于合格线上方",
    "scores bunched just above the pass score",
    "statistic",
    "enterprise",
    "medium",
)
REASON = (
    "{period}期间最终得分在合格线±{width:g}分内的{n}件申报中，{above}件（{observed:.0%}）位于合格线"
    "上方{width:g}分内，{below}件位于下方；按平滑分布预期上方占{expected:.0%}（单侧二项检验 p={p}）"
)
REASON_EN = (
    "in {period}, of {n} applications within ±{width:g} of the pass score, {above} "
    "({observed:.0%}) are just above and {below} just below; a smooth density predicts "
    "{expected:.0%} above (one-sided binomial p={p})"
)


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """Review body and period whose final scores bunch just above the pass score."""
    settings = context.settings
    apps, units = features.applications, features.units
    refs = Refs(ds)
    results = statistics.threshold_bunching(
        apps.final_score,
        apps.pass_score,
        units.session_unit[ds.app_session],
        width=settings.bunching_widths,
        min_n=settings.bunching_min_n,
        flagged_only=True,
    )
    out = []
    for t in results:
        u = int(t.group)
        values = {
            "period": units.period[u],
            "width": round(float(t.details["width"]), 1),
            "n": t.n,
            "above": t.details.get("just_above", 0),
            "below": t.details.get("just_below", 0),
            "observed": t.observed,
            "expected": t.expected,
            "p": fmt_p(t.p_value),
        }
        out.append(
            stat_flag(
                INFO,
                refs.unit(features, u),
                t,
                observed=t.observed,
                expected=t.expected,
                n=t.n,
                statistic=t.statistic_name or "z",
                statistic_value=t.statistic,
                records=refs.unit_filings(features, u),
                reason=REASON.format(**values),
                reason_en=REASON_EN.format(**values),
                details=t.details,
            )
        )
    return out


SIGNAL = Signal(INFO, "statistics.scoring", STAT_BANDS, REASON, REASON_EN, detect)
