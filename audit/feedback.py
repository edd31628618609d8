"""Learning signal weights from the regulator's confirmed and dismissed cases.

Until enough cases are labelled, each signal keeps a default weight by kind (rules weigh
most, statistics less, the unsupervised detector least). Once there are enough labels of
both outcomes, an L2-regularised logistic regression of "confirmed" on the signal matrix
(cases × signals) gives new weights, constrained to be non-negative so that a signal can
never lower a risk score. Risk is the weighted sum of signals; ``rank`` orders cases by
it and ``average_precision`` measures how well a ranking puts confirmed cases first.
Reference: Hastie, Tibshirani and Friedman (2009), The Elements of Statistical Learning,
§4.4 (regularised logistic regression); bounds via L-BFGS-B (Byrd et al. 1995).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import optimize, special

FloatArray = npt.NDArray[np.float64]

KIND_DEFAULTS: dict[str, float] = {"rule": 1.0, "stat": 0.5, "detector": 0.25}
_FALLBACK_DEFAULT = 0.5


def default_weight(signal_code: str) -> float:
    """Default weight of a signal from the kind prefix of its code (``rule.``, ``stat.``,
    ``detector.``); unknown kinds weigh like statistics."""
    kind = signal_code.split(".", 1)[0]
    return KIND_DEFAULTS.get(kind, _FALLBACK_DEFAULT)


@dataclass(frozen=True)
class SignalWeights:
    """Weight per signal code; codes not listed take ``default_weight``.

    ``fitted`` says whether the weights were learned from labels; ``reason`` says why not
    when they were not; ``intercept`` is the fitted log-odds at no signal (0 for defaults).
    """

    weights: dict[str, float] = field(default_factory=dict)
    intercept: float = 0.0
    fitted: bool = False
    n_labels: int = 0
    n_confirmed: int = 0
    reason: str = "defaults"

    def weight(self, signal_code: str) -> float:
        return self.weights.get(signal_code, default_weight(signal_code))

    def vector(self, signal_codes: Sequence[str]) -> FloatArray:
        return np.array([self.weight(code) for code in signal_codes], dtype=float)

    def as_dict(self) -> dict[str, object]:
        return {
            "weights": dict(sorted(self.weights.items())),
            "intercept": self.intercept,
            "fitted": self.fitted,
            "n_labels": self.n_labels,
            "n_confirmed": self.n_confirmed,
            "reason": self.reason,
        }

    @classmethod
    def defaults(
        cls, signal_codes: Sequence[str] = (), *, reason: str = "defaults"
    ) -> SignalWeights:
        return cls(
            weights={code: default_weight(code) for code in signal_codes},
            reason=reason,
        )


def fit_weights(
    signal_matrix: npt.ArrayLike,
    labels: npt.ArrayLike,
    signal_codes: Sequence[str],
    *,
    min_labels: int = 20,
    C: float = 1.0,
    min_per_class: int = 5,
    defaults: Mapping[str, float] | None = None,
) -> SignalWeights:
    """Weights from labelled cases: non-negative L2-regularised logistic regression.

    ``signal_matrix`` holds one row per labelled case (e.g. an enterprise-period) and one
    column per signal (its strength, e.g. 0..1 or a band score); ``labels`` is True for a
    confirmed case and False for a dismissed one. Columns are scaled to unit SD so ``C``
    (inverse penalty, as in scikit-learn) treats signals alike; coefficients are bounded
    at 0 and mapped back to the original scale. Signals that never vary among the labelled
    cases carry no evidence and keep their default weight, rescaled to the fitted weights'
    level. Below ``min_labels`` labels, or fewer than ``min_per_class`` of either outcome,
    the defaults are returned with ``fitted=False``.
    """
    X = np.asarray(signal_matrix, dtype=float)
    y = np.asarray(labels, dtype=bool).reshape(-1)
    codes = list(signal_codes)
    if X.ndim != 2 or X.shape[1] != len(codes) or X.shape[0] != y.size:
        raise ValueError("signal_matrix must be cases × signals, matching labels and codes")
    base = {code: (defaults or {}).get(code, default_weight(code)) for code in codes}
    n_pos = int(y.sum())
    n_neg = int(y.size - n_pos)
    if y.size < min_labels or min(n_pos, n_neg) < min_per_class:
        reason = (
            f"{y.size} labels ({n_pos} confirmed, {n_neg} dismissed): need {min_labels} "
            f"with at least {min_per_class} of each"
        )
        return SignalWeights(base, 0.0, False, int(y.size), n_pos, reason)

    X = np.nan_to_num(X, nan=0.0)
    scale = X.std(axis=0)
    informative = scale > 1e-12
    Xs = X[:, informative] / scale[informative]
    target = y.astype(float)
    penalty = 1.0 / C
    k = Xs.shape[1]

    def loss(params: FloatArray) -> tuple[float, FloatArray]:
        w, b = params[:k], params[k]
        eta = Xs @ w + b
        value = float(np.sum(np.logaddexp(0.0, eta) - target * eta) + 0.5 * penalty * w @ w)
        resid = special.expit(eta) - target
        grad = np.r_[Xs.T @ resid + penalty * w, resid.sum()]
        return value, grad

    prior = np.log((n_pos + 0.5) / (n_neg + 0.5))
    start = np.r_[np.zeros(k), prior]
    bounds = [(0.0, None)] * k + [(None, None)]
    fit = optimize.minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds)
    coef = np.zeros(len(codes))
    coef[informative] = np.maximum(fit.x[:k], 0.0) / scale[informative]

    weights = {code: float(c) for code, c in zip(codes, coef, strict=True)}
    evidenced_default = sum(base[c] for c, inf in zip(codes, informative, strict=True) if inf)
    level = float(coef[informative].sum()) / evidenced_default if evidenced_default else 1.0
    for code, inf in zip(codes, informative, strict=True):
        if not inf:
            weights[code] = base[code] * level
    return SignalWeights(
        weights,
        float(fit.x[k]),
        True,
        int(y.size),
        n_pos,
        f"fitted on {y.size} labels ({n_pos} confirmed), C={C}",
    )


def risk_scores(
    signal_matrix: npt.ArrayLike, signal_codes: Sequence[str], weights: SignalWeights
) -> FloatArray:
    """Weighted risk per case: the signal matrix times the signals' weights."""
    X = np.nan_to_num(np.asarray(signal_matrix, dtype=float), nan=0.0)
    return np.asarray(X @ weights.vector(signal_codes), dtype=float)


def rank(
    signal_matrix: npt.ArrayLike, signal_codes: Sequence[str], weights: SignalWeights
) -> npt.NDArray[np.int64]:
    """Case indices from highest to lowest weighted risk; ties keep input order."""
    risk = risk_scores(signal_matrix, signal_codes, weights)
    return np.argsort(-risk, kind="stable").astype(np.int64)


def average_precision(order: npt.ArrayLike, labels: npt.ArrayLike) -> float:
    """Average precision of a ranking (case indices, best first) against the labels:
    the mean, over confirmed cases, of the share confirmed among cases ranked above and
    at it. 1.0 puts every confirmed case first; a random order scores about the base rate.
    """
    y = np.asarray(labels, dtype=bool).reshape(-1)[np.asarray(order, dtype=np.int64)]
    if not y.any():
        return 0.0
    hits = np.cumsum(y)
    precision = hits / np.arange(1, y.size + 1)
    return float(precision[y].mean())
