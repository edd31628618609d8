"""``detector.isolation``: applications, members and review-body periods unlike their peers
(isolation forests per peer group, ``audit.detector.isolation_flags``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from audit.dataset import AuditDataset
from audit.features import Features, detector_inputs
from audit.flags import Flag, Scope, SignalInfo, make_flag
from audit.signals.base import Context, Refs, Signal

INFO = SignalInfo(
    "detector.isolation",
    "异常检测：与同类明显不同",
    "unsupervised detector: unlike its peers",
    "detector",
    "application",
    "low",
)
BANDS = (
    "alert: among the most isolated rows of its peer group (the settings' contamination); "
    "p_value: the share of the forest's rows scoring at least as high"
)
REASON = "异常检测：{what}与同类明显不同：{drivers}"
REASON_EN = "detector: {what} is unlike its peers: {drivers}"


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """Rows the per-peer-group isolation forests find most isolated, per scope, explained in
    words with raw values against the peer values (``audit.features.FEATURE_LABELS``)."""
    # scikit-learn is loaded only when the detector runs.
    from audit.detector import explain_outlier, isolation_flags

    settings = context.settings
    contamination = settings.detector_contamination
    out: list[Flag] = []
    for table in detector_inputs(ds, features):
        X = table.X
        if len(X) < 20:
            continue
        # The forest takes no missing values: a missing feature reads as the median.
        medians = np.nanmedian(np.where(np.isfinite(X), X, np.nan), axis=0)
        X = np.where(np.isfinite(X), X, np.nan_to_num(medians)[None, :])
        result = isolation_flags(
            X,
            table.names,
            table.groups,
            contamination=contamination.get(table.scope, 0.01),
            random_state=settings.random_state,
            max_forests=settings.detector_max_forests,
        )
        threshold = float(result.scores[result.outlier].min()) if result.outlier.any() else 1.0
        for row in np.flatnonzero(result.outlier).tolist():
            why = explain_outlier(result, row, table.names, X)
            score = float(result.scores[row])
            tail = float(result.tail_share[row])
            out.append(_flag(ds, features, table.scope, row, why, score, threshold, len(X), tail))
    return out


def _flag(
    ds: AuditDataset,
    features: Features,
    scope: Scope,
    row: int,
    why: tuple[str, str, list[dict[str, Any]]],
    score: float,
    threshold: float,
    n: int,
    tail_share: float,
) -> Flag:
    refs = Refs(ds)
    ref: dict[str, Any]
    if scope == "application":
        ref = {**refs.session(int(ds.app_session[row])), "application_ref": str(ds.app_ref[row])}
        what, what_en = f"申报{ds.app_ref[row]}", f"application {ds.app_ref[row]}"
    elif scope == "member":
        ref = refs.member(row)
        what, what_en = f"评委{ds.member_id[row]}", f"member {ds.member_id[row]}"
    else:
        ref = refs.unit(features, row)
        what, what_en = f"本单位{ref['period']}期间的评审", f"the reviews of {ref['period']}"
    drivers, drivers_en, evidence = why
    return make_flag(
        INFO.code,
        scope=scope,
        severity="low",
        band="alert",
        **ref,
        observed=score,
        expected=threshold,
        n=n,
        statistic="isolation forest anomaly score",
        statistic_value=score,
        # Empirical: the share of the forest's rows scoring at least as high.
        p_value=tail_share,
        records=[ref.get("filing_id") or ref["enterprise_credit_code"]],
        reason=REASON.format(what=what, drivers=drivers),
        reason_en=REASON_EN.format(what=what_en, drivers=drivers_en),
        details={
            "top_features": [[e["feature"], e["robust_z"]] for e in evidence],
            "evidence": evidence,
            "scope": scope,
        },
    )


SIGNAL = Signal(
    INFO,
    "detector",
    BANDS,
    REASON,
    REASON_EN,
    detect,
    enabled=lambda context: context.settings.detector,
)
