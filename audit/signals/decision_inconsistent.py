"""``rule.decision_inconsistent``: the decision is not what quorum, vote threshold and pass
score give (``standards.decision.decide``, vectorised over all applications with the same
arithmetic; ``decide`` itself explains each flagged one).

A rejection whose scores and votes pass is still consistent when the applicant fails a hard
requirement of the standard (``standards.eligibility.evaluate``, the exceptional track
included): the panel may not approve an ineligible applicant, whatever the scores."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from audit.dataset import AuditDataset, BoolArray, IntArray
from audit.eligibility import verdicts
from audit.features import Features
from audit.flags import Flag, Severity, SignalInfo
from audit.signals.base import RULE_BANDS, Context, Refs, Signal, applicant, rule_flag
from standards.decision import decide

INFO = SignalInfo(
    "rule.decision_inconsistent",
    "评审结果与得分或表决不一致",
    "decision inconsistent with scores or votes",
    "rule",
    "application",
    "high",
)
REASON = "申报{application}（申报人{applicant}）被评为通过，但{failed}"
REASON_EN = "application {application} (applicant {applicant}) was approved, but {failed}"
REASON_REJECTED = (
    "申报{application}（申报人{applicant}）被评为不通过，但其得分与表决均满足通过条件（{parts}）"
)
REASON_REJECTED_EN = (
    "application {application} (applicant {applicant}) was rejected although its scores and votes meet every "
    "condition ({parts})"
)

# decide() gives shares such as 2/3 this much slack; the vectorised version must agree.
_SLACK = 1e-9
# Bodies report final scores to two decimals: approving a mean of 59.996 shown as 60.00
# against a pass score of 60 is that rounding, not an inconsistent decision.
_ROUNDING = 0.005


@dataclass(frozen=True)
class DecisionArrays:
    """``standards.decision.decide`` over all applications at once (same arithmetic)."""

    quorum_required: IntArray
    present: IntArray
    quorum_met: BoolArray
    approvals_required: IntArray
    threshold_met: BoolArray
    score_met: BoolArray
    approved: BoolArray


def decisions(ds: AuditDataset, features: Features) -> DecisionArrays:
    """What each application's decision should be, from its votes and recomputed final score."""
    apps = features.applications
    std = ds.session_standard[ds.app_session]
    quorum_share = np.array([s.panel.quorum_share for s in ds.standards])[std]
    threshold = np.array([s.panel.vote_threshold for s in ds.standards])[std]
    present = apps.approvals + apps.rejections + apps.abstentions
    quorum_required = np.ceil(quorum_share * apps.eligible_members - _SLACK).astype(np.int64)
    quorum_met = (present >= quorum_required) & (present > 0)
    approvals_required = np.ceil(threshold * present - _SLACK).astype(np.int64)
    threshold_met = (present > 0) & (apps.approvals >= approvals_required)
    with np.errstate(invalid="ignore"):
        score_met = np.isfinite(apps.final_score) & (apps.final_score >= apps.pass_score - _SLACK)
    return DecisionArrays(
        quorum_required=quorum_required,
        present=present,
        quorum_met=quorum_met,
        approvals_required=approvals_required,
        threshold_met=threshold_met,
        score_met=score_met,
        approved=quorum_met & threshold_met & score_met,
    )


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """Applications decided otherwise than their own votes and scores give."""
    computed = decisions(ds, features)
    refs = Refs(ds)
    apps = features.applications
    with np.errstate(invalid="ignore"):
        rounded_up = (
            ds.app_approved
            & computed.quorum_met
            & computed.threshold_met
            & (apps.final_score >= apps.pass_score - _ROUNDING)
        )
    differ = np.flatnonzero((computed.approved != ds.app_approved) & ~rounded_up).tolist()
    # Rejected although scores and votes pass: consistent when a hard requirement fails.
    rejected = [a for a in differ if not ds.app_approved[a]]
    ineligible = {a for a, v in verdicts(ds, rejected, context.cache) if not v.eligible}
    out: list[Flag] = []
    for a in differ:
        if a in ineligible:
            continue
        standard = ds.standards[int(ds.session_standard[ds.app_session[a]])]
        final = float(apps.final_score[a])
        decision = decide(
            rules=standard.panel,
            pass_score=standard.pass_score,
            eligible_members=max(int(apps.eligible_members[a]), int(computed.present[a])),
            approvals=int(apps.approvals[a]),
            rejections=int(apps.rejections[a]),
            abstentions=int(apps.abstentions[a]),
            final_score=None if math.isnan(final) else final,
        )
        failed = [p for p in decision.parts if not p.passed]
        approved = bool(ds.app_approved[a])
        observed: float | None
        expected: float | None
        if approved and failed:
            part = failed[0]
            observed = _number_or_none(part.given)
            expected = _number_or_none(part.required)
            reason = REASON.format(
                application=refs.app_ref(a),
                applicant=applicant(ds, a),
                failed="；".join(p.message for p in failed),
            )
            reason_en = REASON_EN.format(
                application=refs.app_ref(a),
                applicant=applicant(ds, a, "en"),
                failed="; ".join(p.message_en for p in failed),
            )
            severity: Severity = "high"
        else:
            observed, expected = final, standard.pass_score
            reason = REASON_REJECTED.format(
                application=refs.app_ref(a),
                applicant=applicant(ds, a),
                parts="；".join(p.message for p in decision.parts),
            )
            reason_en = REASON_REJECTED_EN.format(
                application=refs.app_ref(a),
                applicant=applicant(ds, a, "en"),
                parts="; ".join(p.message_en for p in decision.parts),
            )
            severity = "medium"
        out.append(
            rule_flag(
                INFO,
                refs.application(a),
                severity=severity,
                observed=observed,
                expected=expected,
                n=int(computed.present[a]),
                statistic="decision parts failed",
                statistic_value=float(len(failed)),
                records=[refs.record(a)],
                reason=reason,
                reason_en=reason_en,
                details={
                    "filed_approved": approved,
                    "computed_approved": decision.approved,
                    "parts": [p.model_dump() for p in decision.parts],
                },
            )
        )
    return out


def _number_or_none(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


SIGNAL = Signal(INFO, "rules.decision", RULE_BANDS, REASON, REASON_EN, detect)
