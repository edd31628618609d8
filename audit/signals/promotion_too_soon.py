"""``rule.promotion_too_soon``: the same person approved for two consecutive levels of a track
less than the years apart that the higher level's standard requires at the lower level
(``years_at_previous_level``, for the applicant's education), unless the higher application
is on an exceptional track that waives that requirement."""

from __future__ import annotations

from typing import Any

import numpy as np

from audit.dataset import AuditDataset
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import RULE_BANDS, Context, Refs, Signal, applicant, groups_of, rule_flag
from standards.document import Standard
from standards.levels import Education, level_name
from standards.requirements import YearsAtPreviousLevel

INFO = SignalInfo(
    "rule.promotion_too_soon",
    "晋升相邻等级间隔不足规定年限",
    "consecutive levels approved sooner than the required years",
    "rule",
    "application",
    "high",
)
REASON = (
    "申报人{person}于{lower_date}通过{lower}评审（{lower_record}），{higher_date}又通过{higher}"
    "评审，间隔{years:.1f}年，少于评价标准要求的取得{lower}后满{needed:g}年"
)
REASON_EN = (
    "applicant {person} was approved for {lower} on {lower_date} ({lower_record}) and for "
    "{higher} on {higher_date}, {years:.1f} years apart, fewer than the {needed:g} years at "
    "{lower} the standard requires"
)

_DAYS_PER_YEAR = 365.25
_EPS = 1e-9


def _required_years(
    standard: Standard, lower_track: str, lower_level: str, facts: Any, exceptional: bool
) -> tuple[str, float] | None:
    """(requirement code, years) the standard asks at the lower level, None when it asks none
    or the exceptional track waives it."""
    education = Education(facts["education"]) if facts else None
    waived = set(standard.exceptional.waives) if exceptional and standard.exceptional else set()
    for req in standard.requirements:
        if not isinstance(req, YearsAtPreviousLevel) or req.code in waived:
            continue
        if str(req.previous_track) != lower_track or req.previous_level != lower_level:
            continue
        needed = req.required_years(education) if education is not None else req.years
        if needed is not None:
            return req.code, float(needed)
    return None


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """Approvals for a level too soon after the same person's approval for the level below."""
    refs = Refs(ds)
    rows = np.flatnonzero(ds.app_approved & (ds.app_person >= 0))
    s = ds.app_session[rows]
    track = (ds.session_track[s] == "skill").astype(np.int64)
    out: list[Flag] = []
    for group in groups_of(ds.app_person[rows] * 2 + track, rows):
        by_rank: dict[int, list[int]] = {}
        for a in group.tolist():
            by_rank.setdefault(int(ds.session_rank[ds.app_session[a]]), []).append(a)
        for rank, highers in by_rank.items():
            lowers = by_rank.get(rank - 1)
            if not lowers:
                continue
            for h in highers:
                flag = _check(ds, refs, h, lowers)
                if flag is not None:
                    out.append(flag)
    return out


def _check(ds: AuditDataset, refs: Refs, h: int, lowers: list[int]) -> Flag | None:
    sh = int(ds.app_session[h])
    held_h = ds.session_held_on[sh]
    earlier = [a for a in lowers if ds.session_held_on[ds.app_session[a]] <= held_h]
    if not earlier:
        return None
    # The latest approval below is the one the interval runs from.
    low = max(earlier, key=lambda a: (ds.session_held_on[ds.app_session[a]], refs.record(a)))
    sl = int(ds.app_session[low])
    track, lower_level = str(ds.session_track[sl]), str(ds.session_level[sl])
    standard = ds.standards[int(ds.session_standard[sh])]
    found = _required_years(
        standard, track, lower_level, ds.app_facts[h], bool(ds.app_exceptional[h])
    )
    if found is None:
        return None
    code, needed = found
    days = int((held_h - ds.session_held_on[sl]).astype(np.int64))
    years = days / _DAYS_PER_YEAR
    if years >= needed - _EPS:
        return None
    higher_level = str(ds.session_level[sh])
    values = {
        "lower_date": str(ds.session_held_on[sl]),
        "lower_record": refs.record(low),
        "higher_date": str(held_h),
        "years": years,
        "needed": needed,
    }
    return rule_flag(
        INFO,
        refs.application(h),
        observed=years,
        expected=needed,
        n=2,
        statistic="years between the approvals",
        statistic_value=years,
        records=[refs.record(low), refs.record(h)],
        reason=REASON.format(
            **values,
            person=applicant(ds, h),
            lower=level_name(track, lower_level),
            higher=level_name(track, higher_level),
        ),
        reason_en=REASON_EN.format(
            **values,
            person=applicant(ds, h, "en"),
            lower=level_name(track, lower_level, "en"),
            higher=level_name(track, higher_level, "en"),
        ),
        details={"requirement": code, "lower_application": refs.record(low), "days": days},
    )


SIGNAL = Signal(INFO, "rules.session_and_identity", RULE_BANDS, REASON, REASON_EN, detect)
