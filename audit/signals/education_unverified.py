"""``rule.education_unverified``: a claimed higher education (junior college or above) that no
registry record of the person reaches."""

from __future__ import annotations

import numpy as np

from audit.dataset import AuditDataset
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import RULE_BANDS, Context, Refs, Signal, applicant, mask, rule_flag
from audit.signals.not_insured import person_codes
from standards.levels import Education, education_name, education_rank

INFO = SignalInfo(
    "rule.education_unverified",
    "学历与学籍学历登记不符",
    "education claim not found in the registry",
    "rule",
    "application",
    "high",
)
REASON = "申报{application}（申报人{applicant}）填报学历{claim}，但{have}"
REASON_EN = "application {application} (applicant {applicant}) claims {claim}, but {have}"


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """Claimed education of at least the settings' minimum that no registry record of the
    person reaches."""
    minimum = context.settings.rules.registry_min_education
    records = context.registries.education if context.registries is not None else []
    if not records:
        return []
    refs = Refs(ds)
    person = person_codes(ds, (r.person_key for r in records))
    rank = np.fromiter((education_rank(r.education) for r in records), dtype=np.int64)
    best = np.zeros(len(ds.person_keys), dtype=np.int64)
    known = person >= 0
    np.maximum.at(best, person[known], rank[known])
    has_person = ds.app_person >= 0
    claimed = ds.app_education
    registered = np.where(has_person, best[np.maximum(ds.app_person, 0)], 0)
    hit = has_person & (claimed >= education_rank(minimum)) & (claimed > registered)
    names = list(Education)
    out: list[Flag] = []
    for a in np.flatnonzero(hit).tolist():
        claim = names[int(claimed[a]) - 1]
        found = int(registered[a])
        have = (
            "无学历登记记录"
            if found == 0
            else f"登记的最高学历为{education_name(names[found - 1])}"
        )
        have_en = (
            "no registry record"
            if found == 0
            else f"the highest registered education is {education_name(names[found - 1], 'en')}"
        )
        approved = bool(ds.app_approved[a])
        out.append(
            rule_flag(
                INFO,
                refs.application(a),
                severity="high" if approved else "low",
                observed=float(claimed[a]),
                expected=float(found),
                n=1,
                statistic="education rank (1 初中 .. 7 博士)",
                statistic_value=float(claimed[a]),
                records=[refs.record(a), f"education:{mask(ds, a)}"],
                reason=REASON.format(
                    application=refs.app_ref(a),
                    applicant=applicant(ds, a),
                    claim=education_name(claim),
                    have=have,
                ),
                reason_en=REASON_EN.format(
                    application=refs.app_ref(a),
                    applicant=applicant(ds, a, "en"),
                    claim=education_name(claim, "en"),
                    have=have_en,
                ),
                details={"claimed": claim.value, "registered_rank": found},
            )
        )
    return out


SIGNAL = Signal(
    INFO,
    "rules.registries",
    RULE_BANDS,
    REASON,
    REASON_EN,
    detect,
    enabled=lambda context: context.registries is not None and bool(context.registries.education),
)
