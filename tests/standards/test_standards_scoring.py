import numpy as np
import pytest
from standards_factories import engineer

from standards.scoring import (
    MissingScore,
    ScoreOutOfRange,
    UnknownCriterion,
    final_score,
    member_total,
    member_totals,
)

CRITERIA = engineer().criteria  # ethics 0.2/10, ability 0.3/30, results 0.5/60


def test_member_total_on_the_fixed_scale():
    assert member_total(CRITERIA, {"ethics": 10, "ability": 30, "results": 60}) == pytest.approx(
        100
    )
    assert member_total(CRITERIA, {"ethics": 5, "ability": 15, "results": 30}) == pytest.approx(50)
    # 100 × (0.2×8/10 + 0.3×0/30 + 0.5×60/60) = 66
    assert member_total(CRITERIA, {"ethics": 8, "ability": 0, "results": 60}) == pytest.approx(66)


@pytest.mark.parametrize("bad", [-0.1, 10.5, float("nan"), float("inf")])
def test_score_out_of_range_names_the_criterion(bad):
    with pytest.raises(ScoreOutOfRange) as info:
        member_total(CRITERIA, {"ethics": bad, "ability": 1, "results": 1})
    assert info.value.path == "scores.ethics"
    assert "0–10" in info.value.message_en and "0–10" in info.value.message


def test_unknown_criterion():
    with pytest.raises(UnknownCriterion) as info:
        member_total(CRITERIA, {"ethics": 1, "ability": 1, "results": 1, "charm": 5})
    assert info.value.path == "scores.charm"


def test_missing_score_is_caught_as_unknown_criterion_too():
    with pytest.raises(UnknownCriterion) as info:
        member_total(CRITERIA, {"ethics": 1, "ability": 1})
    assert isinstance(info.value, MissingScore)
    assert info.value.path == "scores.results"


def test_final_score_is_the_mean_or_none():
    assert final_score([60, 70, 80]) == pytest.approx(70)
    assert final_score([]) is None


def test_vectorised_totals_match_the_scalar_ones():
    rng = np.random.default_rng(7)
    maxima = np.array([c.maximum for c in CRITERIA])
    weights = np.array([c.weight for c in CRITERIA])
    scores = rng.uniform(0, 1, size=(4, 5, 3)) * maxima
    vector = member_totals(weights, maxima, scores)
    assert vector.shape == (4, 5)
    codes = [c.code for c in CRITERIA]
    scalar = member_total(CRITERIA, dict(zip(codes, scores[2, 3], strict=True)))
    assert vector[2, 3] == pytest.approx(scalar)


def test_vectorised_totals_propagate_nan_and_check_shapes():
    out = member_totals([0.5, 0.5], [10, 10], [[10, np.nan], [10, 0]])
    assert np.isnan(out[0]) and out[1] == pytest.approx(50)
    with pytest.raises(ValueError, match="shapes"):
        member_totals([0.5, 0.5], [10, 10], [[1, 2, 3]])
