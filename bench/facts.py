"""Applicant facts that meet a standard's hard requirements (or deliberately miss one), built as
plain dicts in the contract's JSON shape so hundreds of thousands are cheap to emit.

A ``FactsRecipe`` reads a standard's requirements once; ``render`` then fills in one applicant
from a few random numbers. Whatever the recipe builds is checked against the standards library
itself (``eligibility``), so a change there shows up as a failing generator test rather than as
silently mislabelled data.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from standards.document import Standard
from standards.facts import ApplicantFacts
from standards.levels import Education, Track, education_rank, level_rank, levels
from standards.requirements import (
    Appraisals,
    Award,
    Certificates,
    ContinuingEducation,
    FrontlinePost,
    MinEducation,
    Prerequisite,
    YearsAtPreviousLevel,
    YearsInOccupation,
)

if TYPE_CHECKING:
    from standards.eligibility import Verdict

_EDUCATION = list(Education)
# Plausible educations by track, most common first.
_TYPICAL = {
    Track.title: (
        Education.bachelor,
        Education.junior_college,
        Education.master,
        Education.secondary_vocational,
        Education.doctorate,
    ),
    Track.skill: (
        Education.secondary_vocational,
        Education.senior_high,
        Education.junior_college,
        Education.junior_high,
        Education.bachelor,
    ),
}
_TYPICAL_WEIGHTS = (0.45, 0.3, 0.15, 0.07, 0.03)
GENERIC_SERIES = {Track.title: "engineering", Track.skill: "通用工种"}
BREAKS = ("years_short", "education_low", "appraisal_failed", "continuing_education_short")


def is_eligible(facts: dict[str, Any], standard: Standard, *, exceptional: bool = False) -> bool:
    """Whether ``facts`` meet ``standard`` (through the exceptional track when ``exceptional``),
    judged by ``standards.eligibility.evaluate`` when present, else requirement by requirement."""
    model = ApplicantFacts.model_validate(facts)
    evaluate: Callable[[ApplicantFacts, Standard], Verdict] | None = None
    with contextlib.suppress(ImportError):
        from standards.eligibility import evaluate
    if evaluate is not None:
        verdict = evaluate(model, standard)
        return bool(verdict.eligible) and (exceptional or not verdict.via_exceptional)
    failed = {r.code for r in standard.requirements if not r.check(model, standard).passed}
    if not failed:
        return True
    track = standard.exceptional
    if not exceptional or track is None or not failed <= set(track.waives):
        return False
    return all(c.check(model, standard).passed for c in track.conditions)


class FactsRecipe:
    """Builds facts for applicants of one session: ``standard`` reviewed on ``held_on``."""

    def __init__(self, standard: Standard, *, series: str, held_on: date) -> None:
        self.standard = standard
        self.series = series
        self.as_of = held_on
        reqs = list(standard.requirements)
        self.conditions = list(standard.exceptional.conditions) if standard.exceptional else []
        self.waives = set(standard.exceptional.waives) if standard.exceptional else set()
        floor = max(
            (education_rank(r.minimum) for r in reqs if isinstance(r, MinEducation)), default=1
        )
        floor = max(
            [floor] + [education_rank(r.min_education) for r in reqs if isinstance(r, Certificates)]
        )
        typical = [
            (e, w)
            for e, w in zip(_TYPICAL[standard.track], _TYPICAL_WEIGHTS, strict=True)
            if education_rank(e) >= floor and self._routes_open(e, reqs)
        ]
        if not typical:
            typical = [
                (e, 1.0)
                for e in _EDUCATION
                if education_rank(e) >= floor and self._routes_open(e, reqs)
            ]
        total = sum(w for _, w in typical)
        self.educations = [e.value for e, _ in typical]
        self.education_cdf = []
        acc = 0.0
        for _, w in typical:
            acc += w / total
            self.education_cdf.append(acc)
        self.education_floor = floor
        self.requirements = reqs
        self.appraisal_years = max(
            [3] + [r.last_years for r in reqs if isinstance(r, Appraisals | ContinuingEducation)]
        )
        self.hours = max(
            [90.0] + [r.hours_per_year for r in reqs if isinstance(r, ContinuingEducation)]
        )
        year = held_on.year
        self._years = range(year - self.appraisal_years - 2, year)
        self._appraisals = [{"year": y, "passed": True} for y in self._years]
        self._hours: dict[int, dict[str, float]] = {}
        self._as_of = held_on.isoformat()
        self._frontline_required = any(isinstance(r, FrontlinePost) for r in reqs)
        self._plans: dict[tuple[str, bool], tuple[list[tuple[Any, ...]], list[str]]] = {}

    @staticmethod
    def _routes_open(education: Education, reqs: list[Any]) -> bool:
        for r in reqs:
            if isinstance(r, YearsAtPreviousLevel | YearsInOccupation):
                alt = getattr(r, "or_years_in_occupation", None)
                if r.required_years(education) is None and alt is None:
                    return False
        return True

    def _series_for(self, track: Track, series_any_of: list[str] | None) -> str:
        if series_any_of:
            return series_any_of[0]
        return self.series if track == self.standard.track else GENERIC_SERIES[track]

    def education(self, u: float) -> str:
        """The education of an applicant drawn with uniform ``u``."""
        return self.educations[next(i for i, c in enumerate(self.education_cdf) if u <= c + 1e-12)]

    def _plan(self, education: str, exceptional: bool) -> tuple[list[tuple[Any, ...]], list[str]]:
        """What ``render`` does for one education, worked out once: the steps for
        qualifications and years, and the certificates."""
        key = (education, exceptional)
        if key in self._plans:
            return self._plans[key]
        edu = Education(education)
        steps: list[tuple[Any, ...]] = []
        for r in self.requirements + (self.conditions if exceptional else []):
            short = exceptional and r.code in self.waives
            if isinstance(r, YearsAtPreviousLevel):
                needed = r.required_years(edu)
                if needed is None:
                    needed = 0.0
                    steps.append(("alt", r.or_years_in_occupation or 0.0))
                series = self._series_for(r.previous_track, r.series_any_of)
                held = max(0.1, needed - 1.2) if short else None
                steps.append(
                    ("qual", r.previous_track.value, r.previous_level, series, None, needed, held)
                )
                if short and r.or_years_in_occupation is not None:
                    steps.append(("cap", r.or_years_in_occupation))
            elif isinstance(r, YearsInOccupation):
                steps.append(("occ", r.required_years(edu) or 0.0, short))
            elif isinstance(r, Prerequisite) and not short:
                spec = r.specialty_any_of[0] if r.specialty_any_of else None
                steps.append(
                    (
                        "prereq",
                        r.track.value,
                        r.level,
                        self._series_for(r.track, r.series_any_of),
                        spec,
                    )
                )
        certificates: list[str] = []
        for r in self.requirements:
            if isinstance(r, Certificates):
                pool = r.accepted or [f"职业资格证书{i + 1}" for i in range(r.count)]
                certificates += [c for c in pool[: r.count] if c not in certificates]
        self._plans[key] = (steps, certificates)
        return steps, certificates

    def render(
        self,
        education: str,
        u_years: float,
        u_extra: float,
        *,
        exceptional: bool = False,
        award: str | None = None,
        frontline: bool = True,
    ) -> dict[str, Any]:
        """One applicant who meets every requirement (or, with ``exceptional``, misses the waived
        ones but meets the exceptional track's conditions). The two uniforms pick how many years
        beyond the minimum and the continuing-education margin."""
        steps, certificates = self._plan(education, exceptional)
        extra = 0.3 + 5.5 * u_years
        quals: list[dict[str, Any]] = []
        occupation = 1.0 + 3 * u_extra
        for step in steps:
            tag = step[0]
            if tag == "qual":
                _, track, level, series, specialty, needed, short_held = step
                held = needed + extra if short_held is None else short_held
                quals.append(self._qualification(track, level, series, specialty, held))
                if short_held is None:
                    occupation = max(occupation, held + 1 + 2 * u_extra)
            elif tag == "prereq":
                _, track, level, series, specialty = step
                quals.append(self._qualification(track, level, series, specialty, extra + 2))
            elif tag == "alt":
                occupation = max(occupation, step[1] + extra)
            elif tag == "cap":
                occupation = min(occupation, max(0.0, step[1] - 1))
            else:
                _, needed, short = step
                occupation = max(0.0, needed - 1) if short else max(occupation, needed + extra)
        awards: list[str] = []
        if exceptional:
            for c in self.conditions:
                if isinstance(c, Award):
                    awards += [a for a in c.accepted[: c.min_count] if a not in awards]
            if award and award not in awards:
                awards.append(award)
        margin = round(30 * u_extra)
        hours = self._hours.get(margin)
        if hours is None:
            hours = {str(y): float(self.hours + margin) for y in self._years}
            self._hours[margin] = hours
        return {
            "as_of": self._as_of,
            "education": education,
            "qualifications": quals,
            "years_in_occupation": round(occupation * 2) / 2,
            "certificates": list(certificates),
            # Shared between applicants: the documents are written out, never mutated.
            "appraisals": self._appraisals,
            "continuing_education_hours": hours,
            "frontline_post": frontline or self._frontline_required,
            "awards": awards,
        }

    def _qualification(
        self, track: str, level: str, series: str, specialty: str | None, years: float
    ) -> dict[str, Any]:
        obtained = self.as_of - timedelta(days=int(years * 365.25) + 1)
        return {
            "track": track,
            "series": series,
            "specialty": specialty,
            "level": level,
            "obtained_on": obtained.isoformat(),
        }

    def breakable(self) -> list[str]:
        """The ways this standard's requirements can be missed (see ``break_facts``)."""
        out = []
        kinds = {type(r) for r in self.requirements}
        if kinds & {YearsAtPreviousLevel, YearsInOccupation}:
            out.append("years_short")
        if MinEducation in kinds and self.education_floor > 1:
            out.append("education_low")
        if Appraisals in kinds:
            out.append("appraisal_failed")
        if ContinuingEducation in kinds:
            out.append("continuing_education_short")
        if Prerequisite in kinds:
            out.append("prerequisite_missing")
        return out

    def break_facts(self, facts: dict[str, Any], how: str) -> dict[str, Any]:
        """A copy of eligible ``facts`` that misses one hard requirement in the way ``how``."""
        out = {**facts, "qualifications": [dict(q) for q in facts["qualifications"]]}
        year = self.as_of.year
        if how == "years_short":
            edu = Education(out["education"])
            for r in self.requirements:
                if isinstance(r, YearsAtPreviousLevel):
                    needed = r.required_years(edu) or 0.0
                    held = max(0.1, needed - 1.3)
                    obtained = self.as_of - timedelta(days=int(held * 365.25))
                    for q in out["qualifications"]:
                        if q["track"] == r.previous_track.value:
                            q["obtained_on"] = obtained.isoformat()
                    if r.or_years_in_occupation is not None:
                        out["years_in_occupation"] = max(0.0, r.or_years_in_occupation - 1.5)
                    break
                if isinstance(r, YearsInOccupation):
                    needed = r.required_years(edu) or 0.0
                    out["years_in_occupation"] = max(0.0, needed - 1)
                    break
        elif how == "education_low":
            out["education"] = _EDUCATION[self.education_floor - 2].value
        elif how == "appraisal_failed":
            out["appraisals"] = [
                {"year": a["year"], "passed": a["year"] != year - 1} for a in out["appraisals"]
            ]
        elif how == "continuing_education_short":
            hours = dict(out["continuing_education_hours"])
            hours[str(year - 1)] = float(max(0, int(self.hours) - 40))
            out["continuing_education_hours"] = hours
        elif how == "prerequisite_missing":
            # The qualification held is one level short of the prerequisite.
            for r in self.requirements:
                if isinstance(r, Prerequisite) and level_rank(r.track, r.level) > 1:
                    below = levels(r.track)[level_rank(r.track, r.level) - 2]
                    for q in out["qualifications"]:
                        if q["track"] == r.track.value and q["level"] == r.level:
                            q["level"] = below
        else:
            raise ValueError(how)
        return out
