"""Statistical audit signals over columnar review data.

Every function takes flat numpy arrays (one row per application, per member score or
per unit), groups them with sort-based group-bys (``np.unique`` + ``np.bincount``), and
returns one result per tested unit with the numbers a regulator can check by hand:
``n``, the observed value, the expected (peer) value, the test statistic, the p-value and
the band. Results come in a deterministic order (by group code, then member code), so
the same input always yields the same output.

Bands: ``"alert"`` when p < 0.05 (about 95%) and ``"alarm"`` when p < 0.002 (about
99.8%). Tests are one-sided wherever only one direction is suspicious (more scores just
above the pass line, faster scoring, higher pass rates). Per-unit p-values are nominal,
as on a funnel plot; where one unit yields many tests (pairs of members in a panel,
pairs of organisations) the p-values are Holm-adjusted and the raw value is kept too.

Nulls are what an honest unit of the same size and peer group shows, not fixed floors:
honest raters differ in severity and pace, standards differ in criteria and maxima, bodies
hold 3 applications or 300. Where honest units vary beyond chance, the between-unit spread
is estimated robustly from the peers (``peer_null``: median and MAD, so the manipulated few
do not widen their own null) and the tail is a Student t matched to the honest z-scores
(``tail_df``); counts are judged within strata that share a standard's structure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import optimize, special, stats

Band = Literal["alarm", "alert"]
# Scoring speed alone can be certain: below an absolute floor nobody reads an application.
SpeedBand = Literal["certain", "alarm", "alert"]
Kind = Literal["lenient", "harsh", "central"]

ALERT_P = 0.05
ALARM_P = 0.002

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def band_for(p_value: float | None) -> Band | None:
    """Band of a p-value: ``"alarm"`` below 0.002, ``"alert"`` below 0.05, else ``None``.

    A missing or NaN p-value has no band.
    """
    if p_value is None or not np.isfinite(p_value):
        return None
    if p_value < ALARM_P:
        return "alarm"
    if p_value < ALERT_P:
        return "alert"
    return None


@dataclass(frozen=True, slots=True)
class GroupTest:
    """One unit (session, enterprise, panel) tested against its expected value."""

    group: Any
    n: int
    observed: float
    expected: float
    statistic: float
    p_value: float
    band: Band | None
    details: dict[str, Any] = field(default_factory=dict)
    statistic_name: str = ""


@dataclass(frozen=True, slots=True)
class PairResult:
    """Two members of one panel whose criterion vectors agree more often than chance."""

    group: Any
    member_a: Any
    member_b: Any
    n: int
    mean_abs_diff: float
    share_identical: float
    p_value: float
    band: Band | None
    n_identical: int = 0
    expected_share: float = 0.0
    p_raw: float = 1.0


@dataclass(frozen=True, slots=True)
class MemberBias:
    """A member's scoring against the rest of the panel on the same applications."""

    member: Any
    group: Any
    n: int
    mean_deviation: float
    z: float
    spread_ratio: float
    kind: Kind | None
    p_value: float
    band: Band | None
    p_bias: float = 1.0
    p_central: float = 1.0
    df: int = 0
    peer_centre: float = 0.0  # the typical lean in the peer group
    peer_sd: float = 0.0  # the spread of honest leans between members of the peer group
    typical_spread_ratio: float = 1.0
    z_spread: float = 0.0


@dataclass(frozen=True, slots=True)
class MemberSpeed:
    """A member's time per score sheet against their panel, their peers and their own pace.

    ``n_fast`` counts sheets under the absolute floor; ``n_rushed`` sheets far faster than the
    member's own median (``expected_share`` is the share among everyone else); ``statistic``
    is the lower of the panel and peer z-scores; ``test`` names the test that gave p."""

    member: Any
    group: Any
    n: int
    n_fast: int
    share_fast: float
    expected_share: float
    median_seconds: float
    statistic: float
    p_value: float
    band: SpeedBand | None
    panel_median_seconds: float = float("nan")
    peer_median_seconds: float = float("nan")
    z_panel: float = float("nan")
    z_peer: float = float("nan")
    n_rushed: int = 0
    p_panel: float = float("nan")
    p_peer: float = float("nan")
    p_own: float = float("nan")
    test: str = ""
    floor_seconds: float = 60.0


@dataclass(frozen=True, slots=True)
class FunnelResult:
    """A unit's pass rate on the over-dispersed funnel plot of its peer group."""

    unit: int
    peer_group: Any
    n: int
    passed: int
    rate: float
    peer_rate: float
    shrunk_rate: float
    z: float
    phi: float
    limits_95: tuple[float, float]
    limits_998: tuple[float, float]
    p_value: float
    band: Band | None
    prior_strength: float = 0.0


@dataclass(frozen=True, slots=True)
class ReciprocalPair:
    """Two organisations whose experts score each other's applicants leniently."""

    org_a: Any
    org_b: Any
    n_ab: int
    n_ba: int
    mean_ab: float
    mean_ba: float
    z_ab: float
    z_ba: float
    p_raw: float
    p_value: float
    band: Band | None


# ---------------------------------------------------------------------------
# helpers


def _bands(p: FloatArray) -> list[Band | None]:
    out = np.full(p.shape, None, dtype=object)
    out[p < ALERT_P] = "alert"
    out[p < ALARM_P] = "alarm"
    return list(out.tolist())


def _codes(values: npt.ArrayLike) -> tuple[npt.NDArray[Any], IntArray]:
    """Sorted distinct values and each row's code into them."""
    uniq, inv = np.unique(np.asarray(values), return_inverse=True)
    return uniq, inv.reshape(-1).astype(np.int64)


def _holm_within(p: FloatArray, family: IntArray) -> FloatArray:
    """Holm step-down adjustment of ``p`` separately within each family code."""
    if p.size == 0:
        return p.copy()
    order = np.lexsort((p, family))
    fam_sorted = family[order]
    p_sorted = p[order]
    starts = np.flatnonzero(np.r_[True, fam_sorted[1:] != fam_sorted[:-1]])
    sizes = np.diff(np.r_[starts, p.size])
    seg = np.repeat(np.arange(starts.size), sizes)
    rank = np.arange(p.size) - starts[seg]
    adj = np.minimum(1.0, (sizes[seg] - rank) * p_sorted)
    # Segmented running maximum, exact: replace values by their integer ranks and offset
    # each family by more than the largest rank, so one global accumulate respects family
    # boundaries without the rounding that offsetting tiny floats would cause.
    values, ranks = np.unique(adj, return_inverse=True)
    offset = seg.astype(np.int64) * np.int64(values.size)
    running = np.maximum.accumulate(ranks.reshape(-1) + offset) - offset
    out = np.empty_like(p)
    out[order] = values[running]
    return out


def _scalar_list(values: npt.NDArray[Any]) -> list[Any]:
    return list(values.tolist())


def _group_medians(sorted_values: FloatArray, codes_sorted: IntArray, count: int) -> FloatArray:
    """Median per code, for values already sorted by (code, value)."""
    sizes = np.bincount(codes_sorted, minlength=count)
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    med = np.full(count, np.nan)
    has = sizes > 0
    lo = starts + (sizes - 1) // 2
    hi = starts + sizes // 2
    med[has] = 0.5 * (sorted_values[lo[has]] + sorted_values[hi[has]])
    return med


# ---------------------------------------------------------------------------
# scoring


def threshold_bunching(
    final_scores: npt.ArrayLike,
    pass_scores: npt.ArrayLike,
    groups: npt.ArrayLike,
    *,
    width: float | Sequence[float] = 3.0,
    min_n: int = 8,
    prior_weight: float = 20.0,
    lattice_steps: float = 3.0,
    flagged_only: bool = False,
) -> list[GroupTest]:
    """Too many final scores just above the pass line (bunching), per group.

    Within each group, k applications score in ``[pass, pass + w)`` out of the n in
    ``[pass - w, pass + w)``. Under a smooth, locally log-linear score density the
    share just above is ``1 / (1 + (L / H) ** 0.25)``, where L and H count scores in the
    outer bands ``[pass - 3w, pass - w)`` and ``[pass + w, pass + 3w)`` (group counts
    plus ``prior_weight`` pseudo-counts split as in the whole population), so a pass line
    on a rising flank is not mistaken for bunching; k is tested with a one-sided exact
    binomial test. Cf. McCrary (2008), "Manipulation of
    the running variable in the regression discontinuity design", J. Econometrics.

    ``width`` may be several half-widths: nobody knows in advance how far above the line a
    panel lifts its candidates (half a point, or four, leaving a gap just below the line), so
    each group is tested at every width and keeps its smallest p, Bonferroni-corrected for
    the number of widths; the details name the width that gave it.
    """
    widths = [float(w) for w in np.atleast_1d(np.asarray(width, dtype=float))]
    scores = np.asarray(final_scores, dtype=float).reshape(-1)
    passes = np.broadcast_to(np.asarray(pass_scores, dtype=float), scores.shape)
    grp = np.asarray(groups).reshape(-1)
    ok = np.isfinite(scores) & np.isfinite(passes)
    d = (scores - passes)[ok]
    uniq, gi = _codes(grp[ok])
    count = uniq.size
    if count == 0 or not widths:
        return []
    step = _lattice_step(d, gi, count)
    scales = [_bunching_at(d, gi, count, step, w, prior_weight, lattice_steps) for w in widths]
    tested_any = np.zeros(count, dtype=bool)
    for s in scales:
        tested_any |= s.n >= min_n
    p_each = np.stack([np.where(s.n >= min_n, s.p, np.inf) for s in scales])
    best = np.argmin(p_each, axis=0)
    p = np.where(tested_any, np.minimum(1.0, len(widths) * p_each.min(axis=0)), np.nan)
    bands = _bands(p)
    out: list[GroupTest] = []
    for i in np.flatnonzero(tested_any).tolist():
        if flagged_only and bands[i] is None:
            continue
        s = scales[int(best[i])]
        out.append(
            GroupTest(
                group=uniq[i].item(),
                n=int(s.n[i]),
                observed=float(s.above[i] / s.n[i]),
                expected=float(s.expected[i]),
                statistic=float(s.z[i]),
                p_value=float(p[i]),
                band=bands[i],
                details={
                    "just_above": int(s.above[i]),
                    "just_below": int(s.below[i]),
                    "outer_above": int(s.outer_hi[i]),
                    "outer_below": int(s.outer_lo[i]),
                    "width": float(s.width[i]),
                    "widths_tested": widths,
                    "lattice_step": float(step[i]),
                    "test": "one-sided exact binomial, smallest p over the widths (Bonferroni)",
                },
                statistic_name="z (binomial, just above pass line)",
            )
        )
    return out


def _lattice_step(d: FloatArray, gi: IntArray, count: int) -> FloatArray:
    """Per group, the smallest gap between distinct scores (0 with too few to tell)."""
    pairs = np.unique(np.stack([gi, np.round(d, 6)]), axis=1)
    same = pairs[0, 1:] == pairs[0, :-1]
    gaps = np.diff(pairs[1])[same]
    gap_group = pairs[0, 1:][same].astype(np.int64)
    sizes = np.bincount(gap_group, minlength=count)
    step = np.full(count, np.inf)
    np.minimum.at(step, gap_group, gaps)
    return np.where(sizes >= 4, step, 0.0)


@dataclass(frozen=True)
class _BunchingScale:
    above: IntArray
    below: IntArray
    outer_hi: IntArray
    outer_lo: IntArray
    expected: FloatArray
    n: IntArray
    p: FloatArray
    z: FloatArray
    width: FloatArray


def _bunching_at(
    d: FloatArray,
    gi: IntArray,
    count: int,
    step: FloatArray,
    width: float,
    prior_weight: float,
    lattice_steps: float,
) -> _BunchingScale:
    """The bunching test of every group at one half-width."""

    def tally(mask: npt.NDArray[np.bool_]) -> IntArray:
        return np.bincount(gi[mask], minlength=count).astype(np.int64)

    # Coarse standards put final scores on a lattice (three criteria out of 5 and a panel of
    # three: steps of about 2.2 points), and a window of a given width in points may then
    # hold more lattice points above the line than below (a 10-point window: 5 against 4).
    # Windows are therefore counted in whole steps, at least ``lattice_steps`` of them (on
    # continuous scores the step is far below the width and this changes nothing).
    coarse = step > 0
    j_steps = np.where(coarse, np.ceil(width / np.where(coarse, step, 1.0) - 1e-6), 0.0)
    j_steps = np.maximum(j_steps, lattice_steps)
    w_group = np.where(coarse, j_steps * step, width)
    # On a lattice, count lattice points: with j steps on each side both windows hold j
    # points whatever floating-point noise the scores carry.
    row_step = np.where(coarse[gi], step[gi], 1.0)
    k = np.where(d >= 0, np.floor(d / row_step + 1e-6), -np.floor(-d / row_step - 1e-6) - 1)
    pos = np.where(coarse[gi], k, d)
    w = np.where(coarse[gi], j_steps[gi], width)
    above = tally((pos >= 0) & (pos < w))
    below = tally((pos >= -w) & (pos < 0))
    outer_hi = tally((pos >= w) & (pos < 3 * w))
    outer_lo = tally((pos >= -3 * w) & (pos < -w))
    pool = outer_hi.sum() + outer_lo.sum()
    prior_hi = 0.5 if pool == 0 else outer_hi.sum() / pool
    hi = np.maximum(outer_hi + prior_weight * prior_hi, 0.5)
    lo = np.maximum(outer_lo + prior_weight * (1.0 - prior_hi), 0.5)
    # Log-linear density through the outer bands (centres at -2w and +2w): the share of
    # [-w, w) lying above the line is 1 / (1 + (L/H)^(1/4)), exact for Gaussian scores.
    expected = 1.0 / (1.0 + (lo / hi) ** 0.25)
    n = above + below
    safe_n = np.maximum(n, 1)
    p = stats.binom.sf(above - 1, safe_n, expected)
    z = (above - safe_n * expected) / np.sqrt(safe_n * expected * (1.0 - expected))
    return _BunchingScale(above, below, outer_hi, outer_lo, expected, n, p, z, w_group)


def _beta_binomial_fit(k: IntArray, n: IntArray) -> tuple[float, float]:
    """Maximum-likelihood mean ``mu`` and intra-group correlation ``rho`` of a beta-binomial
    over groups with ``k`` successes of ``n`` (Beta(a, b) with mu = a / (a + b) and
    rho = 1 / (a + b + 1)); rho is kept within [1e-6, 0.5]."""
    pairs, counts = np.unique(np.stack([k, n]), axis=1, return_counts=True)
    kk, nn = pairs[0].astype(float), pairs[1].astype(float)
    w = counts.astype(float)
    floor = 0.5 / max(float(n.sum()), 1.0)
    mu0 = float(np.clip(k.sum() / max(n.sum(), 1), floor, 1 - floor))

    def nll(t: FloatArray) -> float:
        mu = float(np.clip(special.expit(t[0]), floor, 1 - floor))
        rho = float(np.clip(special.expit(t[1]), 1e-6, 0.5))
        s = (1.0 - rho) / rho
        a, b = mu * s, (1.0 - mu) * s
        return -float(np.sum(w * (special.betaln(kk + a, nn - kk + b) - special.betaln(a, b))))

    fit = optimize.minimize(
        nll,
        np.array([special.logit(mu0), special.logit(0.02)]),
        method="Nelder-Mead",
        options={"xatol": 1e-6, "fatol": 1e-9, "maxiter": 2000},
    )
    mu = float(np.clip(special.expit(fit.x[0]), floor, 1 - floor))
    rho = float(np.clip(special.expit(fit.x[1]), 1e-6, 0.5))
    return mu, rho


def rubber_stamp(
    spread_per_app: npt.ArrayLike,
    unanimous_per_app: npt.ArrayLike,
    groups: npt.ArrayLike,
    strata: npt.ArrayLike | None = None,
    *,
    min_n: int = 5,
    quantile: float = 0.10,
    min_stratum_apps: int = 100,
    min_groups: int = 10,
    trim_rounds: int = 3,
    flagged_only: bool = False,
) -> list[GroupTest]:
    """Panels that agree too perfectly: no spread of member totals and unanimous votes.

    An application is "stamped" when the spread of its member totals (e.g. their SD) is at
    or below the ``quantile`` of spreads AND the vote was unanimous. A panel with honest
    disagreement stamps a small share of its applications, a rubber stamp nearly all. How
    far honest totals spread depends on the panel size and the standard (eight criteria
    average out more noise than three; coarse maxima round it), so with ``strata`` (per
    application, e.g. standard and panel size) the quantile is taken within the stratum
    when it holds at least ``min_stratum_apps`` applications, else over the population.

    The null is a beta-binomial, not a binomial: honest panels differ in how often they
    stamp (panel size, how alike the members are, how clear-cut the applicants are), so
    the stamped count of a panel varies more than binomial chance allows, and a binomial
    test at the pooled share alarms on about 1.6% of clean panels instead of 0.2%. The
    mean ``mu`` and intra-panel correlation ``rho`` are fitted by maximum likelihood over
    the tested groups (``n >= min_n``); groups at alarm level are left out and the fit
    repeated (up to ``trim_rounds`` times), so the stamps being screened for do not widen
    their own null. Each group's count is then tested one-sided against Beta-Binomial(n,
    mu, rho). With fewer than ``min_groups`` tested groups there is too little to estimate
    ``rho``; the test falls back to a binomial against the share stamped in the rest of the
    population (leave-this-group-out). A screen in the sense of Spiegelhalter et al.
    (2012), "Statistical methods for healthcare regulation: rating, screening and
    surveillance", JRSS A 175(1), who likewise estimate overdispersion robustly before
    screening; beta-binomial: Williams (1975), Biometrics 31(4).
    """
    spread = np.asarray(spread_per_app, dtype=float).reshape(-1)
    unanimous = np.asarray(unanimous_per_app, dtype=bool).reshape(-1)
    grp = np.asarray(groups).reshape(-1)
    ok = np.isfinite(spread)
    strat = np.zeros(ok.size, dtype=np.int64) if strata is None else strata
    strat = np.asarray(strat).reshape(-1)[ok]
    spread, unanimous, grp = spread[ok], unanimous[ok], grp[ok]
    if spread.size == 0:
        return []
    uniq, gi = _codes(grp)
    count = uniq.size
    _, si = _codes(strat)
    pooled_threshold = float(np.quantile(spread, quantile))
    s_size = np.bincount(si)
    s_threshold = np.full(s_size.size, pooled_threshold)
    for code in np.flatnonzero(s_size >= min_stratum_apps).tolist():
        s_threshold[code] = float(np.quantile(spread[si == code], quantile))
    app_threshold = s_threshold[si]
    low = spread <= app_threshold
    g_first = np.zeros(count, dtype=np.int64)
    g_first[gi[::-1]] = np.arange(gi.size)[::-1]
    threshold = app_threshold[g_first]
    stamped = low & unanimous
    n = np.bincount(gi, minlength=count)
    k = np.bincount(gi, weights=stamped, minlength=count).round().astype(np.int64)
    n_low = np.bincount(gi, weights=low, minlength=count).round().astype(np.int64)
    n_unan = np.bincount(gi, weights=unanimous, minlength=count).round().astype(np.int64)
    order = np.lexsort((spread, gi))
    med = _group_medians(spread[order], gi[order], count)
    pop_median = float(np.median(spread))
    tested = n >= min_n
    safe_n = np.maximum(n, 1)
    floor = 0.5 / max(spread.size, 1)
    if tested.sum() >= min_groups and k[tested].sum() > 0:
        keep = tested.copy()
        for _ in range(max(1, trim_rounds)):
            mu, rho = _beta_binomial_fit(k[keep], n[keep])
            s = (1.0 - rho) / rho
            p = np.where(tested, stats.betabinom.sf(k - 1, safe_n, mu * s, (1 - mu) * s), np.nan)
            new_keep = tested & ~(p < ALARM_P)
            if np.array_equal(new_keep, keep) or new_keep.sum() < min_groups:
                break
            keep = new_keep
        p0 = np.full(count, mu)
        variance = safe_n * mu * (1 - mu) * (1 + (safe_n - 1) * rho)
        test_name = "one-sided beta-binomial"
    else:
        rho = 0.0
        rest_n = spread.size - n
        rest_k = stamped.sum() - k
        p0 = np.clip(np.where(rest_n > 0, rest_k / np.maximum(rest_n, 1), 0.5), floor, 1 - floor)
        p = np.where(tested, stats.binom.sf(k - 1, safe_n, p0), np.nan)
        variance = safe_n * p0 * (1 - p0)
        test_name = "one-sided exact binomial (too few panels to estimate overdispersion)"
    z = (k - safe_n * p0) / np.sqrt(variance)
    bands = _bands(p)
    out: list[GroupTest] = []
    for i in np.flatnonzero(tested).tolist():
        if flagged_only and bands[i] is None:
            continue
        out.append(
            GroupTest(
                group=uniq[i].item(),
                n=int(n[i]),
                observed=float(k[i] / n[i]),
                expected=float(p0[i]),
                statistic=float(z[i]),
                p_value=float(p[i]),
                band=bands[i],
                details={
                    "stamped": int(k[i]),
                    "low_spread": int(n_low[i]),
                    "unanimous": int(n_unan[i]),
                    "spread_threshold": float(threshold[i]),
                    "median_spread": float(med[i]),
                    "population_median_spread": pop_median,
                    "overdispersion_rho": float(rho),
                    "test": test_name,
                },
                statistic_name="z (beta-binomial, stamped applications)"
                if rho > 0
                else "z (binomial, stamped applications)",
            )
        )
    return out


def near_identical_pairs(
    member_ids: npt.ArrayLike,
    app_ids: npt.ArrayLike,
    vectors: npt.ArrayLike,
    groups: npt.ArrayLike,
    strata: npt.ArrayLike | None = None,
    *,
    tol: float = 0.02,
    min_apps: int = 5,
    min_expected_share: float = 0.01,
    min_stratum_pairs: int = 200,
    min_panels: int = 10,
    flagged_only: bool = False,
) -> list[PairResult]:
    """Pairs of members of one panel whose criterion scores are (nearly) copies.

    Rows are member × application with criterion scores normalised to 0..1. For every
    pair of members who scored the same applications of a group, an application counts
    as identical when no criterion differs by more than ``tol``. The count is tested with
    a one-sided exact binomial test against the share identical among all other pairs of
    the population (at least ``min_expected_share``). How often honest members agree to the
    last point depends on the standard: three criteria scored 0..5 in whole points coincide
    far more often than eight scored 0..100, so with ``strata`` (per row, e.g. the
    standard) the expected share is that of the other pairs of the same stratum, when it
    has at least ``min_stratum_pairs`` other pair-applications. Honest panels also differ
    among themselves beyond chance (every review body may have a standard of its own; members
    who lean alike agree more): the share is the prior mean of a beta distribution whose
    strength is fitted over the panels (beta-binomial over each group's pair-applications,
    when there are ``min_panels``), updated with the group's *other* pairs, and the pair's
    count is tested against that beta-binomial predictive; the expected share stays at least
    ``min_expected_share``, so one coincidence on a panel that never agrees is no copy. The
    p-values are Holm-adjusted within each group (Holm 1979, "A simple sequentially rejective
    multiple test procedure", Scand. J. Statist.), so a panel's many pairs do not raise false
    alarms.
    """
    mem = np.asarray(member_ids).reshape(-1)
    vec = np.asarray(vectors, dtype=float)
    if vec.ndim == 1:
        vec = vec[:, None]
    grp = np.asarray(groups).reshape(-1)
    if mem.size == 0:
        return []
    strat = np.zeros(mem.size, dtype=np.int64) if strata is None else strata
    _, sc = _codes(np.asarray(strat).reshape(-1))
    mem_uniq, mc = _codes(mem)
    grp_uniq, gc = _codes(grp)
    _, ac = _codes(app_ids)
    order = np.lexsort((mc, ac, gc))
    gs, as_, ms, vs, ss = gc[order], ac[order], mc[order], vec[order], sc[order]
    new_block = np.r_[True, (gs[1:] != gs[:-1]) | (as_[1:] != as_[:-1])]
    block = np.cumsum(new_block) - 1
    max_size = int(np.bincount(block).max())
    n_mem = np.int64(mem_uniq.size)
    keys_parts: list[IntArray] = []
    strat_parts: list[IntArray] = []
    mad_parts: list[FloatArray] = []
    ident_parts: list[npt.NDArray[np.bool_]] = []
    # Rows of one block are contiguous, so pairing row i with row i + k for each offset k
    # below the largest panel enumerates every pair within every block exactly once.
    for k in range(1, max_size):
        left = np.flatnonzero((block[:-k] == block[k:]) & (ms[:-k] != ms[k:]))
        right = left + k
        diff = np.abs(vs[left] - vs[right])
        keys_parts.append((gs[left] * n_mem + ms[left]) * n_mem + ms[right])
        strat_parts.append(ss[left])
        mad_parts.append(diff.mean(axis=1))
        ident_parts.append(diff.max(axis=1) <= tol)
    if not keys_parts:
        return []
    keys = np.concatenate(keys_parts)
    if keys.size == 0:
        return []
    mad = np.concatenate(mad_parts)
    ident = np.concatenate(ident_parts)
    pair_strat = np.concatenate(strat_parts)
    pair_keys, pinv = np.unique(keys, return_inverse=True)
    pinv = pinv.reshape(-1)
    n = np.bincount(pinv)
    k_ident = np.bincount(pinv, weights=ident).round().astype(np.int64)
    mean_mad = np.bincount(pinv, weights=mad) / n
    rest_n = keys.size - n
    rest_k = int(ident.sum()) - k_ident
    p0 = np.where(rest_n > 0, rest_k / np.maximum(rest_n, 1), 0.0)
    # The same share among the other pairs of the pair's stratum, where there are enough.
    first = np.zeros(pair_keys.size, dtype=np.int64)
    first[pinv[::-1]] = np.arange(pinv.size)[::-1]
    stratum = pair_strat[first]
    s_n = np.bincount(pair_strat)[stratum] - n
    s_k = np.bincount(pair_strat, weights=ident).round().astype(np.int64)[stratum] - k_ident
    p0 = np.where(s_n >= min_stratum_pairs, s_k / np.maximum(s_n, 1), p0)
    p0 = np.clip(p0, min_expected_share, 1.0 - 1e-9)
    tested = n >= min_apps
    pair_group = pair_keys // (n_mem * n_mem)
    # How often honest members of one panel agree varies from panel to panel beyond chance
    # (the standard's lattice, how alike the members' leans are, how clear-cut the
    # applicants are): the panel's own rate, from its other pairs, shrunk towards the
    # stratum's with a beta prior whose strength is the panels' fitted over-dispersion.
    g_n = np.bincount(pair_group, weights=n, minlength=grp_uniq.size)
    g_k = np.bincount(pair_group, weights=k_ident, minlength=grp_uniq.size)
    other_n = g_n[pair_group] - n
    other_k = g_k[pair_group] - k_ident
    fitted = g_n >= min_apps
    strength = np.inf
    if fitted.sum() >= min_panels:
        _, rho = _beta_binomial_fit(
            g_k[fitted].round().astype(np.int64), g_n[fitted].round().astype(np.int64)
        )
        strength = (1.0 - rho) / rho
    if np.isfinite(strength):
        a = p0 * strength + other_k
        b = (1.0 - p0) * strength + other_n - other_k
        # A panel whose other pairs never agreed still gets at least the floor: one
        # coincidence is not a copy.
        size = a + b
        p0 = np.clip(a / size, min_expected_share, 1.0 - 1e-9)
        a, b = p0 * size, (1.0 - p0) * size
        p_raw = np.where(tested, stats.betabinom.sf(k_ident - 1, n, a, b), np.nan)
    else:
        p_raw = np.where(tested, stats.binom.sf(k_ident - 1, n, p0), np.nan)
    a_code = (pair_keys // n_mem) % n_mem
    b_code = pair_keys % n_mem
    idx = np.flatnonzero(tested)
    p_adj = np.full(n.shape, np.nan)
    p_adj[idx] = _holm_within(p_raw[idx], pair_group[idx])
    bands = _bands(p_adj)
    groups_out = _scalar_list(grp_uniq[pair_group[idx]])
    a_out = _scalar_list(mem_uniq[a_code[idx]])
    b_out = _scalar_list(mem_uniq[b_code[idx]])
    out: list[PairResult] = []
    for pos, i in enumerate(idx.tolist()):
        if flagged_only and bands[i] is None:
            continue
        out.append(
            PairResult(
                group=groups_out[pos],
                member_a=a_out[pos],
                member_b=b_out[pos],
                n=int(n[i]),
                mean_abs_diff=float(mean_mad[i]),
                share_identical=float(k_ident[i] / n[i]),
                p_value=float(p_adj[i]),
                band=bands[i],
                n_identical=int(k_ident[i]),
                expected_share=float(p0[i]),
                p_raw=float(p_raw[i]),
            )
        )
    return out


def _median_by(values: FloatArray, codes: IntArray, count: int) -> FloatArray:
    """Median of the finite ``values`` per code (NaN where a code has none)."""
    ok = np.isfinite(values)
    v, c = values[ok], codes[ok]
    order = np.lexsort((v, c))
    return _group_medians(v[order], c[order], count)


def _loo_median(values: FloatArray, codes: IntArray, count: int) -> FloatArray:
    """Median of the *other* values of each value's code (NaN when it is alone), exact and
    vectorised: in a code's sorted values with this one at rank r removed, the median's
    positions j map back to j + (j >= r)."""
    order = np.lexsort((values, codes))
    c = codes[order]
    v = values[order]
    sizes = np.bincount(c, minlength=count)
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    rank = np.arange(v.size) - starts[c]
    m = sizes[c] - 1
    lo = np.maximum((m - 1) // 2, 0)
    hi = np.maximum(m // 2, 0)
    lo = lo + (lo >= rank)
    hi = hi + (hi >= rank)
    last = v.size - 1
    a = v[np.minimum(starts[c] + lo, last)]
    b = v[np.minimum(starts[c] + hi, last)]
    med = np.where(m > 0, 0.5 * (a + b), np.nan)
    out = np.empty_like(values, dtype=float)
    out[order] = med
    return out


# Degrees of freedom of the Student t used for honest spreads: estimated from the data
# when there are enough units, kept between these bounds; DEFAULT_DF otherwise.
MIN_DF = 4.0
MAX_DF = 30.0
DEFAULT_DF = 5.0
_DF_GRID = np.array([3.0, 3.5, 4.0, 5.0, 6.0, 8.0, 10.0, 15.0, 20.0, 30.0, 50.0, 100.0])
_TAIL_Q = np.array([0.8, 0.85, 0.9])
_DF_RATIO = np.mean(
    stats.t.ppf(0.5 + _TAIL_Q[:, None] / 2, _DF_GRID[None, :]) / stats.t.ppf(0.75, _DF_GRID), 0
)


# The stated sampling variances are never scaled below a tenth: a peer group whose units all
# agree to the decimal says more about ties than about noise.
MIN_SAMPLING_SCALE = 0.1


def tail_df(z: npt.ArrayLike, *, min_units: int = 300) -> float:
    """Degrees of freedom of a Student t with the tail of these honest z-scores.

    The 80, 85 and 90% quantiles of |z - median| over its median (averaged) are 1.89 for
    normal data and grow with heavier tails (2.20 for t with 3 df); matched to the t with
    that ratio, within [MIN_DF, MAX_DF]. Quantiles up to the 90th are untouched by a few
    percent of manipulated units, so plants do not teach the null that plants are normal.
    Below ``min_units`` finite values the estimate is too noisy: ``DEFAULT_DF``, a
    moderately heavy tail.
    """
    values = np.asarray(z, dtype=float)
    values = values[np.isfinite(values)]
    if values.size < min_units:
        return DEFAULT_DF
    dev = np.abs(values - np.median(values))
    mid = float(np.quantile(dev, 0.5))
    if not mid > 0:
        return DEFAULT_DF
    ratio = float(np.mean(np.quantile(dev, _TAIL_Q))) / mid
    # _DF_RATIO falls as df grows; np.interp needs increasing x.
    df = float(np.interp(ratio, _DF_RATIO[::-1], _DF_GRID[::-1]))
    return float(np.clip(df, MIN_DF, MAX_DF))


@dataclass(frozen=True, slots=True)
class PeerNull:
    """What honest units of a peer group show for a statistic: per unit the centre and the
    between-unit variance ``tau2`` of its peer group (the whole population where the peer
    group is too small), the t degrees of freedom of the tail, and by how much the stated
    sampling variances overstate what honest units actually show (``scale``, at most 1)."""

    centre: FloatArray
    tau2: FloatArray
    df: float
    pooled: npt.NDArray[np.bool_]
    scale: FloatArray

    def z(self, statistic: npt.ArrayLike, sampling_var: npt.ArrayLike) -> FloatArray:
        """Each unit's statistic standardised against this null."""
        t = np.asarray(statistic, dtype=float)
        v = np.asarray(sampling_var, dtype=float) * self.scale
        with np.errstate(divide="ignore", invalid="ignore"):
            return (t - self.centre) / np.sqrt(np.maximum(self.tau2 + v, 1e-300))


def peer_null(
    statistic: npt.ArrayLike,
    sampling_var: npt.ArrayLike,
    peers: npt.ArrayLike,
    *,
    min_units: int = 20,
    min_tau: float = 0.0,
) -> PeerNull:
    """Robust null of a per-unit statistic from its peers (Spiegelhalter-style random
    effects, estimated robustly).

    Each unit's statistic = its true effect + sampling noise of known variance. The peer
    group's median is the centre; (1.4826 × MAD)² of the statistic is the total honest
    variance, from which the median sampling variance is subtracted to leave the between-unit
    variance ``tau2`` (at least ``min_tau``²). Median and MAD ignore up to half of the units,
    so the manipulated few do not widen their own null. Peer groups with fewer than
    ``min_units`` finite units use the whole population's values.

    The honest spread also bounds the sampling variance: where (1.4826 × MAD)² is below the
    median stated sampling variance, the stated variances overstate the noise (an
    independent-samples formula for a statistic whose parts are correlated, as a member's
    totals are with the rest of the panel's on the same applications), and they are scaled
    down by that ratio (its upper two-SE bound, so a right variance is not cut by chance;
    ``scale``, at least ``MIN_SAMPLING_SCALE``) rather than letting an overstated noise hide
    every unit.
    """
    t = np.asarray(statistic, dtype=float).reshape(-1)
    v = np.asarray(sampling_var, dtype=float).reshape(-1)
    uniq, codes = _codes(np.asarray(peers).reshape(-1))
    count = uniq.size
    ok = np.isfinite(t)
    finite = np.bincount(codes[ok], minlength=count)
    small = finite < min_units
    codes_eff = np.where(small[codes], count, codes)  # code ``count``: the population
    all_codes = np.r_[codes_eff, np.full(int(ok.sum()), count)]
    all_t = np.r_[t, t[ok]]
    all_v = np.r_[v, v[ok]]
    centre = _median_by(all_t, all_codes, count + 1)
    dev = np.abs(all_t - centre[all_codes])
    mad = _median_by(dev, all_codes, count + 1) * 1.4826
    med_var = _median_by(all_v, all_codes, count + 1)
    tau2 = np.maximum(np.nan_to_num(mad**2 - med_var, nan=0.0), min_tau**2)
    # MAD² is itself noisy (relative SE about 2.3/√n): its upper two-SE bound is compared, so
    # a stated variance that is right is not scaled down by chance.
    n_units = np.bincount(all_codes[np.isfinite(all_t)], minlength=count + 1)
    upper = mad**2 * (1.0 + 4.7 / np.sqrt(np.maximum(n_units, 1)))
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(med_var > 0, np.clip(upper / med_var, MIN_SAMPLING_SCALE, 1.0), 1.0)
    scale = np.nan_to_num(scale, nan=1.0)
    c = centre[codes_eff]
    tau = tau2[codes_eff]
    sc = scale[codes_eff]
    z = (t - c) / np.sqrt(np.maximum(tau + sc * v, 1e-300))
    return PeerNull(centre=c, tau2=tau, df=tail_df(z), pooled=small[codes], scale=sc)


def member_calibration(
    member_ids: npt.ArrayLike,
    app_ids: npt.ArrayLike,
    totals: npt.ArrayLike,
    groups: npt.ArrayLike,
    peer_groups: npt.ArrayLike | None = None,
    *,
    min_n: int = 5,
    min_peer_members: int = 20,
    flagged_only: bool = False,
) -> list[MemberBias]:
    """Members whose lean or spread is far outside what honest members of their peer group
    show.

    Lean: the mean over the member's applications of their total minus the leave-one-out
    mean of the other members on the same application. Honest raters differ in severity by
    several points, so a lean is not tested against zero but against the spread of leans in
    the peer group (``peer_groups`` per row; the whole population when None or when a peer
    group has fewer than ``min_peer_members`` members): robust centre and between-member
    variance from median and MAD (``peer_null``), plus the member's own sampling variance
    (the panel's pooled within-member variance of deviations over n); the z is referred to
    a Student t whose tail is matched to the honest z-scores (``tail_df``, 3 to 100 df), so
    heavy-tailed honest leans do not alarm. Central tendency: the log of the SD of the
    member's totals over the SD of the other members' totals in the panel, judged the same
    way (one-sided, too little spread; sampling variance 1/(2(n-1)) + 1/(2 df_ref)). The
    reported p is the smaller of the two, Bonferroni-doubled. Cf. Wolfe (2004), "Identifying
    rater effects using latent trait models", Psychology Science 46(1).
    """
    mem = np.asarray(member_ids).reshape(-1)
    tot = np.asarray(totals, dtype=float).reshape(-1)
    grp = np.asarray(groups).reshape(-1)
    app = np.asarray(app_ids).reshape(-1)
    peer = np.zeros(tot.size, dtype=np.int64) if peer_groups is None else peer_groups
    peer = np.asarray(peer).reshape(-1)
    ok = np.isfinite(tot)
    mem, tot, grp, app, peer = mem[ok], tot[ok], grp[ok], app[ok], peer[ok]
    if tot.size == 0:
        return []
    mem_uniq, mc = _codes(mem)
    grp_uniq, gc = _codes(grp)
    _, ac = _codes(app)
    n_app = np.int64(ac.max() + 1)
    _, panel = np.unique(gc * n_app + ac, return_inverse=True)
    panel = panel.reshape(-1)
    panel_sum = np.bincount(panel, weights=tot)
    panel_n = np.bincount(panel)
    others = panel_n[panel] - 1
    keep = others > 0
    loo = (panel_sum[panel][keep] - tot[keep]) / others[keep]
    dev = tot[keep] - loo
    tot, gc, mc, peer = tot[keep], gc[keep], mc[keep], peer[keep]
    if tot.size == 0:
        return []
    n_mem = np.int64(mem_uniq.size)
    member_keys, minv = np.unique(gc * n_mem + mc, return_inverse=True)
    minv = minv.reshape(-1)
    m_group = member_keys // n_mem
    m_code = member_keys % n_mem
    first = np.zeros(member_keys.size, dtype=np.int64)
    first[minv[::-1]] = np.arange(minv.size)[::-1]
    m_peer = peer[first]
    n = np.bincount(minv).astype(np.int64)
    mean_dev = np.bincount(minv, weights=dev) / n
    ss_dev = np.bincount(minv, weights=(dev - mean_dev[minv]) ** 2)
    mean_tot = np.bincount(minv, weights=tot) / n
    ss_tot = np.bincount(minv, weights=(tot - mean_tot[minv]) ** 2)
    n_groups = grp_uniq.size
    g_rows = np.bincount(m_group, weights=n, minlength=n_groups)
    g_members = np.bincount(m_group, minlength=n_groups)
    g_ss_dev = np.bincount(m_group, weights=ss_dev, minlength=n_groups)
    g_ss_tot = np.bincount(m_group, weights=ss_tot, minlength=n_groups)
    df_g = g_rows - g_members
    s2_dev = np.where(df_g > 0, g_ss_dev / np.maximum(df_g, 1), np.nan)
    se2 = s2_dev[m_group] / n
    tested = n >= min_n
    with np.errstate(divide="ignore", invalid="ignore"):
        var_m = ss_tot / np.maximum(n - 1, 1)
        df_ref = g_rows[m_group] - n - (g_members[m_group] - 1)
        var_ref = (g_ss_tot[m_group] - ss_tot) / np.maximum(df_ref, 1)
        ratio = np.where((var_ref > 0) & (n > 1) & (df_ref > 0), var_m / var_ref, np.nan)
        log_sd = np.where(ratio > 0, 0.5 * np.log(ratio), np.where(ratio == 0, -10.0, np.nan))
        log_var = 1.0 / (2.0 * np.maximum(n - 1, 1)) + 1.0 / (2.0 * np.maximum(df_ref, 1))
    # Nulls from the tested members only: a member with two sheets says little about spread.
    lean_stat = np.where(tested & np.isfinite(se2), mean_dev, np.nan)
    bias_null = peer_null(lean_stat, se2, m_peer, min_units=min_peer_members)
    spread_null = peer_null(
        np.where(tested, log_sd, np.nan), log_var, m_peer, min_units=min_peer_members
    )
    z = bias_null.z(mean_dev, se2)
    z_spread = spread_null.z(log_sd, log_var)
    p_bias = np.where(np.isfinite(z), 2.0 * stats.t.sf(np.abs(z), bias_null.df), 1.0)
    p_central = np.where(np.isfinite(z_spread), stats.t.cdf(z_spread, spread_null.df), 1.0)
    p = np.minimum(1.0, 2.0 * np.minimum(p_bias, p_central))
    bands = _bands(p)
    idx = np.flatnonzero(tested)
    members_out = _scalar_list(mem_uniq[m_code[idx]])
    groups_out = _scalar_list(grp_uniq[m_group[idx]])
    out: list[MemberBias] = []
    for pos, i in enumerate(idx.tolist()):
        band = bands[i]
        if flagged_only and band is None:
            continue
        kind: Kind | None = None
        if band is not None and p_central[i] < p_bias[i]:
            kind = "central"
        elif band is not None:
            kind = "lenient" if z[i] > 0 else "harsh"
        out.append(
            MemberBias(
                member=members_out[pos],
                group=groups_out[pos],
                n=int(n[i]),
                mean_deviation=float(mean_dev[i]),
                z=float(z[i]),
                spread_ratio=float(np.sqrt(ratio[i])) if np.isfinite(ratio[i]) else float("nan"),
                kind=kind,
                p_value=float(p[i]),
                band=band,
                p_bias=float(p_bias[i]),
                p_central=float(p_central[i]),
                df=round(bias_null.df),
                peer_centre=float(bias_null.centre[i]),
                peer_sd=float(np.sqrt(bias_null.tau2[i])),
                typical_spread_ratio=float(np.exp(spread_null.centre[i])),
                z_spread=float(z_spread[i]),
            )
        )
    return out


def scoring_speed(
    member_ids: npt.ArrayLike,
    durations_seconds: npt.ArrayLike,
    groups: npt.ArrayLike,
    peer_groups: npt.ArrayLike | None = None,
    *,
    floor_seconds: float = 60.0,
    min_n: int = 3,
    rushed_sd: float = 3.0,
    max_ratio: float = 1 / 3,
    min_expected_share: float = 0.01,
    min_peer_members: int = 20,
    flagged_only: bool = False,
) -> list[MemberSpeed]:
    """Members who score implausibly fast: against their panel, their peers and their own
    other score sheets, on log durations.

    Rows are score sheets (member × application) with a duration in seconds (submitted
    minus started; NaN, zero or negative = unknown, ignored; under 1 s counts as 1 s). Per member of a
    group (panel), with m the median of the member's log durations:

    - panel: m minus the median of the other members' medians in the same group (the same
      applications, so how demanding they were cancels out);
    - peers: m minus the median of all members' medians in the member's peer group
      (``peer_groups`` per row, e.g. cluster and level; the whole population when None or
      when fewer than ``min_peer_members`` members), which catches a whole panel in a hurry;
    - own sheets: how many of the member's sheets are more than ``rushed_sd`` robust SDs
      faster than the member's own median, a one-sided binomial test against the share
      among every other member's sheets (at least ``min_expected_share``), which catches a
      member who hurried through some applications only.

    The first two are z-scores against the spread honest members of the peer group show
    (``peer_null``: robust between-member variance plus the sampling variance of a median,
    π/2 · σ²/n, σ the pooled robust within-member SD), referred one-sided to a Student t
    with the honest tail (``tail_df``); they count only when the member's median is also at
    most ``max_ratio`` times the reference (a third of the panel's pace is material; honest
    fast readers at half of it are common, and a fifth faster is merely detectable over
    many sheets). The reported p is the smallest of the tests
    available, Bonferroni-multiplied by their number. A member whose median sheet took less
    than ``floor_seconds`` is ``"certain"``: nobody reads and scores an application that
    fast, whatever the peers do. Cf. response-time screens for careless responding, Huang et
    al. (2012), J. Bus. Psychol. 27(1).
    """
    mem = np.asarray(member_ids).reshape(-1)
    dur = np.asarray(durations_seconds, dtype=float).reshape(-1)
    grp = np.asarray(groups).reshape(-1)
    peer = np.zeros(dur.size, dtype=np.int64) if peer_groups is None else peer_groups
    peer = np.asarray(peer).reshape(-1)
    # A sheet submitted no later than it was started has a clock or export fault, not a
    # speed: unknown, like a missing start.
    ok = np.isfinite(dur) & (dur > 0)
    mem, dur, grp, peer = mem[ok], dur[ok], grp[ok], peer[ok]
    if dur.size == 0:
        return []
    y = np.log(np.maximum(dur, 1.0))
    mem_uniq, mc = _codes(mem)
    grp_uniq, gc = _codes(grp)
    n_mem = np.int64(mem_uniq.size)
    keys, minv = np.unique(gc * n_mem + mc, return_inverse=True)
    minv = minv.reshape(-1)
    units = keys.size
    first = np.zeros(units, dtype=np.int64)
    first[minv[::-1]] = np.arange(minv.size)[::-1]
    u_group = keys // n_mem
    u_peer = peer[first]
    n = np.bincount(minv).astype(np.int64)
    med = _median_by(y, minv, units)
    resid = y - med[minv]
    multi = n[minv] >= 2
    abs_resid = np.abs(resid[multi])
    sigma = 1.4826 * float(np.median(abs_resid)) if abs_resid.size else 0.0
    sigma = max(sigma, 0.05)  # a few percent of timing noise at the very least
    samp_var = 0.5 * np.pi * sigma**2 / n
    tested = n >= min_n
    panel_ref = _loo_median(np.where(tested, med, np.nan), u_group, grp_uniq.size)
    t_panel = np.where(tested, med - panel_ref, np.nan)
    t_own = np.where(tested, med, np.nan)
    panel_null = peer_null(t_panel, samp_var, u_peer, min_units=min_peer_members)
    peer_nul = peer_null(t_own, samp_var, u_peer, min_units=min_peer_members)
    z_panel = panel_null.z(t_panel, samp_var)
    z_peer = peer_nul.z(t_own, samp_var)
    p_panel = np.where(np.isfinite(z_panel), stats.t.cdf(z_panel, panel_null.df), np.nan)
    p_peer = np.where(np.isfinite(z_peer), stats.t.cdf(z_peer, peer_nul.df), np.nan)
    # Practical significance: the member's pace must also be well below the reference.
    material = np.log(max_ratio)
    p_panel = np.where(t_panel <= material, p_panel, np.maximum(p_panel, ALERT_P))
    p_peer = np.where(t_own - peer_nul.centre <= material, p_peer, np.maximum(p_peer, ALERT_P))
    # Own sheets: hurried relative to the member's own pace.
    rushed = multi & (resid < -rushed_sd * sigma)
    k_rushed = np.bincount(minv, weights=rushed, minlength=units).round().astype(np.int64)
    base = np.bincount(minv, weights=multi, minlength=units).round().astype(np.int64)
    rest_n = int(base.sum()) - base
    rest_k = int(k_rushed.sum()) - k_rushed
    p0 = np.clip(
        np.where(rest_n > 0, rest_k / np.maximum(rest_n, 1), 0.0), min_expected_share, 1 - 1e-9
    )
    p_own = np.where(base >= 2, stats.binom.sf(k_rushed - 1, np.maximum(base, 1), p0), np.nan)
    tests = np.column_stack([p_panel, p_peer, p_own])
    available = np.isfinite(tests).sum(axis=1)
    best = np.nanmin(np.where(np.isfinite(tests), tests, np.inf), axis=1)
    p = np.where(available > 0, np.minimum(1.0, best * np.maximum(available, 1)), 1.0)
    which = np.argmin(np.where(np.isfinite(tests), tests, np.inf), axis=1)
    fast = dur < floor_seconds
    n_fast = np.bincount(minv, weights=fast, minlength=units).round().astype(np.int64)
    median_seconds = _median_by(dur, minv, units)
    certain = tested & (median_seconds < floor_seconds)
    bands: list[SpeedBand | None] = list(_bands(p))
    idx = np.flatnonzero(tested)
    members_out = _scalar_list(mem_uniq[keys[idx] % n_mem])
    groups_out = _scalar_list(grp_uniq[u_group[idx]])
    names = ("panel", "peers", "own sheets")
    out: list[MemberSpeed] = []
    for pos, i in enumerate(idx.tolist()):
        band: SpeedBand | None = "certain" if certain[i] else bands[i]
        if flagged_only and band is None:
            continue
        out.append(
            MemberSpeed(
                member=members_out[pos],
                group=groups_out[pos],
                n=int(n[i]),
                n_fast=int(n_fast[i]),
                share_fast=float(n_fast[i] / n[i]),
                expected_share=float(p0[i]),
                median_seconds=float(median_seconds[i]),
                statistic=float(np.nanmin([z_panel[i], z_peer[i], np.inf])),
                p_value=float(p[i]),
                band=band,
                panel_median_seconds=float(np.exp(panel_ref[i])),
                peer_median_seconds=float(np.exp(peer_nul.centre[i])),
                z_panel=float(z_panel[i]),
                z_peer=float(z_peer[i]),
                n_rushed=int(k_rushed[i]),
                p_panel=float(p_panel[i]),
                p_peer=float(p_peer[i]),
                p_own=float(p_own[i]),
                test=names[int(which[i])] if available[i] else "",
                floor_seconds=float(floor_seconds),
            )
        )
    return out


# ---------------------------------------------------------------------------
# outcomes


def funnel_pass_rates(
    passed: npt.ArrayLike,
    totals: npt.ArrayLike,
    peer_groups: npt.ArrayLike,
    fallback_groups: npt.ArrayLike | None = None,
    *,
    winsor: float = 0.10,
    max_prior_strength: float = 1e6,
    min_peer_units: int = 5,
    flagged_only: bool = False,
) -> list[FunnelResult]:
    """Pass rates far above the peer group, on an over-dispersed funnel plot.

    Peer groups with fewer than ``min_peer_units`` units (an industry cluster of two review
    bodies says little about either) use their ``fallback_groups`` key instead (e.g. the
    same level in every cluster), when given. Target: the pooled rate p of the *other*
    units of the peer group (leave-one-out, so a large body does not set its own
    benchmark; the pooled rate when it is alone). Each unit's z = (r - p) / sqrt(p(1-p)/n) is
    divided by sqrt(phi), where phi is the mean squared z after winsorising the group's
    z-scores at ``winsor`` (taken as 1 when below 1); the funnel limits are
    p ± q sqrt(phi p(1-p)/n) with the one-sided 95% and 99.8% normal quantiles q, so a
    unit above the upper limit has p < 0.05 / 0.002 (Spiegelhalter 2005, "Funnel plots for
    comparing institutional performance", Stat. Med. 24). The p-value is the exact
    one-sided binomial tail at the effective size n/phi (honest for small n), and the shrunk
    rate is the beta-binomial empirical-Bayes posterior mean with the prior fitted to the
    peer group by the method of moments (Kleinman 1973, JASA 68), so a 3-of-3 unit sits
    near its peers.
    """
    y = np.asarray(passed, dtype=float).reshape(-1)
    n = np.asarray(totals, dtype=float).reshape(-1)
    grp = np.asarray(peer_groups).reshape(-1)
    if y.size == 0:
        return []
    valid = n > 0
    if fallback_groups is not None:
        fb = np.asarray(fallback_groups).reshape(-1)
        _, own = _codes(grp)
        small = np.bincount(own, weights=valid)[own] < min_peer_units
        grp = np.where(small, np.char.add("*", fb.astype(str)), np.char.add("=", grp.astype(str)))
    grp_uniq, gc = _codes(grp)
    count = grp_uniq.size
    w_n = np.where(valid, n, 0.0)
    y_ok = np.where(valid, y, 0.0)
    g_y = np.bincount(gc, weights=y_ok, minlength=count)
    g_n = np.bincount(gc, weights=w_n, minlength=count)
    g_units = np.bincount(gc, weights=valid, minlength=count)
    safe_gn = np.maximum(g_n, 1.0)
    target = np.clip(g_y / safe_gn, 0.5 / safe_gn, 1 - 0.5 / safe_gn)
    rest_n = g_n[gc] - w_n
    rest_y = g_y[gc] - y_ok
    safe_rest = np.maximum(rest_n, 1.0)
    p_bar = np.where(
        rest_n > 0, np.clip(rest_y / safe_rest, 0.5 / safe_rest, 1 - 0.5 / safe_rest), target[gc]
    )
    safe_n = np.maximum(n, 1.0)
    rate = np.where(valid, y / safe_n, np.nan)
    var1 = p_bar * (1 - p_bar) / safe_n
    z_raw = np.where(valid, (rate - p_bar) / np.sqrt(var1), 0.0)

    # Winsorised over-dispersion per peer group, vectorised over sorted z-scores.
    order = np.lexsort((z_raw, ~valid, gc))
    z_sorted = z_raw[order]
    g_sorted = gc[order]
    sizes = g_units.astype(np.int64)
    starts = np.searchsorted(g_sorted, np.arange(count))

    def group_quantile(q: float) -> FloatArray:
        pos = q * np.maximum(sizes - 1, 0)
        lo = np.floor(pos).astype(np.int64)
        frac = pos - lo
        hi = np.minimum(lo + 1, np.maximum(sizes - 1, 0))
        a = z_sorted[np.minimum(starts + lo, z_sorted.size - 1)]
        b = z_sorted[np.minimum(starts + hi, z_sorted.size - 1)]
        return np.asarray(a + frac * (b - a), dtype=float)

    z_lo = group_quantile(winsor)[gc]
    z_hi = group_quantile(1 - winsor)[gc]
    z_w = np.clip(z_raw, z_lo, z_hi)
    phi_g = np.bincount(gc, weights=np.where(valid, z_w**2, 0.0), minlength=count)
    phi_g = np.where(g_units >= 2, phi_g / np.maximum(g_units, 1), 1.0)
    phi_g = np.maximum(phi_g, 1.0)
    phi = phi_g[gc]
    z = z_raw / np.sqrt(phi)

    # Beta prior by the method of moments: between-unit variance of rates beyond binomial.
    ss = np.bincount(gc, weights=np.where(valid, n * (rate - p_bar) ** 2, 0.0), minlength=count)
    denom = g_n - np.bincount(gc, weights=w_n**2, minlength=count) / safe_gn
    tau2 = np.where(
        denom > 0,
        np.maximum(0.0, (ss - (g_units - 1) * target * (1 - target)) / np.maximum(denom, 1e-12)),
        0.0,
    )
    strength_g = np.where(
        tau2 > 0,
        np.minimum(max_prior_strength, target * (1 - target) / np.maximum(tau2, 1e-300) - 1),
        max_prior_strength,
    )
    strength_g = np.maximum(strength_g, 0.0)
    strength = strength_g[gc]
    shrunk = (y + strength * p_bar) / (n + strength)

    n_eff = safe_n / phi
    y_eff = np.where(valid, y, 0.0) / phi
    with np.errstate(invalid="ignore"):
        tail = special.betainc(np.maximum(y_eff, 1e-12), n_eff - y_eff + 1.0, p_bar)
    p = np.where(valid & (y_eff > 0), tail, 1.0)
    p = np.where(g_units[gc] >= 2, p, 1.0)
    half_95 = stats.norm.isf(ALERT_P) * np.sqrt(phi * var1)
    half_998 = stats.norm.isf(ALARM_P) * np.sqrt(phi * var1)
    bands = _bands(np.where(valid, p, np.nan))
    out: list[FunnelResult] = []
    groups_out = _scalar_list(grp_uniq[gc])
    for i in np.flatnonzero(valid).tolist():
        if flagged_only and bands[i] is None:
            continue
        out.append(
            FunnelResult(
                unit=i,
                peer_group=groups_out[i],
                n=int(n[i]),
                passed=int(y[i]),
                rate=float(rate[i]),
                peer_rate=float(p_bar[i]),
                shrunk_rate=float(shrunk[i]),
                z=float(z[i]),
                phi=float(phi[i]),
                limits_95=(
                    float(max(0.0, p_bar[i] - half_95[i])),
                    float(min(1.0, p_bar[i] + half_95[i])),
                ),
                limits_998=(
                    float(max(0.0, p_bar[i] - half_998[i])),
                    float(min(1.0, p_bar[i] + half_998[i])),
                ),
                p_value=float(p[i]),
                band=bands[i],
                prior_strength=float(strength[i]),
            )
        )
    return out


def surges(
    current: npt.ArrayLike,
    history: npt.ArrayLike,
    *,
    min_history: int = 2,
    flagged_only: bool = False,
) -> list[GroupTest]:
    """Sudden rises of a unit's volume or pass count against its own history.

    Expected count mu = the mean of the unit's past periods (NaN = no data; at least 0.5).
    Counts are over-dispersed Poisson with variance phi·mu, phi the median
    variance-to-mean ratio over all units with history (at least 1); the prediction adds
    the uncertainty of mu from T periods, so the current count is tested in the upper tail
    of a negative binomial with mean mu and variance phi·mu·(1 + 1/T) (Poisson when that
    is ≤ mu). Cf. Farrington et al. (1996), "A statistical algorithm for the early
    detection of outbreaks of infectious disease", JRSS A 159(3).
    """
    cur = np.asarray(current, dtype=float).reshape(-1)
    hist = np.asarray(history, dtype=float)
    if hist.ndim == 1:
        hist = hist[:, None]
    if cur.size == 0:
        return []
    seen = np.isfinite(hist)
    periods = seen.sum(axis=1)
    filled = np.where(seen, hist, 0.0)
    mu_raw = filled.sum(axis=1) / np.maximum(periods, 1)
    sq = np.where(seen, (hist - mu_raw[:, None]) ** 2, 0.0).sum(axis=1)
    var = sq / np.maximum(periods - 1, 1)
    usable = (periods >= 2) & (mu_raw > 0)
    ratios = var[usable] / mu_raw[usable]
    phi = max(1.0, float(np.median(ratios))) if ratios.size else 1.0
    mu = np.maximum(mu_raw, 0.5)
    total_var = phi * mu * (1.0 + 1.0 / np.maximum(periods, 1))
    tested = (periods >= min_history) & np.isfinite(cur)
    x = np.where(np.isfinite(cur), np.round(cur), 0.0)
    extra = total_var - mu
    with np.errstate(divide="ignore", invalid="ignore"):
        size = np.where(extra > 1e-9, mu**2 / extra, np.inf)
        nb_p = np.where(np.isfinite(size), size / (size + mu), 1.0)
        p_nb = stats.nbinom.sf(x - 1, np.where(np.isfinite(size), size, 1.0), nb_p)
    p_pois = stats.poisson.sf(x - 1, mu)
    p = np.where(np.isfinite(size), p_nb, p_pois)
    p = np.where(tested, p, np.nan)
    z = (x - mu) / np.sqrt(total_var)
    bands = _bands(p)
    out: list[GroupTest] = []
    for i in np.flatnonzero(tested).tolist():
        if flagged_only and bands[i] is None:
            continue
        out.append(
            GroupTest(
                group=i,
                n=int(periods[i]),
                observed=float(x[i]),
                expected=float(mu[i]),
                statistic=float(z[i]),
                p_value=float(p[i]),
                band=bands[i],
                details={
                    "history_mean": float(mu_raw[i]),
                    "history_periods": int(periods[i]),
                    "phi": phi,
                    "predictive_variance": float(total_var[i]),
                    "test": "one-sided negative binomial" if np.isfinite(size[i]) else "Poisson",
                },
                statistic_name="z (current vs history)",
            )
        )
    return out


# ---------------------------------------------------------------------------
# collusion


def reciprocal_scoring(
    expert_org: npt.ArrayLike,
    applicant_org: npt.ArrayLike,
    leniency: npt.ArrayLike,
    experts: npt.ArrayLike | None = None,
    *,
    min_n: int = 5,
    flagged_only: bool = False,
) -> list[ReciprocalPair]:
    """Organisations whose experts score each other's applicants leniently (collusion).

    Rows are member scorings by an external expert: the expert's organisation, the
    applicant's organisation, and the leniency (member total minus the leave-one-out panel
    mean). Rows with the same organisation on both sides, or an unknown one (negative code
    or empty), are ignored. For each unordered pair with at least ``min_n`` rows in both
    directions, each direction's mean leniency gets a one-sided z against the population SD
    of leniency; the pair's p is the larger of the two (intersection-union test: both must
    be lenient), Holm-adjusted across all pairs tested (Holm 1979).

    With ``experts`` (per row, who scored), rows of one expert are not independent: honest
    experts differ in lean, so one naturally lenient expert scoring twenty applicants is
    one lean, not twenty. Each direction's mean then has variance
    tau² Σ n_e² / N² + σ_w² / N (n_e rows of expert e among N), with σ_w² the pooled
    within-expert variance and tau² the between-expert variance of leans, estimated
    robustly (MAD of expert means less their median sampling variance).
    """
    a_raw = np.asarray(expert_org).reshape(-1)
    b_raw = np.asarray(applicant_org).reshape(-1)
    lev = np.asarray(leniency, dtype=float).reshape(-1)
    ok = np.isfinite(lev) & (a_raw != b_raw) & _known(a_raw) & _known(b_raw)
    who = None if experts is None else np.asarray(experts).reshape(-1)[ok]
    a_raw, b_raw, lev = a_raw[ok], b_raw[ok], lev[ok]
    if lev.size < 2:
        return []
    org_uniq, codes = _codes(np.concatenate([a_raw, b_raw]))
    a, b = codes[: lev.size], codes[lev.size :]
    n_org = np.int64(org_uniq.size)
    sigma = float(np.std(lev, ddof=1))
    if not sigma > 0:
        return []
    keys, kinv = np.unique(a * n_org + b, return_inverse=True)
    kinv = kinv.reshape(-1)
    n_dir = np.bincount(kinv)
    mean_dir = np.bincount(kinv, weights=lev) / n_dir
    src, dst = keys // n_org, keys % n_org
    rev = dst * n_org + src
    pos = np.minimum(np.searchsorted(keys, rev), keys.size - 1)
    has_rev = keys[pos] == rev
    first = has_rev & (src < dst)
    ab = np.flatnonzero(first)
    ba = pos[ab]
    enough = (n_dir[ab] >= min_n) & (n_dir[ba] >= min_n)
    ab, ba = ab[enough], ba[enough]
    if ab.size == 0:
        return []
    var_dir = sigma**2 / n_dir
    if who is not None:
        _, ec = _codes(who)
        n_e = np.bincount(ec)
        m_e = np.bincount(ec, weights=lev) / n_e
        df_w = lev.size - n_e.size
        s2_w = float(np.sum((lev - m_e[ec]) ** 2) / df_w) if df_w > 0 else sigma**2
        mad = 1.4826 * float(np.median(np.abs(m_e - np.median(m_e))))
        tau2 = max(mad**2 - float(np.median(s2_w / n_e)), 0.0)
        cells, cell_n = np.unique(kinv * np.int64(n_e.size) + ec, return_counts=True)
        sum_sq = np.bincount(cells // n_e.size, weights=cell_n.astype(float) ** 2)
        sum_sq = np.r_[sum_sq, np.zeros(n_dir.size - sum_sq.size)]
        var_dir = tau2 * sum_sq / n_dir.astype(float) ** 2 + s2_w / n_dir
    z_ab = mean_dir[ab] / np.sqrt(var_dir[ab])
    z_ba = mean_dir[ba] / np.sqrt(var_dir[ba])
    p_raw = np.maximum(stats.norm.sf(z_ab), stats.norm.sf(z_ba))
    p_adj = _holm_within(p_raw, np.zeros(ab.size, dtype=np.int64))
    bands = _bands(p_adj)
    orgs_a = _scalar_list(org_uniq[src[ab]])
    orgs_b = _scalar_list(org_uniq[dst[ab]])
    out: list[ReciprocalPair] = []
    for i in range(ab.size):
        if flagged_only and bands[i] is None:
            continue
        out.append(
            ReciprocalPair(
                org_a=orgs_a[i],
                org_b=orgs_b[i],
                n_ab=int(n_dir[ab[i]]),
                n_ba=int(n_dir[ba[i]]),
                mean_ab=float(mean_dir[ab[i]]),
                mean_ba=float(mean_dir[ba[i]]),
                z_ab=float(z_ab[i]),
                z_ba=float(z_ba[i]),
                p_raw=float(p_raw[i]),
                p_value=float(p_adj[i]),
                band=bands[i],
            )
        )
    return out


def _known(orgs: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """Rows whose organisation is known: non-negative codes, non-empty strings."""
    if orgs.dtype.kind in "iu":
        return np.asarray(orgs >= 0)
    if orgs.dtype.kind in "US":
        return np.asarray(np.char.str_len(orgs) > 0)
    return np.array([o is not None and o != "" for o in orgs.tolist()], dtype=bool)


def funnel_limits(
    rate: float, phi: float, sizes: npt.ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """The over-dispersed funnel around a group rate, for drawing: at each size n the
    lower and upper 95% and 99.8% limits rate ± q sqrt(phi rate(1-rate)/n), clipped to
    [0, 1] (the same limits ``funnel_pass_rates`` tests each unit against)."""
    n = np.maximum(np.asarray(sizes, dtype=float).reshape(-1), 1.0)
    half = np.sqrt(max(phi, 1.0) * rate * (1 - rate) / n)
    h95 = stats.norm.isf(ALERT_P) * half
    h998 = stats.norm.isf(ALARM_P) * half
    return (
        np.clip(rate - h95, 0.0, 1.0),
        np.clip(rate + h95, 0.0, 1.0),
        np.clip(rate - h998, 0.0, 1.0),
        np.clip(rate + h998, 0.0, 1.0),
    )


@dataclass(frozen=True, slots=True)
class Favouritism:
    """One expert's leniency towards one review body and period against their own leniency
    on every other review body's applicants."""

    person: int
    unit: Any
    n_in: int
    n_out: int
    mean_in: float
    mean_out: float
    difference: float
    z: float
    p_value: float
    band: Band | None
    peer_sd: float
    df: float


def expert_favouritism(
    person: npt.ArrayLike,
    enterprise: npt.ArrayLike,
    unit: npt.ArrayLike,
    leniency: npt.ArrayLike,
    *,
    min_n: int = 5,
    flagged_only: bool = False,
) -> list[Favouritism]:
    """Experts who score one review body's applicants up, judged against their own record.

    A member's lean against peers (``member_calibration``) cannot tell a naturally lenient
    expert from one who favours this enterprise: honest leans have heavy tails. An expert
    who sits on panels of several bodies is their own control. Rows are scorings: who (person
    code, negative for unknown), the applicant's review body, the unit graded (body and
    period), and the leniency (member total minus the leave-one-out panel mean). For every
    (expert, unit) with at least ``min_n`` scorings there, and at least ``min_n`` by the same
    expert on other bodies' applicants, the difference of mean leniencies is tested one-sided
    (more lenient here). Sampling variance: the pooled within-cell variance over
    ``1/n_in + 1/n_out``; between-cell variation of honest experts (other panels, other
    reference members) and the tail come from the robust peer null of all such differences
    (``peer_null``), so panel-to-panel noise is not mistaken for favour.
    """
    who = np.asarray(person).reshape(-1).astype(np.int64)
    ent = np.asarray(enterprise).reshape(-1).astype(np.int64)
    lev = np.asarray(leniency, dtype=float).reshape(-1)
    unit_uniq, uc = _codes(np.asarray(unit).reshape(-1))
    ok = (who >= 0) & np.isfinite(lev)
    who, ent, uc, lev = who[ok], ent[ok], uc[ok], lev[ok]
    if lev.size < 2 * min_n:
        return []
    n_ent = np.int64(max(int(ent.max()) + 1, 1))
    n_unit = np.int64(max(unit_uniq.size, 1))
    # Per expert, per (expert, body), per (expert, unit): count and sum.
    p_keys, p_inv = np.unique(who, return_inverse=True)
    _, pe_inv = np.unique(who * n_ent + ent, return_inverse=True)
    pu_keys, pu_inv = np.unique(who * n_unit + uc, return_inverse=True)
    p_n, p_s = np.bincount(p_inv), np.bincount(p_inv, weights=lev)
    pe_n, pe_s = np.bincount(pe_inv), np.bincount(pe_inv, weights=lev)
    pu_n, pu_s = np.bincount(pu_inv), np.bincount(pu_inv, weights=lev)
    pu_mean = pu_s / pu_n
    within = np.bincount(pu_inv, weights=(lev - pu_mean[pu_inv]) ** 2)
    dof = int(lev.size - pu_keys.size)
    if dof <= 0:
        return []
    sigma2 = float(within.sum()) / dof
    # The unit's body and its expert, from any row of the cell.
    first = np.zeros(pu_keys.size, dtype=np.int64)
    first[pu_inv[::-1]] = np.arange(pu_inv.size)[::-1]
    cell_person = p_inv[first]
    cell_pe = pe_inv[first]
    n_in = pu_n
    n_out = p_n[cell_person] - pe_n[cell_pe]
    tested = (n_in >= min_n) & (n_out >= min_n)
    mean_out = np.where(
        n_out > 0, (p_s[cell_person] - pe_s[cell_pe]) / np.maximum(n_out, 1), np.nan
    )
    diff = np.where(tested, pu_mean - mean_out, np.nan)
    se2 = sigma2 * (1.0 / np.maximum(n_in, 1) + 1.0 / np.maximum(n_out, 1))
    null = peer_null(diff, se2, np.zeros(diff.size, dtype=np.int64))
    z = null.z(diff, se2)
    p = np.where(tested & np.isfinite(z), stats.t.sf(z, null.df), np.nan)
    bands = _bands(np.where(np.isfinite(p), p, 1.0))
    out: list[Favouritism] = []
    for i in np.flatnonzero(tested).tolist():
        if flagged_only and bands[i] is None:
            continue
        out.append(
            Favouritism(
                person=int(p_keys[cell_person[i]]),
                unit=unit_uniq[int(pu_keys[i] % n_unit)].item(),
                n_in=int(n_in[i]),
                n_out=int(n_out[i]),
                mean_in=float(pu_mean[i]),
                mean_out=float(mean_out[i]),
                difference=float(diff[i]),
                z=float(z[i]),
                p_value=float(p[i]),
                band=bands[i],
                peer_sd=float(np.sqrt(null.tau2[i] + null.scale[i] * se2[i])),
                df=float(null.df),
            )
        )
    return out
