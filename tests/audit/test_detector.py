"""Isolation-forest detector: planted outliers are found and explained by their feature."""

from __future__ import annotations

import factories
import numpy as np
import pytest

from audit.detector import explain_outlier, isolation_flags, robust_z
from audit.features import FEATURE_LABELS, build_features, describe_feature, detector_inputs

NAMES = ["pass_rate", "mean_score", "score_spread", "share_fast", "exceptional_share", "panel_size"]


def _peers(seed: int, groups: int = 3, rows: int = 600) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    group = np.repeat(np.arange(groups), rows)
    X = rng.normal(0, 1, (group.size, len(NAMES)))
    X += 4.0 * group[:, None]  # peer groups differ in level
    return X, group


def test_planted_outlier_is_found_and_explained_by_its_feature() -> None:
    X, group = _peers(1)
    X[17, 3] += 9.0
    result = isolation_flags(X, NAMES, group, min_group_size=500)
    assert result.outlier[17]
    assert result.top_features[17][0][0] == "share_fast"
    assert result.top_features[17][0][1] > 6
    assert len(result.top_features[17]) == 3
    assert result.scores[17] > np.quantile(result.scores, 0.99)
    assert not result.pooled.any()


def test_outliers_are_judged_against_their_own_peer_group() -> None:
    X, group = _peers(2)
    # Typical for group 2 (level 8), extreme for group 0 (level 0).
    X[5, 1] = 8.0
    result = isolation_flags(X, NAMES, group, min_group_size=500)
    assert result.outlier[5]
    assert result.top_features[5][0][0] == "mean_score"
    assert group[5] == 0


def test_clean_rows_are_flagged_at_about_the_contamination_rate_and_unexplained_inliers() -> None:
    X, group = _peers(3)
    result = isolation_flags(X, NAMES, group, contamination=0.02)
    assert 0.01 <= result.outlier.mean() <= 0.03
    assert all(result.top_features[i] == [] for i in np.flatnonzero(~result.outlier))


def test_small_groups_fall_back_to_the_pooled_forest() -> None:
    X, group = _peers(4, groups=2, rows=600)
    small = np.random.default_rng(0).normal(0, 1, (12, len(NAMES)))
    small[3, 4] = 10.0
    X = np.vstack([X, small])
    group = np.r_[group, np.full(12, 9)]
    result = isolation_flags(X, NAMES, group, min_group_size=500, min_peer_rows=30)
    assert result.pooled[-12:].all()
    assert not result.pooled[:-12].any()
    row = X.shape[0] - 12 + 3
    assert result.outlier[row]
    assert result.top_features[row][0][0] == "exceptional_share"


def test_detector_is_deterministic_with_a_fixed_random_state() -> None:
    X, group = _peers(5)
    first = isolation_flags(X, NAMES, group, random_state=7)
    second = isolation_flags(X, NAMES, group, random_state=7)
    np.testing.assert_array_equal(first.scores, second.scores)
    np.testing.assert_array_equal(first.outlier, second.outlier)
    assert first.top_features == second.top_features


def test_max_forests_caps_the_number_of_own_forests() -> None:
    X, group = _peers(6, groups=3, rows=600)
    result = isolation_flags(X, NAMES, group, min_group_size=500, max_forests=2)
    assert result.pooled[group == 2].all()
    assert not result.pooled[group < 2].any()


def test_robust_z_ignores_missing_values_and_handles_zero_mad() -> None:
    X = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0], [np.nan, 5.0], [100.0, 9.0]])
    z = robust_z(X, np.zeros(5, dtype=int))
    assert z[3, 0] == 0.0
    assert z[1, 0] == pytest.approx((2.0 - 2.5) / 1.4826)  # median 2.5, MAD 1
    assert z[4, 0] > 20
    # MAD of column 1 is zero, so the mean absolute deviation scales it.
    assert z[4, 1] == pytest.approx(4.0 / (0.8 * 1.2533))


def test_feature_names_must_match_columns() -> None:
    with pytest.raises(ValueError, match="feature name"):
        isolation_flags(np.zeros((5, 2)), ["a"], np.zeros(5, dtype=int))


# ---------------------------------------------------------------------------
# explanations a person can check (issue 8, item 8)


def test_every_detector_feature_has_a_bilingual_label_and_unit() -> None:
    ds = factories.dataset(factories.filing_doc(12), factories.filing_doc(8, enterprise=2))
    tables = detector_inputs(ds, build_features(ds))
    assert {t.scope for t in tables} == {"application", "member", "enterprise"}
    for table in tables:
        assert table.X.shape == (len(table.groups), len(table.names))
        for name in table.names:
            label = FEATURE_LABELS[name]
            assert label.zh and label.en and label.unit
            assert "_" not in label.en and name not in label.zh


def test_describe_feature_reads_like_the_issue_example() -> None:
    zh, en = describe_feature("mean_duration_log", np.log1p(78.0), np.log1p(480.0))
    assert zh == "平均每份评分用时 1.3 分钟，同类评审中位数 8.0 分钟"
    assert en == "mean time per score sheet 1.3 min, peer median 8.0 min"
    zh, en = describe_feature("pass_rate", 1.0, 0.62)
    assert (zh, en) == ("通过率 100%，同类评审中位数 62%", "pass rate 100%, peer median 62%")
    zh, en = describe_feature("unanimous", 1.0, 0.35)
    assert "是" in zh and "35%" in zh and en == "unanimous vote: yes (peers: 35% yes)"


def test_a_planted_fast_member_is_explained_with_raw_minutes_against_peers() -> None:
    rng = np.random.default_rng(8)
    names = ["mean_leniency", "sd_total", "median_duration_log", "approve_share"]
    rows = 900
    X = np.column_stack(
        [
            rng.normal(0, 2.0, rows),
            rng.normal(8, 1.5, rows),
            np.log1p(rng.lognormal(np.log(480), 0.25, rows)),
            rng.beta(8, 2, rows),
        ]
    )
    X[42, 2] = np.log1p(78.0)
    group = np.zeros(rows, dtype=int)
    result = isolation_flags(X, names, group, contamination=0.02)
    assert result.outlier[42]
    zh, en, evidence = explain_outlier(result, 42, names, X)
    assert zh.startswith("每份评分用时中位数 1.3 分钟，同类评审中位数 ")
    assert en.startswith("median time per score sheet 1.3 min, peer median ")
    assert not any(name in zh or name in en for name in names)
    assert evidence[0]["feature"] == "median_duration_log"
    assert evidence[0]["value"] == pytest.approx(1.3)
    assert 7.5 < float(evidence[0]["peer_value"]) < 8.5


def test_clean_rows_in_a_heavy_tailed_table_are_explained_only_when_flagged() -> None:
    rng = np.random.default_rng(9)
    names = ["pass_rate", "mean_margin", "median_duration_log"]
    X = np.column_stack(
        [
            rng.beta(6, 3, 400),
            rng.standard_t(3, 400) * 4,
            np.log1p(rng.lognormal(np.log(420), 0.4, 400)),
        ]
    )
    result = isolation_flags(X, names, np.zeros(400, dtype=int), contamination=0.02)
    assert 4 <= result.outlier.sum() <= 12
    for row in np.flatnonzero(result.outlier).tolist():
        zh, en, evidence = explain_outlier(result, row, names, X)
        assert len(evidence) == 3 and "同类评审" in zh and "peer" in en
    assert result.peer_median.shape == X.shape


def test_tail_share_is_an_empirical_p_value_per_forest() -> None:
    X, group = _peers(10)
    X[17, 3] += 9.0
    result = isolation_flags(X, NAMES, group, min_group_size=500)
    assert result.outlier[17] and result.tail_share[17] <= 0.02
    assert result.tail_share.max() == 1.0
    # Under no plant it is uniform: about 5% of rows at or below 0.05.
    assert 0.04 <= (result.tail_share <= 0.05).mean() <= 0.06
    assert (result.tail_share[result.outlier] <= 0.02 + 1e-9).all()
