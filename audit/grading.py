"""Enterprise risk score and review-quality grade (评审质量等级) per period, from its flags.

The roll-up, for one review body and one period:

1. Each flag earns points: ``SEVERITY_POINTS[severity] × BAND_FACTOR[band] × weight(signal)``
   (high 10, medium 4, low 1; certain and alarm × 1, alert × 0.5). The weight is the
   signal's ``SignalWeights`` weight (``audit.feedback``; by default rules 1, statistics 0.5,
   the detector 0.25), learned from confirmed and dismissed cases once there are enough.
2. Points add up per signal, each signal capped at ``SIGNAL_CAP`` (40) so that one kind of
   finding, repeated, cannot by itself outweigh everything else; the risk score is the sum
   over signals, capped at 100.
3. The grade follows from the risk score: A below 5, B below 15, C below 40, D from 40.
4. Floors: a unit with a certain high-severity flag (a rule such as an ineligible approval)
   is at best B; with ``HIGH_FLAGS_FOR_C`` (5) or more of them, at best C.

Every step only adds or worsens, so the roll-up is monotone: one more flag never lowers the
risk score nor improves the grade (weights are non-negative). Reasons list the signals by
points, with their flag counts, in Chinese and English.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from audit.feedback import SignalWeights
from audit.flags import SIGNALS, Flag

SEVERITY_POINTS: dict[str, float] = {"high": 10.0, "medium": 4.0, "low": 1.0}
BAND_FACTOR: dict[str, float] = {"certain": 1.0, "alarm": 1.0, "alert": 0.5}
SIGNAL_CAP = 40.0
MAX_RISK = 100.0
# Upper bounds (exclusive) of the risk score for grades A, B and C; D above.
GRADE_BOUNDS: tuple[tuple[str, float], ...] = (("A", 5.0), ("B", 15.0), ("C", 40.0))
GRADES = ("A", "B", "C", "D")
HIGH_FLAGS_FOR_C = 5

_GRADE_ZH = {"A": "A级（好）", "B": "B级（较好）", "C": "C级（一般，需整改）", "D": "D级（差）"}
_GRADE_EN = {"A": "A (good)", "B": "B (fair)", "C": "C (needs rectification)", "D": "D (poor)"}


@dataclass(frozen=True)
class EnterpriseGrade:
    """Risk score and quality grade of one review body for one period, with its reasons."""

    credit_code: str
    period: str
    risk_score: float
    grade: str
    reasons: list[str]
    reasons_en: list[str]
    flag_counts: dict[str, int] = field(default_factory=dict)
    points: dict[str, float] = field(default_factory=dict)


def flag_points(flag: Flag, weights: SignalWeights) -> float:
    """The points one flag adds to its signal (before the signal cap)."""
    weight = max(0.0, weights.weight(flag.signal))
    return SEVERITY_POINTS[flag.severity] * BAND_FACTOR[flag.band] * weight


def grade_for(risk_score: float, certain_high: int) -> str:
    """The grade of a risk score, worsened by the floors for certain high-severity flags."""
    grade = next((g for g, bound in GRADE_BOUNDS if risk_score < bound), "D")
    floor = "A"
    if certain_high >= HIGH_FLAGS_FOR_C:
        floor = "C"
    elif certain_high > 0:
        floor = "B"
    return max(grade, floor, key=GRADES.index)


def grade_unit(
    credit_code: str, period: str, flags: Sequence[Flag], weights: SignalWeights | None = None
) -> EnterpriseGrade:
    """Roll the flags of one review body and period up to its risk score and grade."""
    weights = weights or SignalWeights()
    points: dict[str, float] = defaultdict(float)
    counts: Counter[str] = Counter()
    certain_high = 0
    for flag in flags:
        points[flag.signal] += flag_points(flag, weights)
        counts[flag.signal] += 1
        certain_high += flag.band == "certain" and flag.severity == "high"
    capped = {signal: min(SIGNAL_CAP, p) for signal, p in points.items()}
    risk = round(min(MAX_RISK, sum(capped.values())), 4)
    grade = grade_for(risk, certain_high)
    reasons = [f"风险分{risk:.1f}，评为{_GRADE_ZH[grade]}"]
    reasons_en = [f"risk score {risk:.1f}: grade {_GRADE_EN[grade]}"]
    if certain_high:
        reasons.append(
            f"有{certain_high}项确定的高风险问题（至多评为{'C' if certain_high >= HIGH_FLAGS_FOR_C else 'B'}级）"
        )
        reasons_en.append(
            f"{certain_high} certain high-severity findings (grade "
            f"{'C' if certain_high >= HIGH_FLAGS_FOR_C else 'B'} at best)"
        )
    for signal in sorted(capped, key=lambda s: (-capped[s], s)):
        info = SIGNALS.get(signal)
        name, name_en = (info.name, info.name_en) if info else (signal, signal)
        capped_note = "（已封顶）" if points[signal] > SIGNAL_CAP else ""
        capped_note_en = " (capped)" if points[signal] > SIGNAL_CAP else ""
        reasons.append(f"{name}：{counts[signal]}项，{capped[signal]:.1f}分{capped_note}")
        reasons_en.append(
            f"{name_en}: {counts[signal]} flags, {capped[signal]:.1f} points{capped_note_en}"
        )
    if not flags:
        reasons.append("本期未发现疑点")
        reasons_en.append("no flags in this period")
    return EnterpriseGrade(
        credit_code=credit_code,
        period=period,
        risk_score=risk,
        grade=grade,
        reasons=reasons,
        reasons_en=reasons_en,
        flag_counts=dict(sorted(counts.items())),
        points={s: round(p, 4) for s, p in sorted(capped.items())},
    )


def grade_enterprises(
    flags: Iterable[Flag],
    units: Iterable[tuple[str, str]],
    weights: SignalWeights | None = None,
) -> list[EnterpriseGrade]:
    """Grades for every (credit code, period) in ``units`` (a unit without flags is graded
    too: A), plus any unit that only appears in ``flags``; ordered by credit code, period."""
    by_unit: dict[tuple[str, str], list[Flag]] = defaultdict(list)
    for flag in flags:
        if flag.period is not None:
            by_unit[flag.enterprise_credit_code, flag.period].append(flag)
    keys = sorted(set(units) | set(by_unit))
    return [
        grade_unit(code, period, by_unit.get((code, period), []), weights) for code, period in keys
    ]
