"""``stat.scoring_speed``: a member with more score sheets under the speed floor than the
other members (``audit.statistics.scoring_speed``)."""

from __future__ import annotations

from audit import statistics
from audit.dataset import AuditDataset
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import STAT_BANDS, Context, Refs, Signal, fmt_p, stat_flag

INFO = SignalInfo(
    "stat.scoring_speed",
    "评分用时过短",
    "implausibly fast scoring",
    "statistic",
    "member",
    "medium",
)
REASON = (
    "评委{member}的{n}次评分中{fast}次（{observed:.0%}）用时不足{floor:g}秒，中位用时{median:.0f}秒；"
    "其他评委该比例为{expected:.0%}（p={p}）"
)
REASON_EN = (
    "member {member}: {fast} of {n} scorings ({observed:.0%}) took under {floor:g} s, median "
    "{median:.0f} s; other members {expected:.0%} (p={p})"
)


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """Members who score too fast too often."""
    floor = context.settings.speed_floor_seconds
    refs = Refs(ds)
    results = statistics.scoring_speed(
        ds.score_member,
        features.sheets.duration,
        ds.member_session[ds.score_member],
        floor_seconds=floor,
        flagged_only=True,
    )
    out = []
    for speed in results:
        m = int(speed.member)
        member_id = str(ds.member_id[m])
        values = {
            "member": member_id,
            "n": speed.n,
            "fast": speed.n_fast,
            "observed": speed.share_fast,
            "floor": floor,
            "median": speed.median_seconds,
            "expected": speed.expected_share,
            "p": fmt_p(speed.p_value),
        }
        out.append(
            stat_flag(
                INFO,
                refs.member(m),
                speed,
                observed=speed.share_fast,
                expected=speed.expected_share,
                n=speed.n,
                statistic="z (binomial, scorings under the floor)",
                statistic_value=speed.statistic,
                records=[
                    f"member:{member_id}",
                    str(ds.session_filing_id[ds.member_session[m]]),
                ],
                reason=REASON.format(**values),
                reason_en=REASON_EN.format(**values),
                details={"median_seconds": speed.median_seconds, "n_fast": speed.n_fast},
            )
        )
    return out


SIGNAL = Signal(INFO, "statistics.scoring", STAT_BANDS, REASON, REASON_EN, detect)
