"""Unsupervised detector for what the rules do not name: isolation forests per peer group.

Each row (an application, a member or an enterprise) is first expressed as robust
z-scores against its peer group (median and MAD of the group's rows; the whole population
when the group is small). Large peer groups get their own isolation forest, the rest share
one pooled forest over the same peer-relative features, and every outlier is explained by
the features with the largest robust z-scores, so a regulator sees *why* a row stood out.
Reference: Liu, Ting and Zhou (2008), "Isolation Forest", ICDM.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from sklearn.ensemble import IsolationForest

from audit.features import FEATURE_LABELS, describe_feature, display_value

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

# Scale of the MAD and of the mean absolute deviation that matches the SD of a normal.
_MAD_TO_SD = 1.4826
_MEAN_ABS_TO_SD = 1.2533


@dataclass(frozen=True)
class DetectorResult:
    """Anomaly score per row (higher = more isolated, in (0, 1]), the outlier mask, and
    for each outlier the features that drove it as (name, robust z) pairs, largest first.
    ``pooled`` marks rows scored by the pooled forest; ``z`` holds every row's robust
    z-scores against its peers, ``peer_median`` and ``peer_mean`` the peer values behind
    them (what an explanation quotes)."""

    scores: FloatArray
    outlier: BoolArray
    top_features: list[list[tuple[str, float]]]
    pooled: BoolArray
    z: FloatArray
    # Per row and feature, the peer group's median and mean the row was judged against.
    peer_median: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    peer_mean: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    # Per row, the share of the rows of its forest scoring at least as high: an empirical
    # upper-tail p-value, the detector's comparable surprise measure.
    tail_share: FloatArray = field(default_factory=lambda: np.zeros(0))


def _group_median(values: FloatArray, codes: IntArray, count: int) -> FloatArray:
    """Median of the finite values per code (NaN where a code has none)."""
    ok = np.isfinite(values)
    v, c = values[ok], codes[ok]
    order = np.lexsort((v, c))
    v, c = v[order], c[order]
    sizes = np.bincount(c, minlength=count)
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    med = np.full(count, np.nan)
    has = sizes > 0
    lo = starts + (sizes - 1) // 2
    hi = starts + sizes // 2
    med[has] = 0.5 * (v[lo[has]] + v[hi[has]])
    return med


def peer_centres(X: npt.ArrayLike, reference: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Per cell, the median and the mean of the finite values of its column among the rows
    sharing its ``reference`` code."""
    data = np.asarray(X, dtype=float)
    uniq, codes = np.unique(np.asarray(reference), return_inverse=True)
    codes = codes.reshape(-1).astype(np.int64)
    count = uniq.size
    med = np.zeros_like(data)
    mean = np.zeros_like(data)
    for j in range(data.shape[1]):
        col = data[:, j]
        finite = np.isfinite(col)
        med[:, j] = _group_median(col, codes, count)[codes]
        n_ok = np.bincount(codes[finite], minlength=count)
        total = np.bincount(codes[finite], weights=col[finite], minlength=count)
        mean[:, j] = np.where(n_ok > 0, total / np.maximum(n_ok, 1), np.nan)[codes]
    return med, mean


def robust_z(X: npt.ArrayLike, reference: npt.ArrayLike) -> FloatArray:
    """Robust z-scores of every cell against the rows sharing its ``reference`` code.

    Centre: the median; scale: 1.4826 × MAD, else 1.2533 × mean absolute deviation when
    the MAD is zero, else 1. Missing values score 0 (at the centre).
    """
    data = np.asarray(X, dtype=float)
    uniq, codes = np.unique(np.asarray(reference), return_inverse=True)
    codes = codes.reshape(-1).astype(np.int64)
    count = uniq.size
    z = np.zeros_like(data)
    for j in range(data.shape[1]):
        col = data[:, j]
        centre = _group_median(col, codes, count)
        dev = np.abs(col - centre[codes])
        mad = _group_median(dev, codes, count) * _MAD_TO_SD
        finite = np.isfinite(dev)
        n_ok = np.bincount(codes[finite], minlength=count)
        mean_abs = (
            np.bincount(codes[finite], weights=dev[finite], minlength=count)
            / np.maximum(n_ok, 1)
            * _MEAN_ABS_TO_SD
        )
        scale = np.where(mad > 0, mad, np.where(mean_abs > 0, mean_abs, 1.0))
        z[:, j] = np.where(finite, (col - centre[codes]) / scale[codes], 0.0)
    return z


def isolation_flags(
    X: npt.ArrayLike,
    feature_names: list[str],
    groups: npt.ArrayLike,
    *,
    contamination: float = 0.02,
    random_state: int = 0,
    top_k: int = 3,
    min_group_size: int = 500,
    min_peer_rows: int = 30,
    max_forests: int = 20,
    n_estimators: int = 100,
) -> DetectorResult:
    """Isolation-forest outliers per peer group, each explained by its top features.

    Features become robust z-scores against the row's peer group (against all rows when
    the group has fewer than ``min_peer_rows``). The ``max_forests`` largest groups with at
    least ``min_group_size`` rows get their own forest; all other rows share one pooled
    forest. In each forest the ``contamination`` share of its rows with the highest scores
    are outliers; an outlier's ``top_features`` are its ``top_k`` features by |z|.
    Fixed ``random_state`` and sorted group order make the result reproducible.
    """
    data = np.asarray(X, dtype=float)
    if data.ndim != 2 or data.shape[1] != len(feature_names):
        raise ValueError("X must be rows × features, one column per feature name")
    n_rows = data.shape[0]
    scores = np.zeros(n_rows)
    outlier = np.zeros(n_rows, dtype=bool)
    pooled = np.zeros(n_rows, dtype=bool)
    tail = np.ones(n_rows)
    if n_rows == 0:
        empty = np.zeros_like(data)
        return DetectorResult(scores, outlier, [], pooled, empty, empty, empty, np.ones(0))
    uniq, codes = np.unique(np.asarray(groups).reshape(-1), return_inverse=True)
    codes = codes.reshape(-1).astype(np.int64)
    sizes = np.bincount(codes, minlength=uniq.size)
    reference = np.where(sizes[codes] >= min_peer_rows, codes, -1)
    z = robust_z(data, reference)
    peer_median, peer_mean = peer_centres(data, reference)

    # Largest groups first, ties by group order; everything else is pooled.
    ranked = np.lexsort((np.arange(uniq.size), -sizes))
    own = [int(g) for g in ranked[:max_forests] if sizes[g] >= min_group_size]
    has_own = np.zeros(uniq.size, dtype=bool)
    has_own[own] = True
    pooled = ~has_own[codes]
    parts: list[IntArray] = [np.flatnonzero(codes == g) for g in sorted(own)]
    pooled_rows = np.flatnonzero(pooled)
    if pooled_rows.size:
        parts.append(pooled_rows)
    for rows in parts:
        if rows.size < 2:
            continue
        # contamination="auto" skips sklearn's own pass over the training rows; the
        # threshold below is the same percentile sklearn would take for its offset_.
        forest = IsolationForest(
            n_estimators=n_estimators, contamination="auto", random_state=random_state
        ).fit(z[rows])
        raw = forest.score_samples(z[rows])
        scores[rows] = -raw
        outlier[rows] = raw < np.percentile(raw, 100.0 * contamination)
        # Rows scoring at least as high, over the forest's rows (ties count against).
        ranked_raw = np.sort(raw)
        tail[rows] = np.searchsorted(ranked_raw, raw, side="right") / rows.size

    top_features: list[list[tuple[str, float]]] = [[] for _ in range(n_rows)]
    flagged = np.flatnonzero(outlier)
    if flagged.size and top_k > 0:
        # Stable sort on -|z|: ties go to the earlier feature, deterministically.
        order = np.argsort(-np.abs(z[flagged]), axis=1, kind="stable")[:, :top_k]
        for row, cols in zip(flagged.tolist(), order.tolist(), strict=True):
            top_features[row] = [(feature_names[c], float(z[row, c])) for c in cols]
    return DetectorResult(scores, outlier, top_features, pooled, z, peer_median, peer_mean, tail)


def explain_outlier(
    result: DetectorResult, row: int, feature_names: list[str], X: npt.ArrayLike
) -> tuple[str, str, list[dict[str, float | str]]]:
    """Why ``row`` stood out, in words a person can check: each of its top features with
    its raw value against the peer value (``audit.features.describe_feature``), joined in
    Chinese and in English, and the same as evidence rows (feature, value, peer value,
    robust z, both on the scale a person reads)."""
    data = np.asarray(X, dtype=float)
    column = {name: j for j, name in enumerate(feature_names)}
    zh: list[str] = []
    en: list[str] = []
    evidence: list[dict[str, float | str]] = []
    for name, z in result.top_features[row]:
        j = column[name]
        yes_no = FEATURE_LABELS[name].unit == "yes_no"
        peer = float((result.peer_mean if yes_no else result.peer_median)[row, j])
        value = float(data[row, j])
        text_zh, text_en = describe_feature(name, value, peer)
        zh.append(text_zh)
        en.append(text_en)
        evidence.append(
            {
                "feature": name,
                "label": FEATURE_LABELS[name].zh,
                "label_en": FEATURE_LABELS[name].en,
                "value": display_value(name, value),
                "peer_value": peer if yes_no else display_value(name, peer),
                "robust_z": z,
            }
        )
    return "；".join(zh), "; ".join(en), evidence
