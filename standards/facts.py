"""What an applicant brings: education, qualifications held, years, certificates, appraisals,
continuing education. Plain facts as of one date; the requirements judge them."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator

from standards.levels import Education, Track, UnknownLevel, is_level, level_rank

DAYS_PER_YEAR = 365.25


def years_between(start: date, end: date) -> float:
    """Fractional years from ``start`` to ``end`` (365.25-day years), never negative."""
    return max(0.0, (end - start).days / DAYS_PER_YEAR)


class Qualification(BaseModel):
    """A title or skill level held, in a series (title) or trade (skill)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    track: Track
    series: str
    specialty: str | None = None
    level: str
    obtained_on: date

    @model_validator(mode="after")
    def _level_exists(self) -> Qualification:
        if not is_level(self.track, self.level):
            raise UnknownLevel(self.track, self.level)
        return self


class Appraisal(BaseModel):
    """An annual appraisal (年度考核) result."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: int
    passed: bool


class ApplicantFacts(BaseModel):
    """Everything the hard requirements look at, as of ``as_of``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    as_of: date
    education: Education
    qualifications: list[Qualification] = Field(default_factory=list)
    years_in_occupation: float = Field(default=0, ge=0)
    certificates: list[str] = Field(default_factory=list)
    appraisals: list[Appraisal] = Field(default_factory=list)
    continuing_education_hours: dict[int, float] = Field(default_factory=dict)
    frontline_post: bool = False
    awards: list[str] = Field(default_factory=list)

    def held(self) -> list[Qualification]:
        """Qualifications obtained on or before ``as_of`` (a future date is not yet held)."""
        return [q for q in self.qualifications if q.obtained_on <= self.as_of]

    def years_at(self, qualification: Qualification) -> float:
        """Years ``qualification`` has been held as of ``as_of``."""
        return years_between(qualification.obtained_on, self.as_of)

    def holdings_at_or_above(
        self,
        track: Track,
        level: str,
        series_any_of: Collection[str] | None = None,
        specialty_any_of: Collection[str] | None = None,
    ) -> list[Qualification]:
        """Held qualifications on ``track`` at ``level`` or higher, optionally limited to some
        series/trades and specialties (None means any)."""
        floor = level_rank(track, level)
        return [
            q
            for q in self.held()
            if q.track == track
            and level_rank(q.track, q.level) >= floor
            and (series_any_of is None or q.series in series_any_of)
            and (specialty_any_of is None or q.specialty in specialty_any_of)
        ]

    def years_at_or_above(
        self, track: Track, level: str, series_any_of: Collection[str] | None = None
    ) -> float | None:
        """Years since the applicant first held ``level`` or higher (holding a higher level
        implies the lower one was held at least as long); None if never held."""
        holdings = self.holdings_at_or_above(track, level, series_any_of)
        if not holdings:
            return None
        return max(self.years_at(q) for q in holdings)

    def appraisal_passed(self, year: int) -> bool | None:
        """The result for ``year``: True, False, or None when no appraisal is recorded."""
        results = [a.passed for a in self.appraisals if a.year == year]
        if not results:
            return None
        # Two records for one year: a failure is not erased by a duplicate pass.
        return all(results)
