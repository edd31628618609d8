"""The verifiable random panel draw (随机抽取): constraints, reproducibility, reserves."""

from __future__ import annotations

import hashlib
import json
from datetime import date

from standards.document import PanelRules
from standards.draw import (
    DrawCandidate,
    DrawRequest,
    candidate_digest,
    commitment,
    draw_panel,
    replacement,
)
from standards.levels import Track

RULES = PanelRules(min_size=7, min_external_share=0.3)
ON = date(2026, 12, 4)
OWN = "91320600MA1XXXXXX1"


def expert(i: int, **kw) -> DrawCandidate:
    base = {
        "expert_id": str(i),
        "track": Track.title,
        "level": "deputy_senior",
        "external": i % 3 == 0,
        "specialty": "welding",
        "organisation_code": f"ORG{i % 17}",
        "person_key": f"pk{i}",
    }
    base.update(kw)
    return DrawCandidate(**base)


def request(**kw) -> DrawRequest:
    base = {
        "track": Track.title,
        "level": "intermediate",
        "rules": RULES,
        "size": 7,
        "reserves": 2,
        "enterprise_code": OWN,
        "on": ON,
    }
    base.update(kw)
    return DrawRequest(**base)


POOL = [expert(i) for i in range(60)]


def test_same_seed_same_panel_and_different_seed_another():
    a = draw_panel("seed-1", POOL, request())
    b = draw_panel("seed-1", list(reversed(POOL)), request())
    c = draw_panel("seed-2", POOL, request())
    assert a.members == b.members and a.reserves == b.reserves
    assert a.candidate_digest == b.candidate_digest
    assert a.members != c.members
    assert len(a.members) == 7 and len(a.reserves) == 2
    assert not set(a.members) & set(a.reserves)
    assert a.problems == []


def test_changed_candidate_list_changes_the_digest():
    before = draw_panel("s", POOL, request())
    after = draw_panel("s", [*POOL, expert(999)], request())
    assert before.candidate_digest != after.candidate_digest
    assert candidate_digest(POOL) == before.candidate_digest


def test_commitment_is_the_seed_hash_and_does_not_reveal_it():
    c = commitment("a-secret-seed")
    assert len(c) == 64 and "a-secret-seed" not in c
    assert commitment("a-secret-seed") == c != commitment("a-secret-seed.")


def test_external_share_is_met_first():
    for seed in ("x", "y", "z", "w"):
        result = draw_panel(seed, POOL, request())
        externals = sum(1 for m in result.members if int(m) % 3 == 0)
        assert externals >= 3  # ceil(0.3 * 7)


def test_every_exclusion_is_applied_and_named():
    pool = [
        expert(1, status="suspended"),
        expert(2, term_end=date(2026, 6, 30)),
        expert(3, birth_date=date(1950, 1, 1)),
        expert(4, level="assistant"),
        expert(5, specialty="textiles"),
        expert(6, external=True, organisation_code=OWN),
        expert(7, person_key="supervisor-of-applicant"),
        expert(8),
        expert(9, external=True),
    ]
    result = draw_panel(
        "s",
        pool,
        request(
            size=1,
            reserves=0,
            specialty="welding",
            max_age=70,
            excluded_persons={"supervisor-of-applicant": "申报人直接上级"},
            recent_expert_ids=frozenset({"8"}),
            rules=PanelRules(min_size=1, min_external_share=0.0),
        ),
    )
    codes = {e.expert_id: e.code for e in result.excluded}
    assert codes == {
        "1": "draw.not_active",
        "2": "draw.term_ended",
        "3": "draw.over_age",
        "4": "draw.below_level",
        "5": "draw.specialty",
        "6": "draw.own_enterprise",
        "7": "draw.related",
        "8": "draw.recent",
    }
    assert result.members == ["9"] and result.eligible == 1


def test_too_few_candidates_is_a_problem_not_a_short_panel_in_silence():
    result = draw_panel("s", POOL[:5], request())
    assert [p.code for p in result.problems] == ["draw.too_few_candidates"]
    internal_only = [expert(i, external=False) for i in range(20)]
    result = draw_panel("s", internal_only, request())
    assert [p.code for p in result.problems] == ["draw.too_few_external"]


def test_a_declining_external_is_replaced_by_the_first_reserve_keeping_the_share():
    pool = {c.expert_id: c for c in POOL}
    members = ["0", "3", "6", "1", "2", "4", "5"]  # three externals, the minimum
    assert replacement("0", members, ["7", "8", "9"], pool, RULES) == "9"
    assert replacement("1", members, ["7", "8", "9"], pool, RULES) == "7"
    assert replacement("1", members, [], pool, RULES) is None


def test_eleven_from_five_thousand_with_every_exclusion():
    # Speed is bench/draw.py's to report (docs/benchmarks.md), not a timed test.
    pool = [expert(i, specialty="welding" if i % 4 else "textiles") for i in range(5000)]
    req = request(
        size=11,
        specialty="welding",
        max_age=70,
        excluded_persons={f"pk{i}": "近亲属" for i in range(0, 5000, 50)},
        recent_expert_ids=frozenset(str(i) for i in range(0, 5000, 70)),
    )
    result = draw_panel("seed", pool, req)
    assert len(result.members) == 11 and result.problems == []
    assert all(int(m) % 4 for m in result.members)  # every member a welding specialist
    excluded = {e.code for e in result.excluded}
    assert {"draw.specialty", "draw.related", "draw.recent"} <= excluded


def test_an_expert_is_drawn_only_on_a_day_they_declared_available():
    sitting = date(2026, 12, 15)
    away = expert(900, external=True, available=((date(2027, 1, 5), date(2027, 1, 31)),))
    there = expert(901, external=True, available=((date(2026, 12, 10), date(2026, 12, 20)),))
    result = draw_panel("seed-1", [*POOL, away, there], request(size=60, sitting_on=sitting))
    why = {e.expert_id: e for e in result.excluded}
    assert why["900"].code == "draw.unavailable"
    assert "2026-12-15" in why["900"].message_zh and "2027-01-05" in why["900"].message_en
    # Declared windows that hold the sitting day, or none at all: free to be drawn.
    assert "901" not in why and not {str(i) for i in range(60)} & set(why)
    # Without a sitting day the draw's own day counts.
    assert draw_panel("seed-1", [away], request(size=1, reserves=0)).excluded[0].code == (
        "draw.unavailable"
    )


def test_a_draw_recorded_before_availability_existed_still_verifies():
    # The digest of candidates without windows is the one recorded before the field existed.
    old_rows = sorted(
        json.dumps(
            {k: v for k, v in c.model_dump(mode="json").items() if k != "available"},
            sort_keys=True,
        )
        for c in POOL
    )
    assert candidate_digest(POOL) == hashlib.sha256("\n".join(old_rows).encode()).hexdigest()
    windowed = [*POOL[:-1], expert(59, available=((ON, ON),))]
    assert candidate_digest(windowed) != candidate_digest(POOL)
