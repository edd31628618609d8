"""``stat.scoring_speed``: a member who scores far faster than their panel, their peers or
their own other sheets, judged on log durations against what honest members show
(``audit.statistics.scoring_speed``); a median sheet under the absolute floor is certain."""

from __future__ import annotations

import math

import numpy as np

from audit import statistics
from audit.dataset import AuditDataset, IntArray
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import Context, Refs, Signal, fmt_p, stat_flag

INFO = SignalInfo(
    "stat.scoring_speed",
    "评分用时过短",
    "implausibly fast scoring",
    "statistic",
    "member",
    "medium",
)
BANDS = (
    "certain: the member's median score sheet took less than the floor (speed_floor_seconds); "
    "alarm: p < 0.002, alert: p < 0.05, for the smallest of three tests (against the panel, "
    "the peers of the same track and level, the member's own other sheets), "
    "Bonferroni-adjusted, and only for a median at most a third of the panel's or peers'"
)
REASON = (
    "评委{member}的{n}份评分每份用时中位数 {median:.1f} 分钟{certain}；{panel}"
    "同类评审中位数 {peer:.1f} 分钟；{fast}份不足{floor:g}秒，{rushed}份远快于本人其他评分"
    "（p={p}）"
)
REASON_EN = (
    "member {member}: median time per score sheet {median:.1f} min over {n} sheets{certain}; "
    "{panel}peer median {peer:.1f} min; {fast} sheets under {floor:g} s, {rushed} far faster "
    "than the member's own other sheets (p={p})"
)


def level_peers(ds: AuditDataset) -> IntArray:
    """Per session, a code of its track and level: members are compared with members
    reviewing the same level."""
    level = np.char.add(
        ds.session_track.astype(str), np.char.add(":", ds.session_level.astype(str))
    )
    codes: IntArray = np.unique(level, return_inverse=True)[1].reshape(-1).astype(np.int64)
    return codes


def _finite(x: float) -> float | None:
    # Flag details are JSON: an undefined statistic is absent, not NaN.
    return float(x) if math.isfinite(x) else None


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """Members who score far faster than honest members of their panel and peer group."""
    floor = context.settings.speed_floor_seconds
    refs = Refs(ds)
    results = statistics.scoring_speed(
        ds.score_member,
        features.sheets.duration,
        ds.member_session[ds.score_member],
        level_peers(ds)[ds.app_session[ds.score_app]],
        floor_seconds=floor,
        flagged_only=True,
    )
    out = []
    for speed in results:
        m = int(speed.member)
        member_id = str(ds.member_id[m])
        has_panel = math.isfinite(speed.panel_median_seconds)
        reference = speed.panel_median_seconds if has_panel else speed.peer_median_seconds
        certain = speed.band == "certain"
        common = {
            "member": member_id,
            "n": speed.n,
            "median": speed.median_seconds / 60,
            "peer": speed.peer_median_seconds / 60,
            "fast": speed.n_fast,
            "floor": floor,
            "rushed": speed.n_rushed,
            "p": fmt_p(speed.p_value),
        }
        panel_min = speed.panel_median_seconds / 60
        if speed.test == "own sheets":
            stat, value = "binomial (sheets far faster than the member's own median)", None
        else:
            stat, value = "z (log duration against panel and peers)", speed.statistic
        out.append(
            stat_flag(
                INFO,
                refs.member(m),
                speed,
                observed=speed.median_seconds,
                expected=reference,
                n=speed.n,
                statistic=stat,
                statistic_value=value,
                records=[
                    f"member:{member_id}",
                    str(ds.session_filing_id[ds.member_session[m]]),
                ],
                reason=REASON.format(
                    **common,
                    certain=f"，低于{floor:g}秒的下限" if certain else "",
                    panel=f"同组其他评委中位数 {panel_min:.1f} 分钟，" if has_panel else "",
                ),
                reason_en=REASON_EN.format(
                    **common,
                    certain=f", below the {floor:g}-second floor" if certain else "",
                    panel=f"other members of the panel {panel_min:.1f} min, " if has_panel else "",
                ),
                details={
                    "median_seconds": speed.median_seconds,
                    "panel_median_seconds": _finite(speed.panel_median_seconds),
                    "peer_median_seconds": speed.peer_median_seconds,
                    "n_fast": speed.n_fast,
                    "n_rushed": speed.n_rushed,
                    "floor_seconds": floor,
                    "z_panel": _finite(speed.z_panel),
                    "z_peer": _finite(speed.z_peer),
                    "p_panel": _finite(speed.p_panel),
                    "p_peer": _finite(speed.p_peer),
                    "p_own": _finite(speed.p_own),
                    "test": speed.test,
                },
            )
        )
    return out


SIGNAL = Signal(INFO, "statistics.scoring", BANDS, REASON, REASON_EN, detect)
