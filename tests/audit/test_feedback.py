"""Feedback: labels re-weight signals, improve the ranking, and defaults hold below min_labels."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

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
    assert fitted.weight("stat.scoring_speed") == pytest.approx(0.0, abs=1e-6)


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


def test_stronger_regularisation_shrinks_weights() -> None:
    X, y = _cases(6)
    loose = fit_weights(X, y, CODES, C=10.0)
    tight = fit_weights(X, y, CODES, C=0.01)
    assert sum(tight.weights.values()) < sum(loose.weights.values())


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
