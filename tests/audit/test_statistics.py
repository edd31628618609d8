"""Statistical audit signals: each with a planted case and a clean case from the null."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from audit.statistics import (
    _holm_within,
    band_for,
    expert_favouritism,
    funnel_pass_rates,
    member_calibration,
    near_identical_pairs,
    peer_null,
    reciprocal_scoring,
    rubber_stamp,
    scoring_speed,
    surges,
    threshold_bunching,
)

# ---------------------------------------------------------------------------
# bands and multiplicity


@pytest.mark.parametrize(
    ("p", "band"),
    [
        (0.0, "alarm"),
        (0.0019, "alarm"),
        (0.002, "alert"),
        (0.049, "alert"),
        (0.05, None),
        (0.7, None),
        (float("nan"), None),
        (None, None),
    ],
)
def test_band_for_thresholds(p: float | None, band: str | None) -> None:
    assert band_for(p) == band


@given(st.floats(0, 1), st.floats(0, 1))
def test_band_for_is_monotone(p: float, q: float) -> None:
    rank = {"alarm": 2, "alert": 1, None: 0}
    if p <= q:
        assert rank[band_for(p)] >= rank[band_for(q)]


def test_holm_matches_hand_computation_within_each_family() -> None:
    p = np.array([0.01, 0.04, 0.03, 0.2, 0.01])
    family = np.array([0, 0, 0, 1, 1])
    adj = _holm_within(p, family)
    # family 0 sorted 0.01, 0.03, 0.04 -> 0.03, 0.06, 0.06; family 1: 0.01, 0.2 -> 0.02, 0.2
    np.testing.assert_allclose(adj, [0.03, 0.06, 0.06, 0.2, 0.02])


@given(st.lists(st.floats(0, 1), min_size=1, max_size=30))
def test_holm_never_lowers_a_p_value(values: list[float]) -> None:
    p = np.array(values)
    adj = _holm_within(p, np.zeros(p.size, dtype=np.int64))
    assert np.all(adj >= p - 1e-12)
    assert np.all(adj <= 1.0)


# ---------------------------------------------------------------------------
# peer nulls


def test_peer_null_scales_down_a_sampling_variance_the_honest_spread_contradicts() -> None:
    # Honest statistics vary by 0.2 while each states a sampling variance of 1 (an
    # independent-samples formula for correlated parts): the stated noise is cut to what the
    # honest spread allows, so a unit 1.5 away is no longer hidden by noise nobody has.
    rng = np.random.default_rng(8)
    t = rng.normal(0, 0.2, 400)
    t[0] = 1.5
    null = peer_null(t, np.ones(400), np.zeros(400, dtype=int))
    assert null.scale[0] == pytest.approx(0.1)  # 0.05 by the spread; never below a tenth
    assert np.all(null.scale == null.scale[0])
    z = null.z(t, np.ones(400))
    assert z[0] > 4.0
    assert np.mean(np.abs(z[1:]) > 1.96) < 0.06
    # Where the stated variance is right, nothing is scaled.
    honest = rng.normal(0, 1.0, 400)
    right = peer_null(honest, np.ones(400), np.zeros(400, dtype=int))
    assert right.scale[0] == pytest.approx(1.0)
    assert right.z(honest, np.ones(400))[0] == pytest.approx(honest[0] - right.centre[0])


def test_member_calibration_finds_a_central_member_on_correlated_panels() -> None:
    # Heavy-tailed applicants scored by panels of five: members' totals move together, so
    # a member who compresses every score towards the middle stands far outside the honest
    # spread of spread ratios, though a formula for independent samples would call it noise.
    rng = np.random.default_rng(9)
    members, apps, totals, groups = [], [], [], []
    for g in range(120):
        quality = 70 + 10 * rng.standard_t(3, 12)
        for k in range(5):
            lean = 3 * rng.standard_t(3)
            scores = quality + lean + rng.normal(0, 2, 12)
            if g == 0 and k == 4:
                scores = 0.25 * scores + 0.75 * 72
            members += [f"{g}-{k}"] * 12
            apps += [f"{g}-{a}" for a in range(12)]
            totals += np.clip(scores, 0, 100).tolist()
            groups += [g] * 12
    results = {r.member: r for r in member_calibration(members, apps, totals, groups)}
    central = results["0-4"]
    assert central.kind == "central" and central.band == "alarm"
    honest = [r for m, r in results.items() if m != "0-4"]
    assert sum(r.band == "alarm" for r in honest) <= 0.01 * len(honest)


# ---------------------------------------------------------------------------
# threshold bunching


def _bunching_data(seed: int, plant: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    groups = np.repeat(np.arange(40), 150)
    scores = rng.normal(70, 12, groups.size).clip(0, 100)
    if plant is not None:
        rows = (groups == plant) & (scores >= 52) & (scores < 60)
        scores[rows] = rng.uniform(60, 62.9, rows.sum())
    return scores, np.full(groups.size, 60.0), groups


def test_threshold_bunching_alarms_on_scores_pushed_over_the_line() -> None:
    scores, passes, groups = _bunching_data(1, plant=7)
    results = {r.group: r for r in threshold_bunching(scores, passes, groups)}
    planted = results[7]
    assert planted.band == "alarm"
    assert planted.details["just_below"] == 0
    assert planted.observed == 1.0
    assert 0.5 < planted.expected < 0.65  # planting thinned the outer band below: conservative
    assert planted.p_value == pytest.approx(
        stats.binom.sf(planted.n - 1, planted.n, planted.expected)
    )


def test_threshold_bunching_clean_data_is_not_flagged() -> None:
    scores, passes, groups = _bunching_data(2, plant=None)
    results = threshold_bunching(scores, passes, groups)
    assert len(results) >= 30
    assert not [r for r in results if r.band == "alarm"]
    assert sum(r.band == "alert" for r in results) <= 0.1 * len(results)


def test_threshold_bunching_expects_more_above_where_the_density_rises() -> None:
    # A pass line on the rising flank: naive 50/50 would call this bunching.
    rng = np.random.default_rng(3)
    scores = rng.normal(80, 8, 20000)
    [result] = threshold_bunching(scores, np.full(20000, 70.0), np.zeros(20000, dtype=int))
    true_share = 1 / (1 + math.exp(-(11.5**2 - 8.5**2) / 128))  # Gaussian density ratio
    assert result.expected == pytest.approx(true_share, abs=0.02)
    assert result.observed == pytest.approx(true_share, abs=0.03)
    assert result.band is None
    naive_p = stats.binom.sf(result.details["just_above"] - 1, result.n, 0.5)
    assert naive_p < 0.002


def _coarse_bodies(seed: int, bodies: int = 150) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Honest bodies on a coarse standard: three equally weighted criteria scored 0..5 in
    whole points by panels of three, so final scores sit on a lattice of 2.22 points with
    a lattice point on the pass line of 60."""
    rng = np.random.default_rng(seed)
    finals, groups = [], []
    for b in range(bodies):
        apps = int(rng.integers(8, 40))
        quality = 68 + 10 * rng.standard_t(4, apps)
        lean = 3 * rng.standard_t(4, 3)
        raw = quality[:, None, None] + lean[None, :, None] + rng.normal(0, 6, (apps, 3, 3))
        scores = np.clip(np.round(raw / 20), 0, 5)
        finals.append((100 * scores / 5).mean(axis=2).mean(axis=1))
        groups.append(np.full(apps, b))
    final = np.concatenate(finals)
    return final, np.full(final.size, 60.0), np.concatenate(groups)


def test_threshold_bunching_counts_lattice_points_on_coarse_standards() -> None:
    final, passes, groups = _coarse_bodies(41)
    results = threshold_bunching(final, passes, groups)
    assert len(results) > 60
    assert all(r.details["lattice_step"] == pytest.approx(100 / 45, abs=1e-3) for r in results)
    assert all(r.details["width"] == pytest.approx(3 * 100 / 45, abs=1e-3) for r in results)
    assert sum(r.band == "alarm" for r in results) <= 2
    assert sum(r.band is not None for r in results) <= 0.09 * len(results)


def test_threshold_bunching_planted_on_a_coarse_standard_alarms() -> None:
    final, passes, groups = _coarse_bodies(42)
    largest = int(np.argmax(np.bincount(groups)))
    body = groups == largest
    # Scores up to two lattice steps below the line are lifted onto it.
    lifted = body & (final >= 60 - 4.5) & (final < 60)
    final[lifted] = 60.0
    final[body & (final >= 60 - 9) & (final < 60 - 4.5)] = 60 + 100 / 45
    results = {r.group: r for r in threshold_bunching(final, passes, groups)}
    assert results[largest].band == "alarm"
    assert results[largest].details["just_below"] == 0


WIDTHS = (3.0, 6.0, 10.0)


def _lifted_clear_of_the_line(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bodies of 30 honest heavy-tailed scores; in body 0 everything up to 9 below the line
    is lifted to 3-5 above it, leaving a gap below the line and nothing in [pass, pass + 3)."""
    rng = np.random.default_rng(seed)
    groups = np.repeat(np.arange(60), 30)
    scores = (68 + 10 * rng.standard_t(3, groups.size)).clip(0, 100)
    rows = (groups == 0) & (scores >= 51) & (scores < 63)
    scores[rows] = rng.uniform(63, 65, rows.sum())
    return scores, np.full(groups.size, 60.0), groups


def test_threshold_bunching_at_several_widths_finds_a_lift_clear_of_the_line() -> None:
    scores, passes, groups = _lifted_clear_of_the_line(5)
    narrow = {r.group: r for r in threshold_bunching(scores, passes, groups, width=3.0)}
    assert narrow.get(0) is None or narrow[0].band is None
    wide = {r.group: r for r in threshold_bunching(scores, passes, groups, width=WIDTHS)}
    planted = wide[0]
    assert planted.band == "alarm"
    assert round(planted.details["width"]) in (6, 10)
    assert planted.details["just_below"] == 0
    assert planted.details["widths_tested"] == list(WIDTHS)
    # The smallest p over the widths tested (enough scores near the line), corrected for all
    # three widths.
    single = [
        r.p_value
        for w in WIDTHS
        for r in threshold_bunching(scores, passes, groups, width=w)
        if r.group == 0
    ]
    assert planted.p_value == pytest.approx(min(1.0, 3 * min(single)))


def test_threshold_bunching_at_several_widths_keeps_honest_bodies_quiet() -> None:
    for seed in (6, 7):
        scores, passes, groups = _lifted_clear_of_the_line(seed)
        honest = groups != 0
        results = threshold_bunching(scores[honest], passes[honest], groups[honest], width=WIDTHS)
        assert len(results) >= 50
        assert sum(r.band == "alarm" for r in results) <= 1
        assert sum(r.band is not None for r in results) <= 0.08 * len(results)
    final, passes, groups = _coarse_bodies(43)
    results = threshold_bunching(final, passes, groups, width=WIDTHS)
    assert sum(r.band == "alarm" for r in results) <= 2
    assert sum(r.band is not None for r in results) <= 0.09 * len(results)


def test_threshold_bunching_skips_small_groups() -> None:
    scores = np.array([60.5, 61.0, 61.5, 62.0])
    results = threshold_bunching(scores, np.full(4, 60.0), np.zeros(4, dtype=int), min_n=8)
    assert results == []


# ---------------------------------------------------------------------------
# rubber stamp


def _panels(seed: int, plant: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    groups = np.repeat(np.arange(30), 20)
    spread = rng.gamma(4.0, 1.5, groups.size)
    unanimous = rng.random(groups.size) < 0.7
    if plant is not None:
        spread[groups == plant] = 0.0
        unanimous[groups == plant] = True
    return spread, unanimous, groups


def test_rubber_stamp_alarms_on_zero_spread_unanimous_panel() -> None:
    spread, unanimous, groups = _panels(4, plant=12)
    results = {r.group: r for r in rubber_stamp(spread, unanimous, groups)}
    planted = results[12]
    assert planted.band == "alarm"
    assert planted.n == 20
    assert planted.details["stamped"] == 20
    assert planted.expected < 0.15


def test_rubber_stamp_clean_panels_are_not_alarmed() -> None:
    spread, unanimous, groups = _panels(5, plant=None)
    results = rubber_stamp(spread, unanimous, groups)
    assert len(results) == 30
    assert not [r for r in results if r.band == "alarm"]
    assert sum(r.band is not None for r in results) <= 3


def test_rubber_stamp_unanimity_alone_is_not_a_stamp() -> None:
    spread, unanimous, groups = _panels(6, plant=None)
    unanimous[groups == 3] = True
    results = {r.group: r for r in rubber_stamp(spread, unanimous, groups)}
    assert results[3].band is None


def _overdispersed_panels(
    seed: int, groups: int, plant: list[int] | None = None, size: int = 30
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Honest panels that differ: each has its own typical spread and its own share of
    unanimous votes (clear-cut or borderline applicants), so stamped counts vary between
    panels more than binomial chance allows."""
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(groups), size)
    panel_scale = rng.lognormal(0.0, 0.3, groups)[g]
    panel_unanimity = rng.beta(6.0, 4.0, groups)[g]
    spread = rng.gamma(4.0, 0.7, g.size) * panel_scale
    unanimous = rng.random(g.size) < panel_unanimity
    for i in plant or []:
        spread[g == i] = rng.uniform(0.0, 0.5, size)
        unanimous[g == i] = True
    return spread, unanimous, g


def test_rubber_stamp_null_is_calibrated_on_overdispersed_honest_panels() -> None:
    spread, unanimous, groups = _overdispersed_panels(11, 2000)
    results = rubber_stamp(spread, unanimous, groups)
    alarms = sum(r.band == "alarm" for r in results)
    alerts = sum(r.band is not None for r in results)
    assert len(results) == 2000
    assert results[0].details["test"] == "one-sided beta-binomial"
    assert results[0].details["overdispersion_rho"] > 0.005
    # Nominal rates 0.2% and 5%: allow sampling error, not the binomial's inflation.
    assert alarms <= 10
    assert alerts <= 130
    # The plain binomial at the pooled share (the previous null) is far off here.
    k = np.array([r.details["stamped"] for r in results])
    p0 = k.sum() / (30 * len(results))
    assert np.sum(stats.binom.sf(k - 1, 30, p0) < 0.002) > 3 * max(alarms, 1)


def test_rubber_stamp_plants_found_among_overdispersed_panels() -> None:
    planted = [3, 77, 140, 299]
    spread, unanimous, groups = _overdispersed_panels(12, 300, plant=planted)
    results = {r.group: r for r in rubber_stamp(spread, unanimous, groups)}
    assert all(results[i].band == "alarm" for i in planted)
    assert sum(r.band == "alarm" for g, r in results.items() if g not in planted) <= 2


def test_rubber_stamp_small_planted_panel_still_alarms() -> None:
    spread, unanimous, groups = _overdispersed_panels(13, 300)
    spread = np.r_[spread, np.full(5, 0.1)]
    unanimous = np.r_[unanimous, np.ones(5, dtype=bool)]
    groups = np.r_[groups, np.full(5, 999)]
    results = {r.group: r for r in rubber_stamp(spread, unanimous, groups)}
    assert results[999].n == 5
    assert results[999].band == "alarm"


def _two_standards(seed: int, plant: list[int] | None = None) -> tuple[np.ndarray, ...]:
    """Honest panels on two standards: on the first (eight criteria, panels of 9) totals
    spread a third as much as on the second (three coarse criteria, panels of 3)."""
    spread, unanimous, groups = _overdispersed_panels(seed, 600, plant=plant)
    stratum = (groups % 2 == 0).astype(int)
    spread = np.where(stratum == 1, spread / 3, spread)
    return spread, unanimous, groups, stratum


def test_rubber_stamp_spread_is_judged_within_the_standard_and_panel_size() -> None:
    spread, unanimous, groups, stratum = _two_standards(14)
    pooled = rubber_stamp(spread, unanimous, groups)
    within = rubber_stamp(spread, unanimous, groups, stratum)
    # Pooled, the tight standard's panels stamp far more: a wide null that blunts the test.
    pooled_rho = pooled[0].details["overdispersion_rho"]
    assert pooled_rho > 2 * within[0].details["overdispersion_rho"]
    assert sum(r.band == "alarm" for r in within) <= 3
    assert sum(r.band is not None for r in within) <= 0.07 * len(within)
    thresholds = {r.details["spread_threshold"] for r in within}
    assert len(thresholds) == 2


def test_rubber_stamp_planted_on_the_tight_standard_still_alarms() -> None:
    planted = [10, 250, 421]  # even groups: the tight standard
    spread, unanimous, groups, stratum = _two_standards(15, plant=planted)
    results = {r.group: r for r in rubber_stamp(spread, unanimous, groups, stratum)}
    pooled = {r.group: r for r in rubber_stamp(spread, unanimous, groups)}
    assert all(results[i].band == "alarm" for i in planted)
    assert all(results[i].p_value < pooled[i].p_value / 1000 for i in planted)


def test_rubber_stamp_few_panels_fall_back_to_binomial() -> None:
    spread, unanimous, groups = _panels(4, plant=2)
    keep = groups < 6
    results = {r.group: r for r in rubber_stamp(spread[keep], unanimous[keep], groups[keep])}
    assert results[2].band == "alarm"
    assert results[2].details["test"].startswith("one-sided exact binomial")
    assert results[2].details["overdispersion_rho"] == 0.0


# ---------------------------------------------------------------------------
# near-identical score vectors


def _score_rows(
    seed: int, sessions: int = 20, members: int = 7, apps: int = 20, criteria: int = 5
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    session = np.repeat(np.arange(sessions), apps * members)
    app = np.repeat(np.arange(sessions * apps), members)
    member = np.tile(np.arange(members), sessions * apps) + 100 * session
    quality = rng.normal(0.7, 0.1, sessions * apps)[app]
    vectors = (
        np.round(10 * np.clip(quality[:, None] + rng.normal(0, 0.08, (app.size, criteria)), 0, 1))
        / 10
    )
    return member, app, vectors, session


def test_near_identical_pairs_alarms_on_copied_vectors() -> None:
    member, app, vectors, session = _score_rows(7)
    a, b = 300, 304  # session 3, members 0 and 4
    vectors[member == b] = vectors[member == a]
    results = near_identical_pairs(member, app, vectors, session)
    flagged = [r for r in results if r.band is not None]
    assert [(r.member_a, r.member_b, r.band) for r in flagged] == [(a, b, "alarm")]
    [pair] = flagged
    assert pair.group == 3
    assert pair.n == 20
    assert pair.share_identical == 1.0
    assert pair.mean_abs_diff == 0.0
    assert pair.p_value >= pair.p_raw


def test_near_identical_pairs_clean_panels_are_not_flagged() -> None:
    member, app, vectors, session = _score_rows(8)
    results = near_identical_pairs(member, app, vectors, session)
    assert len(results) == 20 * 21
    assert all(r.band is None for r in results)


def test_near_identical_pairs_needs_min_apps_in_common() -> None:
    member, app, vectors, session = _score_rows(9, sessions=1, apps=4)
    vectors[member == 1] = vectors[member == 0]
    assert near_identical_pairs(member, app, vectors, session, min_apps=5) == []


def test_near_identical_pairs_is_independent_of_row_order() -> None:
    member, app, vectors, session = _score_rows(10, sessions=3)
    perm = np.random.default_rng(0).permutation(member.size)
    first = near_identical_pairs(member, app, vectors, session)
    second = near_identical_pairs(member[perm], app[perm], vectors[perm], session[perm])
    assert first == second


def _mixed_standards(seed: int) -> tuple[np.ndarray, ...]:
    """Half the panels score 3 criteria 0..5 in whole points (honest members often agree to
    the point), half 8 criteria 0..100: each criterion normalised, padded with zeros."""
    rng = np.random.default_rng(seed)
    rows_m, rows_a, rows_v, rows_s, rows_std = [], [], [], [], []
    next_app = 0
    for s in range(60):
        coarse = s % 2 == 0
        c, maximum = (3, 5.0) if coarse else (8, 100.0)
        k = int(rng.integers(3, 8))
        apps = int(rng.integers(6, 11))
        quality = np.clip(rng.normal(0.72, 0.12, apps), 0, 1)
        raw = quality[:, None, None] + rng.normal(0, 0.08, (apps, k, c))
        scores = np.clip(np.round(raw * maximum), 0, maximum) / maximum
        vec = np.zeros((apps, k, 8))
        vec[:, :, :c] = scores
        rows_m.append(np.tile(np.arange(k) + 100 * s, apps))
        rows_a.append(np.repeat(np.arange(apps) + next_app, k))
        rows_v.append(vec.reshape(apps * k, 8))
        rows_s.append(np.full(apps * k, s))
        rows_std.append(np.full(apps * k, int(coarse)))
        next_app += apps
    return tuple(np.concatenate(x) for x in (rows_m, rows_a, rows_v, rows_s, rows_std))


def test_near_identical_pairs_expect_more_agreement_on_coarse_standards() -> None:
    member, app, vectors, session, standard = _mixed_standards(31)
    pooled = near_identical_pairs(member, app, vectors, session)
    by_standard = near_identical_pairs(member, app, vectors, session, standard)
    coarse = {r.group for r in by_standard if r.group % 2 == 0}
    assert coarse
    # Pooled over both standards, each panel's own agreement still sets its expectation.
    assert not [r for r in pooled if r.band == "alarm"]
    assert not [r for r in by_standard if r.band == "alarm"]
    assert sum(r.band is not None for r in by_standard) <= 0.05 * len(by_standard)
    coarse_p0 = [r.expected_share for r in by_standard if r.group % 2 == 0]
    fine_p0 = [r.expected_share for r in by_standard if r.group % 2 == 1]
    assert np.median(coarse_p0) > 5 * np.median(fine_p0)


@pytest.mark.parametrize(
    ("seed", "strata"),
    [(32, "standard"), (36, "panel")],
    ids=["strata by standard", "every panel its own standard"],
)
def test_near_identical_pairs_copying_on_a_coarse_panel_still_alarms(
    seed: int, strata: str
) -> None:
    # Against its stratum's share or, where no stratum is big enough, its own panel's rate.
    member, app, vectors, session, standard = _mixed_standards(seed)
    a, b = 400, 401  # panel 4: coarse
    vectors[member == b] = vectors[member == a]
    results = near_identical_pairs(
        member, app, vectors, session, standard if strata == "standard" else session
    )
    flagged = [(r.member_a, r.member_b) for r in results if r.band == "alarm"]
    assert flagged == [(a, b)]


def test_near_identical_pairs_judge_a_pair_by_its_own_panels_agreement() -> None:
    # Every panel has a standard of its own (as review bodies do): no stratum holds enough
    # pairs, so the stratum share falls back to the population's, which mixes coarse and
    # fine lattices. The panel's other pairs say how often its members agree by chance.
    member, app, vectors, session, _ = _mixed_standards(33)
    results = near_identical_pairs(member, app, vectors, session, session)
    assert not [r for r in results if r.band == "alarm"]
    assert sum(r.band is not None for r in results) <= 0.05 * len(results)
    coarse = [r.expected_share for r in results if r.group % 2 == 0]
    fine = [r.expected_share for r in results if r.group % 2 == 1]
    assert np.median(coarse) > 5 * np.median(fine)


def test_near_identical_pairs_one_coincidence_on_a_discriminating_panel_is_no_copy() -> None:
    # A fine-lattice panel whose members never agree elsewhere: a single identical sheet
    # is held against the floor share, not against a rate of nearly zero.
    member, app, vectors, session, standard = _mixed_standards(35)
    a, b = 101, 102  # panel 1: fine
    first = np.flatnonzero(member == a)[0]
    vectors[np.flatnonzero((member == b) & (app == app[first]))[0]] = vectors[first]
    pair = next(
        r
        for r in near_identical_pairs(member, app, vectors, session, standard)
        if (r.member_a, r.member_b) == (a, b)
    )
    assert pair.n_identical == 1
    assert pair.expected_share >= 0.01
    assert pair.band is None


# ---------------------------------------------------------------------------
# member calibration


def _totals(seed: int, panels: int = 10, members: int = 7, apps: int = 20):
    rng = np.random.default_rng(seed)
    session = np.repeat(np.arange(panels), apps * members)
    app = np.repeat(np.arange(panels * apps), members)
    member = np.tile(np.arange(members), panels * apps) + 100 * session
    quality = rng.normal(72, 10, panels * apps)[app]
    totals = quality + rng.normal(0, 5, app.size)
    return member, app, totals, session, quality


def test_member_calibration_names_a_lenient_member() -> None:
    member, app, totals, session, _ = _totals(11)
    totals[member == 203] += 10
    results = {r.member: r for r in member_calibration(member, app, totals, session)}
    lenient = results[203]
    assert lenient.band == "alarm"
    assert lenient.kind == "lenient"
    assert lenient.mean_deviation > 8
    assert lenient.n == 20
    panel = [r for r in results.values() if r.group == 2]
    assert max(panel, key=lambda r: abs(r.z)) is lenient
    assert [m for m, r in results.items() if r.kind == "lenient" and r.band == "alarm"] == [203]


def test_member_calibration_names_harsh_and_central_members() -> None:
    member, app, totals, session, quality = _totals(12)
    totals[member == 501] -= 12
    central = member == 706
    totals[central] = (
        72 + 0.15 * (quality[central] - 72) + np.random.default_rng(1).normal(0, 1, central.sum())
    )
    results = {r.member: r for r in member_calibration(member, app, totals, session)}
    assert (results[501].kind, results[501].band) == ("harsh", "alarm")
    assert (results[706].kind, results[706].band) == ("central", "alarm")
    assert results[706].spread_ratio < 0.5
    assert results[706].p_central < results[706].p_bias


def test_member_calibration_clean_panels_are_not_alarmed() -> None:
    member, app, totals, session, _ = _totals(13)
    results = member_calibration(member, app, totals, session)
    assert len(results) == 70
    assert not [r for r in results if r.band == "alarm"]
    assert sum(r.band == "alert" for r in results) <= 7
    assert all(r.kind is None for r in results if r.band is None)


def test_member_calibration_deviation_is_leave_one_out() -> None:
    member = np.array([1, 2, 3] * 5)
    app = np.repeat(np.arange(5), 3)
    totals = np.tile([80.0, 70.0, 70.0], 5)
    results = {r.member: r for r in member_calibration(member, app, totals, np.zeros(15, int))}
    assert results[1].mean_deviation == pytest.approx(10.0)
    assert results[2].mean_deviation == pytest.approx(-5.0)


def _rater_city(
    seed: int, *, bodies: int = 300, lean_scale: float = 3.0, lean_df: float = 3.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """An independent honest city of totals: panels of 3 to 9, 5 to 10 applications, 3 to 8
    criteria with unequal maxima (scores rounded to each criterion's step), heavy-tailed
    applicant quality and member leans (t with ``lean_df``, scale ``lean_scale`` points)."""
    rng = np.random.default_rng(seed)
    member_rows, app_rows, total_rows, group_rows = [], [], [], []
    next_member = next_app = 0
    for g in range(bodies):
        k = int(rng.integers(3, 10))
        apps = int(rng.integers(5, 11))
        c = int(rng.integers(3, 9))
        maxima = rng.choice([5.0, 10.0, 15.0, 20.0, 30.0], c)
        weights = rng.dirichlet(np.full(c, 3.0))
        quality = 70 + 8 * rng.standard_t(4, apps)
        lean = lean_scale * rng.standard_t(lean_df, k)
        raw = quality[:, None, None] + lean[None, :, None] + rng.normal(0, 6, (apps, k, c))
        scores = np.clip(np.round(raw / 100 * maxima), 0, maxima)
        totals = 100 * (scores / maxima) @ weights
        member_rows.append(np.tile(np.arange(k) + next_member, apps))
        app_rows.append(np.repeat(np.arange(apps) + next_app, k))
        total_rows.append(totals.reshape(-1))
        group_rows.append(np.full(apps * k, g))
        next_member += k
        next_app += apps
    return (
        np.concatenate(member_rows),
        np.concatenate(app_rows),
        np.concatenate(total_rows),
        np.concatenate(group_rows),
    )


def test_member_calibration_honest_leans_of_several_points_are_not_flagged() -> None:
    """Issue 8 item 9: honest raters differ in severity; a lean is judged against the spread
    of honest leans in the peer group, not against zero."""
    for seed in (21, 22):
        member, app, totals, session = _rater_city(seed)
        results = member_calibration(member, app, totals, session)
        assert len(results) > 1500
        leans = np.array([abs(r.mean_deviation) for r in results])
        assert (leans >= 5).mean() > 0.10  # several points are common among honest members
        alarms = sum(r.band == "alarm" for r in results)
        flagged = sum(r.band is not None for r in results)
        assert alarms <= 0.005 * len(results)
        assert flagged <= 0.07 * len(results)
        assert all(r.peer_sd > 1.5 for r in results)


def test_member_calibration_finds_a_planted_lean_beyond_the_honest_spread() -> None:
    member, app, totals, session = _rater_city(23)
    lenient = member[session == 40][0]
    harsh = member[session == 80][0]
    totals[member == lenient] += 25
    totals[member == harsh] -= 25
    results = {r.member: r for r in member_calibration(member, app, totals, session)}
    assert (results[lenient].kind, results[lenient].band) == ("lenient", "alarm")
    assert (results[harsh].kind, results[harsh].band) == ("harsh", "alarm")
    assert results[lenient].mean_deviation > 3 * results[lenient].peer_sd


def test_member_calibration_peer_groups_have_their_own_spread() -> None:
    # Peer group 0 rates consistently (leans SD 1), group 1 loosely (SD 6): a 9-point lean
    # is odd in the first, ordinary in the second.
    m0, a0, t0, s0 = _rater_city(24, lean_scale=1.0, lean_df=30.0)
    m1, a1, t1, s1 = _rater_city(25, lean_scale=6.0, lean_df=30.0)
    member = np.r_[m0, m1 + 100_000]
    app = np.r_[a0, a1 + 100_000]
    session = np.r_[s0, s1 + 100_000]
    totals = np.r_[t0, t1]
    peers = (session >= 100_000).astype(int)
    tight = member[session == 10][0]
    loose = member[session == 100_010][0]
    for who in (tight, loose):
        rows = member == who
        totals[rows] += 9
    results = {r.member: r for r in member_calibration(member, app, totals, session, peers)}
    assert results[tight].band == "alarm"
    assert results[loose].band != "alarm"
    assert results[loose].peer_sd > 3 * results[tight].peer_sd


# ---------------------------------------------------------------------------
# scoring speed


def test_scoring_speed_under_the_floor_is_certain() -> None:
    rng = np.random.default_rng(14)
    member = np.repeat(np.arange(70), 20)
    groups = member // 7
    durations = rng.lognormal(np.log(600), 0.5, member.size)
    durations[member == 33] = 20.0
    results = {r.member: r for r in scoring_speed(member, durations, groups)}
    fast = results[33]
    assert fast.band == "certain"
    assert (fast.n, fast.n_fast) == (20, 20)
    assert fast.median_seconds == pytest.approx(20.0)
    assert fast.p_value < 0.002
    assert [m for m, r in results.items() if r.band in ("certain", "alarm")] == [33]


def test_scoring_speed_one_hurried_scoring_is_not_flagged_and_nan_is_ignored() -> None:
    rng = np.random.default_rng(15)
    member = np.repeat(np.arange(10), 20)
    durations = rng.lognormal(np.log(600), 0.5, member.size)
    durations[0] = 30.0
    durations[1] = np.nan
    results = {r.member: r for r in scoring_speed(member, durations, member // 5)}
    assert results[0].n == 19
    assert results[0].n_fast == 1
    assert results[0].band is None


def test_scoring_speed_zero_or_negative_durations_are_unknown_not_fast() -> None:
    rng = np.random.default_rng(16)
    member = np.repeat(np.arange(30), 8)
    durations = rng.lognormal(np.log(480), 0.3, member.size)
    durations[member == 4] = 0.0  # started_at copied from submitted_at by an export
    durations[member == 5] = -3600.0  # clocks an hour apart
    results = {r.member: r for r in scoring_speed(member, durations, member // 6)}
    assert 4 not in results and 5 not in results
    assert all(r.band != "certain" for r in results.values())


def _speed_city(
    seed: int, *, bodies: int = 200, typical: float = 480.0, pace_df: float = 4.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An independent honest city: panels of 3 to 9 members, 3 to 10 applications each, one
    timestamp pair per sheet; members differ in pace with a heavy tail (t with ``pace_df``),
    sheets by application difficulty and by chance."""
    rng = np.random.default_rng(seed)
    member_rows, dur_rows, group_rows = [], [], []
    next_member = 0
    for g in range(bodies):
        k = int(rng.integers(3, 10))
        apps = int(rng.integers(3, 11))
        pace = 0.2 * rng.standard_t(pace_df, k)
        difficulty = rng.normal(0, 0.3, apps)
        for j in range(k):
            log_d = np.log(typical) + pace[j] + difficulty + rng.normal(0, 0.4, apps)
            member_rows.append(np.full(apps, next_member + j))
            dur_rows.append(np.exp(log_d))
            group_rows.append(np.full(apps, g))
        next_member += k
    return np.concatenate(member_rows), np.concatenate(dur_rows), np.concatenate(group_rows)


def test_scoring_speed_clean_heavy_tailed_city_is_rarely_flagged() -> None:
    for seed in (1, 2):
        member, durations, groups = _speed_city(seed)
        results = scoring_speed(member, durations, groups)
        assert len(results) > 1000
        flagged = [r for r in results if r.band is not None]
        assert not [r for r in flagged if r.band == "certain"]
        assert sum(r.band == "alarm" for r in flagged) <= 0.005 * len(results)
        assert len(flagged) <= 0.08 * len(results)


def test_scoring_speed_flags_eighty_seconds_where_the_city_takes_eight_minutes() -> None:
    """Issue 8 item 3: above the absolute floor, judged against panel and peers."""
    member, durations, groups = _speed_city(3)
    target = member[groups == 17][0]
    rows = member == target
    durations[rows] = np.random.default_rng(0).normal(80, 10, rows.sum())
    results = {r.member: r for r in scoring_speed(member, durations, groups)}
    fast = results[target]
    assert fast.n_fast == 0  # never under the 60-second floor
    assert fast.band == "alarm"
    assert fast.median_seconds == pytest.approx(80, abs=15)
    assert fast.panel_median_seconds > 300 and fast.peer_median_seconds > 300
    assert fast.z_panel < -4 and fast.z_peer < -4


def test_scoring_speed_whole_panel_in_a_hurry_is_judged_against_peers() -> None:
    member, durations, groups = _speed_city(4)
    rows = groups == 5
    durations[rows] = durations[rows] / 4  # about 2 minutes, every member
    results = scoring_speed(member, durations, groups)
    panel = [r for r in results if r.group == 5]
    assert all(r.band in ("alarm", "certain") for r in panel)
    assert all(r.p_peer < 0.002 / 3 < 0.2 < r.p_panel for r in panel)


def test_scoring_speed_member_who_hurries_through_some_applications() -> None:
    rng = np.random.default_rng(5)
    member, durations, groups = _speed_city(5)
    target = member[groups == 9][0]
    rows = np.flatnonzero(member == target)
    # Careful on most applications, 70 seconds on a third of them.
    member = np.r_[member, np.full(12, 10_000)]
    groups = np.r_[groups, np.full(12, 9)]
    own = rng.lognormal(np.log(480), 0.3, 12)
    own[:4] = 70.0
    durations = np.r_[durations, own]
    results = {r.member: r for r in scoring_speed(member, durations, groups)}
    hurried = results[10_000]
    assert hurried.n_rushed >= 4
    assert hurried.band == "alarm"
    assert hurried.test == "own sheets"
    assert rows.size  # the panel exists


def test_scoring_speed_compares_with_the_peer_group_not_the_whole_city() -> None:
    # Peer group 1 reads slowly (20 min); a member there at 5 min is fast for their peers,
    # though the city-wide norm is 5 min.
    m0, d0, g0 = _speed_city(6, bodies=120, typical=300.0)
    m1, d1, g1 = _speed_city(7, bodies=120, typical=1200.0)
    member = np.r_[m0, m1 + 100_000]
    groups = np.r_[g0, g1 + 1000]
    durations = np.r_[d0, d1]
    peers = (groups >= 1000).astype(int)
    target = member[groups == 1003][0]
    durations[member == target] = 300.0
    by_peer = {r.member: r for r in scoring_speed(member, durations, groups, peers)}
    assert by_peer[target].band == "alarm"
    assert by_peer[target].peer_median_seconds > 900
    alike = {r.member: r for r in scoring_speed(member, durations, groups)}
    assert alike[target].z_peer > by_peer[target].z_peer


def test_sheet_durations_use_per_criterion_timestamps_when_every_criterion_is_timed() -> None:
    """Contract 1.1: criterion_times are optional; a fully timed sheet counts the time spent
    on its criteria, any other keeps its one timestamp pair."""
    from datetime import datetime, timedelta

    import factories

    from audit.features import build_features

    raw = factories.filing_doc(3)
    raw["schema_version"] = "1.1"
    sheets = [y for app in raw["applications"] for y in app["scores"]]
    for i, sheet in enumerate(sheets[:2]):
        begun = datetime.fromisoformat(sheet["submitted_at"]) - timedelta(hours=1)
        codes = list(sheet["values"])
        timed = codes if i == 0 else codes[:-1]  # the second sheet is partly timed
        sheet["criterion_times"] = {
            code: {
                "started_at": (begun + timedelta(minutes=10 * k)).isoformat(),
                "submitted_at": (begun + timedelta(minutes=10 * k, seconds=30)).isoformat(),
            }
            for k, code in enumerate(timed)
        }
    ds = factories.dataset(raw)
    duration = build_features(ds).sheets.duration
    pair = ds.score_submitted - ds.score_started
    first = next(j for j in range(len(duration)) if np.isfinite(ds.score_criterion_seconds[j]))
    assert duration[first] == 30.0 * len(sheets[0]["values"])
    assert np.isfinite(ds.score_criterion_seconds).sum() == 1
    others = ~np.isfinite(ds.score_criterion_seconds)
    np.testing.assert_array_equal(duration[others], pair[others])


# ---------------------------------------------------------------------------
# funnel plot of pass rates


def _enterprises(seed: int, units: int = 40) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    totals = rng.integers(20, 80, units)
    rates = np.clip(rng.normal(0.6, 0.04, units), 0, 1)
    passed = rng.binomial(totals, rates)
    return passed, totals, np.zeros(units, dtype=int)


def test_funnel_alarms_on_95_percent_pass_rate_among_60_percent_peers() -> None:
    passed, totals, peers = _enterprises(16)
    totals[5], passed[5] = 60, 57
    results = funnel_pass_rates(passed, totals, peers)
    high = results[5]
    assert high.unit == 5
    assert high.rate == pytest.approx(0.95)
    assert 0.55 < high.peer_rate < 0.65
    assert high.band == "alarm"
    assert high.rate > high.limits_998[1]
    assert high.z > stats.norm.isf(0.002)
    assert high.phi >= 1.0
    assert [r.unit for r in results if r.band == "alarm"] == [5]
    assert sum(r.band == "alert" for r in results) <= 4


def test_funnel_limits_follow_spiegelhalter_formula() -> None:
    passed, totals, peers = _enterprises(17)
    r = funnel_pass_rates(passed, totals, peers)[0]
    half = stats.norm.isf(0.05) * math.sqrt(r.phi * r.peer_rate * (1 - r.peer_rate) / r.n)
    assert r.limits_95 == pytest.approx((r.peer_rate - half, r.peer_rate + half))
    assert r.z == pytest.approx(
        (r.rate - r.peer_rate) / math.sqrt(r.phi * r.peer_rate * (1 - r.peer_rate) / r.n)
    )


def test_funnel_shrinks_a_three_applicant_enterprise_and_does_not_alarm() -> None:
    passed, totals, peers = _enterprises(18)
    totals[0], passed[0] = 3, 3
    small = funnel_pass_rates(passed, totals, peers)[0]
    assert small.rate == 1.0
    assert small.shrunk_rate < 0.75
    assert small.shrunk_rate > small.peer_rate
    assert small.band != "alarm"
    assert small.p_value > 0.1


def test_funnel_clean_peers_are_not_alarmed_and_over_dispersion_widens_limits() -> None:
    rng = np.random.default_rng(19)
    totals = rng.integers(50, 300, 60)
    passed = rng.binomial(totals, np.clip(rng.normal(0.6, 0.12, 60), 0, 1))
    results = funnel_pass_rates(passed, totals, np.zeros(60, dtype=int))
    assert results[0].phi > 2.0
    assert not [r for r in results if r.band == "alarm"]


def test_funnel_compares_each_unit_with_its_own_peer_group() -> None:
    passed = np.array([90, 91, 89, 92, 88, 90, 30, 31, 29, 32, 28, 30, 90])
    totals = np.full(13, 100)
    peers = np.array([0] * 6 + [1] * 7)
    results = funnel_pass_rates(passed, totals, peers)
    assert all(r.band is None for r in results[:6])
    assert results[12].band == "alarm"
    assert results[12].peer_rate == pytest.approx(180 / 600)  # the other units of its group


def test_funnel_a_large_body_does_not_set_its_own_benchmark() -> None:
    # Five small bodies pass 55%; one of 400 applicants passes 80%. Pooled, the target
    # would be about 76% and the large body ordinary.
    passed = np.array([11, 12, 10, 11, 11, 320])
    totals = np.array([20, 20, 20, 20, 20, 400])
    big = funnel_pass_rates(passed, totals, np.zeros(6, dtype=int))[5]
    assert big.peer_rate == pytest.approx(55 / 100)
    assert big.band == "alarm"


def test_funnel_small_peer_groups_fall_back_to_the_broader_group() -> None:
    rng = np.random.default_rng(20)
    units = 60
    totals = rng.integers(20, 60, units)
    passed = rng.binomial(totals, 0.6)
    # Open cluster catalogue: three clusters of two bodies each, the rest in one cluster.
    clusters = np.where(np.arange(units) < 6, np.arange(units) // 2, 9)
    totals[0], passed[0] = 40, 38
    alone = funnel_pass_rates(passed, totals, clusters)
    broad = funnel_pass_rates(passed, totals, clusters, np.zeros(units, dtype=int))
    # Against its one partner the plant is judged on a sample of one; with the fallback it
    # is judged against every body of the level.
    assert broad[0].band == "alarm"
    assert (broad[0].peer_group, broad[-1].peer_group) == ("*0", "=9")
    assert broad[0].p_value < alone[0].p_value
    assert sum(r.band == "alarm" for r in broad) == 1


# ---------------------------------------------------------------------------
# surges


def test_surges_alarm_on_a_jump_above_history_and_not_on_clean_units() -> None:
    rng = np.random.default_rng(20)
    history = rng.poisson(20, (50, 4)).astype(float)
    current = rng.poisson(20, 50)
    current[9] = 60
    results = surges(current, history)
    assert results[9].band == "alarm"
    assert results[9].observed == 60
    assert results[9].expected == pytest.approx(history[9].mean())
    assert [r.group for r in results if r.band == "alarm"] == [9]
    assert sum(r.band == "alert" for r in results) <= 5


def test_surges_need_min_history() -> None:
    history = np.array([[np.nan, np.nan, 5.0], [5.0, 6.0, 4.0]])
    results = surges(np.array([40, 40]), history, min_history=2)
    assert [r.group for r in results] == [1]
    assert results[0].band == "alarm"


# ---------------------------------------------------------------------------
# reciprocal scoring


def _reciprocal(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    rows = 4000
    expert = rng.integers(0, 10, rows)
    applicant = rng.integers(0, 10, rows)
    leniency = rng.normal(0, 5, rows)
    return expert, applicant, leniency


def test_reciprocal_scoring_alarms_on_mutually_lenient_organisations() -> None:
    expert, applicant, leniency = _reciprocal(21)
    both = ((expert == 2) & (applicant == 5)) | ((expert == 5) & (applicant == 2))
    leniency[both] += 8
    one_way = (expert == 3) & (applicant == 7)
    leniency[one_way] += 8
    results = reciprocal_scoring(expert, applicant, leniency)
    flagged = [(r.org_a, r.org_b, r.band) for r in results if r.band is not None]
    assert flagged == [(2, 5, "alarm")]
    pair = next(r for r in results if (r.org_a, r.org_b) == (2, 5))
    assert pair.mean_ab > 6 and pair.mean_ba > 6
    assert pair.p_value >= pair.p_raw


def test_reciprocal_scoring_clean_data_and_own_organisation_are_ignored() -> None:
    expert, applicant, leniency = _reciprocal(22)
    leniency[expert == applicant] += 20
    unknown = np.arange(expert.size) < 200
    expert[unknown] = -1
    results = reciprocal_scoring(expert, applicant, leniency)
    assert len(results) == 45
    assert all(r.band is None for r in results)
    assert all(r.org_a >= 0 for r in results)


def _expert_city(seed: int) -> tuple[np.ndarray, ...]:
    """External experts with heavy-tailed natural leans (t with 5 df, scale 2.5 points), each
    from one of 30 organisations, scoring 5 to 25 applicants of 1 to 3 other bodies."""
    rng = np.random.default_rng(seed)
    rows_e, rows_a, rows_l, rows_x = [], [], [], []
    for x in range(600):
        org = int(rng.integers(0, 30))
        lean = 2.5 * rng.standard_t(5)
        for _ in range(int(rng.integers(1, 4))):
            other = int(rng.integers(0, 30))
            n = int(rng.integers(5, 26))
            rows_e.append(np.full(n, org))
            rows_a.append(np.full(n, other))
            rows_l.append(lean + rng.normal(0, 5, n))
            rows_x.append(np.full(n, x))
    return tuple(np.concatenate(r) for r in (rows_e, rows_a, rows_l, rows_x))


def test_reciprocal_scoring_one_lenient_expert_is_one_lean_not_many() -> None:
    naive_flags = clustered_flags = 0
    for seed in (23, 25, 26, 27):
        expert, applicant, leniency, who = _expert_city(seed)
        naive = reciprocal_scoring(expert, applicant, leniency)
        clustered = reciprocal_scoring(expert, applicant, leniency, who)
        assert len(clustered) == len(naive) > 200
        naive_flags += sum(r.band is not None for r in naive)
        clustered_flags += sum(r.band is not None for r in clustered)
    # Counting rows as independent, honest lenient experts make "reciprocal" pairs.
    assert naive_flags >= 4
    assert clustered_flags == 0


def test_reciprocal_scoring_planted_pair_found_with_experts_clustered() -> None:
    expert, applicant, leniency, who = _expert_city(24)
    rng = np.random.default_rng(0)
    # Bodies 31 and 32 each seat four of the other's experts, 12 points lenient.
    extra_e, extra_a, extra_l, extra_x = [], [], [], []
    for k in range(8):
        org, other = (31, 32) if k % 2 == 0 else (32, 31)
        extra_e.append(np.full(8, org))
        extra_a.append(np.full(8, other))
        extra_l.append(12 + 3 * rng.standard_t(3) + rng.normal(0, 5, 8))
        extra_x.append(np.full(8, 10_000 + k))
    expert = np.r_[expert, np.concatenate(extra_e)]
    applicant = np.r_[applicant, np.concatenate(extra_a)]
    leniency = np.r_[leniency, np.concatenate(extra_l)]
    who = np.r_[who, np.concatenate(extra_x)]
    results = reciprocal_scoring(expert, applicant, leniency, who)
    flagged = [(r.org_a, r.org_b) for r in results if r.band is not None]
    assert (31, 32) in flagged


# ---------------------------------------------------------------------------
# determinism


def test_results_are_deterministic_and_do_not_depend_on_row_order() -> None:
    member, app, totals, session, _ = _totals(23)
    perm = np.random.default_rng(1).permutation(member.size)
    first = member_calibration(member, app, totals, session)
    again = member_calibration(member, app, totals, session)
    shuffled = member_calibration(member[perm], app[perm], totals[perm], session[perm])
    assert first == again
    assert [(r.member, r.n) for r in first] == [(r.member, r.n) for r in shuffled]
    np.testing.assert_allclose([r.z for r in first], [r.z for r in shuffled])


def test_string_identifiers_and_missing_organisations_are_accepted() -> None:
    expert, applicant, leniency = _reciprocal(24)
    codes = np.array([f"91320600MA{i:08d}" for i in range(10)], dtype=object)
    expert_s = codes[expert]
    expert_s[:100] = None
    applicant_s = codes[applicant]
    both = ((expert == 2) & (applicant == 5)) | ((expert == 5) & (applicant == 2))
    leniency[both] += 8
    flagged = [r for r in reciprocal_scoring(expert_s, applicant_s, leniency) if r.band]
    assert [(r.org_a, r.org_b) for r in flagged] == [(codes[2], codes[5])]

    member, app, vectors, session = _score_rows(25, sessions=2)
    names = np.array([f"m-{m}" for m in member])
    vectors[member == 101] = vectors[member == 100]
    pairs = near_identical_pairs(names, app, vectors, session, flagged_only=True)
    assert [(p.member_a, p.member_b) for p in pairs] == [("m-100", "m-101")]


def test_funnel_p_value_is_the_exact_binomial_tail_without_over_dispersion() -> None:
    passed = np.array([60, 58, 62, 61, 59, 60, 75])
    totals = np.full(7, 100)
    results = funnel_pass_rates(passed, totals, np.zeros(7, dtype=int))
    top = results[6]
    assert top.phi == 1.0  # winsorising keeps the one high unit from inflating phi
    assert top.peer_rate == pytest.approx(0.6)  # the other six units
    assert top.p_value == pytest.approx(stats.binom.sf(74, 100, top.peer_rate), rel=1e-6)
    assert top.limits_998[1] < top.rate
    assert top.band == "alarm"


# ---------------------------------------------------------------------------
# expert favouritism


def _pool_scorings(seed: int, favour: float) -> tuple[list[int], list[int], list[int], list[float]]:
    """Sixty experts with heavy-tailed leans of their own, each scoring eight applications on
    each of four bodies' panels (panels differ by a little); expert 0 adds ``favour`` on
    body 0 only; expert 1 is honest and leans +20 everywhere."""
    rng = np.random.default_rng(seed)
    person, body, unit, lev = [], [], [], []
    for e in range(60):
        lean = 20.0 if e == 1 else 4 * rng.standard_t(3)
        for b in rng.choice(20, 4, replace=False).tolist() if e > 1 else [0, 1, 2, 3]:
            panel = rng.normal(0, 1.5)
            extra = favour if (e == 0 and b == 0) else 0.0
            person += [e] * 8
            body += [b] * 8
            unit += [b] * 8
            lev += (lean + panel + extra + rng.normal(0, 3, 8)).tolist()
    return person, body, unit, lev


def test_expert_favouritism_finds_an_expert_lenient_on_one_body_only() -> None:
    person, body, unit, lev = _pool_scorings(10, favour=9.0)
    results = {(r.person, r.unit): r for r in expert_favouritism(person, body, unit, lev)}
    planted = results[0, 0]
    assert planted.band == "alarm"
    assert planted.n_in == 8 and planted.n_out == 24
    assert planted.difference == pytest.approx(9.0, abs=3.0)
    # The naturally lenient expert is lenient everywhere: no favour anywhere.
    assert all(results[1, b].band is None for b in range(4))
    honest = [r for k, r in results.items() if k[0] != 0]
    assert len(honest) >= 200
    assert sum(r.band == "alarm" for r in honest) <= 0.01 * len(honest)
    assert sum(r.band is not None for r in honest) <= 0.08 * len(honest)


def test_expert_favouritism_needs_a_record_elsewhere() -> None:
    person, body, unit, lev = _pool_scorings(11, favour=9.0)
    # Scorings of expert 0 on other bodies dropped: no own record to compare with.
    keep = [not (p == 0 and b != 0) for p, b in zip(person, body, strict=True)]
    pick = [i for i, k in enumerate(keep) if k]
    results = expert_favouritism(
        [person[i] for i in pick],
        [body[i] for i in pick],
        [unit[i] for i in pick],
        [lev[i] for i in pick],
    )
    assert not [r for r in results if r.person == 0]
    assert not expert_favouritism([0] * 6, [0] * 6, [0] * 6, [1.0] * 6)
