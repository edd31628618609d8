"""The decision on one application: quorum, vote threshold and pass score, all three needed."""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict

from standards.document import PanelRules

# Shares such as 2/3 are not exact in binary; without the slack, 2/3 × 9 would need 7, not 6.
_SLACK = 1e-9


class DecisionPart(BaseModel):
    """One condition of the decision, with what it required and what was given."""

    model_config = ConfigDict(frozen=True)

    code: str
    required: str
    given: str
    passed: bool
    message: str
    message_en: str


class Decision(BaseModel):
    """评审结果 for one application."""

    model_config = ConfigDict(frozen=True)

    approved: bool
    quorum_required: int
    present: int
    quorum_met: bool
    approvals_required: int
    threshold_met: bool
    score_met: bool
    parts: list[DecisionPart]


def quorum_required(rules: PanelRules, eligible_members: int) -> int:
    """Members who must vote on an application for its decision to stand."""
    return math.ceil(rules.quorum_share * eligible_members - _SLACK)


def decide(
    *,
    rules: PanelRules,
    pass_score: float,
    eligible_members: int,
    approvals: int,
    rejections: int,
    abstentions: int,
    final_score: float | None,
) -> Decision:
    """Decide one application. ``eligible_members`` is the panel size minus members recused for
    this application; present = approvals + rejections + abstentions. Approved iff the quorum is
    met (and somebody was present), approvals reach the threshold of those present, and the final
    score reaches the pass score."""
    counts = {
        "eligible_members": eligible_members,
        "approvals": approvals,
        "rejections": rejections,
        "abstentions": abstentions,
    }
    negative = [k for k, v in counts.items() if v < 0]
    if negative:
        raise ValueError(f"counts must not be negative: {', '.join(negative)}")
    present = approvals + rejections + abstentions
    if present > eligible_members:
        raise ValueError(
            f"{present} votes cast but only {eligible_members} members may vote on this application"
        )
    required = quorum_required(rules, eligible_members)
    quorum_met = present >= required and present > 0
    approvals_required = math.ceil(rules.vote_threshold * present - _SLACK)
    threshold_met = present > 0 and approvals >= approvals_required
    score_met = final_score is not None and final_score >= pass_score - _SLACK

    score_given = "none" if final_score is None else f"{final_score:.2f}"
    parts = [
        DecisionPart(
            code="quorum",
            required=str(required),
            given=str(present),
            passed=quorum_met,
            message=f"应到{eligible_members}人，需到会{required}人，实到{present}人",
            message_en=(
                f"{present} of {eligible_members} eligible members present, {required} required"
            ),
        ),
        DecisionPart(
            code="vote_threshold",
            required=str(approvals_required),
            given=str(approvals),
            passed=threshold_met,
            message=(
                f"到会{present}人，同意{approvals}票，需至少{approvals_required}票"
                f"（{rules.vote_threshold:.2%}）"
            ),
            message_en=(
                f"{approvals} approvals of {present} present, at least {approvals_required} "
                f"required ({rules.vote_threshold:.2%})"
            ),
        ),
        DecisionPart(
            code="pass_score",
            required=f"{pass_score:g}",
            given=score_given,
            passed=score_met,
            message=(
                "无评分，无法达到合格分数线"
                if final_score is None
                else f"最终得分{final_score:.2f}，合格线{pass_score:g}"
            ),
            message_en=(
                "no scores, the pass score cannot be reached"
                if final_score is None
                else f"final score {final_score:.2f}, pass score {pass_score:g}"
            ),
        ),
    ]
    return Decision(
        approved=quorum_met and threshold_met and score_met,
        quorum_required=required,
        present=present,
        quorum_met=quorum_met,
        approvals_required=approvals_required,
        threshold_met=threshold_met,
        score_met=score_met,
        parts=parts,
    )
