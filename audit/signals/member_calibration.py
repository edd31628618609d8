"""``stat.member_calibration``: a member whose lean (totals against the rest of the panel) or
spread is far outside what honest members of the same track and level show
(``audit.statistics.member_calibration``: judged against the spread of honest leans, not
against zero). Optional absolute floors: settings ``calibration_min_deviation`` (0: none) and
``calibration_max_spread_ratio``."""

from __future__ import annotations

from audit import statistics
from audit.dataset import AuditDataset
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import STAT_BANDS, AuditSettings, Context, Refs, Signal, fmt_p, stat_flag
from audit.signals.scoring_speed import level_peers

INFO = SignalInfo(
    "stat.member_calibration",
    "评委打分明显偏宽、偏严或趋中",
    "member lenient, harsh or central",
    "statistic",
    "member",
    "low",
)
REASON = "评委{member}评分{kind}：在{n}件申报上{what}（p={p}）"
REASON_EN = "member {member} scores {kind}: over {n} applications {what} (p={p})"
KIND_ZH = {"lenient": "偏宽", "harsh": "偏严", "central": "趋中（区分度过低）"}
KIND_EN = {"lenient": "lenient", "harsh": "harsh", "central": "central (no discrimination)"}


def material(bias: statistics.MemberBias, settings: AuditSettings) -> bool:
    """Whether a significant bias is also large enough to matter."""
    if bias.kind == "central":
        return bias.spread_ratio <= settings.calibration_max_spread_ratio
    return abs(bias.mean_deviation) >= settings.calibration_min_deviation


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """Members biased against the rest of their panel, materially."""
    sheets = features.sheets
    refs = Refs(ds)
    results = statistics.member_calibration(
        ds.score_member,
        ds.score_app,
        sheets.total,
        ds.member_session[ds.score_member],
        level_peers(ds)[ds.app_session[ds.score_app]],
        min_n=context.settings.calibration_min_n,
        flagged_only=True,
    )
    out = []
    for bias in results:
        if bias.kind is None or not material(bias, context.settings):
            continue
        m = int(bias.member)
        member_id = str(ds.member_id[m])
        if bias.kind == "central":
            observed, expected = bias.spread_ratio, bias.typical_spread_ratio
            stat, value = "z (log SD ratio against peers)", bias.z_spread
            what = (
                f"其总分标准差为同组其他评委的{bias.spread_ratio:.2f}倍，"
                f"同类评审中评委通常为{bias.typical_spread_ratio:.2f}倍"
            )
            what_en = (
                f"the SD of their totals is {bias.spread_ratio:.2f} times the panel's, "
                f"against a typical {bias.typical_spread_ratio:.2f} among peers"
            )
        else:
            observed, expected = bias.mean_deviation, bias.peer_centre
            stat, value = "z (lean against the spread of peers' leans)", bias.z
            higher = "高" if bias.mean_deviation > 0 else "低"
            what = (
                f"总分平均比同组其他评委{higher}{abs(bias.mean_deviation):.1f}分；"
                f"同类评审中评委的偏差中位数{bias.peer_centre:+.1f}分、"
                f"评委间标准差{bias.peer_sd:.1f}分"
            )
            what_en = (
                f"their totals average {abs(bias.mean_deviation):.1f} points "
                f"{'above' if bias.mean_deviation > 0 else 'below'} the other members'; "
                f"among peers the median lean is {bias.peer_centre:+.1f} points and "
                f"leans vary by {bias.peer_sd:.1f} points (SD) between members"
            )
        values = {"member": member_id, "n": bias.n, "p": fmt_p(bias.p_value)}
        out.append(
            stat_flag(
                INFO,
                refs.member(m),
                bias,
                observed=observed,
                expected=expected,
                n=bias.n,
                statistic=stat,
                statistic_value=value,
                records=[
                    f"member:{member_id}",
                    str(ds.session_filing_id[ds.member_session[m]]),
                ],
                reason=REASON.format(**values, kind=KIND_ZH[bias.kind], what=what),
                reason_en=REASON_EN.format(**values, kind=KIND_EN[bias.kind], what=what_en),
                details={
                    "kind": bias.kind,
                    "z": bias.z,
                    "spread_ratio": bias.spread_ratio,
                    "peer_centre": bias.peer_centre,
                    "peer_sd": bias.peer_sd,
                    "typical_spread_ratio": bias.typical_spread_ratio,
                    "p_bias": bias.p_bias,
                    "p_central": bias.p_central,
                    "df": bias.df,
                    "test": "robust peer null, Student t",
                },
                key_extra=(bias.kind,),
            )
        )
    return out


SIGNAL = Signal(INFO, "statistics.scoring", STAT_BANDS, REASON, REASON_EN, detect)
