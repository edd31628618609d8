"""``rule.approved_ineligible``: approved although the hard requirements are unmet and the
exceptional track does not apply (``standards.eligibility.evaluate``; approved applications
only, verdicts cached by standard and facts)."""

from __future__ import annotations

from audit.dataset import AuditDataset
from audit.eligibility import ineligible_approvals
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import RULE_BANDS, Context, Refs, Signal, applicant, rule_flag

INFO = SignalInfo(
    "rule.approved_ineligible",
    "不符合申报条件却通过",
    "approved although ineligible",
    "rule",
    "application",
    "high",
)
REASON = "申报{application}（申报人{applicant}）已通过，但{summary}"
REASON_EN = "application {application} (applicant {applicant}) was approved, but {summary}"


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """Approved applications whose facts do not meet the standard (nor its exceptional track)."""
    refs = Refs(ds)
    out: list[Flag] = []
    workers = context.settings.workers
    for a, verdict in ineligible_approvals(ds, context.cache, workers=workers):
        failed = verdict.failed
        out.append(
            rule_flag(
                INFO,
                refs.application(a),
                observed=float(len(failed)),
                expected=0.0,
                n=len(verdict.results),
                statistic="unmet requirements",
                statistic_value=float(len(failed)),
                records=[refs.record(a), *(f"requirement:{r.code}" for r in failed)],
                reason=REASON.format(
                    application=refs.app_ref(a), applicant=applicant(ds, a), summary=verdict.summary
                ),
                reason_en=REASON_EN.format(
                    application=refs.app_ref(a),
                    applicant=applicant(ds, a, "en"),
                    summary=verdict.summary_en,
                ),
                details={
                    "failed": [
                        {
                            "code": r.code,
                            "rule": r.rule,
                            "rule_en": r.rule_en,
                            "required": r.required,
                            "given": r.given,
                            "message": r.message,
                            "message_en": r.message_en,
                        }
                        for r in failed
                    ],
                    "exceptional_claimed": bool(ds.app_exceptional[a]),
                    "exceptional_unmet": [
                        r.code for r in verdict.exceptional_results if not r.passed
                    ],
                },
            )
        )
    return out


SIGNAL = Signal(INFO, "rules.eligibility", RULE_BANDS, REASON, REASON_EN, detect)
