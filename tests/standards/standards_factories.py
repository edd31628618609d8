"""Factories for standard documents and applicant facts used across tests/standards."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from standards.document import Standard, parse_standard
from standards.facts import ApplicantFacts, Appraisal, Qualification
from standards.levels import Education, Track

AS_OF = date(2025, 6, 1)


def engineer_data(**overrides: Any) -> dict[str, Any]:
    """A valid 工程师 (engineering, intermediate) standard document as plain data."""
    data: dict[str, Any] = {
        "track": "title",
        "series": "engineering",
        "level": "intermediate",
        "name": "工程师评价标准",
        "name_en": "Engineer standard",
        "requirements": [
            {"code": "education", "kind": "min_education", "minimum": "junior_college"},
            {
                "code": "years",
                "kind": "years_at_previous_level",
                "previous_track": "title",
                "previous_level": "assistant",
                "years": 4,
                "by_education": {"master": 2},
            },
        ],
        "criteria": [
            {
                "code": "ethics",
                "name": "职业道德",
                "name_en": "Ethics",
                "weight": 0.2,
                "maximum": 10,
            },
            {
                "code": "ability",
                "name": "专业能力",
                "name_en": "Ability",
                "weight": 0.3,
                "maximum": 30,
            },
            {
                "code": "results",
                "name": "工作业绩",
                "name_en": "Results",
                "weight": 0.5,
                "maximum": 60,
            },
        ],
        "pass_score": 60,
        "panel": {"min_size": 7, "min_external_share": 0.1},
        "notice_working_days": 5,
    }
    data.update(copy.deepcopy(overrides))
    return data


def engineer(**overrides: Any) -> Standard:
    """The 工程师 standard above, parsed."""
    return parse_standard(engineer_data(**overrides))


def assistant_engineer(obtained_on: date, series: str = "engineering") -> Qualification:
    """A 助理工程师 title obtained on ``obtained_on``."""
    return Qualification(
        track=Track.title, series=series, level="assistant", obtained_on=obtained_on
    )


def applicant(**overrides: Any) -> ApplicantFacts:
    """A 本科 applicant who has been 助理工程师 since 2020-01-01, appraisals passed."""
    values: dict[str, Any] = {
        "as_of": AS_OF,
        "education": Education.bachelor,
        "qualifications": [assistant_engineer(date(2020, 1, 1))],
        "years_in_occupation": 6,
        "appraisals": [Appraisal(year=y, passed=True) for y in (2022, 2023, 2024)],
        "continuing_education_hours": {2022: 90, 2023: 96, 2024: 100},
    }
    values.update(overrides)
    return ApplicantFacts(**values)
