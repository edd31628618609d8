"""Grades: evidence against an honest unit of the same size, the certain floor, learned
weights, base rates estimated robustly across a run, inflated p-values deflated, bilingual
reasons, and monotonicity (a new flag never improves a grade), the last over generated flag
sets."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.feedback import SignalWeights
from audit.flags import SIGNALS, Flag, make_flag
from audit.grading import (
    CERTAIN_EVIDENCE,
    GRADE_BOUNDS,
    GRADES,
    SIGNAL_CAP,
    BaseRate,
    Exposure,
    deflate,
    estimate_base_rates,
    grade_enterprises,
    grade_for,
    grade_unit,
    inflation_of,
    tail_p,
)

CODE = "913206000000000012"
OTHER = "913206000000000038"


def flag(
    signal: str,
    severity: str,
    band: str,
    n: int = 0,
    *,
    code: str = CODE,
    p: float | None = None,
) -> Flag:
    return make_flag(
        signal,
        scope=SIGNALS[signal].scope if signal in SIGNALS else "enterprise",
        severity=severity,  # type: ignore[arg-type]
        band=band,  # type: ignore[arg-type]
        enterprise_credit_code=code,
        period="2026",
        reason="原因",
        reason_en="reason",
        p_value=p,
        key_extra=(n,),
    )


def test_no_flags_is_grade_a_with_a_reason() -> None:
    grade = grade_unit(CODE, "2026", [])
    assert (grade.grade, grade.risk_score) == ("A", 0.0)
    assert grade.reasons[-1] == "本期未发现疑点"
    assert grade.reasons_en[-1] == "no flags in this period"


def test_evidence_is_the_count_surprise_for_the_units_size() -> None:
    rate = {"stat.member_calibration": BaseRate(0.05)}
    flags = [flag("stat.member_calibration", "low", "alert", n) for n in range(3)]
    small = grade_unit(CODE, "2026", flags, exposure=Exposure(member=5), base_rates=rate)
    big = grade_unit(CODE, "2026", flags, exposure=Exposure(member=60), base_rates=rate)
    p_small = 2 * tail_p(3, 0.25)  # Bonferroni over count and strongest flag (here p = 1)
    assert math.isclose(small.evidence["stat.member_calibration"]["p_value"], p_small)
    assert math.isclose(small.risk_score, round(0.5 * -math.log10(p_small), 4), abs_tol=1e-4)
    # Three flags among 60 seats are what an honest body shows: no evidence to speak of.
    assert big.risk_score < 0.2 < small.risk_score
    assert big.grade == "A"


def test_a_flags_own_p_value_is_corrected_for_the_number_of_tests() -> None:
    rate = {"stat.threshold_bunching": BaseRate(0.05)}
    one = [flag("stat.threshold_bunching", "medium", "alarm", p=1e-6)]
    graded = grade_unit(CODE, "2026", one, exposure=Exposure(), base_rates=rate)
    e = graded.evidence["stat.threshold_bunching"]
    assert math.isclose(e["p_min"], 1e-6, rel_tol=1e-6)
    assert math.isclose(e["p_value"], 2e-6, rel_tol=1e-6)  # Bonferroni over count and min
    assert graded.grade == "B"  # 5.7 bans × 0.5


def test_a_certain_high_finding_is_at_least_grade_c() -> None:
    one = grade_unit(CODE, "2026", [flag("rule.approved_ineligible", "high", "certain")])
    assert one.evidence["rule.approved_ineligible"]["certain"] is True
    assert one.risk_score >= CERTAIN_EVIDENCE and one.grade in ("C", "D")
    assert any("确定的高风险违规" in r for r in one.reasons)
    assert any("certain high-severity breach" in r for r in one.reasons_en)
    # A medium-severity rule finding is judged by its surprise, not floored.
    medium = grade_unit(CODE, "2026", [flag("rule.not_insured", "medium", "certain")])
    assert medium.risk_score < CERTAIN_EVIDENCE


def test_one_signal_is_capped_and_the_risk_is_open_ended() -> None:
    many = [flag("rule.conflict_not_recused", "high", "certain", n) for n in range(60)]
    grade = grade_unit(CODE, "2026", many)
    assert grade.points["rule.conflict_not_recused"] == SIGNAL_CAP
    spread = [
        flag(signal, "high", "certain", n)
        for n, signal in enumerate(
            ["rule.conflict_not_recused", "rule.approved_ineligible", "rule.duplicate_approval"]
            * 20
        )
    ]
    assert grade_unit(CODE, "2026", spread).risk_score == 3 * SIGNAL_CAP  # no tie at 100


def test_learned_weights_scale_the_evidence() -> None:
    flags = [flag("stat.pass_rate_outlier", "medium", "alarm", p=1e-5)]
    default = grade_unit(CODE, "2026", flags)
    heavier = grade_unit(CODE, "2026", flags, SignalWeights(weights={"stat.pass_rate_outlier": 1}))
    ignored = grade_unit(CODE, "2026", flags, SignalWeights(weights={"stat.pass_rate_outlier": 0}))
    assert math.isclose(heavier.risk_score, 2 * default.risk_score, abs_tol=1e-3)
    assert ignored.risk_score == 0.0 and ignored.grade == "A"


def test_grade_bounds() -> None:
    (_, a), (_, b), (_, c) = GRADE_BOUNDS
    values = (0, a - 0.01, a, b - 0.01, b, c - 0.01, c, 100)
    assert [grade_for(x) for x in values] == list("AABBCCDD")


def test_base_rate_ignores_the_outlying_units() -> None:
    # 99 units with about one flag per 20 seats, one with 15 flags on 20 seats.
    rng = np.random.default_rng(1)
    k = [*rng.poisson(1.0, 99).tolist(), 15]
    rates = estimate_base_rates({"g": k}, {"g": [20] * 100})
    assert 0.035 < rates["g"].rate < 0.065
    assert tail_p(15, rates["g"].rate * 20, rates["g"].dispersion) < 1e-6
    # Never seen: rare, not impossible.
    never = estimate_base_rates({"r": [0] * 50}, {"r": [10] * 50})
    assert never["r"].rate == 0.5 / 500


def test_inflated_p_values_are_deflated_by_their_signals_median() -> None:
    u = np.random.default_rng(2).random(400)
    assert inflation_of((0.05 * u).tolist()) < 1.2
    inflated = 0.05 * u**8  # every flag 8 times as surprising as it should be
    s = inflation_of(inflated.tolist())
    assert 6 < s < 9
    assert math.isclose(deflate(0.05 * 1e-8, 8.0), 0.05 * 10**-1, rel_tol=1e-9)
    assert deflate(0.2, 8.0) == 0.2


def test_a_few_real_findings_are_not_deflated_by_their_own_surprise() -> None:
    # A well-calibrated signal on a quiet city: two ordinary flags and three real findings.
    # The findings are the median; they must keep most of their surprise.
    p_values = [0.02, 0.02, 1e-12, 1e-12, 1e-12]
    s = inflation_of(p_values)
    assert 1.5 < s < 2.5
    assert deflate(1e-12, s) < 1e-6
    # Graded: the body with a finding stays far above one with an ordinary flag.
    units = [(f"91320600000000{i:04d}", "2026") for i in range(40)]
    codes = [u[0] for u in units]
    flags = [
        flag("stat.near_identical_scores", "medium", "alarm", i, code=codes[i], p=p)
        for i, p in enumerate(p_values)
    ]
    grades = grade_enterprises(flags, units, exposures=[Exposure(member=5)] * 40)
    by = {g.credit_code: g for g in grades}
    assert by[codes[2]].risk_score >= by[codes[0]].risk_score + 2


def test_a_big_honest_body_is_not_graded_worse_for_its_size() -> None:
    # A city where every body shows one calibration flag per 10 seats; a big body has more
    # flags, a small one with as many is the surprising one.
    units = [(f"91320600000000{i:04d}", "2026") for i in range(40)]
    seats = [10] * 38 + [100, 10]
    counts = [1] * 38 + [10, 10]
    flags = [
        flag("stat.member_calibration", "low", "alert", n, code=code)
        for (code, _), k in zip(units, counts, strict=True)
        for n in range(k)
    ]
    grades = grade_enterprises(flags, units, exposures=[Exposure(member=m) for m in seats])
    by = {g.credit_code: g for g in grades}
    big, small = by[units[38][0]], by[units[39][0]]
    assert big.grade == "A"
    assert small.risk_score > big.risk_score + 2


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
    grades = grade_enterprises(flags, [(CODE, "2026"), (OTHER, "2026")])
    assert [(g.credit_code, g.period, g.grade) for g in grades] == [
        (CODE, "2026", "A"),
        ("913206000000000025", "2025", "C"),
        (OTHER, "2026", "A"),
    ]


def test_reasons_name_signals_with_their_numbers_in_both_languages() -> None:
    flags = [flag("stat.rubber_stamp", "medium", "alarm", n, p=1e-4) for n in range(2)]
    grade = grade_unit(CODE, "2026", flags, exposure=Exposure(session=3))
    assert len(grade.reasons) == len(grade.reasons_en) == 2
    assert "评分无差异" in grade.reasons[1] and "2项" in grade.reasons[1]
    assert "3个评审批次" in grade.reasons[1]
    assert "rubber-stamp" in grade.reasons_en[1] and "3 sessions" in grade.reasons_en[1]
    assert "stat." not in grade.reasons[1] and "stat." not in grade.reasons_en[1]


_signals = st.sampled_from(sorted(SIGNALS))
_severities = st.sampled_from(["low", "medium", "high"])
_bands = st.sampled_from(["certain", "alarm", "alert"])
_p = st.one_of(st.none(), st.floats(1e-30, 0.05))
_flag_specs = st.lists(st.tuples(_signals, _severities, _bands, _p), max_size=40)
_weights = st.dictionaries(_signals, st.floats(0, 5, allow_nan=False), max_size=10)
_rates = st.dictionaries(
    _signals,
    st.builds(BaseRate, st.floats(1e-5, 0.5), st.floats(1, 5), st.just(True), st.floats(1, 10)),
    max_size=10,
)
_exposure = st.builds(
    Exposure, st.integers(1, 500), st.integers(1, 100), st.integers(1, 10), st.just(1)
)


def _flags(specs: list[tuple[str, str, str, float | None]]) -> list[Flag]:
    return [flag(s, sev, band, n, p=p) for n, (s, sev, band, p) in enumerate(specs)]


def _rank(grade: Any) -> int:
    return GRADES.index(grade.grade)


@settings(max_examples=300, deadline=None)
@given(specs=_flag_specs, more=_flag_specs, weights=_weights, rates=_rates, exposure=_exposure)
def test_more_flags_of_any_kind_never_improve_the_grade(
    specs: list[tuple[str, str, str, float | None]],
    more: list[tuple[str, str, str, float | None]],
    weights: dict[str, float],
    rates: dict[str, BaseRate],
    exposure: Exposure,
) -> None:
    kwargs: dict[str, Any] = {"exposure": exposure, "base_rates": rates}
    signal_weights = SignalWeights(weights=weights)
    before = grade_unit(CODE, "2026", _flags(specs), signal_weights, **kwargs)
    after = grade_unit(CODE, "2026", _flags(specs + more), signal_weights, **kwargs)
    assert after.risk_score >= before.risk_score - 1e-9
    assert _rank(after) >= _rank(before)


def test_the_first_flag_with_its_own_p_does_not_lower_the_evidence() -> None:
    # Found by the property above: one detector flag without a p-value, then a second with
    # p = 0.03 on a unit of 126 applications (its Šidák-corrected p is about 1).
    exposure = Exposure(application=126)
    one = grade_unit(
        CODE, "2026", _flags([("detector.isolation", "low", "certain", None)]), exposure=exposure
    )
    two = grade_unit(
        CODE,
        "2026",
        _flags(
            [
                ("detector.isolation", "low", "certain", None),
                ("detector.isolation", "low", "certain", 0.03125),
            ]
        ),
        exposure=exposure,
    )
    assert two.risk_score >= one.risk_score
    e = one.evidence["detector.isolation:application"]
    assert math.isclose(float(e["p_value"]), min(1.0, 2 * float(e["p_count"])))


def test_a_rule_is_judged_by_its_count_whatever_its_flags_carry() -> None:
    rate = {"rule.exceptional_overuse": BaseRate(0.01)}
    certain = flag("rule.exceptional_overuse", "medium", "certain", 0)
    tested = flag("rule.exceptional_overuse", "low", "alert", 1, p=0.04)
    one = grade_unit(CODE, "2026", [certain], exposure=Exposure(), base_rates=rate)
    two = grade_unit(CODE, "2026", [certain, tested], exposure=Exposure(), base_rates=rate)
    assert math.isclose(one.evidence["rule.exceptional_overuse"]["p_value"], tail_p(1, 0.01))
    assert math.isclose(two.evidence["rule.exceptional_overuse"]["p_value"], tail_p(2, 0.01))
    assert two.risk_score > one.risk_score


def test_weights_learned_from_worked_cases_move_the_grade() -> None:
    from audit.feedback import fit_weights

    # The regulator confirms every bunching case and dismisses every calibration case.
    codes = ["stat.threshold_bunching", "stat.member_calibration"]
    X = np.array([[4.0, 0.0]] * 15 + [[0.0, 1.0]] * 30)
    y = np.array([True] * 15 + [False] * 30)
    fitted = fit_weights(X, y, codes)
    assert fitted.fitted
    flags = [flag("stat.member_calibration", "low", "alert", n, p=1e-6) for n in range(3)]
    before = grade_unit(CODE, "2026", flags, exposure=Exposure(member=5))
    after = grade_unit(CODE, "2026", flags, fitted, exposure=Exposure(member=5))
    assert after.risk_score < before.risk_score / 2


def test_a_signal_that_fires_on_every_honest_body_alone_does_not_grade_d() -> None:
    # Defect 6: a rule misfiring on most honest bodies (same department, before contract 1.1)
    # put nearly every honest body in D under the point sum. Here it fires 3-8 times on every
    # body; a planted body has, besides, a certain high-severity finding.
    rng = np.random.default_rng(3)
    units = [(f"91320600000001{i:04d}", "2026") for i in range(60)]
    flags = [
        flag("rule.panel_member_below_level", "medium", "certain", n, code=code)
        for code, _ in units
        for n in range(int(rng.integers(3, 9)))
    ]
    planted = units[0][0]
    flags.append(flag("rule.approved_ineligible", "high", "certain", 99, code=planted))
    grades = grade_enterprises(flags, units, exposures=[Exposure(member=15)] * len(units))
    by = {g.credit_code: g for g in grades}
    honest = [g for g in grades if g.credit_code != planted]
    assert all(g.grade in ("A", "B") for g in honest)
    assert by[planted].grade in ("C", "D")
    assert by[planted].risk_score > max(g.risk_score for g in honest)
