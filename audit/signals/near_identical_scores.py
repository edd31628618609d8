"""``stat.near_identical_scores``: two members of a session whose criterion scores are
near-identical on more applications than chance gives (``audit.statistics.near_identical_pairs``)."""

from __future__ import annotations

from audit import statistics
from audit.dataset import AuditDataset
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import STAT_BANDS, Context, Refs, Signal, fmt_p, stat_flag

INFO = SignalInfo(
    "stat.near_identical_scores",
    "评委评分几乎相同",
    "members with near-identical score sheets",
    "statistic",
    "member",
    "medium",
)
REASON = (
    "评委{a}与{b}共同评分的{n}件申报中，{k}件（{observed:.0%}）各指标评分几乎相同（差值≤"
    "{tol:.0%}满分）；同组其他评委之间按同一标准的一致比例为{expected:.0%}（Holm校正 p={p}）"
)
REASON_EN = (
    "members {a} and {b} scored {n} applications together; on {k} ({observed:.0%}) their "
    "criterion scores were near-identical (within {tol:.0%} of the maximum), where the "
    "other members of the panel agree so on {expected:.0%} under the same standard "
    "(Holm-adjusted p={p})"
)


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """Member pairs with near-identical score sheets; the flag is on the first member."""
    settings = context.settings
    refs = Refs(ds)
    results = statistics.near_identical_pairs(
        ds.score_member,
        ds.score_app,
        features.sheets.normalised,
        ds.member_session[ds.score_member],
        # How often honest members agree to the point depends on the standard.
        ds.session_standard[ds.app_session[ds.score_app]],
        tol=settings.identical_tol,
        min_apps=settings.identical_min_apps,
        flagged_only=True,
    )
    out = []
    for pair in results:
        a, b = int(pair.member_a), int(pair.member_b)
        id_a, id_b = str(ds.member_id[a]), str(ds.member_id[b])
        values = {
            "a": id_a,
            "b": id_b,
            "n": pair.n,
            "k": pair.n_identical,
            "observed": pair.share_identical,
            "tol": settings.identical_tol,
            "expected": pair.expected_share,
            "p": fmt_p(pair.p_value),
        }
        out.append(
            stat_flag(
                INFO,
                refs.member(a),
                pair,
                observed=pair.share_identical,
                expected=pair.expected_share,
                n=pair.n,
                statistic="mean |difference| of normalised scores",
                statistic_value=pair.mean_abs_diff,
                records=[f"member:{id_a}", f"member:{id_b}"],
                reason=REASON.format(**values),
                reason_en=REASON_EN.format(**values),
                details={"member_b": id_b, "p_raw": pair.p_raw},
                key_extra=(id_b,),
            )
        )
    return out


SIGNAL = Signal(INFO, "statistics.scoring", STAT_BANDS, REASON, REASON_EN, detect)
