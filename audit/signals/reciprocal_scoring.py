"""``stat.reciprocal_scoring``: external experts of two organisations scoring each other's
applicants leniently, per period (``audit.statistics.reciprocal_scoring``)."""

from __future__ import annotations

import numpy as np

from audit import statistics
from audit.dataset import AuditDataset
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import STAT_BANDS, Context, Signal, fmt_p, stat_flag

INFO = SignalInfo(
    "stat.reciprocal_scoring",
    "单位间互评打高分",
    "reciprocal lenient scoring between enterprises",
    "statistic",
    "enterprise",
    "medium",
)
REASON = (
    "{period}期间，{a}的外聘评委给{b}申报人的评分平均比其他评委高{mean_ab:.1f}分（{n_ab}次），"
    "{b}的外聘评委给{a}申报人平均高{mean_ba:.1f}分（{n_ba}次），互相打高分（Holm校正 p={p}）"
)
REASON_EN = (
    "in {period}, external experts from {a} scored applicants of {b} {mean_ab:.1f} points "
    "above the other members on average ({n_ab} scorings), and experts from {b} scored {a}'s "
    "{mean_ba:.1f} above ({n_ba}): reciprocal leniency (Holm-adjusted p={p})"
)


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """Pairs of organisations whose external experts favour each other's applicants."""
    # Organisations as integer codes over one vocabulary: review bodies first, then the
    # other home organisations of external experts (-1: none given).
    orgs = {str(c): i for i, c in enumerate(ds.enterprise_code)}
    member_org = np.array(
        [-1 if o is None else orgs.setdefault(o, len(orgs)) for o in ds.member_org],
        dtype=np.int64,
    )
    names = list(orgs)
    m = ds.score_member
    s = ds.app_session[ds.score_app]
    expert = member_org[m]
    applicant = ds.session_enterprise[s]
    external = ds.member_external[m] & (expert >= 0)
    # Who scored: the person where known, else the panel seat; one expert's rows share one
    # lean.
    person = ds.member_person[m]
    who = np.where(person >= 0, person, -1 - m.astype(np.int64))
    period_names, period_code = np.unique(ds.session_period.astype(str), return_inverse=True)
    out = []
    for p, period in enumerate(period_names.tolist()):
        rows = external & (period_code[s] == p)
        if not rows.any():
            continue
        results = statistics.reciprocal_scoring(
            expert[rows],
            applicant[rows],
            features.sheets.leniency[rows],
            who[rows],
            min_n=context.settings.reciprocal_min_n,
            flagged_only=True,
        )
        for pair in results:
            code_a, code_b = int(pair.org_a), int(pair.org_b)
            a, b = names[code_a], names[code_b]
            values = {
                "period": period,
                "a": a,
                "b": b,
                "mean_ab": pair.mean_ab,
                "n_ab": pair.n_ab,
                "mean_ba": pair.mean_ba,
                "n_ba": pair.n_ba,
                "p": fmt_p(pair.p_value),
            }
            for own_code, own, other in ((code_a, a, b), (code_b, b, a)):
                if own_code >= len(ds.enterprise_code):
                    continue  # not a review body in this dataset: nothing to grade
                out.append(
                    stat_flag(
                        INFO,
                        {"enterprise_credit_code": own, "period": str(period)},
                        pair,
                        observed=min(pair.mean_ab, pair.mean_ba),
                        expected=0.0,
                        n=pair.n_ab + pair.n_ba,
                        statistic="z (both directions, the weaker)",
                        statistic_value=min(pair.z_ab, pair.z_ba),
                        records=[f"org:{a}", f"org:{b}"],
                        reason=REASON.format(**values),
                        reason_en=REASON_EN.format(**values),
                        details={
                            "org_a": a,
                            "org_b": b,
                            "mean_ab": pair.mean_ab,
                            "mean_ba": pair.mean_ba,
                            "p_raw": pair.p_raw,
                        },
                        key_extra=(other,),
                    )
                )
    return out


SIGNAL = Signal(INFO, "statistics.outcomes", STAT_BANDS, REASON, REASON_EN, detect)
