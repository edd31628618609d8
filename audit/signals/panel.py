"""``rule.panel_*``: panel size, odd size, members below the level reviewed, external share,
chair (``standards.panel.panel_problems``). One check of the panel raises all five codes;
a member below the level is a member flag, the others session flags."""

from __future__ import annotations

from typing import Any

import numpy as np

from audit.dataset import AuditDataset
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import RULE_BANDS, Context, Refs, Signal, rule_flag
from standards.levels import Track
from standards.panel import PanelMemberFacts, panel_problems

TOO_SMALL = SignalInfo(
    "rule.panel_too_small", "评审委员会人数不足", "panel too small", "rule", "session", "high"
)
EVEN_SIZE = SignalInfo(
    "rule.panel_even_size", "评审委员会人数非单数", "panel size not odd", "rule", "session", "low"
)
BELOW_LEVEL = SignalInfo(
    "rule.panel_member_below_level",
    "评委等级低于所评等级",
    "member below the level reviewed",
    "rule",
    "member",
    "medium",
)
EXTERNAL_SHARE = SignalInfo(
    "rule.panel_external_share",
    "外单位评委不足",
    "too few external members",
    "rule",
    "session",
    "medium",
)
CHAIR = SignalInfo(
    "rule.panel_chair",
    "主任委员设置不符合要求",
    "chair missing or several chairs",
    "rule",
    "session",
    "low",
)
# The reason is the panel check's own message (``PanelProblem.message`` / ``message_en``).
REASON = "{message}"
REASON_EN = "{message}"

_BY_PROBLEM = {
    "panel.too_small": TOO_SMALL,
    "panel.even_size": EVEN_SIZE,
    "panel.member_below_level": BELOW_LEVEL,
    "panel.external_share": EXTERNAL_SHARE,
    "panel.no_chair": CHAIR,
    "panel.several_chairs": CHAIR,
}


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """Panels that break their standard's rules; a member below the level is a member flag."""
    refs = Refs(ds)
    starts = np.concatenate(([0], np.cumsum(features.sessions.panel_size)))
    cached: dict[tuple[Any, ...], list[Any]] = {}
    out: list[Flag] = []
    for s in range(ds.n_sessions):
        rows = range(int(starts[s]), int(starts[s + 1]))
        standard = ds.standards[int(ds.session_standard[s])]
        members = tuple(
            (
                str(ds.member_id[m]),
                str(ds.member_track[m]),
                str(ds.member_level[m]),
                bool(ds.member_external[m]),
                bool(ds.member_chair[m]),
            )
            for m in rows
        )
        key = (int(ds.session_standard[s]), members)
        if key not in cached:
            cached[key] = panel_problems(
                standard.panel,
                standard.track,
                standard.level,
                [
                    PanelMemberFacts(member_id=i, track=Track(t), level=lv, external=x, chair=c)
                    for i, t, lv, x, c in members
                ],
            )
        size = len(members)
        for problem in cached[key]:
            info = _BY_PROBLEM.get(problem.code)
            if info is None:
                continue
            position = _member_of(problem.path)
            member = None if position is None else int(starts[s]) + position
            observed, expected = _panel_numbers(problem.code, ds, features, s, member)
            out.append(
                rule_flag(
                    info,
                    refs.session(s) if member is None else refs.member(member),
                    scope="session" if member is None else "member",
                    observed=observed,
                    expected=expected,
                    n=size,
                    statistic="panel members",
                    statistic_value=float(size),
                    records=[f"{ds.session_filing_id[s]}/panel"],
                    reason=REASON.format(message=problem.message),
                    reason_en=REASON_EN.format(message=problem.message_en),
                    details={"code": problem.code, "path": problem.path},
                    key_extra=(problem.code,),
                )
            )
    return out


def _member_of(path: str) -> int | None:
    if path.startswith("members[") and "]" in path:
        return int(path[len("members[") : path.index("]")])
    return None


def _panel_numbers(
    code: str, ds: AuditDataset, features: Features, s: int, member: int | None
) -> tuple[float | None, float | None]:
    """(observed, required) for a panel problem; ``member`` is the member's row, if any."""
    rules = ds.standards[int(ds.session_standard[s])].panel
    size = float(features.sessions.panel_size[s])
    chairs = float(ds.member_chair[ds.member_session == s].sum())
    numbers: dict[str, tuple[float | None, float | None]] = {
        "panel.too_small": (size, float(rules.min_size)),
        "panel.even_size": (size, None),
        "panel.external_share": (
            float(features.sessions.external_share[s]),
            rules.min_external_share,
        ),
        "panel.no_chair": (chairs, 1.0),
        "panel.several_chairs": (chairs, 1.0),
    }
    if code == "panel.member_below_level" and member is not None:
        return (
            float(ds.member_title_rank[member]),
            float(ds.session_title_rank[s] + rules.member_level_offset),
        )
    return numbers.get(code, (size, None))


SIGNAL = Signal(
    TOO_SMALL,
    "rules.session_and_identity",
    RULE_BANDS,
    REASON,
    REASON_EN,
    detect,
    also=(EVEN_SIZE, BELOW_LEVEL, EXTERNAL_SHARE, CHAIR),
)
