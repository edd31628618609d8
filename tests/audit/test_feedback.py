"""Feedback: labels re-weight signals, improve the ranking, and defaults hold below min_labels."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats

from audit.feedback import (
    SignalWeights,
    average_precision,
    default_weight,
    fit_weights,
    rank,
    risk_scores,
)

CODES = [
    "rule.panel_too_small",
    "rule.notice_too_short",
    "stat.threshold_bunching",
    "stat.funnel_pass_rate",
    "detector.isolation",
    "stat.scoring_speed",
]


def _cases(seed: int, n: int = 600) -> tuple[np.ndarray, np.ndarray]:
    """Confirmed cases are driven by bunching and the detector; the two rules are noise
    (yet weigh most by default), and fast scoring is commoner among dismissed cases."""
    rng = np.random.default_rng(seed)
    X = (rng.random((n, len(CODES))) < [0.4, 0.4, 0.25, 0.3, 0.25, 0.3]).astype(float)
    logit = -2.5 + 2.5 * X[:, 2] + 2.0 * X[:, 4] + 0.8 * X[:, 3] - 1.0 * X[:, 5]
    y = rng.random(n) < special.expit(logit)
    return X, y


def test_defaults_by_kind() -> None:
    assert default_weight("rule.approved_ineligible") == 1.0
    assert default_weight("stat.surge") == 0.5
    assert default_weight("detector.isolation") == 0.25
    assert default_weight("other") == 0.5
    assert SignalWeights().weight("rule.x") == 1.0


def test_fitted_weights_improve_ranking_over_defaults_on_held_out_cases() -> None:
    X, y = _cases(1)
    train, test = slice(0, 200), slice(200, None)
    fitted = fit_weights(X[train], y[train], CODES)
    assert fitted.fitted
    defaults = SignalWeights.defaults(CODES)
    ap_fitted = average_precision(rank(X[test], CODES, fitted), y[test])
    ap_default = average_precision(rank(X[test], CODES, defaults), y[test])
    assert ap_fitted > ap_default + 0.1
    assert fitted.weight("stat.threshold_bunching") > fitted.weight("rule.panel_too_small")
    assert fitted.weight("detector.isolation") > fitted.weight("rule.notice_too_short")


def test_fitted_weights_are_never_negative() -> None:
    X, y = _cases(2)
    fitted = fit_weights(X, y, CODES)
    assert all(w >= 0 for w in fitted.weights.values())
    # Commoner among dismissed cases: pushed far below its default (0.5), to the bottom.
    assert fitted.weight("stat.scoring_speed") < 0.1
    assert fitted.weight("stat.scoring_speed") == min(fitted.weights.values())


def test_falls_back_to_defaults_below_min_labels() -> None:
    X, y = _cases(3)
    few = fit_weights(X[:19], y[:19], CODES, min_labels=20)
    assert not few.fitted
    assert few.weights == {code: default_weight(code) for code in CODES}
    assert "19 labels" in few.reason


def test_falls_back_when_one_outcome_is_missing() -> None:
    X, _ = _cases(4)
    only_confirmed = fit_weights(X[:50], np.ones(50, dtype=bool), CODES)
    assert not only_confirmed.fitted


def test_signal_without_variation_keeps_a_scaled_default() -> None:
    X, y = _cases(5)
    X[:, 0] = 0.0  # this rule never fired among the labelled cases
    fitted = fit_weights(X, y, CODES)
    assert fitted.fitted
    assert fitted.weight("rule.panel_too_small") > 0


def test_stronger_regularisation_shrinks_weights_towards_the_defaults() -> None:
    X, y = _cases(6)
    loose = fit_weights(X, y, CODES, C=10.0)
    tight = fit_weights(X, y, CODES, C=0.01)

    def distance(w: SignalWeights) -> float:
        return float(sum(np.log(w.weight(c) / default_weight(c)) ** 2 for c in CODES))

    assert distance(tight) < 0.5
    assert distance(tight) < distance(loose)


def test_rank_orders_by_risk_and_keeps_ties_stable() -> None:
    X = np.array([[0, 1, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0], [1, 0, 0, 0, 0, 0]])
    weights = SignalWeights.defaults(CODES)
    np.testing.assert_allclose(risk_scores(X, CODES, weights), [1.0, 1.0, 0.5, 1.0])
    assert rank(X, CODES, weights).tolist() == [0, 1, 3, 2]


def test_average_precision_by_hand() -> None:
    labels = np.array([True, False, True, False])
    assert average_precision([0, 2, 1, 3], labels) == 1.0
    assert average_precision([1, 0, 3, 2], labels) == pytest.approx((1 / 2 + 2 / 4) / 2)
    assert average_precision([0, 1], np.array([False, False])) == 0.0


def test_fit_is_deterministic_and_serialisable() -> None:
    X, y = _cases(7)
    first = fit_weights(X, y, CODES)
    assert first == fit_weights(X, y, CODES)
    assert first.as_dict()["fitted"] is True
    weights = first.as_dict()["weights"]
    assert isinstance(weights, dict)
    assert list(weights) == sorted(CODES)


def _noisy_or_cases(
    seed: int, hazards: list[float], n: int = 4000
) -> tuple[np.ndarray, np.ndarray]:
    """One signal per case (as flags are), with 0.5, 1, 4 or 10 points; confirmed with
    probability 1 - exp(-hazard × points)."""
    rng = np.random.default_rng(seed)
    signal = rng.integers(0, len(hazards), n)
    points = rng.choice([0.5, 1.0, 4.0, 10.0], n)
    X = np.zeros((n, len(hazards)))
    X[np.arange(n), signal] = points
    y = rng.random(n) < -np.expm1(-np.asarray(hazards)[signal] * points)
    return X, y


def test_noisy_or_fit_recovers_the_hazards_and_their_scale() -> None:
    hazards = [0.4, 0.02, 0.1, 0.005, 0.2, 0.05]
    X, y = _noisy_or_cases(8, hazards)
    fitted = fit_weights(X, y, CODES, C=10.0)
    assert fitted.fitted
    assert fitted.intercept == 0.0
    recovered = np.array([fitted.weight(c) for c in CODES]) * fitted.hazard_per_point
    np.testing.assert_allclose(recovered, hazards, rtol=0.35)
    # Calibrated: predicted confirmations match the observed count.
    predicted = -np.expm1(-fitted.hazard_per_point * risk_scores(X, CODES, fitted))
    assert predicted.sum() == pytest.approx(y.sum(), rel=0.05)


def test_a_mostly_dismissed_signal_does_not_gain_weight_from_other_signals_noise() -> None:
    """The logistic fit with an intercept let a signal confirmed 15% of the time gain weight
    because many dismissed detector cases pulled the intercept down; the noisy-OR has no
    intercept, so each signal's weight follows its own confirmation rate."""
    rng = np.random.default_rng(9)
    codes = ["rule.a", "stat.calibration", "detector.isolation"]
    rows, labels = [], []
    for col, count, rate in ((0, 100, 0.95), (1, 300, 0.15), (2, 900, 0.02)):
        x = np.zeros((count, 3))
        x[:, col] = 4.0
        rows.append(x)
        labels.append(rng.random(count) < rate)
    fitted = fit_weights(np.vstack(rows), np.concatenate(labels), codes)
    assert fitted.weight("rule.a") > 5 * fitted.weight("stat.calibration")
    assert fitted.weight("stat.calibration") > 2 * fitted.weight("detector.isolation")
    # 15% confirmed: about -log(0.85) / 4 per point, not more.
    rate = fitted.weight("stat.calibration") * fitted.hazard_per_point * 4.0
    assert -np.expm1(-rate) == pytest.approx(0.15, abs=0.05)


def test_enterprise_roll_up_orders_as_the_fitted_probability() -> None:
    """Summing weight × points over an enterprise's flags (what audit.grading does, before
    its caps) orders enterprises exactly as the fitted chance that one of their flags is
    confirmed."""
    X, y = _noisy_or_cases(10, [0.4, 0.02, 0.1, 0.005, 0.2, 0.05], n=1200)
    fitted = fit_weights(X, y, CODES)
    owner = np.random.default_rng(10).integers(0, 150, len(y))
    per_flag = risk_scores(X, CODES, fitted)
    risk = np.bincount(owner, weights=per_flag, minlength=150)
    p_none = np.ones(150)
    np.multiply.at(p_none, owner, np.exp(-fitted.hazard_per_point * per_flag))
    # -log P(no flag confirmed) is the summed risk times one constant: the same order.
    np.testing.assert_allclose(-np.log(p_none), fitted.hazard_per_point * risk, rtol=1e-9)
    assert stats.spearmanr(risk, -p_none).statistic > 0.9999  # ties within rounding only


def test_signal_without_cases_keeps_its_default_exactly() -> None:
    X, y = _cases(11)
    X[:, 1] = 0.0
    fitted = fit_weights(X, y, CODES)
    assert fitted.weight("rule.notice_too_short") == default_weight("rule.notice_too_short")
