"""Grades: the documented roll-up, its floors, weights, and monotonicity (a new flag never
improves a grade), the last proved over generated flag sets."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from audit.feedback import SignalWeights
from audit.flags import SIGNALS, Flag, make_flag
from audit.grading import GRADES, SIGNAL_CAP, grade_enterprises, grade_for, grade_unit

CODE = "913206000000000012"


def flag(signal: str, severity: str, band: str, n: int = 0) -> Flag:
    return make_flag(
        signal,
        scope=SIGNALS[signal].scope if signal in SIGNALS else "enterprise",
        severity=severity,  # type: ignore[arg-type]
        band=band,  # type: ignore[arg-type]
        enterprise_credit_code=CODE,
        period="2026",
        reason="原因",
        reason_en="reason",
        key_extra=(n,),
    )


def test_no_flags_is_grade_a_with_a_reason() -> None:
    grade = grade_unit(CODE, "2026", [])
    assert (grade.grade, grade.risk_score) == ("A", 0.0)
    assert grade.reasons[-1] == "本期未发现疑点"
    assert grade.reasons_en[-1] == "no flags in this period"


def test_points_follow_severity_band_and_weight() -> None:
    flags = [
        flag("stat.rubber_stamp", "medium", "alarm"),  # 4 × 1 × 0.5
        flag("stat.surge", "low", "alert"),  # 1 × 0.5 × 0.5
        flag("detector.isolation", "low", "alert"),  # 1 × 0.5 × 0.25
    ]
    grade = grade_unit(CODE, "2026", flags)
    assert grade.points == {
        "detector.isolation": 0.125,
        "stat.rubber_stamp": 2.0,
        "stat.surge": 0.25,
    }
    assert grade.risk_score == 2.375 and grade.grade == "A"
    assert grade.flag_counts == {"detector.isolation": 1, "stat.rubber_stamp": 1, "stat.surge": 1}


def test_a_certain_high_flag_caps_the_grade_at_b_and_five_at_c() -> None:
    weights = SignalWeights(weights={"rule.approved_ineligible": 0.01})
    one = grade_unit(CODE, "2026", [flag("rule.approved_ineligible", "high", "certain")], weights)
    assert one.risk_score < 5 and one.grade == "B"
    five = [flag("rule.approved_ineligible", "high", "certain", n) for n in range(5)]
    assert grade_unit(CODE, "2026", five, weights).grade == "C"
    assert any("至多评为C级" in r for r in grade_unit(CODE, "2026", five, weights).reasons)


def test_one_signal_is_capped_and_the_risk_at_100() -> None:
    many = [flag("rule.conflict_not_recused", "high", "certain", n) for n in range(30)]
    grade = grade_unit(CODE, "2026", many)
    assert grade.points["rule.conflict_not_recused"] == SIGNAL_CAP
    assert grade.risk_score == SIGNAL_CAP and grade.grade == "D"
    assert any("已封顶" in r for r in grade.reasons)
    spread = [
        flag(signal, "high", "certain", n)
        for n, signal in enumerate(
            ["rule.conflict_not_recused", "rule.approved_ineligible", "rule.duplicate_approval"] * 5
        )
    ]
    assert grade_unit(CODE, "2026", spread).risk_score == 100.0


def test_learned_weights_change_the_points() -> None:
    flags = [flag("stat.pass_rate_outlier", "medium", "alarm")]
    default = grade_unit(CODE, "2026", flags)
    heavier = grade_unit(CODE, "2026", flags, SignalWeights(weights={"stat.pass_rate_outlier": 3}))
    ignored = grade_unit(CODE, "2026", flags, SignalWeights(weights={"stat.pass_rate_outlier": 0}))
    assert default.risk_score == 2.0
    assert heavier.risk_score == 12.0 and heavier.grade == "B"
    assert ignored.risk_score == 0.0 and ignored.grade == "A"


def test_grade_bounds() -> None:
    assert [grade_for(x, 0) for x in (0, 4.99, 5, 14.99, 15, 39.99, 40, 100)] == list("AABBCCDD")


def test_units_without_flags_are_graded_and_order_is_stable() -> None:
    flags = [
        flag("stat.surge", "low", "alert"),
        make_flag(
            "rule.approved_ineligible",
            scope="application",
            severity="high",
            band="certain",
            enterprise_credit_code="913206000000000025",
            period="2025",
            reason="原因",
            reason_en="reason",
        ),
    ]
    grades = grade_enterprises(flags, [(CODE, "2026"), ("913206000000000038", "2026")])
    assert [(g.credit_code, g.period, g.grade) for g in grades] == [
        (CODE, "2026", "A"),
        ("913206000000000025", "2025", "B"),
        ("913206000000000038", "2026", "A"),
    ]


_signals = st.sampled_from(sorted(SIGNALS))
_severities = st.sampled_from(["low", "medium", "high"])
_bands = st.sampled_from(["certain", "alarm", "alert"])
_flag_specs = st.lists(st.tuples(_signals, _severities, _bands), max_size=40)
_weights = st.dictionaries(_signals, st.floats(0, 5, allow_nan=False), max_size=10)


def _flags(specs: list[tuple[str, str, str]]) -> list[Flag]:
    return [flag(s, sev, band, n) for n, (s, sev, band) in enumerate(specs)]


def _rank(grade: Any) -> int:
    return GRADES.index(grade.grade)


@settings(max_examples=300, deadline=None)
@given(specs=_flag_specs, new=st.tuples(_signals, _bands), weights=_weights)
def test_a_new_high_flag_never_improves_the_grade(
    specs: list[tuple[str, str, str]], new: tuple[str, str], weights: dict[str, float]
) -> None:
    signal_weights = SignalWeights(weights=weights)
    flags = _flags(specs)
    before = grade_unit(CODE, "2026", flags, signal_weights)
    extra = flag(new[0], "high", new[1], n=len(flags))
    after = grade_unit(CODE, "2026", [*flags, extra], signal_weights)
    assert after.risk_score >= before.risk_score
    assert _rank(after) >= _rank(before)


@settings(max_examples=300, deadline=None)
@given(specs=_flag_specs, more=_flag_specs, weights=_weights)
def test_more_flags_of_any_kind_never_improve_the_grade(
    specs: list[tuple[str, str, str]], more: list[tuple[str, str, str]], weights: dict[str, float]
) -> None:
    signal_weights = SignalWeights(weights=weights)
    base = _flags(specs)
    before = grade_unit(CODE, "2026", base, signal_weights)
    after = grade_unit(CODE, "2026", _flags(specs + more), signal_weights)
    assert after.risk_score >= before.risk_score
    assert _rank(after) >= _rank(before)
