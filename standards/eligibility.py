"""The eligibility engine: does an applicant meet a standard's hard requirements, and if not,
does the exceptional track (破格) make them eligible? Every requirement is explained."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from standards.document import Standard
from standards.facts import ApplicantFacts
from standards.requirements import RequirementResult


class Verdict(BaseModel):
    """Eligible or not, and why: one result per requirement in the standard's order, and the
    exceptional track's conditions when it was considered."""

    model_config = ConfigDict(frozen=True)

    eligible: bool
    via_exceptional: bool
    results: list[RequirementResult]
    exceptional_results: list[RequirementResult]
    summary: str
    summary_en: str

    @property
    def failed(self) -> list[RequirementResult]:
        """The requirements not met (on the regular track)."""
        return [r for r in self.results if not r.passed]


def evaluate(facts: ApplicantFacts, standard: Standard) -> Verdict:
    """Judge ``facts`` against ``standard``. Deterministic; eligibility is a function of the
    set of failed requirements, so it does not depend on their order."""
    results = [req.check(facts, standard) for req in standard.requirements]
    failed = sorted(r.code for r in results if not r.passed)
    if not failed:
        return Verdict(
            eligible=True,
            via_exceptional=False,
            results=results,
            exceptional_results=[],
            summary=f"符合全部{len(results)}项申报条件，可申报{standard.name}",
            summary_en=f"meets all {len(results)} requirements; may apply for {standard.name_en}",
        )
    failed_zh = "、".join(failed)
    exceptional = standard.exceptional
    if exceptional is None:
        return Verdict(
            eligible=False,
            via_exceptional=False,
            results=results,
            exceptional_results=[],
            summary=f"不符合申报条件：{failed_zh}；本标准未设破格条件",
            summary_en=f"not eligible: {', '.join(failed)} not met; this standard has no "
            "exceptional track",
        )
    exceptional_results = [c.check(facts, standard) for c in exceptional.conditions]
    conditions_unmet = sorted(r.code for r in exceptional_results if not r.passed)
    not_waivable = sorted(set(failed) - set(exceptional.waives))
    if not conditions_unmet and not not_waivable:
        share_zh = share_en = ""
        if exceptional.max_share is not None:
            share_zh = f"；破格申报人数不得超过本批次的{exceptional.max_share:.0%}"
            share_en = (
                f"; exceptional applications may not exceed {exceptional.max_share:.0%} "
                "of the session"
            )
        just_zh = "，须提交破格理由" if exceptional.justification_required else ""
        just_en = ", with a written justification" if exceptional.justification_required else ""
        return Verdict(
            eligible=True,
            via_exceptional=True,
            results=results,
            exceptional_results=exceptional_results,
            summary=(
                f"未满足{failed_zh}，但符合全部破格条件，且上述条件可破格免除，"
                f"可按破格途径申报{just_zh}{share_zh}"
            ),
            summary_en=(
                f"{', '.join(failed)} not met, but every exceptional-track condition is met and "
                f"those requirements may be waived: eligible via the exceptional track"
                f"{just_en}{share_en}"
            ),
        )
    why_zh, why_en = [], []
    if not_waivable:
        why_zh.append(f"{'、'.join(not_waivable)}不可破格免除")
        why_en.append(f"{', '.join(not_waivable)} cannot be waived")
    if conditions_unmet:
        why_zh.append(f"破格条件{'、'.join(conditions_unmet)}未满足")
        why_en.append(f"exceptional conditions {', '.join(conditions_unmet)} not met")
    return Verdict(
        eligible=False,
        via_exceptional=False,
        results=results,
        exceptional_results=exceptional_results,
        summary=f"不符合申报条件：{failed_zh}；破格途径不适用（{'；'.join(why_zh)}）",
        summary_en=(
            f"not eligible: {', '.join(failed)} not met; the exceptional track does not apply "
            f"({'; '.join(why_en)})"
        ),
    )
