"""Learning signal weights from the regulator's confirmed and dismissed cases.

Until enough cases are labelled, each signal keeps a default weight by kind (rules weigh
most, statistics less, the unsupervised detector least). Once there are enough labels of
both outcomes, the weights are fitted so that they mean the same thing in the case list and
in the grades.

The model (a noisy-OR, i.e. a binomial GLM with complementary log-log link): a case whose
signal columns hold strengths ``x`` (a flag's severity × band, ``audit.grading.SEVERITY_POINTS``
and ``BAND_FACTOR``, or an enterprise-period's evidence per signal in bans) is confirmed with
probability ``1 - exp(-Σ_s h_s x_s)``, with a hazard ``h_s >= 0`` per unit of signal ``s`` and
no intercept. Under it, the chance that *none* of an enterprise's findings would be confirmed
is ``exp(-Σ h_s x_s)``: evidence adds up over signals, which is how ``audit.grading`` adds
each signal's weighted evidence (``weight × -log10 p``) into the risk score. So the weights
handed to grading are ``h_s`` up to one common factor, and a signal the regulator keeps
dismissing weighs less in every grade. A logistic model with an intercept does not have
this property: its per-case log-odds do not add up over cases, and a signal confirmed 15%
of the time gets a positive weight merely for beating an intercept that many dismissed cases
pulled down.

Regularisation: ``log h_s`` has a Gaussian prior (SD ``sqrt(C)``) centred on ``log c +
log default_s``, with the common level ``c`` fitted. With few labels the fit stays near the
defaults' proportions; with many, the data decide. The weights returned are ``h_s / c``, on
the defaults' scale (so grade bounds keep their meaning, and ``hazard_per_point`` = ``c``
turns a case's weighted strength back into a probability, ``1 - exp(-c R)``); a signal without labelled
cases keeps its default weight. Cases with no signal points carry no evidence and are left
out. References: McCullagh and Nelder (1989), Generalized Linear Models, §4.3.1 (cloglog);
Pearl (1988), Probabilistic Reasoning in Intelligent Systems, §4.3.2 (noisy-OR).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import optimize

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
    when they were not. ``intercept`` is kept for stored weights from the earlier logistic
    fit and is 0 now (the model has none). ``hazard_per_point`` is the fitted hazard of one
    point at weight 1 (0 for defaults): a case of ``p`` weighted points is confirmed with
    probability ``1 - exp(-hazard_per_point × p)``.
    """

    weights: dict[str, float] = field(default_factory=dict)
    intercept: float = 0.0
    fitted: bool = False
    n_labels: int = 0
    n_confirmed: int = 0
    reason: str = "defaults"
    hazard_per_point: float = 0.0

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
            "hazard_per_point": self.hazard_per_point,
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
    """Weights from labelled cases: a penalised noisy-OR (cloglog) fit, see the module.

    ``signal_matrix`` holds one row per labelled case (a flag, or an enterprise-period with
    its flags' points summed) and one column per signal: its points before weighting
    (severity × band as in ``audit.grading``, or any non-negative strength); ``labels`` is
    True for a confirmed case and False for a dismissed one. ``C`` is the prior variance of
    each signal's log weight around the defaults' proportions (larger: the data move the
    weights further). Below ``min_labels`` labels, or fewer than ``min_per_class`` of either
    outcome, the defaults are returned with ``fitted=False``.
    """
    X = np.asarray(signal_matrix, dtype=float)
    y = np.asarray(labels, dtype=bool).reshape(-1)
    codes = list(signal_codes)
    if X.ndim != 2 or X.shape[1] != len(codes) or X.shape[0] != y.size:
        raise ValueError("signal_matrix must be cases × signals, matching labels and codes")
    if C <= 0:
        raise ValueError("C must be positive")
    base = {code: (defaults or {}).get(code, default_weight(code)) for code in codes}
    X = np.maximum(np.nan_to_num(X, nan=0.0), 0.0)
    evidence = X.sum(axis=1) > 0
    total = int(y.size)
    X, y = X[evidence], y[evidence]
    n_pos = int(y.sum())
    n_neg = int(y.size - n_pos)
    if y.size < min_labels or min(n_pos, n_neg) < min_per_class:
        without = f", {total - y.size} without signal points left out" if total > y.size else ""
        reason = (
            f"{total} labels ({n_pos} confirmed, {n_neg} dismissed{without}): need "
            f"{min_labels} with at least {min_per_class} of each"
        )
        return SignalWeights(base, 0.0, False, int(y.size), n_pos, reason)

    seen = X.max(axis=0) > 0
    Xs = X[:, seen]
    prior = np.log(np.maximum([base[c] for c, s in zip(codes, seen, strict=True) if s], 1e-6))
    k = Xs.shape[1]
    pos = y
    precision = 1.0 / C

    def loss(params: FloatArray) -> tuple[float, FloatArray]:
        z, level = params[:k], params[k]
        h = np.exp(z)
        eta = np.maximum(Xs @ h, 1e-12)
        # -log P(dismissed) = eta; -log P(confirmed) = -log(1 - exp(-eta)).
        nll = float(eta[~pos].sum() - np.log(-np.expm1(-eta[pos])).sum())
        d_eta = np.where(pos, -1.0 / np.expm1(eta), 1.0)
        dev = z - level - prior
        value = nll + 0.5 * precision * float(dev @ dev)
        grad_z = (Xs.T @ d_eta) * h + precision * dev
        return value, np.r_[grad_z, -precision * dev.sum()]

    # Start at the defaults' proportions, at the level that matches the confirmed share.
    share = (n_pos + 0.5) / (y.size + 1.0)
    mean_points = float((Xs @ np.exp(prior)).mean())
    level0 = float(np.log(-np.log1p(-share) / max(mean_points, 1e-12)))
    start = np.r_[prior + level0, level0]
    fit = optimize.minimize(loss, start, jac=True, method="L-BFGS-B")
    z, level = fit.x[:k], float(fit.x[k])
    weights = dict(base)
    fitted_codes = [c for c, s in zip(codes, seen, strict=True) if s]
    for code, w in zip(fitted_codes, np.exp(z - level), strict=True):
        weights[code] = float(w)
    return SignalWeights(
        weights,
        0.0,
        True,
        int(y.size),
        n_pos,
        f"noisy-OR fit on {y.size} labels ({n_pos} confirmed), C={C}",
        float(np.exp(level)),
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
