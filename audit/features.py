"""Features per score sheet, application, panel member, session and enterprise-period, built
with group-bys over the columns of an ``AuditDataset`` (no Python loop over rows).

Definitions a regulator can recompute by hand:

- a member's total on an application: 100 × Σ weight × score / maximum (``standards.scoring``);
- the final score: the mean of the totals of the members who scored;
- spread: the standard deviation (population) of the members' totals on one application;
- leniency: a member's total minus the mean of the other members' totals on that application;
- duration: seconds spent on a sheet: the sum over its criteria of submitted minus started
  when every criterion carries timestamps (contract 1.1), else the sheet's submitted minus
  started (unknown when ``started_at`` is missing);
- unanimous: at least one vote and every vote the same;
- eligible members: the panel size minus the members recused from that application.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from audit.dataset import AuditDataset, BoolArray, FloatArray, IntArray
from standards.scoring import member_totals

# Scores this close above the pass score are "just above" in the session features.
JUST_ABOVE_WIDTH = 3.0


def _sum(index: IntArray, values: npt.ArrayLike, size: int) -> FloatArray:
    out: FloatArray = np.bincount(
        index, weights=np.asarray(values, dtype=np.float64), minlength=size
    ).astype(np.float64)
    return out


def _count(index: IntArray, size: int, where: BoolArray | None = None) -> IntArray:
    if where is not None:
        index = index[where]
    return np.bincount(index, minlength=size).astype(np.int64)


def _mean(total: FloatArray, count: npt.NDArray[np.int64] | FloatArray) -> FloatArray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _finite_mean(index: IntArray, values: FloatArray, size: int) -> FloatArray:
    ok = np.isfinite(values)
    return _mean(_sum(index[ok], values[ok], size), _count(index[ok], size))


def _group_median(index: IntArray, values: FloatArray, size: int) -> FloatArray:
    """Median of the finite ``values`` of each group (NaN for an empty group)."""
    ok = np.isfinite(values)
    idx, val = index[ok], values[ok]
    order = np.lexsort((val, idx))
    idx, val = idx[order], val[order]
    counts = np.bincount(idx, minlength=size)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    out = np.full(size, np.nan)
    has = counts > 0
    lo = starts[has] + (counts[has] - 1) // 2
    hi = starts[has] + counts[has] // 2
    out[has] = (val[lo] + val[hi]) / 2
    return out


@dataclass(frozen=True)
class SheetFeatures:
    """One row per score sheet (member × application)."""

    total: FloatArray
    others_mean: FloatArray  # mean of the other members' totals on the application
    leniency: FloatArray
    duration: FloatArray
    normalised: FloatArray  # (sheets × K): score / maximum, 0 in unused columns


@dataclass(frozen=True)
class ApplicationFeatures:
    """One row per application."""

    n_scores: IntArray
    final_score: FloatArray  # recomputed from the sheets; NaN when nobody scored
    pass_score: FloatArray
    margin: FloatArray  # final score minus pass score
    spread: FloatArray
    approvals: IntArray
    rejections: IntArray
    abstentions: IntArray
    recused: IntArray
    eligible_members: IntArray
    unanimous: BoolArray
    mean_duration: FloatArray


@dataclass(frozen=True)
class MemberFeatures:
    """One row per panel member of a session."""

    n_scored: IntArray
    mean_total: FloatArray
    mean_leniency: FloatArray
    sd_total: FloatArray
    median_duration: FloatArray
    approve_share: FloatArray


@dataclass(frozen=True)
class SessionFeatures:
    """One row per session."""

    n_applications: IntArray
    n_approved: IntArray
    pass_rate: FloatArray
    mean_margin: FloatArray
    just_above_share: FloatArray  # share of scored applications in [pass, pass + 3)
    mean_spread: FloatArray
    unanimous_share: FloatArray
    exceptional: IntArray
    exceptional_share: FloatArray
    panel_size: IntArray
    external_share: FloatArray
    median_duration: FloatArray


@dataclass(frozen=True)
class EnterprisePeriods:
    """One row per (review body, period): the unit enterprises are graded on."""

    enterprise: IntArray
    period: npt.NDArray[np.object_]
    session_unit: IntArray  # unit of each session
    n_sessions: IntArray
    n_applications: IntArray
    n_approved: IntArray
    pass_rate: FloatArray
    mean_margin: FloatArray
    just_above_share: FloatArray
    mean_spread: FloatArray
    unanimous_share: FloatArray
    exceptional_share: FloatArray
    external_share: FloatArray
    median_duration: FloatArray


@dataclass(frozen=True)
class Features:
    """All feature tables of one dataset."""

    sheets: SheetFeatures
    applications: ApplicationFeatures
    members: MemberFeatures
    sessions: SessionFeatures
    units: EnterprisePeriods


def sheet_features(ds: AuditDataset) -> SheetFeatures:
    """Totals, leave-one-out panel means, leniency, durations and normalised scores."""
    standard = ds.session_standard[ds.app_session[ds.score_app]]
    maxima = ds.standard_maxima[standard]
    weights = ds.standard_weights[standard]
    normalised = ds.score_values / maxima
    # member_totals takes one weight vector; sheets of many standards: same formula, per row.
    if len(ds.standards) == 1:
        total = member_totals(ds.standard_weights[0], ds.standard_maxima[0], ds.score_values)
    else:
        total = 100.0 * np.einsum("ij,ij->i", normalised, weights)
    n_app = ds.n_applications
    sums = _sum(ds.score_app, total, n_app)
    counts = _count(ds.score_app, n_app)
    others = counts[ds.score_app] - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        others_mean = np.where(
            others > 0, (sums[ds.score_app] - total) / np.maximum(others, 1), np.nan
        )
    return SheetFeatures(
        total=total,
        others_mean=others_mean,
        leniency=total - others_mean,
        # Time actually spent scoring where every criterion was timed (contract 1.1), else
        # the span the sheet was open.
        duration=np.where(
            np.isfinite(ds.score_criterion_seconds),
            ds.score_criterion_seconds,
            ds.score_submitted - ds.score_started,
        ),
        normalised=normalised,
    )


def application_features(ds: AuditDataset, sheets: SheetFeatures) -> ApplicationFeatures:
    """Recomputed final score, margin, spread, vote counts, recusals, unanimity."""
    n = ds.n_applications
    n_scores = _count(ds.score_app, n)
    sums = _sum(ds.score_app, sheets.total, n)
    squares = _sum(ds.score_app, sheets.total**2, n)
    final = _mean(sums, n_scores)
    with np.errstate(invalid="ignore"):
        variance = np.maximum(_mean(squares, n_scores) - final**2, 0.0)
    spread = np.where(n_scores >= 2, np.sqrt(variance), np.nan)
    pass_score = ds.standard_pass_score[ds.session_standard[ds.app_session]]
    approvals = _count(ds.vote_app, n, ds.vote_kind == 0)
    rejections = _count(ds.vote_app, n, ds.vote_kind == 1)
    abstentions = _count(ds.vote_app, n, ds.vote_kind == 2)
    recused = _count(ds.recusal_app, n)
    panel_size = _count(ds.member_session, ds.n_sessions)[ds.app_session]
    present = approvals + rejections + abstentions
    unanimous = (present > 0) & ((approvals == present) | (rejections == present))
    return ApplicationFeatures(
        n_scores=n_scores,
        final_score=final,
        pass_score=pass_score,
        margin=final - pass_score,
        spread=spread,
        approvals=approvals,
        rejections=rejections,
        abstentions=abstentions,
        recused=recused,
        eligible_members=panel_size - recused,
        unanimous=unanimous,
        mean_duration=_finite_mean(ds.score_app, sheets.duration, n),
    )


def member_features(ds: AuditDataset, sheets: SheetFeatures) -> MemberFeatures:
    """Per panel member: how much they scored, how leniently, how fast, how they voted."""
    n = len(ds.member_id)
    n_scored = _count(ds.score_member, n)
    mean_total = _mean(_sum(ds.score_member, sheets.total, n), n_scored)
    squares = _mean(_sum(ds.score_member, sheets.total**2, n), n_scored)
    with np.errstate(invalid="ignore"):
        sd_total = np.where(n_scored >= 2, np.sqrt(np.maximum(squares - mean_total**2, 0)), np.nan)
    votes = _count(ds.vote_member, n)
    approve = _count(ds.vote_member, n, ds.vote_kind == 0)
    return MemberFeatures(
        n_scored=n_scored,
        mean_total=mean_total,
        mean_leniency=_finite_mean(ds.score_member, sheets.leniency, n),
        sd_total=sd_total,
        median_duration=_group_median(ds.score_member, sheets.duration, n),
        approve_share=_mean(approve.astype(np.float64), votes),
    )


def session_features(
    ds: AuditDataset, sheets: SheetFeatures, apps: ApplicationFeatures
) -> SessionFeatures:
    """Per session: outcomes, bunching near the pass score, agreement, panel make-up."""
    n = ds.n_sessions
    s = ds.app_session
    n_apps = _count(s, n)
    approved = _count(s, n, ds.app_approved)
    scored = np.isfinite(apps.margin)
    just_above = scored & (apps.margin >= 0) & (apps.margin < JUST_ABOVE_WIDTH)
    panel = _count(ds.member_session, n)
    external = _count(ds.member_session, n, ds.member_external)
    exceptional = _count(s, n, ds.app_exceptional)
    return SessionFeatures(
        n_applications=n_apps,
        n_approved=approved,
        pass_rate=_mean(approved.astype(np.float64), n_apps),
        mean_margin=_finite_mean(s, apps.margin, n),
        just_above_share=_mean(_count(s, n, just_above).astype(np.float64), _count(s, n, scored)),
        mean_spread=_finite_mean(s, apps.spread, n),
        unanimous_share=_mean(_count(s, n, apps.unanimous).astype(np.float64), n_apps),
        exceptional=exceptional,
        exceptional_share=_mean(exceptional.astype(np.float64), n_apps),
        panel_size=panel,
        external_share=_mean(external.astype(np.float64), panel),
        median_duration=_group_median(ds.app_session[ds.score_app], sheets.duration, n),
    )


def enterprise_periods(
    ds: AuditDataset, sheets: SheetFeatures, apps: ApplicationFeatures
) -> EnterprisePeriods:
    """Per (review body, period): the same outcome and agreement features, pooled."""
    periods, period_code = np.unique(ds.session_period.astype(str), return_inverse=True)
    key = ds.session_enterprise * len(periods) + period_code
    units, session_unit = np.unique(key, return_inverse=True)
    n = len(units)
    u = session_unit[ds.app_session]
    n_apps = _count(u, n)
    approved = _count(u, n, ds.app_approved)
    scored = np.isfinite(apps.margin)
    just_above = scored & (apps.margin >= 0) & (apps.margin < JUST_ABOVE_WIDTH)
    member_unit = session_unit[ds.member_session]
    panel = _count(member_unit, n)
    return EnterprisePeriods(
        enterprise=(units // len(periods)).astype(np.int64),
        period=periods[units % len(periods)].astype(object),
        session_unit=session_unit.astype(np.int64),
        n_sessions=_count(session_unit, n),
        n_applications=n_apps,
        n_approved=approved,
        pass_rate=_mean(approved.astype(np.float64), n_apps),
        mean_margin=_finite_mean(u, apps.margin, n),
        just_above_share=_mean(_count(u, n, just_above).astype(np.float64), _count(u, n, scored)),
        mean_spread=_finite_mean(u, apps.spread, n),
        unanimous_share=_mean(_count(u, n, apps.unanimous).astype(np.float64), n_apps),
        exceptional_share=_mean(_count(u, n, ds.app_exceptional).astype(np.float64), n_apps),
        external_share=_mean(_count(member_unit, n, ds.member_external).astype(np.float64), panel),
        median_duration=_group_median(u[ds.score_app], sheets.duration, n),
    )


def build_features(ds: AuditDataset) -> Features:
    """Every feature table of ``ds``."""
    sheets = sheet_features(ds)
    apps = application_features(ds, sheets)
    return Features(
        sheets=sheets,
        applications=apps,
        members=member_features(ds, sheets),
        sessions=session_features(ds, sheets, apps),
        units=enterprise_periods(ds, sheets, apps),
    )


# ---------------------------------------------------------------------------
# what the detector sees, in words

FeatureUnit = Literal["points", "signed_points", "share", "minutes", "yes_no"]


@dataclass(frozen=True)
class FeatureLabel:
    """How a feature reads to a person: bilingual name and unit. ``log_seconds`` marks a
    feature the detector sees as log(1 + seconds) and a person reads in minutes."""

    zh: str
    en: str
    unit: FeatureUnit
    log_seconds: bool = False


# One entry per feature the detector uses; a test checks that every detector input has one.
FEATURE_LABELS: dict[str, FeatureLabel] = {
    "margin": FeatureLabel("最终得分与合格线之差", "final score minus pass score", "signed_points"),
    "spread": FeatureLabel("评委总分的标准差", "SD of the members' totals", "points"),
    "unanimous": FeatureLabel("表决全票一致", "unanimous vote", "yes_no"),
    "mean_duration_log": FeatureLabel(
        "平均每份评分用时", "mean time per score sheet", "minutes", log_seconds=True
    ),
    "exceptional": FeatureLabel("破格申报", "exceptional track", "yes_no"),
    "approved": FeatureLabel("评审通过", "approved", "yes_no"),
    "mean_leniency": FeatureLabel(
        "总分与其他评委平均之差", "total minus the other members' mean", "signed_points"
    ),
    "sd_total": FeatureLabel("所给总分的标准差", "SD of the totals given", "points"),
    "median_duration_log": FeatureLabel(
        "每份评分用时中位数", "median time per score sheet", "minutes", log_seconds=True
    ),
    "approve_share": FeatureLabel("赞成票比例", "share of approving votes", "share"),
    "pass_rate": FeatureLabel("通过率", "pass rate", "share"),
    "mean_margin": FeatureLabel(
        "最终得分与合格线之差的平均", "mean final score minus pass score", "signed_points"
    ),
    "just_above_share": FeatureLabel(
        f"最终得分在合格线上方{JUST_ABOVE_WIDTH:g}分内的比例",
        f"share scoring within {JUST_ABOVE_WIDTH:g} points above the pass score",
        "share",
    ),
    "mean_spread": FeatureLabel("评委总分标准差的平均", "mean SD of the members' totals", "points"),
    "unanimous_share": FeatureLabel("全票一致的比例", "share of unanimous votes", "share"),
    "exceptional_share": FeatureLabel("破格申报比例", "share on the exceptional track", "share"),
    "external_share": FeatureLabel("外单位评委比例", "share of external members", "share"),
}


def display_value(code: str, value: float) -> float:
    """A detector input as a person reads it (log seconds back to minutes)."""
    label = FEATURE_LABELS[code]
    if label.log_seconds:
        return float(np.expm1(value) / 60.0)
    return float(value)


def _format(label: FeatureLabel, value: float) -> tuple[str, str]:
    if not np.isfinite(value):
        return "未知", "unknown"
    if label.unit == "minutes":
        return f"{value:.1f} 分钟", f"{value:.1f} min"
    if label.unit == "share":
        return f"{value:.0%}", f"{value:.0%}"
    if label.unit == "yes_no":
        return ("是", "yes") if value >= 0.5 else ("否", "no")
    if label.unit == "signed_points":
        return f"{value:+.1f} 分", f"{value:+.1f} points"
    return f"{value:.1f} 分", f"{value:.1f} points"


def describe_feature(code: str, value: float, peer: float) -> tuple[str, str]:
    """One feature against its peers, in words with raw values, Chinese and English, e.g.
    "平均每份评分用时 1.3 分钟，同类评审中位数 8.0 分钟" / "mean time per score sheet 1.3 min,
    peer median 8.0 min". ``value`` and ``peer`` are on the detector's scale; ``peer`` is the
    peer median, or for a yes/no feature the share of peers with "yes"."""
    label = FEATURE_LABELS[code]
    own_zh, own_en = _format(label, display_value(code, value))
    if label.unit == "yes_no":
        return (
            f"{label.zh}：{own_zh}（同类评审中{peer:.0%}为是）",
            f"{label.en}: {own_en} (peers: {peer:.0%} yes)",
        )
    peer_zh, peer_en = _format(label, display_value(code, peer))
    return (
        f"{label.zh} {own_zh}，同类评审中位数 {peer_zh}",
        f"{label.en} {own_en}, peer median {peer_en}",
    )


@dataclass(frozen=True)
class DetectorInput:
    """One table the detector screens: its scope, feature codes (each in
    ``FEATURE_LABELS``), rows × features, and each row's peer group code."""

    scope: Literal["application", "member", "enterprise"]
    names: list[str]
    X: FloatArray
    groups: IntArray


def detector_inputs(ds: AuditDataset, f: Features) -> list[DetectorInput]:
    """The detector's tables: applications against the same cluster, track and level;
    members against the same track and level; review bodies per period against their
    cluster. Durations enter as log(1 + seconds): a pace is compared by ratio."""
    apps, members, units = f.applications, f.members, f.units
    cluster = ds.enterprise_cluster[ds.session_enterprise].astype(str)
    level = np.char.add(ds.session_track.astype(str), ds.session_level.astype(str))
    session_peer = np.unique(np.char.add(cluster, level), return_inverse=True)[1].reshape(-1)
    level_peer = np.unique(level, return_inverse=True)[1].reshape(-1)
    unit_peer = np.unique(ds.enterprise_cluster[units.enterprise].astype(str), return_inverse=True)[
        1
    ].reshape(-1)

    def log_seconds(values: FloatArray) -> FloatArray:
        out: FloatArray = np.log1p(np.maximum(values, 0))
        return out

    def table(columns: list[FloatArray], rows: int) -> FloatArray:
        if rows == 0:
            return np.zeros((0, len(columns)))
        return np.column_stack(columns).astype(np.float64)

    return [
        DetectorInput(
            "application",
            ["margin", "spread", "unanimous", "mean_duration_log", "exceptional", "approved"],
            table(
                [
                    apps.margin,
                    apps.spread,
                    apps.unanimous.astype(float),
                    log_seconds(apps.mean_duration),
                    ds.app_exceptional.astype(float),
                    ds.app_approved.astype(float),
                ],
                ds.n_applications,
            ),
            session_peer[ds.app_session].astype(np.int64),
        ),
        DetectorInput(
            "member",
            ["mean_leniency", "sd_total", "median_duration_log", "approve_share"],
            table(
                [
                    members.mean_leniency,
                    members.sd_total,
                    log_seconds(members.median_duration),
                    members.approve_share,
                ],
                len(ds.member_id),
            ),
            level_peer[ds.member_session].astype(np.int64),
        ),
        DetectorInput(
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
            table(
                [
                    units.pass_rate,
                    units.mean_margin,
                    units.just_above_share,
                    units.mean_spread,
                    units.unanimous_share,
                    units.exceptional_share,
                    units.external_share,
                    log_seconds(units.median_duration),
                ],
                len(units.enterprise),
            ),
            unit_peer.astype(np.int64),
        ),
    ]
