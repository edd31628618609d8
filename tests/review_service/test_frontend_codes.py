"""The web app's pick lists (frontend/src/api/codes.ts) offer exactly the codes the API takes,
in ladder order; a level, trade or cluster added on one side only fails here."""

from __future__ import annotations

import re

import pytest

from review_service.config import PROJECT_ROOT
from review_service.enterprises.schemas import INDUSTRY_CLUSTERS
from review_service.reviews.schemas import ConflictKind, SessionStatus
from review_service.supervision.schemas import MeasureKind
from standards.catalogue import load_catalogue
from standards.levels import Education, Track, levels

CODES = (PROJECT_ROOT / "frontend" / "src" / "api" / "codes.ts").read_text("utf-8")


def _list(name: str) -> list[str]:
    match = re.search(rf"export const {name} = \[(.*?)\] as const", CODES, re.S)
    assert match, f"{name} is missing from codes.ts"
    return re.findall(r"'([a-z0-9_]+)'", match.group(1))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("TITLE_LEVELS", levels(Track.title)),
        ("SKILL_LEVELS", levels(Track.skill)),
        ("EDUCATION", [e.value for e in Education]),
        ("TITLE_SERIES", load_catalogue().codes(Track.title)),
        ("SKILL_TRADES", load_catalogue().codes(Track.skill)),
        ("CLUSTERS", list(INDUSTRY_CLUSTERS)),
        ("MEASURE_KINDS", [m.value for m in MeasureKind]),
        ("CONFLICT_KINDS", [c.value for c in ConflictKind]),
        ("SESSION_STATUSES", [s.value for s in SessionStatus]),
    ],
)
def test_pick_lists_match_the_api(name: str, expected: list[str]) -> None:
    assert _list(name) == expected
