"""Scores on the fixed scale: a member's total = 100 × Σ weight_i × score_i / maximum_i, the final
score is the mean of the totals of the members who scored."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from standards.document import Criterion


class ScoreError(ValueError):
    """A score sheet that cannot be totalled; ``path`` names the criterion."""

    def __init__(self, path: str, message: str, message_en: str) -> None:
        self.path = path
        self.message = message
        self.message_en = message_en
        super().__init__(f"{path}: {message_en}")


class ScoreOutOfRange(ScoreError):
    """A score below 0, above the criterion's maximum, or not a number."""


class UnknownCriterion(ScoreError):
    """A score for a criterion code the standard does not have."""


class MissingScore(UnknownCriterion):
    """No score for one of the standard's criteria. Subclasses ``UnknownCriterion`` so callers
    that catch "the codes do not match the criteria" catch both directions."""


def member_total(criteria: Sequence[Criterion], scores: Mapping[str, float]) -> float:
    """One member's total on 0..100; raises on unknown, missing or out-of-range scores."""
    known = {c.code for c in criteria}
    for code in scores:
        if code not in known:
            raise UnknownCriterion(
                f"scores.{code}",
                f"未知的评价指标“{code}”，可用：{', '.join(sorted(known))}",
                f"unknown criterion '{code}'; known: {', '.join(sorted(known))}",
            )
    total = 0.0
    for c in criteria:
        if c.code not in scores:
            raise MissingScore(
                f"scores.{c.code}",
                f"缺少指标“{c.name}”（{c.code}）的评分",
                f"no score for criterion '{c.name_en}' ({c.code})",
            )
        value = scores[c.code]
        if not (isinstance(value, int | float) and math.isfinite(value)) or not (
            0 <= value <= c.maximum
        ):
            raise ScoreOutOfRange(
                f"scores.{c.code}",
                f"指标“{c.name}”的评分{value}超出范围0–{c.maximum:g}",
                f"score {value} for '{c.name_en}' is outside 0–{c.maximum:g}",
            )
        total += c.weight * value / c.maximum
    return 100.0 * total


def final_score(totals: Sequence[float]) -> float | None:
    """Mean of the members' totals; None when nobody scored."""
    if not totals:
        return None
    return math.fsum(totals) / len(totals)


def member_totals(
    weights: npt.ArrayLike, maxima: npt.ArrayLike, scores: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Vectorised ``member_total`` over the last axis of ``scores`` (…, n_criteria): no range
    checks, NaN in gives NaN out, for audits over millions of score sheets."""
    w = np.asarray(weights, dtype=np.float64)
    m = np.asarray(maxima, dtype=np.float64)
    s = np.asarray(scores, dtype=np.float64)
    if w.ndim != 1 or w.shape != m.shape or s.shape[-1:] != w.shape:
        raise ValueError(
            f"shapes do not match: weights {w.shape}, maxima {m.shape}, scores {s.shape} "
            "(scores' last axis must be the criteria)"
        )
    result: npt.NDArray[np.float64] = 100.0 * ((s / m) @ w)
    return result
