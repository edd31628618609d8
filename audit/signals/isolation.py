"""``detector.isolation``: applications, members and review-body periods unlike their peers
(isolation forests per peer group, ``audit.detector.isolation_flags``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from audit.dataset import AuditDataset, FloatArray, IntArray
from audit.features import Features
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
BANDS = "alert: among the most isolated rows of its peer group (the settings' contamination)"
REASON = "异常检测：{what}与同类明显不同，主要因为{drivers}"
REASON_EN = "detector: {what} is unlike its peers, mainly {drivers}"


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """Rows the per-peer-group isolation forests find most isolated, per scope."""
    # scikit-learn is loaded only when the detector runs.
    from audit.detector import isolation_flags

    settings = context.settings
    apps, members, units = features.applications, features.members, features.units
    cluster = ds.enterprise_cluster[ds.session_enterprise].astype(str)
    level = np.char.add(ds.session_track.astype(str), ds.session_level.astype(str))
    session_peer = np.unique(np.char.add(cluster, level), return_inverse=True)[1]
    level_peer = np.unique(level, return_inverse=True)[1]
    contamination = settings.detector_contamination
    out: list[Flag] = []
    tables: list[tuple[Scope, list[str], list[FloatArray], IntArray]] = [
        (
            "application",
            ["margin", "spread", "unanimous", "mean_duration_log", "exceptional", "approved"],
            [
                apps.margin,
                apps.spread,
                apps.unanimous.astype(float),
                np.log1p(np.maximum(apps.mean_duration, 0)),
                ds.app_exceptional.astype(float),
                ds.app_approved.astype(float),
            ],
            session_peer[ds.app_session],
        ),
        (
            "member",
            ["mean_leniency", "sd_total", "median_duration_log", "approve_share"],
            [
                members.mean_leniency,
                members.sd_total,
                np.log1p(np.maximum(members.median_duration, 0)),
                members.approve_share,
            ],
            level_peer[ds.member_session],
        ),
        (
            "enterprise",
            [
                "pass_rate",
                "mean_margin",
                "just_above_share",
                "mean_spread",
                "unanimous_share",
                "exceptional_share",
                "external_share",
                "median_duration_log",
            ],
            [
                units.pass_rate,
                units.mean_margin,
                units.just_above_share,
                units.mean_spread,
                units.unanimous_share,
                units.exceptional_share,
                units.external_share,
                np.log1p(np.maximum(units.median_duration, 0)),
            ],
            np.unique(ds.enterprise_cluster[units.enterprise].astype(str), return_inverse=True)[1],
        ),
    ]
    for scope, names, columns, groups in tables:
        X = np.column_stack(columns) if columns[0].size else np.zeros((0, len(names)))
        if len(X) < 20:
            continue
        # The forest takes no missing values: a missing feature reads as the median.
        medians = np.nanmedian(np.where(np.isfinite(X), X, np.nan), axis=0)
        X = np.where(np.isfinite(X), X, np.nan_to_num(medians)[None, :])
        result = isolation_flags(
            X,
            names,
            groups,
            contamination=contamination.get(scope, 0.01),
            random_state=settings.random_state,
            max_forests=settings.detector_max_forests,
        )
        threshold = float(result.scores[result.outlier].min()) if result.outlier.any() else 1.0
        for row in np.flatnonzero(result.outlier).tolist():
            top = result.top_features[row]
            score = float(result.scores[row])
            out.append(_flag(ds, features, scope, row, top, score, threshold, len(X)))
    return out


def _flag(
    ds: AuditDataset,
    features: Features,
    scope: Scope,
    row: int,
    top: list[tuple[str, float]],
    score: float,
    threshold: float,
    n: int,
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
    drivers = "、".join(f"{name}（稳健z={z:+.1f}）" for name, z in top)
    drivers_en = ", ".join(f"{name} (robust z={z:+.1f})" for name, z in top)
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
        records=[ref.get("filing_id") or ref["enterprise_credit_code"]],
        reason=REASON.format(what=what, drivers=drivers),
        reason_en=REASON_EN.format(what=what_en, drivers=drivers_en),
        details={"top_features": [[name, z] for name, z in top], "scope": scope},
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
